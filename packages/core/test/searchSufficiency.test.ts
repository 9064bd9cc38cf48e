import { describe, expect, it } from 'vitest';
import { neuronLikeAtoms, plantedDataset, runSearch, SearchResultSchema, SpecSchema, type Candidate, type SpecInput } from '@occam/core';
import { scoreCandidate } from '../src/search/scoreCandidate.js';
import { sufficiencyByBootstrap } from '../src/search/sufficiencyByBootstrap.js';

// Truth: E and I groups with opposite temporal filters. "pooled" (one group) loses the sign — clearly worse;
// "E/I" is the truth; "E/I + history" adds a family the truth lacks — no better.
const temporal = { minLag: 1, maxLag: 10, basis: { kind: 'raisedCosineLog', count: 3, firstPeak: 1, lastPeak: 6, offset: 2 } } as const;
const truthSpec: SpecInput = { groupBy: ['type'], temporal };
const { dataset } = plantedDataset({
  nTrials: 200,
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
const validation = { kind: 'kfold', folds: 3, seed: 2 } as const;
const candidate = (key: string, input: SpecInput): Candidate => {
  const spec = SpecSchema.parse({ ...input, validation });
  return { key, levels: {}, spec, ...scoreCandidate(dataset, spec), familiesUsed: 0, foundBy: [] };
};

describe('minimal sufficient model decided by a paired bootstrap over trials', () => {
  const pooled = candidate('pooled', { groupBy: [], temporal });
  const truth = candidate('E/I', truthSpec);
  const richer = candidate('E/I + history', {
    ...truthSpec,
    history: { maxLag: 6, basis: { kind: 'raisedCosineLog', count: 3, firstPeak: 1, lastPeak: 4, offset: 1 } },
  });
  const bySize = [pooled, truth, richer].sort((a, b) => a.parameters - b.parameters);
  const value = (c: Candidate) => c.metrics.auroc ?? -Infinity;

  it('keeps the smallest candidate not significantly worse than the best, and says why for each one examined', () => {
    const { minimal, sufficiency } = sufficiencyByBootstrap(dataset, bySize, value, 'auroc', { alpha: 0.05, resamples: 500, seed: 0 });
    expect(bySize.map((c) => c.key)).toEqual(['pooled', 'E/I', 'E/I + history']);
    expect(minimal.key).toBe('E/I');
    if (sufficiency.method !== 'bootstrap') throw new Error('expected the bootstrap');
    const best = [pooled, truth, richer].reduce((a, b) => (value(b) > value(a) ? b : a));
    expect(sufficiency.reference).toBe(best.key);
    const [first, second] = sufficiency.examined;
    expect(first.key).toBe('pooled');
    expect(['significantly worse', 'screened out']).toContain(first.verdict);
    if (best !== truth) {
      expect(second.key).toBe('E/I');
      expect(second.verdict).toBe('not significantly worse');
      expect(second.upper!).toBeGreaterThanOrEqual(0);
      // the recomputed held-out rows give the stored figures: the paired difference is the stored one
      expect(second.difference!).toBeCloseTo(value(truth) - value(best), 12);
    }
  });

  it('a stricter test (larger α) can only keep a larger or equal model; the decision is seeded', () => {
    const a = sufficiencyByBootstrap(dataset, bySize, value, 'auroc', { alpha: 0.05, resamples: 500, seed: 0 });
    const b = sufficiencyByBootstrap(dataset, bySize, value, 'auroc', { alpha: 0.45, resamples: 500, seed: 0 });
    expect(b.minimal.parameters).toBeGreaterThanOrEqual(a.minimal.parameters);
    expect(sufficiencyByBootstrap(dataset, bySize, value, 'auroc', { alpha: 0.05, resamples: 500, seed: 0 })).toEqual(a);
  });

  it('runSearch records how it decided (bootstrap by default, the tolerance on request)', async () => {
    const options = { maxLag: 6, folds: 2, seed: 1, strategies: ['forward'] as ('forward' | 'backward' | 'groupLasso')[], history: false, resamples: 200 };
    const boot = await runSearch(dataset, options, { threads: 1 });
    expect(SearchResultSchema.safeParse(boot).success).toBe(true);
    expect(boot.sufficiency!.method).toBe('bootstrap');
    const tol = await runSearch(dataset, { ...options, sufficiency: 'tolerance' }, { threads: 1 });
    expect(tol.sufficiency).toMatchObject({ method: 'tolerance', tolerance: 0.005, figure: 'auroc' });
    // the candidates (and their scores) do not depend on how sufficiency is decided
    expect(tol.candidates.map((c) => [c.key, c.metrics])).toEqual(boot.candidates.map((c) => [c.key, c.metrics]));
  });
});
