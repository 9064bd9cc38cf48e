import type { FamilyOps } from '../glm/families.js';
import { auroc, stratifiedAuroc } from '../metrics/auroc.js';
import { bestThresholdAccuracy, brierScore, logLikelihood, pseudoR2 } from '../metrics/likelihood.js';
import type { MetricBlock, Score } from './schema.js';

const finite = (v: number): number | null => (Number.isFinite(v) ? v : null);

export interface Predictions {
  /** Target per design row (binarised for bernoulli). */
  y: Float64Array;
  bin: Int32Array;
  /** Which fold predicted each row (k-fold): trial-to-trial AUROC compares trials within one fold and bin. */
  fold: Int32Array | null;
  model: Float64Array;
  lookup: Float64Array | null;
  psth: Float64Array;
  constant: Float64Array;
  sigma2: number;
}

function score(fam: FamilyOps, y: Float64Array, mu: Float64Array, muNull: Float64Array, rows: number[], sigma2: number): Score {
  let events = 0;
  for (const r of rows) events += y[r];
  const binary = fam.name === 'bernoulli';
  return {
    bins: rows.length,
    events,
    auroc: fam.name === 'gaussian' ? null : finite(auroc(mu, y, rows)),
    logLikPerBin: rows.length ? finite(logLikelihood(fam, y, mu, rows, sigma2) / rows.length) : null,
    pseudoR2: finite(pseudoR2(fam, y, mu, muNull, rows)),
    brier: binary ? finite(brierScore(y, mu, rows)) : null,
    accuracy: binary ? finite(bestThresholdAccuracy(mu, y, rows)) : null,
  };
}

/** Every figure for one set of rows, with the time-only and constant baselines on the same rows. */
export function scoreBlock(fam: FamilyOps, pred: Predictions, rows: number[], fixedBins: number[]): MetricBlock {
  const { y } = pred;
  const model = score(fam, y, pred.model, pred.constant, rows, pred.sigma2);
  const lookup = pred.lookup ? score(fam, y, pred.lookup, pred.constant, rows, pred.sigma2) : null;
  const psth = score(fam, y, pred.psth, pred.constant, rows, pred.sigma2);
  const constant = score(fam, y, pred.constant, pred.constant, rows, pred.sigma2);
  let events = 0;
  for (const r of rows) events += y[r] > 0 ? 1 : 0;
  const rate = rows.length ? events / rows.length : NaN;
  const fixed = new Set(fixedBins);
  const strata = new Map<number, number[]>();
  let fixedEvents = 0;
  let fixedRows = 0;
  for (const r of rows) {
    const b = pred.bin[r];
    if (!fixed.has(b)) continue;
    const key = pred.fold ? pred.fold[r] * 1_000_000 + b : b;
    if (!strata.has(key)) strata.set(key, []);
    strata.get(key)!.push(r);
    fixedRows++;
    if (y[r] > 0) fixedEvents++;
  }
  const llModel = model.logLikPerBin;
  const llPsth = psth.logLikPerBin;
  const totalEvents = model.events;
  return {
    model,
    lookup,
    psth,
    constant,
    nullAccuracy: fam.name === 'bernoulli' ? finite(Math.max(rate, 1 - rate)) : null,
    trialToTrialAuroc: {
      model: fam.name === 'gaussian' ? null : finite(stratifiedAuroc(pred.model, y, strata)),
      psth: fam.name === 'gaussian' ? null : finite(stratifiedAuroc(pred.psth, y, strata)),
      bins: fixedRows,
      events: fixedEvents,
    },
    gainOverPsth: {
      bitsPerEvent:
        llModel !== null && llPsth !== null && totalEvents > 0 && fam.name !== 'gaussian'
          ? ((llModel - llPsth) * rows.length) / (totalEvents * Math.LN2)
          : null,
      auroc: model.auroc !== null && psth.auroc !== null ? model.auroc - psth.auroc : null,
    },
  };
}
