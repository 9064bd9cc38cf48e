/**
 * The time-only baseline: the training trials' mean output at each bin position (a PSTH), shrunk
 * toward the overall training rate by one pseudo-trial so no bin predicts exactly 0 or 1.
 * Inside an evoked window this alone scores AUROC ≈ 0.95; every model is reported beside it.
 */
export function psthBaseline(y: ArrayLike<number>, bin: ArrayLike<number>, trainRows: ArrayLike<number>, nBins: number, binary: boolean): Float64Array {
  const sum = new Float64Array(nBins);
  const count = new Float64Array(nBins);
  let total = 0;
  for (let k = 0; k < trainRows.length; k++) {
    const r = trainRows[k];
    const v = binary ? (y[r] > 0 ? 1 : 0) : y[r];
    sum[bin[r]] += v;
    count[bin[r]] += 1;
    total += v;
  }
  const overall = trainRows.length > 0 ? total / trainRows.length : 0;
  const rate = new Float64Array(nBins);
  for (let b = 0; b < nBins; b++) rate[b] = (sum[b] + overall) / (count[b] + 1);
  return rate;
}

/** The constant-rate null: the training mean. */
export function constantRate(y: ArrayLike<number>, trainRows: ArrayLike<number>, binary: boolean): number {
  let s = 0;
  for (let k = 0; k < trainRows.length; k++) s += binary ? (y[trainRows[k]] > 0 ? 1 : 0) : y[trainRows[k]];
  return trainRows.length ? s / trainRows.length : 0;
}
