/**
 * Which columns of a Gram matrix earlier columns already span: a pivot-free Cholesky of A (row-major q × q,
 * symmetric positive semi-definite) over `columns` in the order given, where a column whose residual
 * variance after projection on the kept ones is at most `tolerance` of its own (`diagonal(c)`, which may
 * differ from A's diagonal, e.g. a ridge removed) is reported and left out of the factor. Columns that
 * `canDrop` refuses are always kept. Pivot-free on purpose: the caller's order says which of two
 * collinear columns is the redundant one (the later).
 */
export function spannedColumns(
  A: Float64Array,
  q: number,
  columns: number[],
  diagonal: (c: number) => number,
  canDrop: (c: number) => boolean,
  tolerance: number,
): number[] {
  const kept: number[] = [];
  const L = new Float64Array(q * q);
  const spanned: number[] = [];
  for (const c of columns) {
    const diag = diagonal(c);
    const row = new Float64Array(kept.length);
    let r = diag;
    for (let k = 0; k < kept.length; k++) {
      let v = A[c * q + kept[k]];
      for (let j = 0; j < k; j++) v -= row[j] * L[kept[k] * q + j];
      v /= L[kept[k] * q + k];
      row[k] = v;
      r -= v * v;
    }
    if (canDrop(c) && !(r > tolerance * diag)) {
      spanned.push(c);
      continue;
    }
    L.set(row, c * q);
    L[c * q + kept.length] = Math.sqrt(Math.max(r, 1e-300));
    kept.push(c);
  }
  return spanned;
}
