/**
 * Rows grouped by position: one stratum per bin (token position, ms bin), and per fold as well when the
 * predictions come from k folds — each fold has its own PSTH, so only within (fold, bin) is the time-only
 * baseline constant. `onlyBins` keeps the given bins (the fixed bins of the trial-to-trial AUROC).
 */
export function binStrata(
  bin: ArrayLike<number>,
  fold: ArrayLike<number> | null,
  rows: ArrayLike<number>,
  onlyBins?: ReadonlySet<number>,
): Map<number, number[]> {
  const strata = new Map<number, number[]>();
  for (let k = 0; k < rows.length; k++) {
    const r = rows[k];
    const b = bin[r];
    if (onlyBins && !onlyBins.has(b)) continue;
    const key = fold ? fold[r] * 1_000_000 + b : b;
    let list = strata.get(key);
    if (!list) strata.set(key, (list = []));
    list.push(r);
  }
  return strata;
}

/** Rows and events (y > 0) of the strata that hold both classes: the bins a stratified AUROC compares. */
export function strataSupport(labels: ArrayLike<number>, strata: Map<number, number[]>): { bins: number; events: number; nonEvents: number } {
  let bins = 0;
  let events = 0;
  for (const rows of strata.values()) {
    let pos = 0;
    for (const r of rows) if (labels[r] > 0) pos++;
    if (pos === 0 || pos === rows.length) continue;
    bins += rows.length;
    events += pos;
  }
  return { bins, events, nonEvents: bins - events };
}
