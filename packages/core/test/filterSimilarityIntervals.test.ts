import { describe, expect, it } from 'vitest';
import { compareModels, CompareResultSchema, fitReducedModel, neuronLikeAtoms, plantedDataset, type ReducedModel, type SpecInput } from '@occam/core';
import { modelFilterDraws } from '../src/compare/filterSimilarityIntervals.js';

const spec: SpecInput = {
  groupBy: ['type'],
  spatial: { attribute: 'distance', basis: { kind: 'raisedCosineLog', count: 3, firstPeak: 25, lastPeak: 225, offset: 50 } },
  temporal: { minLag: 0, maxLag: 16, basis: { kind: 'raisedCosineLog', count: 4, firstPeak: 0, lastPeak: 10, offset: 1.5 } },
  history: { maxLag: 8, basis: { kind: 'raisedCosineLog', count: 3, firstPeak: 1, lastPeak: 4, offset: 1 } },
  regularization: { ridge: 1, smoothness: 0 },
};
const truth = {
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
const system = (name: string, nTrials: number, seed: number, specInput: SpecInput = spec) => {
  const { dataset } = plantedDataset({
    nTrials,
    nBins: 50,
    seed,
    spec: specInput,
    truth,
    atoms: neuronLikeAtoms(5),
    backgroundRate: 0.1,
    stimulusBin: 15,
    evokedRate: 1,
    scoredWindow: [12, 45],
  });
  return { name, dataset, model: fitReducedModel(dataset, specInput, { coincidence: false, bootstrap: false }) };
};
type Entry = ReturnType<typeof compareModels>['filterSimilarity'][number];
const entry = (r: ReturnType<typeof compareModels>, group: string, filter: string): Entry =>
  r.filterSimilarity.find((f) => f.group === group && f.filter === filter)!;
const width = (c: [number, number] | null) => (c ? c[1] - c[0] : NaN);
const options = { resamples: 50, filterDraws: 400 };

describe('filter similarity intervals', () => {
  const many = compareModels([system('A', 600, 1), system('B', 600, 2)], options);
  const few = compareModels([system('A', 120, 1), system('B', 120, 2)], options);

  it('are valid results, with intervals beside every similarity matrix and a filter against itself 1 [1, 1]', () => {
    expect(CompareResultSchema.safeParse(many).success).toBe(true);
    expect(many.filterSimilarityIntervals).toMatchObject({ method: 'laplace', level: 0.95, draws: 400, seeds: [0, 1], unavailable: [] });
    for (const f of many.filterSimilarity) {
      expect(f.intervals).toHaveLength(2);
      expect(f.intervals![0][0]).toEqual([1, 1]);
      expect(f.intervals![1][1]).toEqual([1, 1]);
      // Symmetric: each pair of draws is the same pair whichever system is the row.
      expect(f.intervals![0][1]).toEqual(f.intervals![1][0]);
    }
  });

  it('on two systems with the same true filters reach values near 1, and are wider with fewer trials', () => {
    for (const [group, filter] of [
      ['type=excitatory', 'spatial'],
      ['type=excitatory', 'temporal'],
      ['type=excitatory', 'full'],
      ['history', 'history'],
    ]) {
      const m = entry(many, group, filter);
      const f = entry(few, group, filter);
      const ci = m.intervals![0][1]!;
      expect(ci[1], `${group} ${filter}`).toBeGreaterThan(0.97);
      expect(ci[0], `${group} ${filter}`).toBeLessThanOrEqual(m.matrix[0][1]! + 1e-9);
      expect(width(f.intervals![0][1]), `${group} ${filter}`).toBeGreaterThan(width(ci));
    }
  });

  it('are determined by the seed', () => {
    const systems = [system('A', 120, 1), system('B', 120, 2)];
    const once = compareModels(systems, { ...options, seed: 3 });
    const again = compareModels(systems, { ...options, seed: 3 });
    const other = compareModels(systems, { ...options, seed: 4 });
    expect(again.filterSimilarity).toEqual(once.filterSimilarity);
    expect(again.variability).toEqual(once.variability);
    expect(entry(other, 'type=excitatory', 'spatial').intervals![0][1]).not.toEqual(entry(once, 'type=excitatory', 'spatial').intervals![0][1]);
  });

  it('are made from the same draws as the fit’s filter bands (same seed, same Hessian)', () => {
    const s = system('A', 200, 5);
    const d = modelFilterDraws(s.model, s.dataset, s.model.spec.validation.seed);
    if (!('draws' in d)) throw new Error(d.reason);
    const spatial = d.draws.groups[0].spatial;
    const band = s.model.filters.groups[0].spatial.band!;
    // The 2.5 % point of the draws at each spatial value is the band's low edge.
    for (let i = 0; i < band.low.length; i++) {
      const sorted = spatial.map((x) => x[i]).sort((a, b) => a - b);
      const h = (sorted.length - 1) * 0.025;
      const lo = Math.floor(h);
      expect(sorted[lo] + (h - lo) * (sorted[lo + 1] - sorted[lo])).toBeCloseTo(band.low[i], 9);
    }
  });

  it('are null with a reason, not a crash, for a model whose Hessian is not positive definite', () => {
    const a = system('A', 120, 1);
    const b = system('B', 120, 2);
    // At an intercept of 800 every bin's probability is 1, so the likelihood is flat: without a ridge the
    // penalised Hessian is 0 in the intercept and cannot be factored.
    const flat: ReducedModel = {
      ...b.model,
      spec: { ...b.model.spec, regularization: { ...b.model.spec.regularization, ridge: 0 } },
      coefficients: { ...b.model.coefficients, intercept: 800 },
    };
    const r = compareModels([a, { ...b, model: flat }], options);
    expect(r.filterSimilarityIntervals!.unavailable).toEqual([{ name: 'B', reason: expect.stringMatching(/not positive definite/) }]);
    const f = entry(r, 'type=excitatory', 'temporal');
    expect(f.matrix[0][1]).not.toBeNull();
    expect(f.intervals![0][1]).toBeNull();
    expect(f.intervals![1][1]).toEqual([1, 1]);
  });

  it('give the inputs-vs-models split an interval over trial resamples, around its figure, models mirroring inputs', () => {
    for (const r of [many, few]) {
      const [v] = r.variability;
      const ci = v.intervals!;
      expect(ci).toMatchObject({ level: 0.95, resamples: 50 });
      expect(ci.inputShare![0]).toBeLessThan(ci.inputShare![1]);
      expect(ci.inputShare![0]).toBeLessThanOrEqual(v.inputShare!);
      expect(ci.inputShare![1]).toBeGreaterThanOrEqual(v.inputShare!);
      expect(ci.modelShare![0]).toBeCloseTo(1 - ci.inputShare![1], 12);
      expect(ci.modelShare![1]).toBeCloseTo(1 - ci.inputShare![0], 12);
    }
  });

  it('compare full filters of full-structure fits (dense draws) with each other and with a separable fit', () => {
    const full: SpecInput = { ...spec, structure: 'full' };
    const r = compareModels([system('A', 400, 1), system('B', 400, 2, full), system('C', 400, 3, full)], options);
    expect(r.filterSimilarityIntervals!.unavailable).toEqual([]);
    const f = entry(r, 'type=excitatory', 'full');
    for (const [i, j] of [
      [0, 1],
      [1, 2],
    ]) {
      const ci = f.intervals![i][j]!;
      expect(ci[0]).toBeLessThanOrEqual(f.matrix[i][j]! + 1e-9);
      expect(ci[1]).toBeGreaterThan(0.95);
    }
  });
});
