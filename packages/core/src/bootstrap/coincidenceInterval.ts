import { gammaFromCounts, type CoincidenceCounts } from '../metrics/coincidence.js';
import type { BootstrapOptions, Interval } from './bootstrapFigures.js';
import { forEachTrialResample, percentileInterval } from './trialResampling.js';

/**
 * Γ with a percentile interval over resampled trials: Γ is a function of summed per-trial counts
 * (coincidences, recorded and model spikes, bins), so a resample only reweights those sums.
 * `resamples: 0` gives the estimate alone.
 */
export function coincidenceInterval(counts: CoincidenceCounts, binsPerTrial: number, deltaBins: number, options: BootstrapOptions = {}): Interval {
  const T = counts.recorded.length;
  const gammaAt = (w: ArrayLike<number>) => {
    let coinc = 0;
    let exp = 0;
    let model = 0;
    let trials = 0;
    for (let t = 0; t < T; t++) {
      coinc += w[t] * counts.coincident[t];
      exp += w[t] * counts.recorded[t];
      model += w[t] * counts.model[t];
      trials += w[t];
    }
    return gammaFromCounts(coinc, exp, model, binsPerTrial * trials, deltaBins);
  };
  const estimate = gammaAt(new Float64Array(T).fill(1));
  const resamples = options.resamples ?? 1000;
  if (!Number.isFinite(estimate) || resamples === 0) return { estimate: Number.isFinite(estimate) ? estimate : null, low: null, high: null };
  const draws = new Float64Array(resamples);
  forEachTrialResample(T, resamples, options.seed ?? 0, (w, b) => (draws[b] = gammaAt(w)));
  const ci = percentileInterval(draws, options.level ?? 0.95);
  return { estimate, low: ci ? ci[0] : null, high: ci ? ci[1] : null };
}
