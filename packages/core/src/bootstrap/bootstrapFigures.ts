import { OccamError } from '../errors.js';
import type { ScoredRows } from './scoredRows.js';
import { forEachTrialResample, percentileInterval } from './trialResampling.js';
import { FIGURE_NAMES, figuresAt, trialStatistics, trialsOf, type FigureName, type Figures, type TrialStatistics } from './trialStatistics.js';

export interface BootstrapOptions {
  /** Resamples of the trials (default 1000). */
  resamples?: number;
  /** Seed of the resampling (default 0): same seed, same intervals. */
  seed?: number;
  /** Coverage of the percentile interval (default 0.95). */
  level?: number;
}

/** A figure, its percentile interval over trial resamples; null where undefined. */
export interface Interval {
  estimate: number | null;
  low: number | null;
  high: number | null;
}
export type FigureIntervals = Record<FigureName, Interval>;

/** One model's figures, the PSTH's on the same rows, and the paired difference model − PSTH. */
export interface ModelIntervals {
  model: FigureIntervals;
  psth: FigureIntervals;
  modelMinusPsth: FigureIntervals;
}

export interface BootstrapRun {
  /** Trials resampled (each draw takes this many, with replacement). */
  trials: number;
  resamples: number;
  seed: number;
  level: number;
}

export type BootstrapSummary = BootstrapRun & ModelIntervals;

export interface PairedBootstrapSummary extends BootstrapRun {
  a: ModelIntervals;
  b: ModelIntervals;
  /**
   * a's model figures minus b's, from the same resampled trials: e.g. bitsPerEventOverPsth is the selectivity
   * gain(trained) − gain(control) when a is the trained model and b the control.
   */
  difference: FigureIntervals;
}

const finiteOrNull = (v: number): number | null => (Number.isFinite(v) ? v : null);

function checkOptions(options: BootstrapOptions): Required<BootstrapOptions> {
  const resamples = options.resamples ?? 1000;
  const seed = options.seed ?? 0;
  const level = options.level ?? 0.95;
  if (!Number.isInteger(resamples) || resamples < 1) throw new OccamError(`bootstrap: resamples must be a positive integer (got ${resamples})`);
  if (!Number.isInteger(seed)) throw new OccamError(`bootstrap: seed must be an integer (got ${seed})`);
  if (!(level > 0 && level < 1)) throw new OccamError(`bootstrap: level must be between 0 and 1, e.g. 0.95 (got ${level})`);
  return { resamples, seed, level };
}

type Draws = Record<FigureName, Float64Array>;

function draws(n: number): Draws {
  return Object.fromEntries(FIGURE_NAMES.map((f) => [f, new Float64Array(n)])) as Draws;
}

function store(into: Draws, b: number, figures: Figures, minus?: Figures): void {
  for (const f of FIGURE_NAMES) into[f][b] = minus ? figures[f] - minus[f] : figures[f];
}

function intervals(estimate: Figures, resampled: Draws, level: number): FigureIntervals {
  return Object.fromEntries(
    FIGURE_NAMES.map((f) => {
      const est = finiteOrNull(estimate[f]);
      const ci = est === null ? null : percentileInterval(resampled[f], level);
      return [f, { estimate: est, low: ci ? ci[0] : null, high: ci ? ci[1] : null }];
    }),
  ) as FigureIntervals;
}

function difference(a: Figures, b: Figures): Figures {
  return Object.fromEntries(FIGURE_NAMES.map((f) => [f, a[f] - b[f]])) as Figures;
}

/** Collects one model's resampled figures (own, PSTH, model − PSTH). */
class ModelDraws {
  readonly model: Draws;
  readonly psth: Draws;
  readonly minus: Draws;
  readonly estimate: { model: Figures; psth: Figures };
  constructor(
    readonly stats: TrialStatistics,
    resamples: number,
  ) {
    this.model = draws(resamples);
    this.psth = draws(resamples);
    this.minus = draws(resamples);
    this.estimate = figuresAt(stats, new Float64Array(stats.trials.length).fill(1));
  }
  add(b: number, weights: Float64Array): Figures {
    const f = figuresAt(this.stats, weights);
    store(this.model, b, f.model);
    store(this.psth, b, f.psth);
    store(this.minus, b, f.model, f.psth);
    return f.model;
  }
  summary(level: number): ModelIntervals {
    const { model, psth } = this.estimate;
    return {
      model: intervals(model, this.model, level),
      psth: intervals(psth, this.psth, level),
      modelMinusPsth: intervals(difference(model, psth), this.minus, level),
    };
  }
}

/**
 * Percentile intervals for every figure of one scored set (held-out AUROC, position-stratified AUROC,
 * fixed-bin trial-to-trial AUROC, log-likelihood per bin, pseudo-R², accuracy at the training thresholds,
 * bits/event over the PSTH) and paired intervals for model − PSTH, by resampling whole trials.
 */
export function bootstrapFigures(set: ScoredRows, options: BootstrapOptions = {}): BootstrapSummary {
  const { resamples, seed, level } = checkOptions(options);
  const stats = trialStatistics(set);
  const d = new ModelDraws(stats, resamples);
  forEachTrialResample(stats.trials.length, resamples, seed, (w, b) => d.add(b, w));
  return { trials: stats.trials.length, resamples, seed, level, ...d.summary(level) };
}

/**
 * Paired intervals for two models scored on the same trials (trained vs control, full model vs ablation):
 * each resample draws one set of trials and scores both on it, so what the two share (which prompts are
 * easy) cancels in the difference. The two sets may differ in everything but their trials (targets too:
 * a control network's "next token correct" is its own).
 */
export function pairedBootstrap(a: ScoredRows, b: ScoredRows, options: BootstrapOptions = {}): PairedBootstrapSummary {
  const { resamples, seed, level } = checkOptions(options);
  const trials = trialsOf(a);
  const other = trialsOf(b);
  if (other.length !== trials.length || other.some((t, i) => t !== trials[i])) {
    const onlyA = trials.filter((t) => !other.includes(t)).length;
    const onlyB = other.filter((t) => !trials.includes(t)).length;
    throw new OccamError(
      `paired bootstrap: the two sets must be scored on the same trials (${trials.length} vs ${other.length} trials; ${onlyA} only in the first, ${onlyB} only in the second). Use the same dataset trials, split seed and folds for both.`,
    );
  }
  const da = new ModelDraws(trialStatistics(a, trials), resamples);
  const db = new ModelDraws(trialStatistics(b, trials), resamples);
  const diff = draws(resamples);
  forEachTrialResample(trials.length, resamples, seed, (w, k) => store(diff, k, da.add(k, w), db.add(k, w)));
  return {
    trials: trials.length,
    resamples,
    seed,
    level,
    a: da.summary(level),
    b: db.summary(level),
    difference: intervals(difference(da.estimate.model, db.estimate.model), diff, level),
  };
}
