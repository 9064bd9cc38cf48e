import type { FamilyOps } from './families.js';

/**
 * The data a GLM is fitted to. X is column-major float32 (n × p, no intercept column);
 * weights (0 drops a row: that is how cross-validation folds select trials without copying X)
 * and offset are optional.
 */
export interface GlmData {
  X: Float32Array;
  n: number;
  p: number;
  y: Float64Array;
  weights?: Float64Array;
  offset?: Float64Array;
}

export interface Evaluation {
  /** Σ w·nll (unpenalised). */
  value: number;
  /** Gradient, index 0 = intercept. */
  grad: Float64Array;
  /** Hessian (row-major, (p+1)²), only when asked. */
  hess?: Float64Array;
  /** max |η| over rows with weight > 0: a separation signal for bernoulli. */
  maxAbsEta: number;
}

const CHUNK = 256;

/** η = β₀ + offset + Xβ for rows [r0, r1) into eta[0 … r1−r0). */
export function linearPredictorChunk(d: GlmData, beta: Float64Array, r0: number, r1: number, eta: Float64Array): void {
  const m = r1 - r0;
  const b0 = beta[0];
  if (d.offset) for (let i = 0; i < m; i++) eta[i] = b0 + d.offset[r0 + i];
  else eta.fill(b0, 0, m);
  const { X, n, p } = d;
  for (let c = 0; c < p; c++) {
    const bc = beta[c + 1];
    if (bc === 0) continue;
    const base = c * n + r0;
    for (let i = 0; i < m; i++) eta[i] += bc * X[base + i];
  }
}

/** η for every row. */
export function linearPredictor(d: GlmData, beta: Float64Array): Float64Array {
  const out = new Float64Array(d.n);
  const eta = new Float64Array(CHUNK);
  for (let r0 = 0; r0 < d.n; r0 += CHUNK) {
    const r1 = Math.min(d.n, r0 + CHUNK);
    linearPredictorChunk(d, beta, r0, r1, eta);
    out.set(eta.subarray(0, r1 - r0), r0);
  }
  return out;
}

/**
 * One pass over the rows, chunked so each chunk's column slices stay in cache: value, gradient and
 * (optionally) the Hessian XᵀWX. The Hessian is the O(n·p²) part; its inner loop handles four
 * columns at once so each weighted column is read once per four dot products.
 */
export function evaluateObjective(d: GlmData, fam: FamilyOps, beta: Float64Array, wantHessian: boolean): Evaluation {
  const { X, n, p, y, weights } = d;
  const q = p + 1;
  const grad = new Float64Array(q);
  const hess = wantHessian ? new Float64Array(q * q) : undefined;
  const eta = new Float64Array(CHUNK);
  const r = new Float64Array(CHUNK);
  const h = new Float64Array(CHUNK);
  const hx = new Float64Array(CHUNK);
  const block = wantHessian ? new Float64Array(CHUNK * p) : null;
  let value = 0;
  let maxAbsEta = 0;
  for (let r0 = 0; r0 < n; r0 += CHUNK) {
    const r1 = Math.min(n, r0 + CHUNK);
    const m = r1 - r0;
    linearPredictorChunk(d, beta, r0, r1, eta);
    let g0 = 0;
    let h00 = 0;
    for (let i = 0; i < m; i++) {
      const w = weights ? weights[r0 + i] : 1;
      if (w === 0) {
        r[i] = 0;
        h[i] = 0;
        continue;
      }
      const e = eta[i];
      const yi = y[r0 + i];
      const mu = fam.mean(e);
      value += w * fam.nll(yi, e);
      const ae = e < 0 ? -e : e;
      if (ae > maxAbsEta) maxAbsEta = ae;
      r[i] = w * (mu - yi);
      h[i] = w * fam.variance(mu);
      g0 += r[i];
      h00 += h[i];
    }
    grad[0] += g0;
    for (let c = 0; c < p; c++) {
      const base = c * n + r0;
      let s = 0;
      for (let i = 0; i < m; i++) s += X[base + i] * r[i];
      grad[c + 1] += s;
    }
    if (hess) {
      hess[0] += h00;
      accumulateGram(X, n, p, r0, m, h, hx, hess, block!);
    }
  }
  if (hess) {
    for (let a = 0; a < q; a++) for (let b = 0; b < a; b++) hess[a * q + b] = hess[b * q + a];
  }
  return { value, grad, hess, maxAbsEta };
}

/** Value only (line searches). */
export function objectiveValue(d: GlmData, fam: FamilyOps, beta: Float64Array): number {
  const { n, y, weights } = d;
  const eta = new Float64Array(CHUNK);
  let value = 0;
  for (let r0 = 0; r0 < n; r0 += CHUNK) {
    const r1 = Math.min(n, r0 + CHUNK);
    linearPredictorChunk(d, beta, r0, r1, eta);
    for (let i = 0; i < r1 - r0; i++) {
      const w = weights ? weights[r0 + i] : 1;
      if (w !== 0) value += w * fam.nll(y[r0 + i], eta[i]);
    }
  }
  return value;
}

/**
 * hess[(a+1)·q + b+1] += Σ_i X[a][i]·h[i]·X[b][i] over one chunk (upper triangle), plus the intercept
 * row. The chunk's columns are first copied into one small contiguous float64 block (`block`,
 * ≥ p·m) so the O(p²·m) loop runs in cache instead of striding across the whole design; four
 * columns share each pass over the weighted column. Its own function so V8 optimises it alone.
 */
function accumulateGram(X: Float32Array, n: number, p: number, r0: number, m: number, h: Float64Array, hx: Float64Array, hess: Float64Array, block: Float64Array): void {
  const q = p + 1;
  for (let c = 0; c < p; c++) {
    const src = c * n + r0;
    const dst = c * m;
    for (let i = 0; i < m; i++) block[dst + i] = X[src + i];
  }
  for (let a = 0; a < p; a++) {
    const baseA = a * m;
    let s0 = 0;
    for (let i = 0; i < m; i++) {
      const v = h[i] * block[baseA + i];
      hx[i] = v;
      s0 += v;
    }
    hess[a + 1] += s0;
    const rowOff = (a + 1) * q;
    let b = a;
    for (; b + 3 < p; b += 4) {
      const b0 = b * m;
      const b1 = b0 + m;
      const b2 = b1 + m;
      const b3 = b2 + m;
      let s0b = 0;
      let s1b = 0;
      let s2b = 0;
      let s3b = 0;
      for (let i = 0; i < m; i++) {
        const v = hx[i];
        s0b += v * block[b0 + i];
        s1b += v * block[b1 + i];
        s2b += v * block[b2 + i];
        s3b += v * block[b3 + i];
      }
      hess[rowOff + b + 1] += s0b;
      hess[rowOff + b + 2] += s1b;
      hess[rowOff + b + 3] += s2b;
      hess[rowOff + b + 4] += s3b;
    }
    for (; b < p; b++) {
      const bb = b * m;
      let s = 0;
      for (let i = 0; i < m; i++) s += hx[i] * block[bb + i];
      hess[rowOff + b + 1] += s;
    }
  }
}
