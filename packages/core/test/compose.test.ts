import { describe, expect, it } from 'vitest';
import { composeConditions, ComposeResultSchema, createDataset, mulberry32, neuronLikeAtoms, OccamError, plantedDataset, type SpecInput } from '@occam/core';

// Two E/I groups with a smooth filter over distance and an output history, as the search's planted test.
const atoms = neuronLikeAtoms(6);
const spec: SpecInput = {
  groupBy: ['type'],
  spatial: { attribute: 'distance', basis: { kind: 'raisedCosineLog', count: 3, firstPeak: 25, lastPeak: 275, offset: 50 } },
  temporal: { minLag: 0, maxLag: 16, basis: { kind: 'raisedCosineLog', count: 4, firstPeak: 0, lastPeak: 10, offset: 1.5 } },
  history: { maxLag: 8, basis: { kind: 'raisedCosineLog', count: 3, firstPeak: 1, lastPeak: 4, offset: 1 } },
};
const excitatory = { spatial: [1, 0.4, 0.05], temporal: [0.5, 0.9, 0.4, 0.1] };

function condition(seed: number, inhibitoryTemporal: number[], evokedRate: number) {
  return plantedDataset({
    nTrials: 300,
    nBins: 50,
    seed,
    spec,
    atoms,
    truth: {
      intercept: -4.6,
      spatial: [excitatory.spatial, [0.3, 0.8, 1]],
      temporal: [excitatory.temporal, inhibitoryTemporal],
      history: [-5, -2, -0.3],
    },
    backgroundRate: 0.1,
    stimulusBin: 15,
    evokedRate,
    scoredWindow: [12, 45],
  }).dataset;
}

describe('composeConditions', () => {
  it("finds 'inhibitory condition-specific' when only the inhibitory filter's shape differs, and the gate tells the conditions apart", () => {
    // Fast against slow inhibition: different shapes (no gain on one maps onto the other). Condition B's
    // stimulus volley is twice as large, which is what the gate can read without the label.
    const a = condition(11, [-1.6, -0.6, 0, 0], 0.8);
    const b = condition(12, [0, 0, -0.6, -1.6], 1.6);
    const r = composeConditions(
      [
        { name: 'A', dataset: a },
        { name: 'B', dataset: b },
      ],
      spec,
      { folds: 3, seed: 1, resamples: 200 },
    );
    expect(ComposeResultSchema.parse(r)).toEqual(r);
    expect(r.minimal).toBe('specific:type=inhibitory');
    expect(r.familyDifferences.find((f) => f.family === 'type=inhibitory')!.differs).toBe(true);
    expect(r.familyDifferences.find((f) => f.family === 'type=excitatory')!.differs).toBe(false);
    const byKey = new Map(r.candidates.map((c) => [c.key, c]));
    // The shared model is significantly worse, and the inhibitory copy has fewer parameters than separate models.
    expect(byKey.get('shared')!.verdict).toBe('significantly worse');
    expect(byKey.get('specific:type=inhibitory')!.parameters).toBeLessThan(byKey.get('separate')!.parameters);
    // each condition's copy of the differing filter is reported: inhibitory (negative) in both, strongest far out
    // in both (the planted spatial weights rise with distance, 0.3 → 0.8 → 1, in both conditions)
    expect(r.specificFilters.map((f) => f.family)).toEqual(['type=inhibitory']);
    const [fa, fb] = r.specificFilters[0].byCondition;
    expect(r.specificFilters[0].attribute).toBe('distance');
    expect(fa.peak!).toBeGreaterThanOrEqual(100);
    expect(fb.peak!).toBeGreaterThanOrEqual(100);
    const at = (b: typeof fa) => b.profile[r.specificFilters[0].x.indexOf(b.peak!)];
    expect(at(fa)).toBeLessThan(0);
    expect(at(fb)).toBeLessThan(0);
    expect(r.gate.accuracy).toBeGreaterThan(0.75);
    // Without the label, mixing the condition models by the gate beats ignoring the conditions (the shared
    // model), but the trials it misreads cost likelihood: the paired loss against the labelled model is negative.
    expect(r.gate.logLikGain.estimate!).toBeGreaterThan(byKey.get('shared')!.logLikGain.estimate!);
    expect(r.gate.lossLogLikGain.high!).toBeLessThan(0);
  });

  it("finds 'shared' when both conditions compute the same thing", () => {
    const inhibitory = [-0.5, -0.7, -0.4, -0.1];
    const r = composeConditions(
      [
        { name: 'A', dataset: condition(21, inhibitory, 0.8) },
        { name: 'B', dataset: condition(22, inhibitory, 0.8) },
      ],
      spec,
      { folds: 3, seed: 1, resamples: 200 },
    );
    expect(r.minimal).toBe('shared');
    expect(r.familyDifferences.every((f) => !f.differs)).toBe(true);
    // Identical inputs: the gate cannot tell the conditions apart, and mixing identical models loses nothing.
    expect(r.gate.accuracy).toBeLessThan(0.65);
    expect(Math.abs(r.gate.lossLogLikGain.estimate!)).toBeLessThan(1e-9);
  });

  it('refuses conditions whose atoms differ, naming the condition', () => {
    const a = condition(31, [-0.5, -0.7, -0.4, -0.1], 0.8);
    const other = plantedDataset({
      nTrials: 20,
      nBins: 50,
      seed: 32,
      spec,
      atoms: neuronLikeAtoms(5),
      truth: {
        intercept: -4.6,
        spatial: [
          [1, 0.4, 0.05],
          [0.3, 0.8, 1],
        ],
        temporal: [excitatory.temporal, [-0.5, -0.7, -0.4, -0.1]],
        history: [-5, -2, -0.3],
      },
      backgroundRate: 0.1,
      stimulusBin: 15,
      evokedRate: 0.8,
      scoredWindow: [12, 45],
    }).dataset;
    expect(() =>
      composeConditions(
        [
          { name: 'A', dataset: a },
          { name: 'small', dataset: other },
        ],
        spec,
      ),
    ).toThrow(OccamError);
    expect(() =>
      composeConditions(
        [
          { name: 'A', dataset: a },
          { name: 'small', dataset: other },
        ],
        spec,
      ),
    ).toThrow(/condition 'small' has different atoms/);
  });
});

/**
 * Conditions whose trials carry a period-like feature (manifest.trialFeatures): each trial's "period" is drawn from
 * the condition's own range (A: 4–6, B: 9–11), as a prompt's detected period would be — observable in the trial,
 * not its label. The same volley in both conditions, so input volume cannot tell them apart.
 */
function withPeriod(seed: number, inhibitoryTemporal: number[], periods: [number, number]) {
  const planted = condition(seed, inhibitoryTemporal, 1.2);
  const random = mulberry32(seed + 1000);
  const period = Array.from({ length: planted.manifest.nTrials }, () => periods[0] + Math.floor(random() * (periods[1] - periods[0] + 1)));
  return createDataset({ ...planted.manifest, trialFeatures: { period } }, planted);
}

describe('composeConditions: gate features', () => {
  const labelled = [
    { name: 'A', dataset: withPeriod(31, [-1.6, -0.6, 0, 0], [4, 6]) },
    { name: 'B', dataset: withPeriod(32, [0, 0, -0.6, -1.6], [9, 11]) },
  ];

  it('a per-trial feature identifies the condition where input volume alone cannot, and the gated model then loses less', () => {
    const options = { folds: 3, seed: 1, resamples: 200 };
    const volume = composeConditions(labelled, spec, { ...options, gateFeatures: ['volume'] });
    const withTrial = composeConditions(labelled, spec, options);
    // the composition is decided before the gate: the same with either gate
    expect(withTrial.minimal).toBe('specific:type=inhibitory');
    expect(volume.minimal).toBe(withTrial.minimal);
    // the default reads the volume and every per-trial feature the Datasets carry, and says so
    expect(withTrial.gate.featureFamilies).toEqual(['volume', 'trial:period']);
    expect(withTrial.gate.features.at(-1)).toBe('trial feature period');
    expect(volume.gate.featureFamilies).toEqual(['volume']);
    // same volley in both conditions: the volume gate is near chance, the period gate is right on every trial
    expect(volume.gate.accuracy).toBeLessThan(0.65);
    expect(withTrial.gate.accuracy).toBe(1);
    // guessing the condition from volume costs likelihood; reading it from the period costs less (only the
    // gate's residual doubt, probabilities short of 1)
    expect(volume.gate.lossLogLikGain.high!).toBeLessThan(0);
    expect(withTrial.gate.lossLogLikGain.estimate!).toBeGreaterThan(volume.gate.lossLogLikGain.estimate!);
    expect(withTrial.gate.logLikGain.estimate!).toBeGreaterThan(volume.gate.logLikGain.estimate!);
    // the default reports the gate beside each family alone, which says the same
    expect(withTrial.gate.ablations!.map((g) => g.featureFamilies)).toEqual([['volume'], ['trial:period']]);
    expect(withTrial.gate.ablations![0].accuracy).toBe(volume.gate.accuracy);
    expect(withTrial.gate.ablations![1].accuracy).toBe(1);
    expect(volume.gate.ablations).toBeUndefined();
  });
});
