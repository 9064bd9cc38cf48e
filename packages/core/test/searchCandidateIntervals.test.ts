import { describe, expect, it } from 'vitest';
import { bootstrapFigures, FIGURE_NAMES, fitReducedModelWithPredictions, neuronLikeAtoms, plantedDataset, SpecSchema, type SpecInput } from '@occam/core';
import { candidateIntervals, figureOfMetric } from '../src/search/candidateIntervals.js';
import { scoreCandidate } from '../src/search/scoreCandidate.js';

const temporal = { minLag: 1, maxLag: 10, basis: { kind: 'raisedCosineLog', count: 3, firstPeak: 1, lastPeak: 6, offset: 2 } } as const;
const truthSpec: SpecInput = { groupBy: ['type'], temporal };
const { dataset } = plantedDataset({
  nTrials: 120,
  nBins: 50,
  seed: 8,
  spec: truthSpec,
  atoms: neuronLikeAtoms(4),
  truth: {
    intercept: -4,
    spatial: [[1], [1]],
    temporal: [
      [0.5, 0.7, 0.2],
      [-0.5, -0.7, -0.2],
    ],
    history: [],
  },
  backgroundRate: 0.1,
  stimulusBin: 15,
  evokedRate: 0.8,
  scoredWindow: [12, 45],
});
const spec = SpecSchema.parse({ ...truthSpec, validation: { kind: 'kfold', folds: 3, seed: 2 } });

describe("a search candidate's intervals", () => {
  const a = scoreCandidate(dataset, spec, { resamples: 400, seed: 7 });

  it('hold every held-out metric it is scored by, and only widen what the data leave open', () => {
    const metrics = ['auroc', 'llGainOverPsth', 'trialToTrialAuroc', 'stratifiedAuroc', 'pseudoR2'] as const;
    for (const m of metrics) {
      const value = a.metrics[m];
      const interval = a.intervals![figureOfMetric(m)!];
      expect(value, m).not.toBeNull();
      expect(interval, m).not.toBeNull();
      const [low, high] = interval!;
      expect(low, m).toBeLessThan(high);
      // The bootstrap resamples the very predictions the metric comes from: the estimate lies inside.
      expect(value!, m).toBeGreaterThanOrEqual(low);
      expect(value!, m).toBeLessThanOrEqual(high);
    }
    expect(Object.keys(a.intervals!).sort()).toEqual([...FIGURE_NAMES].sort());
  });

  it("are the model's side of bootstrapFigures on the same held-out rows: the same draws, the same bounds", () => {
    const { heldOut } = fitReducedModelWithPredictions(dataset, spec, { coincidence: false, refit: false, bootstrap: false, diagnose: false });
    const full = bootstrapFigures(heldOut, { resamples: 400, seed: 7, level: 0.95 }).model;
    const expected = Object.fromEntries(FIGURE_NAMES.map((f) => [f, full[f].low === null || full[f].high === null ? null : [full[f].low, full[f].high]]));
    expect(candidateIntervals(heldOut, { resamples: 400, seed: 7 })).toEqual(expected);
    expect(a.intervals).toEqual(expected);
  });

  it('are seeded: the same seed draws the same intervals, another seed other ones; the metrics do not move', () => {
    const again = scoreCandidate(dataset, spec, { resamples: 400, seed: 7 });
    const other = scoreCandidate(dataset, spec, { resamples: 400, seed: 8 });
    expect(again.intervals).toEqual(a.intervals);
    expect(other.intervals!.auroc).not.toEqual(a.intervals!.auroc);
    expect(other.metrics).toEqual(a.metrics);
    // Without interval options a candidate is scored as before, with nothing added.
    const plain = scoreCandidate(dataset, spec);
    expect(plain.intervals).toBeUndefined();
    expect(plain.metrics).toEqual(a.metrics);
  });
});
