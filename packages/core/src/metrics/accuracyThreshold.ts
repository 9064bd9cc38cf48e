/**
 * Accuracy at a threshold chosen on other bins. A bin is "predicted event" when its score is above the
 * threshold. Choosing the threshold on the bins being scored flatters the figure (issue 13): occam chooses it
 * on the training bins and applies it to the held-out ones.
 */

/**
 * The threshold that maximises accuracy on `rows`: +Infinity (never an event) unless some cut does better;
 * otherwise the midpoint between the lowest score predicted positive and the next lower distinct score, so
 * the same cut applies to scores never seen. Ties in accuracy keep the higher threshold (fewer events).
 */
export function bestThreshold(scores: ArrayLike<number>, labels: ArrayLike<number>, rows: ArrayLike<number>): number {
  const idx = Array.from(rows).sort((a, b) => scores[b] - scores[a]);
  const n = idx.length;
  let correct = 0;
  for (const i of idx) if (!(labels[i] > 0)) correct++;
  let best = correct;
  let bestK = -1;
  for (let k = 0; k < n; k++) {
    correct += labels[idx[k]] > 0 ? 1 : -1;
    const lastOfTie = k + 1 === n || scores[idx[k + 1]] !== scores[idx[k]];
    if (lastOfTie && correct > best) {
      best = correct;
      bestK = k;
    }
  }
  if (bestK < 0) return Infinity;
  if (bestK + 1 === n) return -Infinity;
  const above = scores[idx[bestK]];
  const below = scores[idx[bestK + 1]];
  const mid = (above + below) / 2;
  // Adjacent doubles: the midpoint may round up onto `above`, which would drop that tie block.
  return mid >= above ? below : mid;
}

/** Share of `rows` classified correctly by "score > threshold". NaN without rows. */
export function accuracyAt(
  scores: ArrayLike<number>,
  labels: ArrayLike<number>,
  rows: ArrayLike<number>,
  threshold: number | ((row: number) => number),
): number {
  if (rows.length === 0) return NaN;
  let correct = 0;
  for (let k = 0; k < rows.length; k++) {
    const r = rows[k];
    const t = typeof threshold === 'number' ? threshold : threshold(r);
    if (scores[r] > t === labels[r] > 0) correct++;
  }
  return correct / rows.length;
}
