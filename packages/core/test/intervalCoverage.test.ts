import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { createDataset, fitReducedModel, readDataset, type Dataset, type SpecInput } from '@occam/core';

const repo = fileURLToPath(new URL('../../../', import.meta.url));

/** The first `n` trials of a dataset (inputs are [atoms, trials, bins]). */
function firstTrials(ds: Dataset, n: number): Dataset {
  const { nTrials, nBins, atoms } = ds.manifest;
  const inputs = new (ds.inputs.constructor as Float32ArrayConstructor)(atoms.length * n * nBins);
  for (let a = 0; a < atoms.length; a++) inputs.set(ds.inputs.subarray(a * nTrials * nBins, (a * nTrials + n) * nBins), a * n * nBins);
  const { trialIds, ...manifest } = ds.manifest;
  return createDataset(
    { ...manifest, nTrials: n, ...(trialIds ? { trialIds: trialIds.slice(0, n) } : {}) },
    { inputs, target: ds.target.slice(0, n * nBins), scored: ds.scored.slice(0, n * nBins) },
  );
}

/**
 * Do the printed 95 % intervals mean what they say? Over many random train/test splits of the bundled NEURON
 * cell (data/neuron/v1-C2, its first 500 trials, a small E/I model so that 16 splits fit in the time), each
 * split's held-out trial-to-trial and stratified AUROC comes with a bootstrap interval over its held-out trials.
 *
 * What "close to nominal" means here, and why three checks:
 * - the intervals cover the figure's mean over all splits (its expected value on this dataset) in at least
 *   80 % of splits: 95 % nominal, minus what 16 splits can resolve (a binomial SD of ~5 %) and minus the part
 *   of the split-to-split spread that comes from the training trials, which a bootstrap of held-out trials
 *   cannot see;
 * - the bootstrap standard error (half-width / 1.96) is between 0.5 and 1.5 times the standard deviation of the
 *   figure across splits: the intervals are neither far too narrow nor far too wide;
 * - another split's figure falls inside a split's interval in at least 60 % of pairs. For exact 95 % intervals
 *   of two independent estimates that rate is P(|Z| < 1.96/√2) ≈ 83 %; shared test trials raise it, training
 *   variation lowers it.
 */
describe('coverage of the bootstrap intervals over random splits (data/neuron/v1-C2)', async () => {
  const ds = firstTrials(await readDataset(`${repo}data/neuron/v1-C2`), 500);
  const spec: SpecInput = {
    groupBy: ['type'],
    structure: 'full',
    temporal: { minLag: 0, maxLag: 19, basis: { kind: 'raisedCosineLog', count: 4, firstPeak: 1, lastPeak: 12, offset: 2 } },
    history: { maxLag: 10, basis: { kind: 'raisedCosineLog', count: 3, firstPeak: 1, lastPeak: 6, offset: 1 } },
  };
  const SPLITS = 16;
  const splits = Array.from({ length: SPLITS }, (_, seed) => {
    const m = fitReducedModel(
      ds,
      { ...spec, validation: { kind: 'split', testFraction: 0.3, seed } },
      { coincidence: false, bootstrap: { resamples: 400, seed } },
    );
    const t = m.metrics.test;
    return {
      trialToTrialAuroc: { value: t.trialToTrialAuroc.model!, interval: t.intervals!.model.trialToTrialAuroc! },
      stratifiedAuroc: { value: t.stratifiedAuroc!.model!, interval: t.intervals!.model.stratifiedAuroc! },
    };
  });

  for (const figure of ['trialToTrialAuroc', 'stratifiedAuroc'] as const) {
    it(`${figure}: intervals cover the mean over splits, their width matches the spread, and they cover other splits`, () => {
      const values = splits.map((s) => s[figure].value);
      const mean = values.reduce((a, b) => a + b, 0) / SPLITS;
      const sd = Math.sqrt(values.reduce((a, v) => a + (v - mean) ** 2, 0) / (SPLITS - 1));
      const inside = (v: number, [lo, hi]: [number, number]) => v >= lo && v <= hi;
      const coversMean = splits.filter((s) => inside(mean, s[figure].interval)).length / SPLITS;
      const se = splits.reduce((a, s) => a + (s[figure].interval[1] - s[figure].interval[0]) / (2 * 1.96), 0) / SPLITS;
      let pairs = 0;
      let covered = 0;
      splits.forEach((s, i) =>
        splits.forEach((o, j) => {
          if (i === j) return;
          pairs++;
          if (inside(o[figure].value, s[figure].interval)) covered++;
        }),
      );
      const report = `${figure}: mean ${mean.toFixed(4)}, sd over splits ${sd.toFixed(4)}, bootstrap se ${se.toFixed(4)}, covers mean ${coversMean}, covers other splits ${(covered / pairs).toFixed(3)}`;
      console.log(report);
      expect(coversMean, report).toBeGreaterThanOrEqual(0.8);
      expect(se / sd, report).toBeGreaterThan(0.5);
      expect(se / sd, report).toBeLessThan(1.5);
      expect(covered / pairs, report).toBeGreaterThanOrEqual(0.6);
    });
  }
});
