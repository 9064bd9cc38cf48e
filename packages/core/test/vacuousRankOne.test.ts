import { describe, expect, it } from 'vitest';
import { fitReducedModel, neuronLikeAtoms, plantedDataset, runSearch, type SpecInput } from '@occam/core';

// A separable filter with one spatial value (no spatial attribute) or one temporal function is no constraint:
// every K × 1 or 1 × J filter is rank 1. Such specs are fitted as the full filter and counted as one.
const temporal = { minLag: 1, maxLag: 20, basis: { kind: 'raisedCosineLog', count: 4, firstPeak: 1, lastPeak: 12, offset: 2 } } as const;
const planted: SpecInput = {
  groupBy: ['type'],
  spatial: { attribute: 'distance', basis: { kind: 'raisedCosineLog', count: 3, firstPeak: 25, lastPeak: 225, offset: 50 } },
  temporal,
  validation: { kind: 'split', testFraction: 0.4, seed: 2 },
};
const ds = plantedDataset({
  nTrials: 120,
  nBins: 60,
  seed: 4,
  spec: planted,
  truth: {
    intercept: -3.5,
    spatial: [
      [1, 0.5, 0.1],
      [1, 0.7, 0.4],
    ],
    temporal: [
      [0.3, 0.6, 0.3, 0.05],
      [-0.2, -0.3, -0.2, -0.05],
    ],
  },
  atoms: neuronLikeAtoms(5),
  backgroundRate: 0.1,
  stimulusBin: 20,
  evokedRate: 0.6,
  scoredWindow: [15, 50],
}).dataset;

describe('a rank-1 constraint that constrains nothing', () => {
  const noSpatial: SpecInput = { groupBy: ['type'], temporal, validation: { kind: 'split', testFraction: 0.4, seed: 2 } };
  const options = { coincidence: false, bootstrap: false } as const;

  it('fits a separable spec without a spatial filter as the full filter, with the full filter’s parameter count', () => {
    const separable = fitReducedModel(ds, { ...noSpatial, structure: 'separable' }, options);
    const full = fitReducedModel(ds, { ...noSpatial, structure: 'full' }, options);
    expect(separable.fit.alternations).toBeNull();
    expect(separable.coefficients.separable).toBeNull();
    expect(separable.coefficients.beta).toEqual(full.coefficients.beta);
    expect(separable.fit.parameters).toBe(full.fit.parameters);
    expect(separable.fit.parameters).toBe(1 + 2 * 4); // intercept + 2 groups × 4 temporal functions, no scale per group
  });

  it('still alternates where both factors have more than one value', () => {
    const model = fitReducedModel(ds, { ...planted, structure: 'separable' }, options);
    expect(model.fit.alternations).toBeGreaterThan(0);
    expect(model.fit.parameters).toBe(1 + 2 * (3 + 4));
  });

  it('scores such a candidate once in a search, with the structure family left unused', async () => {
    const result = await runSearch(ds, { maxLag: 20, folds: 3, strategies: ['forward', 'backward'] }, { threads: 1 });
    const keys = result.candidates.map((c) => c.key);
    expect(new Set(keys).size).toBe(keys.length);
    const withoutSpatial = result.candidates.filter((c) => /distance=off/.test(c.key) || /one group per value/.test(c.key));
    expect(withoutSpatial.length).toBeGreaterThan(0);
    for (const c of withoutSpatial) {
      expect(c.key).toMatch(/structure=separable/);
      expect(c.levels.structure).toBe(0);
    }
    // where the structure does matter, both levels are still candidates
    expect(result.candidates.some((c) => /distance=smooth filter.*structure=full/.test(c.key) || /distance=\d+ bins.*structure=full/.test(c.key))).toBe(true);
  });
});
