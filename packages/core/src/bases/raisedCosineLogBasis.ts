import type { RaisedCosineLog } from './schema.js';

/** Evaluate a Pillow raised-cosine log basis at points t: returns `count` rows, one per function. */
export function raisedCosineLogBasis(spec: RaisedCosineLog, t: ArrayLike<number>): Float64Array[] {
  const { count, firstPeak, lastPeak, offset } = spec;
  const x0 = Math.log(firstPeak + offset);
  const x1 = Math.log(lastPeak + offset);
  // With one function there is no spacing to infer; give it a width spanning the peak range (or 1).
  const delta = count > 1 ? (x1 - x0) / (count - 1) : Math.max(x1 - x0, 1);
  const rows: Float64Array[] = [];
  for (let j = 0; j < count; j++) {
    const centre = x0 + j * delta;
    const row = new Float64Array(t.length);
    for (let i = 0; i < t.length; i++) {
      const x = Math.log(Math.max(t[i] + offset, 1e-12));
      const arg = ((x - centre) * Math.PI) / (2 * delta);
      row[i] = Math.abs(arg) >= Math.PI ? 0 : 0.5 * (Math.cos(arg) + 1);
    }
    rows.push(row);
  }
  return rows;
}
