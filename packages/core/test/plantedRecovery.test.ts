import { describe, expect, it } from 'vitest';
import { buildLayout, fitReducedModel, neuronLikeAtoms, plantedDataset, sampleFilters, SpecSchema, type SpecInput } from '@occam/core';

const spec: SpecInput = {
  groupBy: ['type'],
  spatial: { attribute: 'distance', basis: { kind: 'raisedCosineLog', count: 4, firstPeak: 25, lastPeak: 475, offset: 50 } },
  temporal: { minLag: 1, maxLag: 30, basis: { kind: 'raisedCosineLog', count: 6, firstPeak: 1, lastPeak: 20, offset: 2 } },
  history: { maxLag: 20, basis: { kind: 'raisedCosineLog', count: 4, firstPeak: 1, lastPeak: 12, offset: 1 } },
  structure: 'separable',
  regularization: { ridge: 0.01, smoothness: 0 },
  validation: { kind: 'split', testFraction: 0.3, seed: 3 },
};

const truth = {
  intercept: -4.5,
  spatial: [
    [1, 0.6, 0.25, 0.05],
    [0.8, 1, 0.7, 0.4],
  ],
  temporal: [
    [0.1, 0.6, 0.5, 0.3, 0.1, 0.0],
    [-0.1, -0.3, -0.35, -0.25, -0.1, -0.05],
  ],
  history: [-4, -2, -0.5, 0],
};

function correlation(a: number[], b: number[]): number {
  const ma = a.reduce((s, v) => s + v, 0) / a.length;
  const mb = b.reduce((s, v) => s + v, 0) / b.length;
  let sab = 0,
    saa = 0,
    sbb = 0;
  for (let i = 0; i < a.length; i++) {
    sab += (a[i] - ma) * (b[i] - mb);
    saa += (a[i] - ma) ** 2;
    sbb += (b[i] - mb) ** 2;
  }
  return sab / Math.sqrt(saa * sbb);
}

describe('planted filters are recovered', () => {
  for (const structure of ['separable', 'full'] as const) {
    it(`${structure} spec recovers the planted spatiotemporal filter (r ≥ 0.99)`, () => {
      const { dataset, beta } = plantedDataset({
        nTrials: Number(process.env.OCCAM_RECOVERY_TRIALS ?? 4000),
        nBins: 120,
        seed: 11,
        spec,
        truth,
        atoms: neuronLikeAtoms(10),
        backgroundRate: 0.08,
        stimulusBin: 60,
        evokedRate: 0.5,
        scoredWindow: [40, 110],
      });
      const model = fitReducedModel(dataset, { ...spec, structure });
      const layout = buildLayout(SpecSchema.parse(spec), dataset.manifest.atoms);
      const plantedFilters = sampleFilters(layout, beta, null, 1, 'ms');
      const fitted = model.filters.groups.flatMap((g) => g.full.z.flat());
      const planted = plantedFilters.groups.flatMap((g) => g.full.z.flat());
      const r = correlation(fitted, planted);
      const rh = correlation(model.filters.history!.y, plantedFilters.history!.y);
      expect(rh).toBeGreaterThanOrEqual(0.98);
      expect(r).toBeGreaterThanOrEqual(0.99);
      expect(model.metrics.test.model.auroc!).toBeGreaterThan(model.metrics.test.psth.auroc!);
      expect(model.metrics.test.gainOverPsth.bitsPerEvent!).toBeGreaterThan(0);
    });
  }
});
