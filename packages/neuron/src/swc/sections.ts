import type { SwcPoint } from './readSwc.js';

/** An unbranched run of points, like a NEURON section. */
export interface SwcSection {
  /** 0 is the soma; dendritic sections are numbered 1, 2, … in the file order of their first point. */
  id: number;
  /** Point indices (file order positions), from the end nearer the soma outwards. */
  points: number[];
  /** Section the first point hangs from (0 for the soma), −1 for the soma itself and for orphan roots. */
  parentSection: number;
  label: string;
}

/**
 * Sections of an SWC tree, so that a synapse can be placed by (section id, point index) as ISF does:
 * - section 0 is the soma: all soma points, in file order;
 * - every other section is a maximal unbranched run of non-soma points. A run starts at a point whose
 *   parent is a soma point, a branch point (≥ 2 children), a point of another label, or no point (a root
 *   that is not soma), and follows single children until a branch point, a leaf, or a change of label.
 *   A branch point is the last point of its section; its children start new ones.
 * - dendritic sections are numbered in the file order of their first point; points within a section are
 *   numbered from 0 at its start.
 * ISF's section IDs come from NEURON's import of the cell's .hoc file and need not match: on the genuine
 * fixture (86_C2_center.swc) sections 1–5 coincide with ISF's, later ones are shifted because ISF's soma
 * spans points that the untyped SWC file does not mark as soma.
 */
export function deriveSections(
  points: SwcPoint[],
  parent: Int32Array,
  childCount: Int32Array,
  isSoma: Uint8Array,
  label: string[],
): { sections: SwcSection[]; sectionOf: Int32Array; indexInSection: Int32Array } {
  const n = points.length;
  const onlyChild = new Int32Array(n).fill(-1);
  for (let i = 0; i < n; i++) if (parent[i] >= 0 && childCount[parent[i]] === 1) onlyChild[parent[i]] = i;
  const sectionOf = new Int32Array(n).fill(-1);
  const indexInSection = new Int32Array(n).fill(-1);
  const soma: SwcSection = { id: 0, points: [], parentSection: -1, label: 'Soma' };
  for (let i = 0; i < n; i++) {
    if (!isSoma[i]) continue;
    sectionOf[i] = 0;
    indexInSection[i] = soma.points.length;
    soma.points.push(i);
  }
  const sections: SwcSection[] = [soma];
  const startsSection = (i: number): boolean => {
    const p = parent[i];
    return p < 0 || isSoma[p] === 1 || childCount[p] >= 2 || label[p] !== label[i];
  };
  for (let i = 0; i < n; i++) {
    if (isSoma[i] || !startsSection(i)) continue;
    const section: SwcSection = { id: sections.length, points: [], parentSection: -1, label: label[i] };
    let j = i;
    for (;;) {
      sectionOf[j] = section.id;
      indexInSection[j] = section.points.length;
      section.points.push(j);
      const next = onlyChild[j];
      if (next < 0 || isSoma[next] || label[next] !== label[j]) break;
      j = next;
    }
    sections.push(section);
  }
  for (const s of sections) {
    if (s.id === 0) continue;
    const p = parent[s.points[0]];
    s.parentSection = p < 0 ? -1 : sectionOf[p];
  }
  return { sections, sectionOf, indexInSection };
}
