/**
 * An upper bound on the largest eigenvalue of the symmetric block A[idx, idx] of a row-major q × q matrix:
 * 30 power iterations, then 5 % headroom. Majorization steps (block coordinate descent in the group lasso)
 * need a curvature at least as large as the block's, not its exact value, and 30 iterations settle the
 * leading eigenvalue of a block of a few dozen columns to well under that margin.
 */
export function largestEigenvalueBound(A: Float64Array, q: number, idx: number[]): number {
  const m = idx.length;
  let v = Float64Array.from({ length: m }, (_, i) => 1 + 1e-3 * i);
  let L = 0;
  for (let k = 0; k < 30; k++) {
    const w = new Float64Array(m);
    for (let a = 0; a < m; a++) for (let b = 0; b < m; b++) w[a] += A[idx[a] * q + idx[b]] * v[b];
    const norm = Math.hypot(...w);
    if (norm === 0) return 0;
    L = norm / Math.hypot(...v);
    v = Float64Array.from(w, (x) => x / norm);
  }
  return L * 1.05;
}
