import { describe, expect, it } from 'vitest';
import { fitReducedModel, fitReducedModelWithPredictions, neuronLikeAtoms, plantedDataset, ReducedModelSchema, type SpecInput } from '@occam/core';

const base: SpecInput = {
  groupBy: ['type'],
  spatial: { attribute: 'distance', basis: { kind: 'raisedCosineLog', count: 3, firstPeak: 25, lastPeak: 225, offset: 50 } },
  temporal: { minLag: 1, maxLag: 12, basis: { kind: 'raisedCosineLog', count: 3, firstPeak: 1, lastPeak: 8, offset: 2 } },
  history: { maxLag: 6, basis: { kind: 'raisedCosineLog', count: 2, firstPeak: 1, lastPeak: 4, offset: 1 } },
};
const { dataset } = plantedDataset({
  nTrials: 150,
  nBins: 60,
  seed: 3,
  spec: base,
  atoms: neuronLikeAtoms(4),
  truth: {
    intercept: -4.2,
    spatial: [
      [1, 0.5, 0.1],
      [1, 0.7, 0.4],
    ],
    temporal: [
      [0.4, 0.6, 0.2],
      [-0.3, -0.4, -0.1],
    ],
    history: [-4, -1],
  },
  backgroundRate: 0.1,
  stimulusBin: 20,
  evokedRate: 0.6,
  scoredWindow: [15, 50],
});
const opts = { coincidence: false, bootstrap: false } as const;

describe('repeated k-fold cross-validation by trial', () => {
  const repeated = fitReducedModel(dataset, { ...base, validation: { kind: 'repeatedKfold', folds: 3, repeats: 4, seed: 5 } }, opts);
  const r = repeated.metrics.repeated!;

  it('reports every repeat, repeat 0 being the plain k-fold with the same seed', () => {
    expect(ReducedModelSchema.safeParse(repeated).success).toBe(true);
    expect(r.folds).toBe(3);
    expect(r.repeats).toBe(4);
    expect(r.seeds).toEqual([5, 6, 7, 8]);
    expect(r.perRepeat).toHaveLength(4);
    const plain = fitReducedModel(dataset, { ...base, validation: { kind: 'kfold', folds: 3, seed: 5 } }, opts);
    expect(repeated.metrics.test).toEqual(plain.metrics.test);
    expect(r.perRepeat[0].auroc).toBe(plain.metrics.test.model.auroc);
    expect(r.perRepeat[0].trialToTrialAuroc).toBe(plain.metrics.test.trialToTrialAuroc.model);
    // repeat i is the k-fold with seed + i
    const third = fitReducedModel(dataset, { ...base, validation: { kind: 'kfold', folds: 3, seed: 7 } }, opts);
    expect(r.perRepeat[2].logLikPerBin).toBeCloseTo(third.metrics.test.model.logLikPerBin!, 12);
  });

  it('gives the spread across repeats: mean, sample sd and range of the per-repeat figures', () => {
    const values = r.perRepeat.map((p) => p.logLikPerBin!);
    const mean = values.reduce((a, b) => a + b, 0) / values.length;
    const sd = Math.sqrt(values.reduce((a, v) => a + (v - mean) ** 2, 0) / (values.length - 1));
    expect(r.mean.logLikPerBin).toBeCloseTo(mean, 14);
    expect(r.sd.logLikPerBin).toBeCloseTo(sd, 14);
    expect(r.min.logLikPerBin).toBe(Math.min(...values));
    expect(r.max.logLikPerBin).toBe(Math.max(...values));
    // the fold assignment alone moves the figures: repeats differ
    expect(r.sd.auroc!).toBeGreaterThan(0);
    expect(new Set(r.perRepeat.map((p) => p.auroc)).size).toBeGreaterThan(1);
  });
});

describe('one set of folds for every candidate', () => {
  it('two different specs with the same k-fold validation predict every trial from the same fold', () => {
    // What search relies on: a candidate's folds depend only on (trials, folds, seed), never on its spec.
    const validation = { kind: 'kfold', folds: 3, seed: 11 } as const;
    const a = fitReducedModelWithPredictions(dataset, { ...base, validation }, opts).heldOut;
    const b = fitReducedModelWithPredictions(dataset, { ...base, groupBy: [], history: null, validation }, opts).heldOut;
    const foldOfTrial = (set: typeof a) => {
      const m = new Map<number, number>();
      for (let k = 0; k < set.rows.length; k++) m.set(set.trial[set.rows[k]], set.fold![set.rows[k]]);
      return [...m.entries()].sort((x, y) => x[0] - y[0]);
    };
    expect(foldOfTrial(a)).toEqual(foldOfTrial(b));
    expect(foldOfTrial(a)).toHaveLength(150);
  });
});
