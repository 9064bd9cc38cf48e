import type { ScoredRows } from '../bootstrap/scoredRows.js';
import { forEachTrialResample, percentileInterval } from '../bootstrap/trialResampling.js';
import { FIGURE_NAMES, figuresAt, trialStatistics, type FigureName } from '../bootstrap/trialStatistics.js';
import type { Candidate, SearchOptions, SearchResult } from './schema.js';

/** Coverage of every candidate's intervals: the conventional 95 %, independent of the sufficiency test's α. */
export const CANDIDATE_INTERVAL_LEVEL = 0.95;

/** What a candidate's intervals are drawn with: the search's resample count and seed. */
export interface CandidateIntervalOptions {
  resamples: number;
  seed: number;
}

export function candidateIntervalOptions(options: Pick<SearchOptions, 'resamples' | 'seed'>): CandidateIntervalOptions {
  return { resamples: options.resamples, seed: options.seed };
}

/** The result's record of how candidate intervals were drawn. */
export function candidateIntervalsRecord(options: CandidateIntervalOptions): NonNullable<SearchResult['candidateIntervals']> {
  return { method: 'percentile bootstrap over trials', level: CANDIDATE_INTERVAL_LEVEL, resamples: options.resamples, seed: options.seed };
}

/**
 * A candidate's 95 % intervals of its held-out figures, from the out-of-fold predictions it was scored with:
 * whole trials resampled, every figure recomputed from per-trial statistics (no refit) — the model's side of
 * `bootstrapFigures`, the same draws and values, without the PSTH's rank sweeps (half the cost, and a search
 * scores many candidates). The same seed draws the same trials for every candidate.
 */
export function candidateIntervals(heldOut: ScoredRows, options: CandidateIntervalOptions): NonNullable<Candidate['intervals']> {
  const stats = { ...trialStatistics(heldOut), psth: null };
  const estimate = figuresAt(stats, new Float64Array(stats.trials.length).fill(1)).model;
  const draws = Object.fromEntries(FIGURE_NAMES.map((f) => [f, new Float64Array(options.resamples)])) as Record<FigureName, Float64Array>;
  forEachTrialResample(stats.trials.length, options.resamples, options.seed, (weights, b) => {
    const figures = figuresAt(stats, weights).model;
    for (const f of FIGURE_NAMES) draws[f][b] = figures[f];
  });
  return Object.fromEntries(
    FIGURE_NAMES.map((f) => [f, Number.isFinite(estimate[f]) ? percentileInterval(draws[f], CANDIDATE_INTERVAL_LEVEL) : null]),
  ) as NonNullable<Candidate['intervals']>;
}

/** The bootstrap figure a candidate metric is (the ranking metric llGainOverPsth is bits/event over the PSTH). */
export function figureOfMetric(metric: keyof Candidate['metrics']): FigureName | null {
  if (metric === 'llGainOverPsth') return 'bitsPerEventOverPsth';
  if (metric === 'psthAuroc') return null;
  return metric;
}
