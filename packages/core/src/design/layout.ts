import type { Atom } from '../dataset/schema.js';
import { OccamError } from '../errors.js';
import { basisMatrix, evaluateBasis, lagGrid, type EvaluatedBasis } from '../bases/evaluateBasis.js';
import type { Spec } from '../spec/schema.js';

export interface Group {
  /** Human-readable, stable: "type=excitatory", "layer∈[0,2)", or "all". */
  label: string;
  atoms: number[];
}

/**
 * The counts that fix the column order: G groups, K spatial functions, J temporal functions, H history
 * functions. A fitted model's `layout` block and fitSeparable's shape carry them too.
 */
export interface ColumnShape {
  G: number;
  K: number;
  J: number;
  H: number;
}

/**
 * Where every design column comes from. Input columns are ordered group → spatial function k →
 * temporal function j (inputColumn); history columns follow (historyColumn). The intercept is separate:
 * in a coefficient vector it sits at 0 and design column c at coefficientIndex(c) = c + 1.
 */
export interface DesignLayout extends ColumnShape {
  groups: Group[];
  /** Attribute whose ordered values the spatial filter runs over, or null (one weight per group). */
  spatialAttribute: string | null;
  /** Distinct values of the spatial attribute among the atoms (sorted): where spatial filters are sampled. */
  spatialValues: Float64Array;
  /** Spatial basis at each atom (K values per atom; NaN-free; zeros for excluded atoms). */
  atomSpatialWeights: Float64Array[];
  /** Spatial basis sampled at spatialValues (K rows). */
  spatial: EvaluatedBasis;
  temporal: EvaluatedBasis;
  history: EvaluatedBasis | null;
  minLag: number;
  K: number;
  J: number;
  H: number;
  /** Number of non-intercept columns: G·K·J + H. */
  p: number;
}

function groupLabel(spec: Spec, atom: Atom, file: string): string | null {
  if (spec.groupBy.length === 0) return 'all';
  const parts: string[] = [];
  for (const g of spec.groupBy) {
    if (typeof g === 'string') {
      const v = atom.attributes[g];
      if (v === undefined) throw new OccamError(`${file}: atom '${atom.id}' has no attribute '${g}' named in spec.groupBy`, { field: 'groupBy' });
      parts.push(`${g}=${v}`);
    } else {
      const v = atom.attributes[g.attribute];
      if (typeof v !== 'number') {
        throw new OccamError(`${file}: atom '${atom.id}' needs a numeric attribute '${g.attribute}' for binned grouping`, { field: 'groupBy' });
      }
      const e = g.edges;
      let bin = -1;
      for (let i = 0; i < e.length - 1; i++) if (v >= e[i] && v < e[i + 1]) bin = i;
      if (bin < 0) return null; // outside every bin: not part of any group
      parts.push(`${g.attribute}∈[${e[bin]},${e[bin + 1]})`);
    }
  }
  return parts.join(', ');
}

function excluded(spec: Spec, atom: Atom): boolean {
  if (!spec.includeReadoutAtoms && atom.attributes.readsReadout === 'yes') return true;
  for (const [attr, values] of Object.entries(spec.exclude)) {
    const v = atom.attributes[attr];
    if (v !== undefined && values.includes(v)) return true;
  }
  return false;
}

/**
 * Derive the layout from a spec and a dataset's atoms. `fixed` pins group order and spatial values
 * (from a fitted model) so a model applies to another dataset with the same kind of atoms.
 */
export function buildLayout(spec: Spec, atoms: Atom[], fixed?: { groups: string[]; spatialValues: number[] }, file = 'spec'): DesignLayout {
  const labels = new Map<string, number[]>();
  atoms.forEach((atom, i) => {
    if (excluded(spec, atom)) return;
    const label = groupLabel(spec, atom, file);
    if (label === null) return;
    if (!labels.has(label)) labels.set(label, []);
    labels.get(label)!.push(i);
  });
  let groups: Group[];
  if (fixed) {
    for (const label of labels.keys()) {
      if (!fixed.groups.includes(label)) {
        throw new OccamError(`dataset has group '${label}' that the model does not know (model groups: ${fixed.groups.join('; ')})`, {
          field: 'groupBy',
        });
      }
    }
    groups = fixed.groups.map((label) => ({ label, atoms: labels.get(label) ?? [] }));
  } else {
    groups = [...labels.entries()].map(([label, idx]) => ({ label, atoms: idx }));
    // Keep the dataset's atom order for groups (adapters list excitatory first: the scale convention uses it).
  }
  if (groups.length === 0) {
    const readout = atoms.some((a) => a.attributes.readsReadout === 'yes') && !spec.includeReadoutAtoms;
    throw new OccamError(
      `${file}: no atoms left after spec.exclude and groupBy${readout ? ' (atoms that read the behaviour\'s readout are left out unless the spec sets "includeReadoutAtoms": true)' : ''}`,
      { field: 'exclude' },
    );
  }

  let spatialValues: Float64Array;
  let spatialAttribute: string | null = null;
  let spatial: EvaluatedBasis;
  const atomSpatialWeights: Float64Array[] = [];
  if (spec.spatial) {
    const attr = spec.spatial.attribute;
    spatialAttribute = attr;
    const values: number[] = [];
    for (const g of groups) {
      for (const i of g.atoms) {
        const v = atoms[i].attributes[attr];
        if (typeof v !== 'number') {
          throw new OccamError(`${file}: atom '${atoms[i].id}' needs numeric attribute '${attr}' for spec.spatial`, { field: 'spatial.attribute' });
        }
        values.push(v);
      }
    }
    spatialValues = fixed ? Float64Array.from(fixed.spatialValues) : Float64Array.from([...new Set(values)].sort((a, b) => a - b));
    spatial = evaluateBasis(spec.spatial.basis, spatialValues, 'spec.spatial.basis');
    const K = spatial.matrix.length;
    // Atoms in no group (excluded, or outside every bin) are never read: they need no place on the axis.
    const grouped = new Set(groups.flatMap((g) => g.atoms));
    atoms.forEach((atom, i) => {
      const v = atom.attributes[attr];
      const w = new Float64Array(K);
      if (typeof v === 'number' && grouped.has(i)) {
        if (spec.spatial!.basis.kind === 'raw') {
          const idx = spatialValues.indexOf(v);
          if (idx < 0) throw new OccamError(`atom '${atom.id}': ${attr}=${v} is not among the model's values`, { field: 'spatial' });
          w[idx] = 1;
        } else {
          const at = evaluateBasisAt(spec.spatial!.basis, v);
          w.set(at);
        }
      }
      atomSpatialWeights.push(w);
    });
  } else {
    spatialValues = new Float64Array([0]);
    spatial = { points: spatialValues, matrix: [new Float64Array([1])], ordered: false };
    atoms.forEach(() => atomSpatialWeights.push(new Float64Array([1])));
  }
  const temporal = evaluateBasis(spec.temporal.basis, lagGrid(spec.temporal.minLag, spec.temporal.maxLag), 'spec.temporal.basis');
  const history = spec.history ? evaluateBasis(spec.history.basis, lagGrid(1, spec.history.maxLag), 'spec.history.basis') : null;
  const K = spatial.matrix.length;
  const J = temporal.matrix.length;
  const H = history ? history.matrix.length : 0;
  return {
    groups,
    spatialAttribute,
    spatialValues,
    atomSpatialWeights,
    spatial,
    temporal,
    history,
    minLag: spec.temporal.minLag,
    G: groups.length,
    K,
    J,
    H,
    p: designColumnCount({ G: groups.length, K, J, H }),
  };
}

/** Design column (0-based, intercept not counted) of group g's input through spatial function k and temporal function j. */
export function inputColumn(shape: ColumnShape, g: number, k: number, j: number): number {
  return (g * shape.K + k) * shape.J + j;
}

/** Number of input columns, G·K·J: the history columns start here. */
export function inputColumnCount(shape: ColumnShape): number {
  return shape.G * shape.K * shape.J;
}

/** Design column of history function h. */
export function historyColumn(shape: ColumnShape, h: number): number {
  return inputColumnCount(shape) + h;
}

/** Number of design columns (intercept not counted): G·K·J + H. */
export function designColumnCount(shape: ColumnShape): number {
  return inputColumnCount(shape) + shape.H;
}

/** [first column, count] of the input columns of groups fromGroup … G − 1 (a contiguous block). */
export function inputColumns(shape: ColumnShape, fromGroup = 0): [number, number] {
  const first = Math.min(fromGroup, shape.G) * shape.K * shape.J;
  return [first, inputColumnCount(shape) - first];
}

/** [first column, count] of the history columns. */
export function historyColumns(shape: ColumnShape): [number, number] {
  return [inputColumnCount(shape), shape.H];
}

/** Index in a coefficient vector (intercept at 0) of design column c. */
export function coefficientIndex(column: number): number {
  return 1 + column;
}

/**
 * A rank-1 (separable) filter with one spatial value or one temporal basis function is no constraint: every K × 1
 * or 1 × J filter is rank 1. Such a spec is fitted as the full filter — an alternation would only fit a redundant
 * scale per group (and its ridge on both factors would act as a group norm, not the spec's ridge) — and counted as
 * one, without a parameter for a scale that does not exist.
 */
export function rankOneIsVacuous(shape: Pick<ColumnShape, 'K' | 'J'>): boolean {
  return shape.K === 1 || shape.J === 1;
}

/**
 * Free parameters of the model, intercept included: a full filter has K·J weights per group, a separable
 * (rank-1) one K + J (the scale shared by its two factors is counted twice: the convention of the published
 * method, kept so parameter counts compare across files).
 */
export function parameterCount(shape: ColumnShape, structure: 'separable' | 'full'): number {
  if (rankOneIsVacuous(shape)) structure = 'full';
  const perGroup = structure === 'separable' ? shape.K + shape.J : shape.K * shape.J;
  return 1 + shape.G * perGroup + shape.H;
}

function evaluateBasisAt(basis: NonNullable<Spec['spatial']>['basis'], value: number): Float64Array {
  const e = basisMatrix(basis, new Float64Array([value]));
  return Float64Array.from(e, (row) => row[0]);
}
