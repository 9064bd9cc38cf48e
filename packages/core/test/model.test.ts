import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  fitReducedModel,
  neuronLikeAtoms,
  plantedDataset,
  predictReducedModel,
  readReducedModel,
  simulateReducedModel,
  writeReducedModel,
  ReducedModelSchema,
  type SpecInput,
} from '@occam/core';

const spec: SpecInput = {
  groupBy: ['type'],
  spatial: { attribute: 'distance', basis: { kind: 'raisedCosineLog', count: 3, firstPeak: 25, lastPeak: 225, offset: 50 } },
  temporal: { minLag: 1, maxLag: 20, basis: { kind: 'raisedCosineLog', count: 4, firstPeak: 1, lastPeak: 12, offset: 2 } },
  history: { maxLag: 10, basis: { kind: 'raisedCosineLog', count: 3, firstPeak: 1, lastPeak: 6, offset: 1 } },
  regularization: { ridge: 1, smoothness: 0.5 },
  nonlinearity: { kind: 'lookup', minCount: 10 },
  validation: { kind: 'kfold', folds: 3, seed: 1 },
};
const truth = {
  intercept: -4.5,
  spatial: [
    [1, 0.5, 0.1],
    [1, 0.7, 0.4],
  ],
  temporal: [
    [0.3, 0.6, 0.3, 0.05],
    [-0.2, -0.3, -0.2, -0.05],
  ],
  history: [-4, -1.5, -0.2],
};
const make = (seed: number) =>
  plantedDataset({
    nTrials: 300,
    nBins: 80,
    seed,
    spec,
    truth,
    atoms: neuronLikeAtoms(5),
    backgroundRate: 0.1,
    stimulusBin: 30,
    evokedRate: 0.6,
    scoredWindow: [25, 70],
  }).dataset;

describe('ReducedModel', () => {
  const ds = make(5);
  const model = fitReducedModel(ds, spec);

  it('is valid versioned JSON that round-trips through a file', async () => {
    expect(ReducedModelSchema.safeParse(model).success).toBe(true);
    const dir = await mkdtemp(join(tmpdir(), 'occam-model-'));
    await writeReducedModel(join(dir, 'm.json'), model);
    expect(await readReducedModel(join(dir, 'm.json'))).toEqual(JSON.parse(JSON.stringify(model)));
    await writeFile(join(dir, 'bad.json'), JSON.stringify({ ...model, version: 2 }));
    await expect(readReducedModel(join(dir, 'bad.json'))).rejects.toThrow(/bad\.json: invalid content\n\s+version/);
  });

  it('reports every figure beside the PSTH and constant baselines, k-fold out-of-fold', () => {
    const t = model.metrics.test;
    expect(model.metrics.testKind).toBe('kfold');
    expect(t.model.bins).toBe(300 * 45);
    expect(t.psth.auroc).not.toBeNull();
    expect(Math.abs(t.constant.auroc! - 0.5)).toBeLessThan(0.05); // per-fold constants differ slightly
    expect(t.trialToTrialAuroc.psth).toBe(0.5);
    expect(t.model.auroc!).toBeGreaterThan(t.psth.auroc!);
    expect(t.lookup).not.toBeNull();
    expect(model.metrics.fixedBins.length).toBe(5);
    expect(model.metrics.coincidence!.trials).toBe(300);
  });

  it('samples filters: excitatory spatial filter is 1 at the first distance, inhibitory temporal filter negative', () => {
    const [e, i] = model.filters.groups;
    expect(e.spatial.y[0]).toBeCloseTo(1, 12);
    expect(e.temporal.y.reduce((s, v) => s + v, 0)).toBeGreaterThan(0);
    expect(i.temporal.y.reduce((s, v) => s + v, 0)).toBeLessThan(0);
    expect(model.filters.history!.y[0]).toBeLessThan(0);
  });

  it('same seed, same result', () => {
    expect(JSON.stringify(fitReducedModel(make(5), spec))).toBe(JSON.stringify(model));
  });

  it('predicts a new dataset and simulates spikes with history feedback', () => {
    const other = make(6);
    const pred = predictReducedModel(model, other);
    expect(pred.mean.length).toBe(300 * 45);
    expect(pred.mean.every((p) => p > 0 && p < 1)).toBe(true);
    expect(pred.lookup!.every((p) => p >= 0 && p <= 1)).toBe(true);
    const sims = simulateReducedModel(model, other, { trials: [0, 1, 2], seed: 3 });
    expect(sims.length).toBe(3);
    // the history filter is a refractory penalty: no two simulated spikes in adjacent bins
    for (const s of sims) for (let k = 1; k < s.length; k++) expect(s[k] - s[k - 1]).toBeGreaterThan(0);
  });
});
