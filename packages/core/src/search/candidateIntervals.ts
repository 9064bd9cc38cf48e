import { bootstrapFigures, type FigureIntervals } from '../bootstrap/bootstrapFigures.js';
import type { ScoredRows } from '../bootstrap/scoredRows.js';
import { FIGURE_NAMES, type FigureName } from '../bootstrap/trialStatistics.js';
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
 * whole trials resampled, every figure recomputed from per-trial statistics (no refit). The same seed draws
 * the same trials for every candidate, so two candidates' intervals are comparable resample by resample.
 */
export function candidateIntervals(heldOut: ScoredRows, options: CandidateIntervalOptions): NonNullable<Candidate['intervals']> {
  const model: FigureIntervals = bootstrapFigures(heldOut, { resamples: options.resamples, seed: options.seed, level: CANDIDATE_INTERVAL_LEVEL }).model;
  return Object.fromEntries(
    FIGURE_NAMES.map((f) => {
      const i = model[f];
      return [f, i.low !== null && i.high !== null ? [i.low, i.high] : null];
    }),
  ) as NonNullable<Candidate['intervals']>;
}

/** The bootstrap figure a candidate metric is (the ranking metric llGainOverPsth is bits/event over the PSTH). */
export function figureOfMetric(metric: keyof Candidate['metrics']): FigureName | null {
  if (metric === 'llGainOverPsth') return 'bitsPerEventOverPsth';
  if (metric === 'psthAuroc') return null;
  return metric;
}
