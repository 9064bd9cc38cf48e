/**
 * Second-difference penalty DᵀD over one ordered block of coefficients at positions idx[0..m-1]:
 * adds μ·(DᵀD) into the p×p matrix P (row-major). Blocks shorter than 3 have no curvature to penalise.
 */
export function addSecondDifferencePenalty(P: Float64Array, p: number, idx: number[], mu: number): void {
  const m = idx.length;
  if (m < 3 || mu === 0) return;
  for (let r = 0; r + 2 < m; r++) {
    const cols = [idx[r], idx[r + 1], idx[r + 2]];
    const coef = [1, -2, 1];
    for (let a = 0; a < 3; a++) for (let b = 0; b < 3; b++) P[cols[a] * p + cols[b]] += mu * coef[a] * coef[b];
  }
}
