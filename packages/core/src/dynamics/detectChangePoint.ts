import { gaussianSampler, mulberry32 } from '../random/rng.js';

/**
 * One abrupt change in a sequence (a phase transition over training): the split into two constant
 * levels with the least squared error (Hinkley 1970), accepted when the Bayesian information criterion
 * prefers two levels plus a change point (3 parameters + noise) over one level (1 + noise):
 * BIC = n·ln(SSE/n) + k·ln(n). Returns null for fewer than 4 points or when one level is preferred.
 */
export function detectChangePoint(steps: number[], values: number[]): { index: number; step: number; before: number; after: number; bicGain: number } | null {
  const pairs = steps.map((s, i) => ({ s, v: values[i] })).filter((p) => Number.isFinite(p.v));
  const n = pairs.length;
  if (n < 4) return null;
  const v = pairs.map((p) => p.v);
  const mean = (a: number[]) => a.reduce((x, y) => x + y, 0) / a.length;
  const sse = (a: number[]) => {
    const m = mean(a);
    return a.reduce((x, y) => x + (y - m) ** 2, 0);
  };
  const floor = 1e-12 * Math.max(1, sse(v));
  const bic = (err: number, k: number) => n * Math.log(Math.max(err, floor) / n) + k * Math.log(n);
  let best = -1;
  let bestErr = Infinity;
  for (let i = 2; i <= n - 2; i++) {
    const err = sse(v.slice(0, i)) + sse(v.slice(i));
    if (err < bestErr) {
      bestErr = err;
      best = i;
    }
  }
  const gain = bic(sse(v), 2) - bic(bestErr, 4);
  if (best < 0 || gain <= 0) return null;
  return { index: best, step: pairs[best].s, before: mean(v.slice(0, best)), after: mean(v.slice(best)), bicGain: gain };
}

/**
 * Where a smooth change is fastest: at each interior point the slope of the secant through its two
 * neighbours, (v[i+1] − v[i−1]) / (s[i+1] − s[i−1]) (the central difference, valid for unevenly spaced
 * steps); the point with the largest |slope| wins. A smooth sigmoid-like rise has no abrupt jump but
 * still has a steepest point. Returns null for fewer than 3 finite points or when nothing changes.
 */
export function steepestChange(steps: number[], values: number[]): { index: number; step: number; slope: number } | null {
  const pairs = steps.map((s, i) => ({ s, v: values[i] })).filter((p) => Number.isFinite(p.v));
  let best: { index: number; step: number; slope: number } | null = null;
  for (let i = 1; i < pairs.length - 1; i++) {
    const slope = (pairs[i + 1].v - pairs[i - 1].v) / (pairs[i + 1].s - pairs[i - 1].s);
    if (Number.isFinite(slope) && slope !== 0 && (best === null || Math.abs(slope) > Math.abs(best.slope))) best = { index: i, step: pairs[i].s, slope };
  }
  return best;
}

/** Least squares of y on the columns of X (normal equations, Gaussian elimination with pivoting). */
function leastSquares(X: number[][], y: number[]): { beta: number[]; sse: number } {
  const k = X[0].length;
  const A = Array.from({ length: k }, (_, r) => Array.from({ length: k + 1 }, (_, c) => X.reduce((s, row, i) => s + row[r] * (c < k ? row[c] : y[i]), 0)));
  const beta = new Array<number>(k).fill(0);
  for (let c = 0; c < k; c++) {
    let p = c;
    for (let r = c + 1; r < k; r++) if (Math.abs(A[r][c]) > Math.abs(A[p][c])) p = r;
    [A[c], A[p]] = [A[p], A[c]];
    if (Math.abs(A[c][c]) < 1e-12) continue; // degenerate column: leave its coefficient at 0
    for (let r = c + 1; r < k; r++) {
      const f = A[r][c] / A[c][c];
      for (let j = c; j <= k; j++) A[r][j] -= f * A[c][j];
    }
  }
  for (let c = k - 1; c >= 0; c--) {
    if (Math.abs(A[c][c]) < 1e-12) continue;
    let s = A[c][k];
    for (let j = c + 1; j < k; j++) s -= A[c][j] * beta[j];
    beta[c] = s / A[c][c];
  }
  return { beta, sse: X.reduce((s, row, i) => s + (y[i] - row.reduce((t, x, j) => t + x * beta[j], 0)) ** 2, 0) };
}

/** Least-squares error of the best continuous two-segment line (knee at an interior point), and where its knee is. */
function bestBend(x: number[], y: number[]): { index: number; beta: number[]; sse: number } {
  let best = { index: -1, beta: [0, 0, 0], sse: Infinity };
  for (let i = 1; i <= x.length - 2; i++) {
    const fit = leastSquares(
      x.map((xi) => [1, xi, Math.max(0, xi - x[i])]),
      y,
    );
    if (best.index < 0 || fit.sse < best.sse * (1 - 1e-12)) best = { index: i, ...fit };
  }
  return best;
}

/**
 * Where a trend bends (the onset of a smooth rise): a continuous two-segment line
 * v = a + b·s + c·max(0, s − k), the knee k at an interior point, fitted by least squares for every
 * candidate knee, against one straight line. The likelihood ratio n·ln(SSE_line / SSE_bend) is judged by a
 * parametric bootstrap under "one line + Gaussian noise" (the ratio does not depend on the line or the noise
 * scale, so the draws are pure noise; `draws` of them, seeded, so the answer is reproducible): the bend
 * is reported when p < `alpha`. The search over knees is part of every draw, so it is not favoured the way
 * BIC with one parameter for the knee favours it (BIC accepts a bend in ~1/3 of straight noisy lines of 9
 * points). Slopes are per step. Returns null for fewer than 5 finite points or when no bend is found.
 */
export function piecewiseLinearChange(
  steps: number[],
  values: number[],
  options: { alpha?: number; draws?: number; seed?: number } = {},
): { index: number; step: number; slopeBefore: number; slopeAfter: number; pValue: number } | null {
  const pairs = steps.map((s, i) => ({ s, v: values[i] })).filter((p) => Number.isFinite(p.v));
  const n = pairs.length;
  if (n < 5) return null;
  const s0 = pairs[0].s;
  const scale = pairs[n - 1].s - s0 || 1;
  const x = pairs.map((p) => (p.s - s0) / scale);
  const ratio = (y: number[]): { stat: number; bend: ReturnType<typeof bestBend> } => {
    const line = leastSquares(
      x.map((xi) => [1, xi]),
      y,
    ).sse;
    const bend = bestBend(x, y);
    return { stat: line > 0 && bend.sse > 0 ? n * Math.log(line / bend.sse) : line > 0 ? Infinity : 0, bend };
  };
  const observed = ratio(pairs.map((p) => p.v));
  if (observed.bend.index < 0 || !(observed.stat > 0)) return null;
  const draws = options.draws ?? 999;
  const normal = gaussianSampler(mulberry32(options.seed ?? 1));
  let asLarge = 0;
  for (let d = 0; d < draws; d++) if (ratio(x.map(() => normal())).stat >= observed.stat) asLarge++;
  const pValue = (1 + asLarge) / (1 + draws);
  if (pValue >= (options.alpha ?? 0.05)) return null;
  const [, b, c] = observed.bend.beta;
  const i = observed.bend.index;
  return { index: i, step: pairs[i].s, slopeBefore: b / scale, slopeAfter: (b + c) / scale, pValue };
}
