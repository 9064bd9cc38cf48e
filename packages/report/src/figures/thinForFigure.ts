/**
 * A figure draws at most a few hundred pixels across, so a series of 10⁵ points adds megabytes to the page and
 * nothing to the picture. These thin what a figure draws (never the data a model holds) to a fixed budget.
 */

/** Most points one line of a filter plot draws (two per pixel column of the widest figure). */
export const MAX_LINE_POINTS = 2000;
/** Most columns (lags) and rows (attribute values) a heatmap draws. */
export const MAX_HEATMAP_COLUMNS = 200;
export const MAX_HEATMAP_ROWS = 120;

/**
 * At most `max` points of a line, in order: each of max/2 consecutive buckets keeps its lowest and highest point,
 * so peaks and troughs survive (a plain stride could step over a one-lag spike).
 */
export function thinLine(xs: readonly number[], ys: readonly number[], max = MAX_LINE_POINTS): { x: number[]; y: number[] } {
  const n = Math.min(xs.length, ys.length);
  if (n <= max) return { x: xs.slice(0, n), y: ys.slice(0, n) };
  const buckets = Math.floor(max / 2);
  const x: number[] = [];
  const y: number[] = [];
  for (let b = 0; b < buckets; b++) {
    const from = Math.floor((b * n) / buckets);
    const to = Math.floor(((b + 1) * n) / buckets);
    let lo = from;
    let hi = from;
    for (let i = from + 1; i < to; i++) {
      if (ys[i] < ys[lo]) lo = i;
      if (ys[i] > ys[hi]) hi = i;
    }
    for (const i of lo === hi ? [lo] : [Math.min(lo, hi), Math.max(lo, hi)]) {
      x.push(xs[i]);
      y.push(ys[i]);
    }
  }
  return { x, y };
}

/** At most `max` indices of 0..n−1, evenly spaced, first and last included. */
export function thinIndices(n: number, max: number): number[] {
  if (n <= max) return Array.from({ length: n }, (_, i) => i);
  return Array.from({ length: max }, (_, k) => Math.round((k * (n - 1)) / (max - 1)));
}
