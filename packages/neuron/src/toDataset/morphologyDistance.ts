import type { IsfSynapseActivation } from '../isf/synapseActivationFile.js';
import type { Morphology } from '../swc/morphology.js';
import { inputError } from '../text/inputError.js';

/** Default largest disagreement (µm) between a synapse file's soma distance and the morphology's. */
export const DEFAULT_MORPHOLOGY_TOLERANCE_UM = 1;

const NUMBERING =
  'occam numbers sections as documented for readSwc (0 = soma, then unbranched runs in file order) and their points as ' +
  "NEURON's SWC import does; ISF numbers them by NEURON's import of the cell's .hoc file, which can differ. " +
  "Leave out --morphology to use the file's own soma distances";

/**
 * The soma distance of a synapse measured on an SWC morphology: the path distance of point `section pt ID`
 * of section `section ID`. The synapse file's own distance is a check: a disagreement larger than
 * `toleranceUm` means the file's section numbering is not the SWC's, and is an error naming the synapse
 * file and line and the SWC file and line, rather than a silently wrong distance.
 */
export function morphologySomaDistance(m: Morphology, row: IsfSynapseActivation, file: string, toleranceUm: number): number {
  const at = `section ${row.sectionId}, point ${row.sectionPtId}`;
  if (row.sectionId >= m.sections.length) {
    throw inputError(file, row.line, `${at}: the morphology ${m.file} has no section ${row.sectionId} (sections 0 … ${m.sections.length - 1}). ${NUMBERING}`);
  }
  const points = sectionPoints3d(m, row.sectionId);
  if (row.sectionPtId >= points.length) {
    const firstLine = m.points[m.sections[row.sectionId].points[0]].line;
    throw inputError(
      file,
      row.line,
      `${at}: section ${row.sectionId} of the morphology (${m.file}:${firstLine}) has ${points.length} point${points.length === 1 ? '' : 's'} (0 … ${points.length - 1}). ${NUMBERING}`,
    );
  }
  const point = points[row.sectionPtId];
  const distance = m.distance[point];
  if (Math.abs(distance - row.somaDistance) > toleranceUm) {
    throw inputError(
      file,
      row.line,
      `${at}: the file gives soma distance ${row.somaDistance} µm, the morphology ${distance.toFixed(3)} µm at that point ` +
        `(${m.file}:${m.points[point].line}, point id ${m.points[point].id}); they differ by more than ${toleranceUm} µm (--morphology-tolerance). ${NUMBERING}`,
    );
  }
  return distance;
}

/**
 * A section's points as NEURON numbers them (`section pt ID`). NEURON's SWC import starts a section that
 * branches off a dendrite with a copy of the branch point, unless the file already repeats that point (as
 * SWC files converted from .hoc do, e.g. the genuine fixture); sections on the soma start at their own
 * first point. So pt 0 is the parent point where NEURON adds it, and pt k is the section's point k − 1.
 */
function sectionPoints3d(m: Morphology, sectionId: number): number[] {
  const own = m.sections[sectionId].points;
  if (sectionId === 0) return own;
  const first = own[0];
  const p = m.parent[first];
  if (p < 0 || m.isSoma[p]) return own;
  const a = m.points[first];
  const b = m.points[p];
  return a.x === b.x && a.y === b.y && a.z === b.z ? own : [p, ...own];
}
