import { mulberry32 } from '../random/rng.js';

/**
 * Seeded trial resampling: for each of `resamples` draws of T trials with replacement, call `visit` with how
 * many times each trial was drawn. Bins within a trial are dependent, so the trial (prompt) is the unit.
 * The weight vector is reused between calls: read it, do not keep it.
 */
export function forEachTrialResample(T: number, resamples: number, seed: number, visit: (weights: Float64Array, index: number) => void): void {
  const rand = mulberry32(seed);
  const weights = new Float64Array(T);
  for (let b = 0; b < resamples; b++) {
    weights.fill(0);
    for (let k = 0; k < T; k++) weights[Math.floor(rand() * T)] += 1;
    visit(weights, b);
  }
}

/**
 * Percentile interval of the defined (finite) resampled values, linear interpolation between order
 * statistics. Null when fewer than half of the resamples define the figure: an interval of the few resamples
 * that happen to contain both classes would claim more than the data hold.
 */
export function percentileInterval(values: Float64Array, level: number): [number, number] | null {
  const finite = Array.from(values)
    .filter(Number.isFinite)
    .sort((a, b) => a - b);
  if (finite.length === 0 || finite.length < values.length / 2) return null;
  const q = (p: number) => {
    const x = p * (finite.length - 1);
    const lo = Math.floor(x);
    const hi = Math.min(lo + 1, finite.length - 1);
    return finite[lo] + (x - lo) * (finite[hi] - finite[lo]);
  };
  const alpha = 1 - level;
  return [q(alpha / 2), q(1 - alpha / 2)];
}
