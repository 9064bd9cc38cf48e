import { Matrix, SingularValueDecomposition } from 'ml-matrix';
import type { DesignLayout } from '../design/layout.js';
import type { ReducedModel } from './schema.js';

type Filters = ReducedModel['filters'];

/**
 * Scale convention for a rank-1 pair (spatial, temporal): the product is fixed, the split is not.
 * The first group's spatial filter is 1 at its first attribute value (the soma for distance), as in
 * the published method, unless it is ~0 there; every other spatial filter has its largest-magnitude
 * value at +1, so signs live in the temporal filters (inhibition shows as a negative temporal filter).
 */
export function normaliseRankOne(spatial: number[], temporal: number[], first: boolean): void {
  let maxAbs = 0;
  let at = 0;
  spatial.forEach((v, i) => {
    if (Math.abs(v) > maxAbs) {
      maxAbs = Math.abs(v);
      at = i;
    }
  });
  if (maxAbs === 0) return;
  const c = first && Math.abs(spatial[0]) >= 1e-3 * maxAbs ? spatial[0] : spatial[at];
  for (let i = 0; i < spatial.length; i++) spatial[i] /= c;
  for (let i = 0; i < temporal.length; i++) temporal[i] *= c;
}

/** Sample every filter as a function: spatial over the attribute's values, temporal and history over lag. */
export function sampleFilters(
  layout: DesignLayout,
  beta: Float64Array,
  separable: { spatial: Float64Array[]; temporal: Float64Array[] } | null,
  binWidth: number,
  binUnit: string,
): Filters {
  const { K, J, groups } = layout;
  const xs = Array.from(layout.spatialValues);
  const lags = Array.from(layout.temporal.points);
  const B = layout.spatial.matrix; // K × nValues
  const T = layout.temporal.matrix; // J × nLags
  const out: Filters['groups'] = groups.map((group, g) => {
    const z = xs.map((_, i) =>
      lags.map((__, l) => {
        let s = 0;
        for (let k = 0; k < K; k++) {
          const bk = B[k][i];
          if (bk === 0) continue;
          for (let j = 0; j < J; j++) s += beta[1 + (g * K + k) * J + j] * bk * T[j][l];
        }
        return s;
      }),
    );
    let spatial: number[];
    let temporal: number[];
    let separability: number | null;
    if (separable) {
      spatial = xs.map((_, i) => B.reduce((s, row, k) => s + separable.spatial[g][k] * row[i], 0));
      temporal = lags.map((_, l) => T.reduce((s, row, j) => s + separable.temporal[g][j] * row[l], 0));
      separability = 1;
    } else {
      const M = new Matrix(z);
      const svd = new SingularValueDecomposition(M, { autoTranspose: true });
      const sv = svd.diagonal;
      const energy = sv.reduce((s, v) => s + v * v, 0);
      separability = energy > 0 ? (sv[0] * sv[0]) / energy : null;
      const root = Math.sqrt(sv[0] ?? 0);
      spatial = svd.leftSingularVectors.getColumn(0).map((v) => v * root);
      temporal = svd.rightSingularVectors.getColumn(0).map((v) => v * root);
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
  let history: Filters['history'] = null;
  if (layout.history) {
    const H = layout.history.matrix;
    const offset = 1 + groups.length * K * J;
    const hl = Array.from(layout.history.points);
    history = {
      x: hl.map((l) => l * binWidth),
      y: hl.map((_, l) => H.reduce((s, row, j) => s + beta[offset + j] * row[l], 0)),
    };
  }
  return { binUnit, binWidth, groups: out, history };
}
