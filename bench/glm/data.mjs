// Benchmark designs, column-major float32 n × p (occam's layout), with a Bernoulli target of ~2 % positives.
import { mulberry32, raisedCosineLogBasis } from '@occam/core';

function normalSampler(rand) {
  return () => Math.sqrt(-2 * Math.log(Math.max(rand(), 1e-300))) * Math.cos(2 * Math.PI * rand());
}

/** y ~ Bernoulli(σ(β₀ + Xβ)), β₀ chosen (by bisection) so that the expected rate is `rate`. */
function bernoulliTarget(X, n, p, beta, rate, rand) {
  const xb = new Float64Array(n);
  for (let c = 0; c < p; c++) for (let i = 0; i < n; i++) xb[i] += beta[c] * X[c * n + i];
  const meanRate = (b0) => xb.reduce((s, v) => s + 1 / (1 + Math.exp(-(b0 + v))), 0) / n;
  let lo = -30;
  let hi = 10;
  for (let k = 0; k < 50; k++) {
    const mid = (lo + hi) / 2;
    if (meanRate(mid) < rate) lo = mid;
    else hi = mid;
  }
  const y = new Float64Array(n);
  for (let i = 0; i < n; i++) y[i] = rand() < 1 / (1 + Math.exp(-(lo + xb[i]))) ? 1 : 0;
  return y;
}

/** Well conditioned: standard-normal features, a sparse true β with Var(xβ) = 1, intercept for ~2 % positives. */
export function normalDesign(n, p, seed) {
  const rand = mulberry32(seed);
  const normal = normalSampler(rand);
  const X = new Float32Array(n * p);
  for (let i = 0; i < X.length; i++) X[i] = normal();
  const beta = Float64Array.from({ length: p }, (_, c) => (c % 5 === 0 ? normal() * Math.sqrt(5 / p) : 0));
  return { X, y: bernoulliTarget(X, n, p, beta, 0.02, rand) };
}

/**
 * Ill conditioned, like occam's own designs: `groups` input channels of sparse Poisson counts (rate 0.05 per
 * bin, with slow rate fluctuations), each filtered by `perGroup` overlapping raised-cosine log bases over
 * lags 0 … 79, so neighbouring columns are strongly correlated and columns differ in scale. p = groups·perGroup.
 */
export function basisDesign(n, p, seed, perGroup = 10) {
  const rand = mulberry32(seed);
  const normal = normalSampler(rand);
  const groups = Math.ceil(p / perGroup);
  const lags = 80;
  const t = Float64Array.from({ length: lags }, (_, k) => k);
  const basis = raisedCosineLogBasis({ kind: 'raisedCosineLog', count: perGroup, firstPeak: 1, lastPeak: 50, offset: 2 }, t);
  const X = new Float32Array(n * p);
  const input = new Float64Array(n);
  for (let g = 0; g < groups; g++) {
    let logRate = Math.log(0.05);
    for (let i = 0; i < n; i++) {
      logRate = 0.99 * logRate + 0.01 * Math.log(0.05) + 0.1 * normal();
      input[i] = rand() < Math.exp(logRate) ? 1 : 0;
    }
    for (let k = 0; k < perGroup && g * perGroup + k < p; k++) {
      const col = (g * perGroup + k) * n;
      const b = basis[k];
      for (let i = 0; i < n; i++) {
        let s = 0;
        for (let l = 0; l < lags && l <= i; l++) s += b[l] * input[i - l];
        X[col + i] = s;
      }
    }
  }
  // A smooth true filter per group, alternating sign; the intercept gives ~2 % positive bins.
  const beta = Float64Array.from({ length: p }, (_, c) => {
    const g = Math.floor(c / perGroup);
    const k = c % perGroup;
    return (g % 2 === 0 ? 1 : -0.6) * Math.exp(-((k - 3) ** 2) / 8) * 0.6;
  });
  return { X, y: bernoulliTarget(X, n, p, beta, 0.02, rand) };
}
