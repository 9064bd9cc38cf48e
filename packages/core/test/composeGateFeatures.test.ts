import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import {
  composeConditions,
  concatenateTrials,
  createDataset,
  mulberry32,
  neuronLikeAtoms,
  OccamError,
  plantedDataset,
  readDataset,
  writeDataset,
  type Dataset,
  type SpecInput,
} from '@occam/core';
import { selectGateFeatures } from '../src/compose/gateFeatures.js';

// The planted compose setting (compose.test.ts): two E/I groups, smooth filters, an output history.
const atoms = neuronLikeAtoms(6);
const spec: SpecInput = {
  groupBy: ['type'],
  spatial: { attribute: 'distance', basis: { kind: 'raisedCosineLog', count: 3, firstPeak: 25, lastPeak: 275, offset: 50 } },
  temporal: { minLag: 0, maxLag: 16, basis: { kind: 'raisedCosineLog', count: 4, firstPeak: 0, lastPeak: 10, offset: 1.5 } },
  history: { maxLag: 8, basis: { kind: 'raisedCosineLog', count: 3, firstPeak: 1, lastPeak: 4, offset: 1 } },
};

/**
 * A condition whose trials carry a period-like feature: each trial's "period" is drawn from the condition's
 * own range (A: 4–6, B: 9–11), as a prompt's detected period would be — observable in the trial, not its label.
 */
function condition(seed: number, inhibitoryTemporal: number[], periods: [number, number]): Dataset {
  const planted = plantedDataset({
    nTrials: 60,
    nBins: 50,
    seed,
    spec,
    atoms,
    truth: {
      intercept: -4.6,
      spatial: [
        [1, 0.4, 0.05],
        [0.3, 0.8, 1],
      ],
      temporal: [[0.5, 0.9, 0.4, 0.1], inhibitoryTemporal],
      history: [-5, -2, -0.3],
    },
    backgroundRate: 0.1,
    stimulusBin: 15,
    // the same volley in both conditions: input volume cannot tell them apart
    evokedRate: 1.2,
    scoredWindow: [12, 45],
  }).dataset;
  const random = mulberry32(seed + 1000);
  const period = Array.from({ length: planted.manifest.nTrials }, () => periods[0] + Math.floor(random() * (periods[1] - periods[0] + 1)));
  return createDataset({ ...planted.manifest, trialFeatures: { period } }, planted);
}

const a = condition(31, [-1.6, -0.6, 0, 0], [4, 6]);
const b = condition(32, [0, 0, -0.6, -1.6], [9, 11]);
const labelled = [
  { name: 'A', dataset: a },
  { name: 'B', dataset: b },
];

describe('selectGateFeatures', () => {
  const plain = createDataset({ ...a.manifest, trialFeatures: undefined }, a);

  it('defaults to the volume and every per-trial feature all conditions carry; volume alone when they carry none', () => {
    expect(selectGateFeatures(labelled)).toEqual({ volume: true, trial: ['period'] });
    expect(selectGateFeatures([labelled[0], { name: 'C', dataset: plain }])).toEqual({ volume: true, trial: [] });
    expect(selectGateFeatures(labelled, ['trial:period'])).toEqual({ volume: false, trial: ['period'] });
    expect(selectGateFeatures(labelled, ['volume', 'trial', 'trial:period'])).toEqual({ volume: true, trial: ['period'] });
  });

  it('refuses a feature a condition does not carry, an unknown family and an empty list, before any fit', () => {
    expect(() => selectGateFeatures(labelled, ['trial:size'])).toThrow(/condition 'A' carries no per-trial feature 'size' \(it has period\)/);
    expect(() => selectGateFeatures([labelled[0], { name: 'C', dataset: plain }], ['trial'])).toThrow(
      /'trial' asks for the Datasets' per-trial features, but condition 'C' carries none/,
    );
    expect(() => selectGateFeatures(labelled, ['label'])).toThrow(/unknown family 'label'; expected volume, trial or trial:NAME/);
    expect(() => selectGateFeatures(labelled, [])).toThrow(OccamError);
    // composeConditions checks the list before fitting anything
    expect(() => composeConditions(labelled, spec, { folds: 2, resamples: 100, gateFeatures: ['label'] })).toThrow(/unknown family 'label'/);
  });
});

describe('Dataset per-trial features', () => {
  const dirs: string[] = [];
  afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

  it('need one entry per trial', () => {
    expect(() => createDataset({ ...a.manifest, trialFeatures: { period: [5, 5] } }, a)).toThrow(/trialFeatures\.period has 2 entries, expected nTrials = 60/);
  });

  it('survive writing and reading the Dataset, and are concatenated across shards', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'occam-trial-features-'));
    dirs.push(dir);
    await writeDataset(join(dir, 'a'), a);
    const back = await readDataset(join(dir, 'a'));
    expect(back.manifest.trialFeatures).toEqual(a.manifest.trialFeatures);
    const half = (ds: Dataset, from: number, to: number): Dataset => {
      const { nTrials, nBins } = ds.manifest;
      const A = ds.manifest.atoms.length;
      const inputs = new (ds.inputs.constructor as Float32ArrayConstructor)(A * (to - from) * nBins);
      for (let at = 0; at < A; at++) inputs.set(ds.inputs.subarray((at * nTrials + from) * nBins, (at * nTrials + to) * nBins), at * (to - from) * nBins);
      return createDataset(
        {
          ...ds.manifest,
          nTrials: to - from,
          trialIds: undefined,
          trialFeatures: { period: ds.manifest.trialFeatures!.period.slice(from, to) },
        },
        {
          inputs: inputs as Dataset['inputs'],
          target: ds.target.slice(from * nBins, to * nBins),
          scored: ds.scored.slice(from * nBins, to * nBins),
        },
      );
    };
    const merged = concatenateTrials([half(a, 0, 25), half(a, 25, 60)]);
    expect(merged.manifest.trialFeatures).toEqual(a.manifest.trialFeatures);
    const other = createDataset({ ...half(a, 25, 60).manifest, trialFeatures: { size: new Array(35).fill(1) } }, half(a, 25, 60));
    expect(() => concatenateTrials([half(a, 0, 25), other])).toThrow(/differs from part 0 in trialFeatures/);
  });
});
