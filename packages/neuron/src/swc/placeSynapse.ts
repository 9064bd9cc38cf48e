import { OccamError } from '@occam/core';
import type { Morphology } from './morphology.js';

/** Where a synapse sits on a morphology. */
export interface SynapsePlacement {
  /** Index of the point in the file order. */
  point: number;
  /** The point's SWC id. */
  pointId: number;
  sectionId: number;
  /** Index of the point within its section. */
  sectionPointIndex: number;
  /** Path length to the soma in µm. */
  somaDistanceUm: number;
  label: string;
  x: number;
  y: number;
  z: number;
}

/** Place a synapse at point `pointIndex` of section `sectionId` (sections as in {@link deriveSections}). */
export function placeSynapseOnSection(morphology: Morphology, sectionId: number, pointIndex: number): SynapsePlacement {
  const { sections } = morphology;
  if (!Number.isInteger(sectionId) || sectionId < 0 || sectionId >= sections.length) {
    throw new OccamError(`${morphology.file}: no section ${sectionId}; the morphology has sections 0 … ${sections.length - 1}`, { file: morphology.file });
  }
  const section = sections[sectionId];
  if (!Number.isInteger(pointIndex) || pointIndex < 0 || pointIndex >= section.points.length) {
    throw new OccamError(
      `${morphology.file}: section ${sectionId} has ${section.points.length} points (0 … ${section.points.length - 1}); no point ${pointIndex}`,
      { file: morphology.file },
    );
  }
  return placement(morphology, section.points[pointIndex]);
}

/**
 * Place a synapse at the point nearest to (x, y, z) in the morphology's coordinates (µm); `offsetUm` is the
 * straight-line distance from the given position to that point.
 */
export function placeSynapseNearest(morphology: Morphology, at: { x: number; y: number; z: number }): SynapsePlacement & { offsetUm: number } {
  if (![at.x, at.y, at.z].every(Number.isFinite)) throw new OccamError(`placeSynapseNearest: position (${at.x}, ${at.y}, ${at.z}) is not finite`);
  let best = -1;
  let bestD2 = Number.POSITIVE_INFINITY;
  morphology.points.forEach((p, i) => {
    const d2 = (p.x - at.x) ** 2 + (p.y - at.y) ** 2 + (p.z - at.z) ** 2;
    if (d2 < bestD2) {
      bestD2 = d2;
      best = i;
    }
  });
  return { ...placement(morphology, best), offsetUm: Math.sqrt(bestD2) };
}

function placement(m: Morphology, i: number): SynapsePlacement {
  const p = m.points[i];
  return {
    point: i,
    pointId: p.id,
    sectionId: m.sectionOf[i],
    sectionPointIndex: m.indexInSection[i],
    somaDistanceUm: m.distance[i],
    label: m.label[i],
    x: p.x,
    y: p.y,
    z: p.z,
  };
}
