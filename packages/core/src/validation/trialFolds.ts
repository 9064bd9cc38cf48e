import { OccamError } from '../errors.js';
import { mulberry32, shuffled } from '../random/rng.js';

/**
 * Cross-validation folds by whole trials (bins of one trial are never split across train and test,
 * because neighbouring bins share inputs through the lag window). Seeded: same seed, same folds.
 */
export function trialFolds(nTrials: number, folds: number, seed: number): number[][] {
  if (nTrials < folds) throw new OccamError(`cannot make ${folds} folds from ${nTrials} trials`, { field: 'validation.folds' });
  const order = shuffled(
    Array.from({ length: nTrials }, (_, i) => i),
    mulberry32(seed),
  );
  const out: number[][] = Array.from({ length: folds }, () => []);
  order.forEach((trial, i) => out[i % folds].push(trial));
  return out.map((f) => f.sort((a, b) => a - b));
}

/** A seeded train/test split by trials; the test set gets round(testFraction · nTrials) trials (at least 1). */
export function trialSplit(nTrials: number, testFraction: number, seed: number): { train: number[]; test: number[] } {
  if (nTrials < 2) throw new OccamError(`need at least 2 trials for a train/test split, found ${nTrials}`, { field: 'validation' });
  const order = shuffled(
    Array.from({ length: nTrials }, (_, i) => i),
    mulberry32(seed),
  );
  const nTest = Math.min(nTrials - 1, Math.max(1, Math.round(testFraction * nTrials)));
  return {
    test: order.slice(0, nTest).sort((a, b) => a - b),
    train: order.slice(nTest).sort((a, b) => a - b),
  };
}
