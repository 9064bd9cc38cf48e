/**
 * AUROC: the probability that a random positive bin (y > 0) scores above a random negative bin,
 * ties counting half (Mann–Whitney U / (n₊·n₋)). Exact, O(n log n). NaN when a class is empty.
 * `rows` restricts the computation to a subset (e.g. held-out bins).
 */
export function auroc(scores: ArrayLike<number>, labels: ArrayLike<number>, rows?: ArrayLike<number>): number {
  const idx = rows ? Array.from(rows) : Array.from({ length: scores.length }, (_, i) => i);
  idx.sort((a, b) => scores[a] - scores[b]);
  let nPos = 0;
  let nNeg = 0;
  let rankSumPos = 0;
  let i = 0;
  while (i < idx.length) {
    let j = i;
    while (j + 1 < idx.length && scores[idx[j + 1]] === scores[idx[i]]) j++;
    const midRank = (i + j) / 2 + 1; // average rank of the tie block (1-based)
    for (let k = i; k <= j; k++) {
      if (labels[idx[k]] > 0) {
        nPos++;
        rankSumPos += midRank;
      } else nNeg++;
    }
    i = j + 1;
  }
  if (nPos === 0 || nNeg === 0) return NaN;
  return (rankSumPos - (nPos * (nPos + 1)) / 2) / (nPos * nNeg);
}

/**
 * AUROC within strata, pooled: Σ_s U_s / Σ_s n₊ₛ·n₋ₛ. With strata = time bins this is the trial-to-trial
 * AUROC at fixed bins: a model that only knows time since the stimulus (a PSTH) scores exactly 0.5.
 */
export function stratifiedAuroc(scores: ArrayLike<number>, labels: ArrayLike<number>, strata: Map<number, number[]>): number {
  let u = 0;
  let pairs = 0;
  for (const rows of strata.values()) {
    let nPos = 0;
    for (const r of rows) if (labels[r] > 0) nPos++;
    const nNeg = rows.length - nPos;
    if (nPos === 0 || nNeg === 0) continue;
    const a = auroc(scores, labels, rows);
    u += a * nPos * nNeg;
    pairs += nPos * nNeg;
  }
  return pairs === 0 ? NaN : u / pairs;
}

/**
 * ROC curve points (false-positive rate, true-positive rate) at every distinct score threshold, thinned so
 * consecutive points are at least 2/maxPoints apart (|Δfpr| + |Δtpr|): a score with few distinct values
 * (a PSTH has one per bin) keeps every corner, a continuous score keeps about maxPoints points.
 */
export function rocCurve(scores: ArrayLike<number>, labels: ArrayLike<number>, rows?: ArrayLike<number>, maxPoints = 300): { fpr: number[]; tpr: number[] } {
  const idx = rows ? Array.from(rows) : Array.from({ length: scores.length }, (_, i) => i);
  idx.sort((a, b) => scores[b] - scores[a]);
  let nPos = 0;
  for (const i of idx) if (labels[i] > 0) nPos++;
  const nNeg = idx.length - nPos;
  const fpr = [0];
  const tpr = [0];
  if (nPos === 0 || nNeg === 0) return { fpr, tpr };
  const minStep = 2 / maxPoints;
  let tp = 0;
  let fp = 0;
  for (let k = 0; k < idx.length; k++) {
    if (labels[idx[k]] > 0) tp++;
    else fp++;
    const last = k + 1 === idx.length;
    if (!last && scores[idx[k + 1]] === scores[idx[k]]) continue;
    const x = fp / nNeg;
    const y = tp / nPos;
    if (last || Math.abs(x - fpr[fpr.length - 1]) + Math.abs(y - tpr[tpr.length - 1]) >= minStep) {
      fpr.push(x);
      tpr.push(y);
    }
  }
  return { fpr, tpr };
}
