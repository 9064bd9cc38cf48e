/**
 * x with A·x = b for a small dense square A (rows as arrays), by Gaussian elimination with partial pivoting.
 * A pivot below 1e-300 (a singular direction) leaves that unknown at 0 instead of failing: the group lasso's
 * unpenalised block may hold an exactly collinear column, and its inner solve only needs a descent step.
 * A and b are not modified.
 */
export function solveDense(A: number[][], b: number[]): number[] {
  const m = b.length;
  const M = A.map((row, i) => [...row, b[i]]);
  for (let c = 0; c < m; c++) {
    let piv = c;
    for (let r = c + 1; r < m; r++) if (Math.abs(M[r][c]) > Math.abs(M[piv][c])) piv = r;
    [M[c], M[piv]] = [M[piv], M[c]];
    if (Math.abs(M[c][c]) < 1e-300) continue;
    for (let r = c + 1; r < m; r++) {
      const f = M[r][c] / M[c][c];
      for (let j = c; j <= m; j++) M[r][j] -= f * M[c][j];
    }
  }
  const x = new Array<number>(m).fill(0);
  for (let c = m - 1; c >= 0; c--) {
    if (Math.abs(M[c][c]) < 1e-300) continue;
    let t = M[c][m];
    for (let j = c + 1; j < m; j++) t -= M[c][j] * x[j];
    x[c] = t / M[c][c];
  }
  return x;
}
