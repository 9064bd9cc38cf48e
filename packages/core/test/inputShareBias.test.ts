import { describe, expect, it } from 'vitest';
import { compareModels, fitReducedModel, neuronLikeAtoms, plantedDataset, type SpecInput } from '@occam/core';

// Two systems whose inputs are drawn alike but whose computations differ: the true input effect on the response
// is 0, so the point split gives the inputs a small share — and resampling each system's trials adds their noise
// to the input effect once more (the model effect compares one trial set under both models, so it cancels there).
const spec: SpecInput = {
  groupBy: ['type'],
  temporal: { minLag: 0, maxLag: 16, basis: { kind: 'raisedCosineLog', count: 4, firstPeak: 0, lastPeak: 10, offset: 1.5 } },
  regularization: { ridge: 1, smoothness: 0 },
};
const system = (name: string, seed: number, gain: number) => {
  const { dataset } = plantedDataset({
    nTrials: 150,
    nBins: 50,
    seed,
    spec,
    truth: {
      intercept: -4,
      spatial: [[1], [1]],
      temporal: [
        [0.5 * gain, 0.9 * gain, 0.4 * gain, 0.1 * gain],
        [-0.5, -0.7, -0.4, -0.1],
      ],
    },
    atoms: neuronLikeAtoms(5),
    backgroundRate: 0.1,
    stimulusBin: 15,
    evokedRate: 1,
    scoredWindow: [12, 45],
  });
  return { name, dataset, model: fitReducedModel(dataset, spec, { coincidence: false, bootstrap: false }) };
};

describe('the inputs-vs-models split’s interval', () => {
  it('holds its estimate, or is not given and says why', () => {
    const r = compareModels([system('A', 1, 1), system('B', 2, 0.6), system('C', 3, 1)], { resamples: 200, filterDraws: 50 });
    let withheld = 0;
    for (const v of r.variability) {
      const ci = v.intervals!;
      if (ci.inputShare) {
        expect(ci.inputShare[0]).toBeLessThanOrEqual(v.inputShare!);
        expect(ci.inputShare[1]).toBeGreaterThanOrEqual(v.inputShare!);
        expect(ci.note).toBeUndefined();
      } else {
        withheld++;
        expect(ci.modelShare).toBeNull();
        expect(ci.note).toMatch(/all lie on one side of the estimate: resampling biases this split, no interval/);
      }
    }
    // A vs B: different computations on alike inputs — the case the resampling biases
    const ab = r.variability.find((v) => v.a === 'A' && v.b === 'B')!;
    expect(ab.modelShare!).toBeGreaterThan(ab.inputShare!);
    expect(withheld).toBeGreaterThan(0);
  });
});
