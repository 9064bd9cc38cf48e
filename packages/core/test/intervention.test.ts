import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  applyIntervention,
  buildLayout,
  createDataset,
  DEFAULT_CHECK_OPTIONS,
  fitReducedModel,
  interventionCheck,
  InterventionListSchema,
  interventionSlug,
  neuronLikeAtoms,
  OccamError,
  plantedDataset,
  readInterventionFile,
  SpecSchema,
  type Atom,
  type Dataset,
  type NeuronIntervention,
} from '@occam/core';
import { simulateOutput } from '../src/model/simulate.js';

// Atoms laid out as the neuron adapter writes them: E/I × 50 µm distance bins, each with its bin's edges.
const atoms: Atom[] = ['excitatory', 'inhibitory'].flatMap((type) =>
  [0, 1, 2, 3].map((b) => ({
    id: `${type[0].toUpperCase()}_${b * 250}-${(b + 1) * 250}um`,
    attributes: { type, distance: b * 250 + 125, distanceFrom: b * 250, distanceTo: (b + 1) * 250 },
  })),
);
const nTrials = 3;
const nBins = 10;

/** Inputs whose value names its cell, so every moved or zeroed value can be checked. */
function dataset() {
  const inputs = new Uint16Array(atoms.length * nTrials * nBins);
  for (let i = 0; i < inputs.length; i++) inputs[i] = i + 1;
  const target = new Uint8Array(nTrials * nBins);
  target[5] = 1;
  return createDataset(
    { format: 'occam.dataset', version: 1, nTrials, nBins, binWidth: 1, binUnit: 'ms', atoms, target: { kind: 'binary' } },
    { inputs, target },
  );
}
const at = (x: ArrayLike<number>, a: number, tr: number, t: number) => x[(a * nTrials + tr) * nBins + t];
const iv = (x: unknown) => x as NeuronIntervention;

describe('intervention list schema', () => {
  it('accepts the four interventions of the bundled check', () => {
    const list = InterventionListSchema.parse({
      system: 'neuron',
      interventions: [
        { name: 'no inhibition', silence: { type: ['inhibitory'] } },
        { name: 'no distal excitation', silence: { type: ['excitatory'], distance: { min: 500 } } },
        { name: 'excitation 3 ms later', shift: { select: { type: ['excitatory'] }, bins: 3 } },
        { name: 'inhibition halved', scale: { select: { type: ['inhibitory'] }, factor: 0.5 } },
      ],
    });
    expect(list.interventions.map((i) => interventionSlug(i.name))).toEqual([
      'no-inhibition',
      'no-distal-excitation',
      'excitation-3-ms-later',
      'inhibition-halved',
    ]);
  });

  it('rejects unknown keys with the nearest known one, and a second operation, and repeated names', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'occam-iv-'));
    const file = join(dir, 'list.json');
    await writeFile(file, JSON.stringify({ system: 'neuron', interventions: [{ name: 'x', silense: { type: ['inhibitory'] } }] }));
    await expect(readInterventionFile(file)).rejects.toThrow(/interventions\.0: unknown key 'silense' \(did you mean 'silence'\?\)/);
    await writeFile(file, JSON.stringify({ system: 'neuron', interventions: [{ name: 'x', shift: { select: { type: ['excitatory'] }, bin: 3 } }] }));
    await expect(readInterventionFile(file)).rejects.toThrow(/shift: unknown key 'bin' \(did you mean 'bins'\?\)/);
    const two = InterventionListSchema.safeParse({
      system: 'neuron',
      interventions: [{ name: 'x', silence: { type: ['inhibitory'] }, scale: { select: { type: ['inhibitory'] }, factor: 2 } }],
    });
    expect(two.success).toBe(false);
    expect(JSON.stringify(two.error?.issues)).toMatch(/exactly one operation/);
    const same = InterventionListSchema.safeParse({
      system: 'neuron',
      interventions: [
        { name: 'No inhibition', silence: { type: ['inhibitory'] } },
        { name: 'no-inhibition', silence: { type: ['inhibitory'] } },
      ],
    });
    expect(same.success).toBe(false);
    expect(InterventionListSchema.safeParse({ system: 'language-model', interventions: [] }).success).toBe(false);
    expect(
      InterventionListSchema.safeParse({ system: 'neuron', interventions: [{ name: 'x', shift: { select: { type: ['e'] }, bins: 1, ms: 1 } }] }).success,
    ).toBe(false);
    expect(InterventionListSchema.safeParse({ system: 'neuron', interventions: [{ name: 'x', silence: {} }] }).success).toBe(false);
    expect(InterventionListSchema.safeParse({ system: 'neuron', interventions: [{ name: 'x', silence: { distance: { min: 5, max: 5 } } }] }).success).toBe(
      false,
    );
  });
});

describe('applyIntervention', () => {
  it('silences exactly the selected atoms and leaves the original untouched', () => {
    const ds = dataset();
    const before = ds.inputs.slice();
    const { dataset: out, atoms: picked } = applyIntervention(ds, iv({ name: 'distal E', silence: { type: ['excitatory'], distance: { min: 500 } } }));
    expect(picked.map((a) => atoms[a].id)).toEqual(['E_500-750um', 'E_750-1000um']);
    for (let a = 0; a < atoms.length; a++)
      for (let tr = 0; tr < nTrials; tr++) for (let t = 0; t < nBins; t++) expect(at(out.inputs, a, tr, t)).toBe(picked.includes(a) ? 0 : at(before, a, tr, t));
    expect(ds.inputs).toEqual(before);
    expect(out.target).toBe(ds.target);
  });

  it('shifts later and earlier within each trial, zero-filling the bins left behind', () => {
    const ds = dataset();
    const later = applyIntervention(ds, iv({ name: 'E later', shift: { select: { type: ['excitatory'] }, bins: 3 } })).dataset;
    const earlier = applyIntervention(ds, iv({ name: 'I earlier', shift: { select: { type: ['inhibitory'] }, ms: -2 } })).dataset;
    for (let tr = 0; tr < nTrials; tr++)
      for (let t = 0; t < nBins; t++) {
        expect(at(later.inputs, 0, tr, t)).toBe(t >= 3 ? at(ds.inputs, 0, tr, t - 3) : 0);
        expect(at(later.inputs, 4, tr, t)).toBe(at(ds.inputs, 4, tr, t));
        expect(at(earlier.inputs, 4, tr, t)).toBe(t < nBins - 2 ? at(ds.inputs, 4, tr, t + 2) : 0);
      }
  });

  it('scales the selected inputs (as float32) and keeps the sum of the rest', () => {
    const ds = dataset();
    const out = applyIntervention(ds, iv({ name: 'I halved', scale: { select: { type: ['inhibitory'] }, factor: 0.5 } })).dataset;
    expect(out.inputs).toBeInstanceOf(Float32Array);
    expect(at(out.inputs, 5, 1, 7)).toBeCloseTo(at(ds.inputs, 5, 1, 7) * 0.5, 6);
    expect(at(out.inputs, 1, 1, 7)).toBe(at(ds.inputs, 1, 1, 7));
  });

  it('refuses selections the simulator would read differently, naming the attribute or the atom', () => {
    const ds = dataset();
    expect(() => applyIntervention(ds, iv({ name: 'a', silence: { typ: ['inhibitory'] } }))).toThrow(
      /no atom has the attribute 'typ' \(did you mean 'type'\?\)/,
    );
    expect(() => applyIntervention(ds, iv({ name: 'b', silence: { distance: { min: 600 } } }))).toThrow(/bound 600 falls inside atom 'E_500-750um'/);
    expect(() => applyIntervention(ds, iv({ name: 'c', silence: { type: ['gabaergic'] } }))).toThrow(
      /matches no atom \(the atoms have type: excitatory, inhibitory\)/,
    );
    expect(() => applyIntervention(ds, iv({ name: 'd', shift: { select: { type: ['excitatory'] }, ms: 1.5 } }))).toThrow(OccamError);
  });
});

describe('interventionCheck', () => {
  // A small planted cell; the "system" is the planted truth. A second system plays a cell whose inhibition
  // saturates: halving the inhibitory input there changes its drive by a tenth only, which the linear model cannot know.
  const spec = {
    groupBy: ['type'],
    spatial: { attribute: 'distance', basis: { kind: 'raisedCosineLog' as const, count: 3, firstPeak: 25, lastPeak: 225, offset: 50 } },
    temporal: { minLag: 0, maxLag: 12, basis: { kind: 'raisedCosineLog' as const, count: 3, firstPeak: 0, lastPeak: 8, offset: 1.5 } },
    history: { maxLag: 6, basis: { kind: 'raisedCosineLog' as const, count: 2, firstPeak: 1, lastPeak: 3, offset: 1 } },
    regularization: { ridge: 0.01, smoothness: 0 },
  };
  const truth = {
    intercept: -4.5,
    spatial: [
      [1, 0.4, 0.05],
      [0.3, 0.8, 1],
    ],
    temporal: [
      [0.6, 0.9, 0.3],
      [-0.5, -0.7, -0.3],
    ],
    history: [-5, -1],
  };
  const { dataset, beta } = plantedDataset({
    nTrials: 500,
    nBins: 40,
    seed: 5,
    spec,
    truth,
    atoms: neuronLikeAtoms(5),
    backgroundRate: 0.1,
    stimulusBin: 12,
    evokedRate: 0.8,
    scoredWindow: [12, 36],
  });
  const model = fitReducedModel(dataset, spec);
  const list = InterventionListSchema.parse({
    system: 'neuron',
    interventions: [{ name: 'inhibition halved', scale: { select: { type: ['inhibitory'] }, factor: 0.5 } }],
  });

  /** The system's rerun under the intervention: sampled from `beta` with the intervened inputs, the stored inputs untouched by scale. */
  function rerun(ds: Dataset, beta: Float64Array, trials: number[], ids?: string[], factor = 0.5): Dataset {
    const layout = buildLayout(SpecSchema.parse(spec), ds.manifest.atoms);
    const acted = applyIntervention(ds, { name: 'x', scale: { select: { type: ['inhibitory'] }, factor } }).dataset;
    const events = simulateOutput(acted, layout, 'bernoulli', beta, trials, 9);
    const nB = ds.manifest.nBins;
    const target = new Uint8Array(trials.length * nB);
    events.forEach((bins, k) => bins.forEach((t) => (target[k * nB + t] = 1)));
    const inputs = new Uint8Array(ds.manifest.atoms.length * trials.length * nB);
    for (let a = 0; a < ds.manifest.atoms.length; a++)
      trials.forEach((tr, k) =>
        inputs.set(ds.inputs.subarray((a * ds.manifest.nTrials + tr) * nB, (a * ds.manifest.nTrials + tr + 1) * nB), (a * trials.length + k) * nB),
      );
    return createDataset({ ...ds.manifest, nTrials: trials.length, trialIds: ids }, { inputs, target });
  }

  it('finds no miss when the system is the model, and a miss when the system handles inhibition differently', () => {
    const all = Array.from({ length: dataset.manifest.nTrials }, (_, i) => i);
    const paths = { model: 'm', data: 'd', interventions: 'i' };
    const options = { ...DEFAULT_CHECK_OPTIONS, samples: 5, resamples: 200 };
    const same = interventionCheck(model, dataset, list, [{ name: 'inhibition halved', path: 'same', dataset: rerun(dataset, beta, all) }], paths, options);
    expect(same.interventions[0].miss, same.interventions[0].line).toBe(false);
    const saturating = rerun(dataset, beta, all, undefined, 0.9);
    const other = interventionCheck(model, dataset, list, [{ name: 'inhibition halved', path: 'other', dataset: saturating }], paths, options);
    expect(other.interventions[0].miss, other.interventions[0].line).toBe(true);
    expect(other.misses[0]).toMatch(/^inhibition halved: .*MISS — the reduction over-predicts the change/);
  });

  it('pairs a rerun of some of the trials by trial id', () => {
    const ids = Array.from({ length: dataset.manifest.nTrials }, (_, i) => `t${i}`);
    const withIds = createDataset({ ...dataset.manifest, trialIds: ids }, dataset);
    const some = [3, 10, 11, 50, 400];
    const result = interventionCheck(
      model,
      withIds,
      list,
      [
        {
          name: 'inhibition halved',
          path: 'some',
          dataset: rerun(
            withIds,
            beta,
            some,
            some.map((i) => `t${i}`),
          ),
        },
      ],
      { model: 'm', data: 'd', interventions: 'i' },
      { ...DEFAULT_CHECK_OPTIONS, samples: 2, resamples: 50 },
    );
    expect(result.measure).toMatchObject({ trials: 5, pairedBy: 'trialIds' });
    expect(() =>
      interventionCheck(model, withIds, list, [{ name: 'inhibition halved', path: 'foreign', dataset: rerun(withIds, beta, [1, 2], ['x1', 'x2']) }], {
        model: 'm',
        data: 'd',
        interventions: 'i',
      }),
    ).toThrow(/foreign: trial 'x1' is not among d's trials/);
  });
});
