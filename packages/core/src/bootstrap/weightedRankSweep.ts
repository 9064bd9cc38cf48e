/**
 * AUROC of trial-weighted rows without re-sorting: the rows are sorted once (per stratum), and each bootstrap
 * resample only changes how many times each trial counts. A sweep over the sorted rows then sums the
 * Mann–Whitney U of every stratum, ties counting half: U_s = Σ_blocks w₊(block)·(w₋(below) + ½·w₋(block)).
 * With unit weights this is exactly `auroc` (one stratum) or `stratifiedAuroc` (one stratum per bin).
 */
export interface WeightedRankSweep {
  /** Compact trial index (into the weight vector) of each sorted row. */
  trialOf: Int32Array;
  positive: Uint8Array;
  /** Bit 1: last row of a tie block; bit 2: last row of a stratum. */
  end: Uint8Array;
}

const TIE_END = 1;
const STRATUM_END = 2;

/**
 * Sort `rows` by score within each stratum. Strata that hold only one class are dropped: resampling trials
 * cannot give them the other class, so they never contribute a pair.
 */
export function prepareRankSweep(
  scores: ArrayLike<number>,
  labels: ArrayLike<number>,
  trialIndex: (row: number) => number,
  strata: Iterable<number[]>,
): WeightedRankSweep {
  const kept: number[][] = [];
  let m = 0;
  for (const rows of strata) {
    let pos = 0;
    for (const r of rows) if (labels[r] > 0) pos++;
    if (pos === 0 || pos === rows.length) continue;
    kept.push(rows);
    m += rows.length;
  }
  const trialOf = new Int32Array(m);
  const positive = new Uint8Array(m);
  const end = new Uint8Array(m);
  let i = 0;
  for (const rows of kept) {
    const sorted = rows.slice().sort((a, b) => scores[a] - scores[b]);
    for (let k = 0; k < sorted.length; k++, i++) {
      const r = sorted[k];
      trialOf[i] = trialIndex(r);
      positive[i] = labels[r] > 0 ? 1 : 0;
      if (k + 1 === sorted.length) end[i] = TIE_END | STRATUM_END;
      else if (scores[sorted[k + 1]] !== scores[r]) end[i] = TIE_END;
    }
  }
  return { trialOf, positive, end };
}

/** Σ_s U_s / Σ_s w₊ₛ·w₋ₛ over strata that keep both classes under these trial weights; NaN when none does. */
export function sweepAuroc(sweep: WeightedRankSweep, weights: ArrayLike<number>): number {
  const { trialOf, positive, end } = sweep;
  let u = 0;
  let pairs = 0;
  let uS = 0;
  let negBelow = 0;
  let posS = 0;
  let bp = 0;
  let bn = 0;
  for (let i = 0; i < trialOf.length; i++) {
    const w = weights[trialOf[i]];
    if (positive[i]) bp += w;
    else bn += w;
    const e = end[i];
    if (e === 0) continue;
    uS += bp * (negBelow + 0.5 * bn);
    negBelow += bn;
    posS += bp;
    bp = 0;
    bn = 0;
    if (e & STRATUM_END) {
      if (posS > 0 && negBelow > 0) {
        u += uS;
        pairs += posS * negBelow;
      }
      uS = 0;
      negBelow = 0;
      posS = 0;
    }
  }
  return pairs > 0 ? u / pairs : NaN;
}
