import { OccamError } from '../errors.js';
import { familyOps } from '../glm/families.js';
import { binStrata } from '../metrics/strata.js';
import type { ScoredRows } from './scoredRows.js';
import { prepareRankSweep, sweepAuroc, type WeightedRankSweep } from './weightedRankSweep.js';

/** The figures the bootstrap gives intervals for, per model (the model's own and the PSTH's). */
export const FIGURE_NAMES = ['auroc', 'stratifiedAuroc', 'trialToTrialAuroc', 'logLikPerBin', 'pseudoR2', 'accuracy', 'bitsPerEventOverPsth'] as const;
export type FigureName = (typeof FIGURE_NAMES)[number];
/** One value per figure; NaN where the figure is undefined (no events, a gaussian AUROC, no thresholds). */
export type Figures = Record<FigureName, number>;

interface Sweeps {
  all: WeightedRankSweep;
  stratified: WeightedRankSweep;
  fixed: WeightedRankSweep;
}

/**
 * Per-trial sufficient statistics of one scored set: sums of bins, events, log-likelihoods, deviances and
 * correct classifications per trial, and the presorted rank sweeps of the AUROCs. Every figure of a
 * trial-weighted resample follows from these without touching a row again (AUROCs: one linear sweep).
 */
export interface TrialStatistics {
  family: ScoredRows['family'];
  /** Trial numbers in weight order (ascending). */
  trials: Int32Array;
  bins: Float64Array;
  events: Float64Array;
  llModel: Float64Array;
  llPsth: Float64Array;
  devModel: Float64Array;
  devPsth: Float64Array;
  devConstant: Float64Array;
  /** Correct classifications at the training thresholds; null without thresholds or for counts. */
  correctModel: Float64Array | null;
  correctPsth: Float64Array | null;
  /** Rank sweeps; null for gaussian targets (no AUROC). */
  model: Sweeps | null;
  psth: Sweeps | null;
}

/** The distinct trials of a set's rows, ascending. */
export function trialsOf(set: ScoredRows): Int32Array {
  const seen = new Set<number>();
  for (let k = 0; k < set.rows.length; k++) seen.add(set.trial[set.rows[k]]);
  return Int32Array.from(seen).sort();
}

export function trialStatistics(set: ScoredRows, trials: Int32Array = trialsOf(set)): TrialStatistics {
  const fam = familyOps(set.family);
  const index = new Map<number, number>();
  trials.forEach((t, i) => index.set(t, i));
  const T = trials.length;
  const make = () => new Float64Array(T);
  const s = {
    bins: make(),
    events: make(),
    llModel: make(),
    llPsth: make(),
    devModel: make(),
    devPsth: make(),
    devConstant: make(),
  };
  const binary = set.family === 'bernoulli';
  const correctModel = binary && set.thresholds ? make() : null;
  const correctPsth = binary && set.thresholds ? make() : null;
  const { y, rows } = set;
  for (let k = 0; k < rows.length; k++) {
    const r = rows[k];
    const t = index.get(set.trial[r]);
    if (t === undefined) throw new OccamError(`bootstrap: row ${r} belongs to trial ${set.trial[r]}, which is not among the trials resampled`);
    s.bins[t] += 1;
    s.events[t] += y[r];
    s.llModel[t] += fam.logLik(y[r], set.model[r], set.sigma2);
    s.llPsth[t] += fam.logLik(y[r], set.psth[r], set.sigma2);
    s.devModel[t] += fam.deviance(y[r], set.model[r]);
    s.devPsth[t] += fam.deviance(y[r], set.psth[r]);
    s.devConstant[t] += fam.deviance(y[r], set.constant[r]);
    if (correctModel && correctPsth && set.thresholds) {
      const f = set.fold ? set.fold[r] : 0;
      const event = y[r] > 0;
      if (set.model[r] > set.thresholds.model[f] === event) correctModel[t] += 1;
      if (set.psth[r] > set.thresholds.psth[f] === event) correctPsth[t] += 1;
    }
  }
  let model: Sweeps | null = null;
  let psth: Sweeps | null = null;
  if (set.family !== 'gaussian') {
    const trialIndex = (r: number) => index.get(set.trial[r])!;
    const all = [Array.from(rows)];
    const stratified = [...binStrata(set.bin, set.fold, rows).values()];
    const fixed = [...binStrata(set.bin, set.fold, rows, new Set(Array.from(set.fixedBins))).values()];
    const sweeps = (scores: ArrayLike<number>): Sweeps => ({
      all: prepareRankSweep(scores, y, trialIndex, all),
      stratified: prepareRankSweep(scores, y, trialIndex, stratified),
      fixed: prepareRankSweep(scores, y, trialIndex, fixed),
    });
    model = sweeps(set.model);
    psth = sweeps(set.psth);
  }
  return { family: set.family, trials, ...s, correctModel, correctPsth, model, psth };
}

function weightedSum(values: Float64Array, weights: ArrayLike<number>): number {
  let s = 0;
  for (let t = 0; t < values.length; t++) s += weights[t] * values[t];
  return s;
}

/**
 * Every figure of the model and of the PSTH when trial t counts weights[t] times (all ones: the point
 * estimates; a bootstrap resample: how often each trial was drawn).
 */
export function figuresAt(stats: TrialStatistics, weights: ArrayLike<number>): { model: Figures; psth: Figures } {
  const bins = weightedSum(stats.bins, weights);
  const events = weightedSum(stats.events, weights);
  const llModel = weightedSum(stats.llModel, weights);
  const llPsth = weightedSum(stats.llPsth, weights);
  const devConstant = weightedSum(stats.devConstant, weights);
  const r2 = (dev: number) => (devConstant === 0 ? NaN : (devConstant - dev) / devConstant);
  const gaussian = stats.family === 'gaussian';
  const bits = !gaussian && events > 0 ? (llModel - llPsth) / (events * Math.LN2) : NaN;
  const side = (sweeps: Sweeps | null, ll: number, dev: number, correct: Float64Array | null, gain: number): Figures => ({
    auroc: sweeps ? sweepAuroc(sweeps.all, weights) : NaN,
    stratifiedAuroc: sweeps ? sweepAuroc(sweeps.stratified, weights) : NaN,
    trialToTrialAuroc: sweeps ? sweepAuroc(sweeps.fixed, weights) : NaN,
    logLikPerBin: bins > 0 ? ll / bins : NaN,
    pseudoR2: r2(dev),
    accuracy: correct && bins > 0 ? weightedSum(correct, weights) / bins : NaN,
    bitsPerEventOverPsth: gain,
  });
  return {
    model: side(stats.model, llModel, weightedSum(stats.devModel, weights), stats.correctModel, bits),
    psth: side(stats.psth, llPsth, weightedSum(stats.devPsth, weights), stats.correctPsth, gaussian || !(events > 0) ? NaN : 0),
  };
}
