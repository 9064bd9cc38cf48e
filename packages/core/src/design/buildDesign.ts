import type { Dataset } from '../dataset/dataset.js';
import type { DesignLayout } from './layout.js';

/**
 * A design matrix for the chosen bins: X is column-major float32 (n rows × p columns, intercept
 * implicit). float32 halves memory against float64 and is exact for the basis-weighted counts to
 * ~1e-7 relative; every sum over rows accumulates in float64.
 */
export interface Design {
  layout: DesignLayout;
  n: number;
  p: number;
  X: Float32Array;
  y: Float64Array;
  trial: Int32Array;
  bin: Int32Array;
}

/** Non-zero (basis index, value) pairs for each lag, so the convolution touches only supported functions. */
function supportByLag(matrix: Float64Array[], nLags: number): { j: Int32Array; v: Float64Array }[] {
  const out: { j: Int32Array; v: Float64Array }[] = [];
  for (let l = 0; l < nLags; l++) {
    const js: number[] = [];
    const vs: number[] = [];
    matrix.forEach((row, j) => {
      if (row[l] !== 0) {
        js.push(j);
        vs.push(row[l]);
      }
    });
    out.push({ j: Int32Array.from(js), v: Float64Array.from(vs) });
  }
  return out;
}

/**
 * Build causal, basis-projected regressors for the scored bins (or every bin, `rows: 'all'`), for the
 * given trials (default all). A bin t sees inputs at t − lag for lag ∈ [minLag, maxLag] and its own
 * output at t − 1 … t − maxHistoryLag; nothing before the trial's first bin.
 *
 * Cost: atoms are first summed into group × spatial-function series per trial (skipping zero inputs),
 * then each row gathers lags from those few series — never a loop over atoms × lags per row.
 */
export function buildDesign(ds: Dataset, layout: DesignLayout, options: { rows?: 'scored' | 'all'; trials?: ArrayLike<number> } = {}): Design {
  const { nTrials, nBins } = ds.manifest;
  const trials = options.trials ? Array.from(options.trials) : Array.from({ length: nTrials }, (_, i) => i);
  const useAll = options.rows === 'all';
  let n = 0;
  for (const tr of trials) {
    if (useAll) n += nBins;
    else for (let t = 0; t < nBins; t++) n += ds.scored[tr * nBins + t];
  }
  const { K, J, H, groups, minLag } = layout;
  const G = groups.length;
  const S = G * K;
  const p = layout.p;
  const X = new Float32Array(n * p);
  const y = new Float64Array(n);
  const trialOf = new Int32Array(n);
  const binOf = new Int32Array(n);

  const nLags = layout.temporal.points.length;
  const support = supportByLag(layout.temporal.matrix, nLags);
  const hLags = layout.history ? layout.history.points.length : 0;
  const hSupport = layout.history ? supportByLag(layout.history.matrix, hLags) : [];
  const series = new Float64Array(S * nBins);
  const acc = new Float64Array(p);

  let row = 0;
  for (const tr of trials) {
    series.fill(0);
    for (let g = 0; g < G; g++) {
      for (const a of groups[g].atoms) {
        const w = layout.atomSpatialWeights[a];
        const base = (a * nTrials + tr) * nBins;
        for (let t = 0; t < nBins; t++) {
          const x = ds.inputs[base + t];
          if (x === 0) continue;
          for (let k = 0; k < K; k++) {
            const wk = w[k];
            if (wk !== 0) series[(g * K + k) * nBins + t] += wk * x;
          }
        }
      }
    }
    const targetBase = tr * nBins;
    for (let t = 0; t < nBins; t++) {
      if (!useAll && ds.scored[targetBase + t] === 0) continue;
      acc.fill(0);
      for (let s = 0; s < S; s++) {
        const sBase = s * nBins;
        const cBase = s * J;
        for (let l = 0; l < nLags; l++) {
          const src = t - minLag - l;
          if (src < 0) break;
          const v = series[sBase + src];
          if (v === 0) continue;
          const sup = support[l];
          for (let q = 0; q < sup.j.length; q++) acc[cBase + sup.j[q]] += sup.v[q] * v;
        }
      }
      if (H > 0) {
        const hBase = S * J;
        for (let l = 0; l < hLags; l++) {
          const src = t - 1 - l;
          if (src < 0) break;
          const v = ds.target[targetBase + src];
          if (v === 0) continue;
          const sup = hSupport[l];
          for (let q = 0; q < sup.j.length; q++) acc[hBase + sup.j[q]] += sup.v[q] * v;
        }
      }
      for (let c = 0; c < p; c++) X[c * n + row] = acc[c];
      y[row] = ds.target[targetBase + t];
      trialOf[row] = tr;
      binOf[row] = t;
      row++;
    }
  }
  return { layout, n, p, X, y, trial: trialOf, bin: binOf };
}
