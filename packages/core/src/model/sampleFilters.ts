import { Matrix, SingularValueDecomposition } from 'ml-matrix';
import { coefficientIndex, historyColumn, inputColumn, type DesignLayout } from '../design/layout.js';
import type { ReducedModel } from './schema.js';

type Filters = ReducedModel['filters'];

/**
 * Where a rank-1 pair's scale is fixed (index into the sampled spatial filter), or null for an all-zero
 * filter: the first group's spatial filter at its first attribute value (the soma for distance), as in the
 * published method, unless it is ~0 there; every other group's at its largest-magnitude value.
 */
export function rankOneReference(spatial: ArrayLike<number>, first: boolean): number | null {
  let maxAbs = 0;
  let at = 0;
  for (let i = 0; i < spatial.length; i++) {
    const v = spatial[i];
    if (Math.abs(v) > maxAbs) {
      maxAbs = Math.abs(v);
      at = i;
    }
  }
  if (maxAbs === 0) return null;
  return first && Math.abs(spatial[0]) >= 1e-3 * maxAbs ? 0 : at;
}

/** Rescale a rank-1 pair so the spatial filter is 1 at `reference`; the product is unchanged. */
export function normaliseRankOneAt(spatial: number[], temporal: number[], reference: number): void {
  const c = spatial[reference];
  for (let i = 0; i < spatial.length; i++) spatial[i] /= c;
  for (let i = 0; i < temporal.length; i++) temporal[i] *= c;
}

/**
 * Rescale a rank-1 pair (a posterior draw) so its spatial filter is as close as it can be, in least squares, to
 * `target` (the fitted spatial filter after normaliseRankOne); the product is unchanged. A draw's split is then
 * fixed by its whole spatial curve, not by its value at one point: where that value is uncertain, dividing by it
 * blew the draws' bands up or flipped their sign.
 */
export function alignRankOne(spatial: number[], temporal: number[], target: ArrayLike<number>): void {
  let dot = 0;
  let norm = 0;
  for (let i = 0; i < spatial.length; i++) {
    dot += spatial[i] * target[i];
    norm += target[i] * target[i];
  }
  if (!(norm > 0) || dot === 0) return;
  const c = dot / norm;
  for (let i = 0; i < spatial.length; i++) spatial[i] /= c;
  for (let i = 0; i < temporal.length; i++) temporal[i] *= c;
}

/**
 * Scale convention for a rank-1 pair (spatial, temporal): the product is fixed, the split is not. The
 * spatial filter is 1 at rankOneReference, so signs live in the temporal filters (inhibition shows as a
 * negative temporal filter).
 */
export function normaliseRankOne(spatial: number[], temporal: number[], first: boolean): void {
  const reference = rankOneReference(spatial, first);
  if (reference !== null) normaliseRankOneAt(spatial, temporal, reference);
}

/** Σ_k s_k · B_k at each spatial value. */
export function sampledSpatial(layout: DesignLayout, s: ArrayLike<number>): number[] {
  const B = layout.spatial.matrix; // K × nValues
  return Array.from(layout.spatialValues, (_, i) => B.reduce((acc, row, k) => acc + s[k] * row[i], 0));
}

/** Σ_j u_j · T_j at each lag. */
export function sampledTemporal(layout: DesignLayout, u: ArrayLike<number>): number[] {
  const T = layout.temporal.matrix; // J × nLags
  return Array.from(layout.temporal.points, (_, l) => T.reduce((acc, row, j) => acc + u[j] * row[l], 0));
}

/** Group g's full filter z[i][l] at spatial value i and lag l, from full-layout coefficients (intercept first). */
export function fullFilter(layout: DesignLayout, beta: ArrayLike<number>, g: number): number[][] {
  const { K, J } = layout;
  const B = layout.spatial.matrix;
  const T = layout.temporal.matrix;
  const lags = layout.temporal.points.length;
  return Array.from(layout.spatialValues, (_, i) =>
    Array.from({ length: lags }, (__, l) => {
      let s = 0;
      for (let k = 0; k < K; k++) {
        const bk = B[k][i];
        if (bk === 0) continue;
        for (let j = 0; j < J; j++) s += beta[coefficientIndex(inputColumn(layout, g, k, j))] * bk * T[j][l];
      }
      return s;
    }),
  );
}

/** The leading singular pair of a full filter, split √σ each way, and the share of energy in it. */
export function leadingRankOne(z: number[][]): { spatial: number[]; temporal: number[]; separability: number | null } {
  const svd = new SingularValueDecomposition(new Matrix(z), { autoTranspose: true });
  const sv = svd.diagonal;
  const energy = sv.reduce((s, v) => s + v * v, 0);
  const root = Math.sqrt(sv[0] ?? 0);
  return {
    spatial: svd.leftSingularVectors.getColumn(0).map((v) => v * root),
    temporal: svd.rightSingularVectors.getColumn(0).map((v) => v * root),
    separability: energy > 0 ? (sv[0] * sv[0]) / energy : null,
  };
}

/** The history filter over its lag grid 1 … maxLag, from full-layout coefficients (intercept first); [] without history. */
export function sampledHistory(layout: DesignLayout, beta: ArrayLike<number>): number[] {
  if (!layout.history) return [];
  const H = layout.history.matrix;
  return Array.from(layout.history.points, (_, l) => H.reduce((s, row, h) => s + beta[coefficientIndex(historyColumn(layout, h))] * row[l], 0));
}

/** Sample every filter as a function: spatial over the attribute's values, temporal and history over lag. */
export function sampleFilters(
  layout: DesignLayout,
  beta: Float64Array,
  separable: { spatial: Float64Array[]; temporal: Float64Array[] } | null,
  binWidth: number,
  binUnit: string,
): Filters {
  const xs = Array.from(layout.spatialValues);
  const lags = Array.from(layout.temporal.points);
  const out: Filters['groups'] = layout.groups.map((group, g) => {
    const z = fullFilter(layout, beta, g);
    let spatial: number[];
    let temporal: number[];
    let separability: number | null;
    if (separable) {
      spatial = sampledSpatial(layout, separable.spatial[g]);
      temporal = sampledTemporal(layout, separable.temporal[g]);
      separability = 1;
    } else {
      ({ spatial, temporal, separability } = leadingRankOne(z));
    }
    normaliseRankOne(spatial, temporal, g === 0);
    return {
      label: group.label,
      atoms: group.atoms.length,
      spatial: { x: xs, y: spatial },
      temporal: { x: lags.map((l) => l * binWidth), y: temporal },
      full: { x: xs, lag: lags.map((l) => l * binWidth), z },
      separability,
    };
  });
  const history: Filters['history'] = layout.history ? { x: Array.from(layout.history.points, (l) => l * binWidth), y: sampledHistory(layout, beta) } : null;
  return { binUnit, binWidth, groups: out, history };
}
