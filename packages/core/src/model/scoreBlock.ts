import { bootstrapFigures, pairedBootstrap, type BootstrapOptions, type FigureIntervals } from '../bootstrap/bootstrapFigures.js';
import type { ScoredRows } from '../bootstrap/scoredRows.js';
import type { FamilyOps } from '../glm/families.js';
import { accuracyAt } from '../metrics/accuracyThreshold.js';
import { auroc, stratifiedAuroc } from '../metrics/auroc.js';
import { bestThresholdAccuracy, brierScore, logLikelihood, pseudoR2 } from '../metrics/likelihood.js';
import { binStrata, strataSupport } from '../metrics/strata.js';
import { SMALL_SAMPLE_MIN_EVENTS, type MetricBlock, type MetricIntervals, type RepeatFigures, type Score } from './schema.js';

const finite = (v: number): number | null => (Number.isFinite(v) ? v : null);

/** Accuracy thresholds chosen on training bins, one per fold (index 0 without folds). */
export interface AccuracyThresholds {
  model: number[];
  lookup: number[] | null;
  psth: number[];
  constant: number[];
}

export interface Predictions {
  /** Target per design row (binarised for bernoulli). */
  y: Float64Array;
  /** Trial of each row: the unit of the bootstrap. */
  trial: Int32Array;
  bin: Int32Array;
  /** Which fold predicted each row (k-fold): trial-to-trial AUROC compares trials within one fold and bin. */
  fold: Int32Array | null;
  model: Float64Array;
  lookup: Float64Array | null;
  psth: Float64Array;
  constant: Float64Array;
  sigma2: number;
  /** Null: thresholds are chosen on the scored bins themselves (flattering; only where no training bins exist). */
  thresholds: AccuracyThresholds | null;
}

function score(fam: FamilyOps, pred: Predictions, mu: Float64Array, threshold: number[] | null, rows: number[]): Score {
  const { y, constant: muNull, sigma2 } = pred;
  let events = 0;
  for (const r of rows) events += y[r];
  const binary = fam.kind === 'bernoulli';
  const fold = pred.fold;
  const accuracy = !binary
    ? null
    : threshold
      ? finite(accuracyAt(mu, y, rows, (r) => threshold[fold ? fold[r] : 0]))
      : finite(bestThresholdAccuracy(mu, y, rows));
  return {
    bins: rows.length,
    events,
    auroc: fam.kind === 'gaussian' ? null : finite(auroc(mu, y, rows)),
    logLikPerBin: rows.length ? finite(logLikelihood(fam, y, mu, rows, sigma2) / rows.length) : null,
    pseudoR2: finite(pseudoR2(fam, y, mu, muNull, rows)),
    brier: binary ? finite(brierScore(y, mu, rows)) : null,
    accuracy,
  };
}

/** The rows of one block as the bootstrap (and `pairedBootstrap`) reads them. */
export function scoredRows(fam: FamilyOps, pred: Predictions, rows: number[], fixedBins: number[]): ScoredRows {
  return {
    family: fam.name,
    y: pred.y,
    trial: pred.trial,
    bin: pred.bin,
    fold: pred.fold,
    model: pred.model,
    psth: pred.psth,
    constant: pred.constant,
    sigma2: pred.sigma2,
    thresholds: pred.thresholds ? { model: pred.thresholds.model, psth: pred.thresholds.psth } : null,
    rows,
    fixedBins,
  };
}

function toSchemaIntervals(f: FigureIntervals): MetricIntervals['model'] {
  const pair = (i: FigureIntervals[keyof FigureIntervals]): [number, number] | null => (i.low !== null && i.high !== null ? [i.low, i.high] : null);
  return {
    auroc: pair(f.auroc),
    stratifiedAuroc: pair(f.stratifiedAuroc),
    trialToTrialAuroc: pair(f.trialToTrialAuroc),
    logLikPerBin: pair(f.logLikPerBin),
    pseudoR2: pair(f.pseudoR2),
    accuracy: pair(f.accuracy),
    bitsPerEventOverPsth: pair(f.bitsPerEventOverPsth),
  };
}

/** Events a set of rows offers an AUROC: for binary targets the rarer class, so "95 % correct" counts its misses. */
function supportOf(fam: FamilyOps, events: number, nonEvents: number): number {
  return fam.kind === 'bernoulli' ? Math.min(events, nonEvents) : events;
}

/**
 * Every figure for one set of rows, with the time-only and constant baselines on the same rows; with
 * `bootstrap`, percentile intervals over resampled trials for the model, the PSTH and their paired difference.
 */
export function scoreBlock(
  fam: FamilyOps,
  pred: Predictions,
  rows: number[],
  fixedBins: number[],
  options: { bootstrap?: BootstrapOptions | false } = {},
): MetricBlock {
  const { y } = pred;
  const th = pred.thresholds;
  const model = score(fam, pred, pred.model, th?.model ?? null, rows);
  const lookup = pred.lookup ? score(fam, pred, pred.lookup, th?.lookup ?? null, rows) : null;
  const psth = score(fam, pred, pred.psth, th?.psth ?? null, rows);
  const constant = score(fam, pred, pred.constant, th?.constant ?? null, rows);
  let events = 0;
  for (const r of rows) events += y[r] > 0 ? 1 : 0;
  const rate = rows.length ? events / rows.length : NaN;
  const gaussian = fam.kind === 'gaussian';
  const fixedStrata = binStrata(pred.bin, pred.fold, rows, new Set(fixedBins));
  let fixedEvents = 0;
  let fixedRows = 0;
  for (const list of fixedStrata.values())
    for (const r of list) {
      fixedRows++;
      if (y[r] > 0) fixedEvents++;
    }
  const allStrata = binStrata(pred.bin, pred.fold, rows);
  const stratSupport = strataSupport(y, allStrata);
  let strataBoth = 0;
  for (const list of allStrata.values()) {
    let pos = 0;
    for (const r of list) if (y[r] > 0) pos++;
    if (pos > 0 && pos < list.length) strataBoth++;
  }
  const fixedSupport = strataSupport(y, fixedStrata);
  const llModel = model.logLikPerBin;
  const llPsth = psth.logLikPerBin;
  const totalEvents = model.events;

  const flagged: NonNullable<MetricBlock['smallSample']>['flagged'] = [];
  if (!gaussian) {
    const blockSupport = supportOf(fam, events, rows.length - events);
    const few = (figure: (typeof flagged)[number]['figure'], n: number) => {
      if (n < SMALL_SAMPLE_MIN_EVENTS) flagged.push({ figure, events: n });
    };
    few('auroc', blockSupport);
    few('stratifiedAuroc', supportOf(fam, stratSupport.events, stratSupport.nonEvents));
    few('trialToTrialAuroc', supportOf(fam, fixedSupport.events, fixedSupport.nonEvents));
    few('gainOverPsth', blockSupport);
    few('pseudoR2', blockSupport);
    if (fam.kind === 'bernoulli') few('accuracy', blockSupport);
  }

  let intervals: MetricIntervals | null = null;
  if (options.bootstrap) {
    const b = bootstrapFigures(scoredRows(fam, pred, rows, fixedBins), options.bootstrap);
    intervals = {
      method: 'percentile bootstrap over trials',
      level: b.level,
      resamples: b.resamples,
      seed: b.seed,
      trials: b.trials,
      model: toSchemaIntervals(b.model),
      psth: toSchemaIntervals(b.psth),
      modelMinusPsth: toSchemaIntervals(b.modelMinusPsth),
    };
    if (pred.lookup) {
      // Lookup against the link on the same resampled trials: is the table worse beyond its interval?
      const viaLookup: Predictions = { ...pred, model: pred.lookup, thresholds: th ? { ...th, model: th.lookup ?? th.model } : null };
      const paired = pairedBootstrap(scoredRows(fam, viaLookup, rows, fixedBins), scoredRows(fam, pred, rows, fixedBins), options.bootstrap);
      intervals.lookup = toSchemaIntervals(paired.a.model);
      intervals.lookupMinusModel = toSchemaIntervals(paired.difference);
      intervals.lookupMinusPsth = toSchemaIntervals(paired.a.modelMinusPsth);
    }
  }

  return {
    model,
    lookup,
    psth,
    constant,
    nullAccuracy: fam.kind === 'bernoulli' ? (th ? constant.accuracy : finite(Math.max(rate, 1 - rate))) : null,
    trialToTrialAuroc: {
      model: gaussian ? null : finite(stratifiedAuroc(pred.model, y, fixedStrata)),
      psth: gaussian ? null : finite(stratifiedAuroc(pred.psth, y, fixedStrata)),
      bins: fixedRows,
      events: fixedEvents,
      ...(pred.lookup ? { lookup: gaussian ? null : finite(stratifiedAuroc(pred.lookup, y, fixedStrata)) } : {}),
    },
    stratifiedAuroc: {
      model: gaussian ? null : finite(stratifiedAuroc(pred.model, y, allStrata)),
      psth: gaussian ? null : finite(stratifiedAuroc(pred.psth, y, allStrata)),
      bins: stratSupport.bins,
      events: stratSupport.events,
      strata: strataBoth,
      ...(pred.lookup ? { lookup: gaussian ? null : finite(stratifiedAuroc(pred.lookup, y, allStrata)) } : {}),
    },
    gainOverPsth: {
      bitsPerEvent: llModel !== null && llPsth !== null && totalEvents > 0 && !gaussian ? ((llModel - llPsth) * rows.length) / (totalEvents * Math.LN2) : null,
      auroc: model.auroc !== null && psth.auroc !== null ? model.auroc - psth.auroc : null,
    },
    accuracyThresholdsFrom: th ? 'training bins' : 'scored bins',
    smallSample: { minEvents: SMALL_SAMPLE_MIN_EVENTS, flagged },
    intervals,
  };
}

/** The figures one repeat of k-fold contributes to metrics.repeated (the model's, held out). */
export function repeatFigures(block: MetricBlock): RepeatFigures {
  return {
    auroc: block.model.auroc,
    stratifiedAuroc: block.stratifiedAuroc?.model ?? null,
    trialToTrialAuroc: block.trialToTrialAuroc.model,
    logLikPerBin: block.model.logLikPerBin,
    bitsPerEventOverPsth: block.gainOverPsth.bitsPerEvent,
    pseudoR2: block.model.pseudoR2,
    accuracy: block.model.accuracy,
  };
}

/** Mean, sample standard deviation and range of each figure over repeats (null where any repeat lacks it). */
export function spreadOf(perRepeat: RepeatFigures[]): { mean: RepeatFigures; sd: RepeatFigures; min: RepeatFigures; max: RepeatFigures } {
  const keys = Object.keys(perRepeat[0]) as (keyof RepeatFigures)[];
  const make = (f: (values: number[]) => number): RepeatFigures =>
    Object.fromEntries(
      keys.map((key) => {
        const values = perRepeat.map((r) => r[key]);
        return [key, values.every((v): v is number => v !== null) ? finite(f(values)) : null];
      }),
    ) as RepeatFigures;
  const mean = (v: number[]) => v.reduce((a, b) => a + b, 0) / v.length;
  return {
    mean: make(mean),
    sd: make((v) => (v.length < 2 ? NaN : Math.sqrt(v.reduce((a, x) => a + (x - mean(v)) ** 2, 0) / (v.length - 1)))),
    min: make((v) => Math.min(...v)),
    max: make((v) => Math.max(...v)),
  };
}
