import { describe, expect, it } from 'vitest';
import { compareModels, CompareResultSchema, fitReducedModel, neuronLikeAtoms, plantedDataset, type SpecInput } from '@occam/core';

const spec: SpecInput = {
  groupBy: ['type'],
  spatial: { attribute: 'distance', basis: { kind: 'raisedCosineLog', count: 3, firstPeak: 25, lastPeak: 225, offset: 50 } },
  temporal: { minLag: 0, maxLag: 16, basis: { kind: 'raisedCosineLog', count: 4, firstPeak: 0, lastPeak: 10, offset: 1.5 } },
  history: { maxLag: 8, basis: { kind: 'raisedCosineLog', count: 3, firstPeak: 1, lastPeak: 4, offset: 1 } },
  regularization: { ridge: 1, smoothness: 0 },
};
const same = {
  intercept: -4.8,
  spatial: [
    [1, 0.4, 0.05],
    [0.3, 0.8, 1],
  ],
  temporal: [
    [0.5, 0.9, 0.4, 0.1],
    [-0.5, -0.7, -0.4, -0.1],
  ],
  history: [-5, -2, -0.3],
};
const other = {
  intercept: -4.5,
  spatial: [
    [0.05, 0.5, 1],
    [1, 0.5, 0.2],
  ],
  temporal: [
    [0.05, 0.1, 0.5, 0.9],
    [-0.1, -0.2, -0.1, 0],
  ],
  history: [-1, -0.5, 0],
};
const system = (name: string, truth: typeof same, seed: number, evokedRate: number) => {
  const { dataset } = plantedDataset({
    nTrials: 500,
    nBins: 50,
    seed,
    spec,
    truth,
    atoms: neuronLikeAtoms(5),
    backgroundRate: 0.1,
    stimulusBin: 15,
    evokedRate,
    scoredWindow: [12, 45],
  });
  return { name, dataset, model: fitReducedModel(dataset, spec) };
};

describe('compareModels', () => {
  const a = system('A', same, 1, 0.8);
  const b = system('B (same computation, stronger input)', same, 2, 1.4);
  const c = system('C (different computation)', other, 3, 0.8);
  const result = compareModels([a, b, c]);

  it('is a valid result and puts the two same-computation systems together', () => {
    expect(CompareResultSchema.safeParse(result).success).toBe(true);
    const order = result.order;
    expect(Math.abs(order.indexOf(a.name) - order.indexOf(b.name))).toBe(1);
  });

  it('filter shapes agree for the same computation and differ otherwise', () => {
    const full = result.filterSimilarity.find((f) => f.group === 'type=excitatory' && f.filter === 'full')!.matrix;
    expect(full[0][1]!).toBeGreaterThan(0.9);
    expect(full[0][2]!).toBeLessThan(full[0][1]!);
  });

  it('cross-prediction: a same-computation model predicts the other system almost as well as its own model', () => {
    const rel = result.crossPrediction.relativeToOwn;
    expect(rel[0][0]).toBe(0);
    expect(rel[0][1]!).toBeGreaterThan(-0.02);
    expect(rel[2][1]!).toBeLessThan(rel[0][1]!);
  });

  it('variability: A vs B differ mostly by their inputs, A vs C mostly by their models', () => {
    const ab = result.variability.find((v) => v.a === a.name && v.b === b.name)!;
    const ac = result.variability.find((v) => v.a === a.name && v.b === c.name)!;
    expect(ab.inputShare!).toBeGreaterThan(0.5);
    expect(ac.modelShare!).toBeGreaterThan(ab.modelShare!);
  });

  it('every cross-prediction carries a trial-resampled interval; differences to the own model are paired', () => {
    const cp = result.crossPrediction;
    const ci = cp.intervals!;
    expect(ci.resamples).toBe(1000);
    for (let i = 0; i < 3; i++)
      for (let j = 0; j < 3; j++) {
        const [lo, hi] = ci.auroc[i][j]!;
        expect(lo).toBeLessThanOrEqual(cp.auroc[i][j]!);
        expect(hi).toBeGreaterThanOrEqual(cp.auroc[i][j]!);
        const [slo, shi] = ci.stratifiedAuroc[i][j]!;
        expect(slo).toBeLessThanOrEqual(cp.stratifiedAuroc![i][j]! + 1e-12);
        expect(shi).toBeGreaterThanOrEqual(cp.stratifiedAuroc![i][j]! - 1e-12);
      }
    // the own model minus itself on the same resampled trials: exactly zero, every draw
    expect(ci.relativeToOwn[1][1]).toEqual([0, 0]);
    // pairing makes the difference tighter than the two figures' own intervals would suggest
    const width = (x: [number, number] | null) => x![1] - x![0];
    expect(width(ci.relativeToOwn[0][1])).toBeLessThan(width(ci.auroc[0][1]) + width(ci.auroc[1][1]));
    // a different computation is worse on B's data, and the paired interval says so
    expect(ci.relativeToOwn[2][1]![1]).toBeLessThan(0);
  });
});
