import { inputError } from '../text/inputError.js';
import type { SwcPoint } from './readSwc.js';
import { deriveSections, type SwcSection } from './sections.js';
import { somaDistances } from './somaDistance.js';
import { swcTypeLabel } from './swcTypeLabel.js';

export interface MorphologyOptions {
  /**
   * Count the step from a soma point to the first point of a dendrite attached to it (default false).
   * ISF (through NEURON's import) measures a dendrite from its own first point, so its `soma distance` starts
   * at 0 there; leaving the hop out reproduces ISF's distances.
   */
  countSomaHop?: boolean;
}

/**
 * How the soma was found: `type` — the points of SWC type 1; `roots` — the file marks no structure (every
 * point has the same type, e.g. all type 1), so each tree's root stands for the soma; `type+roots` — typed,
 * but some trees hold no type-1 point and are measured from their own root.
 */
export type SomaSource = 'type' | 'roots' | 'type+roots';

/** A neuron morphology read from SWC, with its soma, distances and sections. Arrays are indexed by point (file order). */
export interface Morphology {
  file: string;
  points: SwcPoint[];
  /** Index of each point's parent, −1 for roots. */
  parent: Int32Array;
  /** Number of children of each point. */
  childCount: Int32Array;
  /** 1 where the point belongs to the soma. */
  isSoma: Uint8Array;
  somaSource: SomaSource;
  /** Path length (µm) along the tree to the nearest soma point. */
  distance: Float64Array;
  /** ISF-style label per point: Soma, Dendrite (basal), ApicalDendrite, Axon, Undefined, Custom<n>. */
  label: string[];
  /** sections[0] is the soma; then unbranched runs in the file order of their first point. */
  sections: SwcSection[];
  /** Section of each point and its index within the section. */
  sectionOf: Int32Array;
  indexInSection: Int32Array;
}

/**
 * Link points into trees and derive the soma, distances and sections.
 * - Soma: the type-1 points; in a file without structure types (every point the same type) each tree's
 *   root instead; a tree with no type-1 point in a typed file is measured from its root.
 * - Distance: path length along the tree to the nearest soma point (see {@link MorphologyOptions}).
 * - Sections: see {@link deriveSections}.
 */
export function buildMorphology(points: SwcPoint[], file: string, options: MorphologyOptions = {}): Morphology {
  const n = points.length;
  const indexOfId = new Map<number, number>();
  points.forEach((p, i) => {
    const first = indexOfId.get(p.id);
    if (first !== undefined) throw inputError(file, p.line, `point id ${p.id} appears twice (first at line ${points[first].line})`);
    indexOfId.set(p.id, i);
  });
  const parent = new Int32Array(n);
  const childCount = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const p = points[i];
    if (p.parentId === -1) {
      parent[i] = -1;
      continue;
    }
    const j = indexOfId.get(p.parentId);
    if (j === undefined) throw inputError(file, p.line, `parent ${p.parentId} of point ${p.id} is not in the file`);
    parent[i] = j;
    childCount[j]++;
  }
  const order = topologicalOrder(parent, childCount);
  if (order.length < n) {
    const seen = new Uint8Array(n);
    for (const i of order) seen[i] = 1;
    const stuck = points.findIndex((_, i) => !seen[i]);
    throw inputError(file, points[stuck].line, `point ${points[stuck].id} lies on a cycle of parents; an SWC file must be a forest of trees`);
  }

  // Soma: type-1 points, or each tree's root when the file carries no structure types.
  const untyped = points.every((p) => p.type === points[0].type);
  const root = new Int32Array(n);
  for (const i of order) root[i] = parent[i] < 0 ? i : root[parent[i]];
  const isSoma = new Uint8Array(n);
  let somaSource: SomaSource = untyped ? 'roots' : 'type';
  if (untyped) {
    for (let i = 0; i < n; i++) if (parent[i] < 0) isSoma[i] = 1;
  } else {
    const treeHasSoma = new Uint8Array(n);
    for (let i = 0; i < n; i++) {
      if (points[i].type === 1) {
        isSoma[i] = 1;
        treeHasSoma[root[i]] = 1;
      }
    }
    for (let i = 0; i < n; i++) {
      if (parent[i] < 0 && !treeHasSoma[i]) {
        isSoma[i] = 1;
        somaSource = 'type+roots';
      }
    }
  }
  // In an untyped file whose points are all type 1, only the roots are soma; the rest is of unknown kind.
  const label = points.map((p, i) => (isSoma[i] ? 'Soma' : untyped && p.type === 1 ? 'Undefined' : swcTypeLabel(p.type)));
  const distance = somaDistances(points, parent, order, isSoma, options.countSomaHop ?? false);
  const { sections, sectionOf, indexInSection } = deriveSections(points, parent, childCount, isSoma, label);
  return { file, points, parent, childCount, isSoma, somaSource, distance, label, sections, sectionOf, indexInSection };
}

/** Points ordered so that every parent comes before its children (breadth-first from the roots). */
function topologicalOrder(parent: Int32Array, childCount: Int32Array): number[] {
  const n = parent.length;
  const start = new Int32Array(n + 1);
  for (let i = 0; i < n; i++) start[i + 1] = start[i] + childCount[i];
  const fill = start.slice(0, n);
  const kids = new Int32Array(start[n]);
  for (let i = 0; i < n; i++) if (parent[i] >= 0) kids[fill[parent[i]]++] = i;
  const order: number[] = [];
  for (let i = 0; i < n; i++) if (parent[i] < 0) order.push(i);
  for (let k = 0; k < order.length; k++) {
    const i = order[k];
    for (let c = start[i]; c < start[i + 1]; c++) order.push(kids[c]);
  }
  return order;
}
