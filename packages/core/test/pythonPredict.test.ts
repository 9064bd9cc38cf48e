import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import {
  createDataset,
  fitReducedModel,
  neuronLikeAtoms,
  plantedDataset,
  predictReducedModel,
  readDataset,
  readReducedModel,
  writeDataset,
  writeReducedModel,
  type Atom,
  type Dataset,
  type ReducedModel,
  type SpecInput,
} from '@occam/core';

const python = '/usr/bin/python3';
const hasNumpy = existsSync(python) && spawnSync(python, ['-c', 'import numpy']).status === 0;
const repo = fileURLToPath(new URL('../../../', import.meta.url));
const pythonEnv = { ...process.env, PYTHONPATH: join(repo, 'python') };

interface PythonPrediction {
  trial: number[];
  bin: number[];
  eta: number[];
  mean: number[];
  lookup: number[] | null;
  target: number[];
}

function pythonPredict(datasetDir: string, modelPath: string, rows: 'scored' | 'all'): PythonPrediction {
  const out = execFileSync(python, ['-m', 'occam_numpy', datasetDir, modelPath, '--rows', rows, '--json', '-'], {
    env: pythonEnv,
    encoding: 'utf8',
    maxBuffer: 1 << 28,
  });
  return JSON.parse(out) as PythonPrediction;
}

function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
}

/** NumPy's prediction of every row against occam's own: same rows in the same order, η and probabilities within 1e-6. */
function expectSamePredictions(model: ReducedModel, ds: Dataset, datasetDir: string, modelPath: string, rows: 'scored' | 'all'): void {
  const ours = predictReducedModel(model, ds, { rows });
  const py = pythonPredict(datasetDir, modelPath, rows);
  expect(ours.wni.length).toBeGreaterThan(0);
  expect(py.trial).toEqual(Array.from(ours.trial));
  expect(py.bin).toEqual(Array.from(ours.bin));
  expect(py.target).toEqual(Array.from(ours.target));
  // A constant η would match a model that ignores its inputs: the predictions must actually vary.
  expect(Math.max(...ours.wni) - Math.min(...ours.wni)).toBeGreaterThan(0.1);
  expect(maxAbsDiff(py.eta, ours.wni)).toBeLessThan(1e-6);
  expect(maxAbsDiff(py.mean, ours.mean)).toBeLessThan(1e-6);
  if (ours.lookup) {
    expect(py.lookup).not.toBeNull();
    expect(maxAbsDiff(py.lookup!, ours.lookup)).toBeLessThan(1e-6);
  } else {
    expect(py.lookup).toBeNull();
  }
}

/** Fit, write the dataset (NPY and NPY.GZ) and the model as occam does, then compare both row sets. */
async function fitWriteCompare(ds: Dataset, spec: SpecInput): Promise<ReducedModel> {
  const dir = await mkdtemp(join(tmpdir(), 'occam-pypredict-'));
  const model = fitReducedModel(ds, spec);
  const modelPath = join(dir, 'model.json');
  await writeReducedModel(modelPath, model);
  await writeDataset(join(dir, 'ds'), ds);
  await writeDataset(join(dir, 'dsgz'), ds, { compress: true });
  const written = await readReducedModel(modelPath);
  for (const d of ['ds', 'dsgz']) {
    for (const rows of ['scored', 'all'] as const) expectSamePredictions(written, ds, join(dir, d), modelPath, rows);
  }
  return written;
}

const neuronSpec: SpecInput = {
  groupBy: ['type'],
  spatial: { attribute: 'distance', basis: { kind: 'raisedCosineLog', count: 3, firstPeak: 25, lastPeak: 225, offset: 50 } },
  temporal: { minLag: 0, maxLag: 8, basis: { kind: 'raisedCosineLog', count: 3, firstPeak: 0, lastPeak: 5, offset: 1.5 } },
  history: { maxLag: 4, basis: { kind: 'raisedCosineLog', count: 2, firstPeak: 1, lastPeak: 3, offset: 1 } },
};

/** Output planted by neuronSpec's E/I model (other atoms, left out by `plantingExclude`, are input noise). */
function neuronDataset(atoms: Atom[], seed: number, family: 'bernoulli' | 'poisson' = 'bernoulli', plantingExclude: Record<string, string[]> = {}): Dataset {
  const { dataset } = plantedDataset({
    nTrials: 60,
    nBins: 40,
    seed,
    spec: { ...neuronSpec, family, exclude: plantingExclude },
    atoms,
    truth: {
      intercept: -4,
      spatial: [
        [1, 0.4, 0.05],
        [0.3, 0.8, 1],
      ],
      temporal: [
        [0.5, 0.9, 0.4],
        [-0.5, -0.7, -0.4],
      ],
      history: [-5, -2],
    },
    backgroundRate: 0.2,
    stimulusBin: 10,
    evokedRate: 0.9,
    scoredWindow: [8, 38],
  });
  return dataset;
}

describe.skipIf(!hasNumpy)('python/occam_numpy predicts what occam predicts (max |Δη| < 1e-6)', () => {
  it('(a) a planted neuron-like dataset, separable spec with history', async () => {
    const ds = neuronDataset(neuronLikeAtoms(4), 5);
    const model = await fitWriteCompare(ds, neuronSpec);
    expect(model.coefficients.separable).not.toBeNull();
    expect(model.layout.H).toBe(2);
  });

  it('(b) a full (non-separable) spec: binned groups, ISF spatial basis, minLag 1, raw history, lookup nonlinearity', async () => {
    const ds = neuronDataset(neuronLikeAtoms(4), 6);
    const spec: SpecInput = {
      groupBy: ['type', { attribute: 'distance', edges: [0, 100, 1000] }],
      spatial: { attribute: 'distance', basis: { kind: 'isfRaisedCosine', a: 3, c: 1, phases: [1, 2.5, 4], scale: 50 } },
      temporal: { minLag: 1, maxLag: 6, basis: { kind: 'raisedCosineLog', count: 3, firstPeak: 1, lastPeak: 4, offset: 1 } },
      structure: 'full',
      history: { maxLag: 3, basis: { kind: 'raw' } },
      nonlinearity: { kind: 'lookup', minCount: 10 },
    };
    const model = await fitWriteCompare(ds, spec);
    expect(model.coefficients.separable).toBeNull();
    expect(model.layout.groups).toContain('type=excitatory, distance∈[0,100)');
    expect(model.nonlinearity.lookup).not.toBeNull();
  });

  it('(c) exclude, a raw spatial basis and atoms that read the readout (left out unless includeReadoutAtoms); poisson', async () => {
    const atoms: Atom[] = [];
    for (const type of ['excitatory', 'inhibitory', 'modulatory']) {
      for (const distance of [50, 100, 150]) atoms.push({ id: `${type}-${distance}`, attributes: { type, distance, readsReadout: 'no' } });
    }
    // Beside an ordinary atom with the same group and distance, so its column is fitted and leaving it in would show.
    atoms.push({ id: 'excitatory-100-readout', attributes: { type: 'excitatory', distance: 100, readsReadout: 'yes' } });
    const planted = neuronDataset(atoms, 7, 'poisson', { type: ['modulatory'] });
    const ds = createDataset({ ...planted.manifest, target: { kind: 'count', name: 'spikes' } }, planted);
    const spec: SpecInput = {
      groupBy: ['type'],
      exclude: { type: ['modulatory'] },
      spatial: { attribute: 'distance', basis: { kind: 'raw' } },
      temporal: { minLag: 0, maxLag: 5, basis: { kind: 'raw' } },
      family: 'poisson',
    };
    const without = await fitWriteCompare(ds, spec);
    expect(without.layout.groups).toEqual(['type=excitatory', 'type=inhibitory']);
    const withReadout = await fitWriteCompare(ds, { ...spec, includeReadoutAtoms: true });
    expect(withReadout.layout.groups).toEqual(['type=excitatory', 'type=inhibitory']);
    expect(withReadout.layout.spatialValues).toEqual([50, 100, 150]);
  });

  it('gaussian family (identity link) on a real-valued target', async () => {
    const planted = neuronDataset(neuronLikeAtoms(3), 8);
    const target = new Float32Array(planted.target.length);
    for (let i = 0; i < target.length; i++) target[i] = planted.target[i] + 0.25 * Math.sin(i);
    const ds = createDataset({ ...planted.manifest, target: { kind: 'real', name: 'voltage' } }, { inputs: planted.inputs, target, scored: planted.scored });
    await fitWriteCompare(ds, { ...neuronSpec, spatial: { attribute: 'distance', basis: { kind: 'constant' } }, family: 'gaussian' });
  });

  it('refuses, like occam, a dataset with a group the model does not know', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'occam-pypredict-'));
    const ds = neuronDataset(neuronLikeAtoms(3), 9);
    await writeReducedModel(join(dir, 'model.json'), fitReducedModel(ds, neuronSpec));
    // The same recordings with the inhibitory atoms typed differently: a group the model was never fitted on.
    const atoms = ds.manifest.atoms.map((a) => (a.attributes.type === 'inhibitory' ? { ...a, attributes: { ...a.attributes, type: 'fast-spiking' } } : a));
    const renamed = createDataset({ ...ds.manifest, atoms }, ds);
    await writeDataset(join(dir, 'ds'), renamed);
    const model = await readReducedModel(join(dir, 'model.json'));
    const unknown = /dataset has group 'type=fast-spiking' that the model does not know/;
    expect(() => predictReducedModel(model, renamed)).toThrow(unknown);
    const run = spawnSync(python, ['-m', 'occam_numpy', join(dir, 'ds'), join(dir, 'model.json')], { env: pythonEnv, encoding: 'utf8' });
    expect(run.status).toBe(2);
    expect(run.stderr).toMatch(unknown);
    expect(run.stderr).not.toMatch(/Traceback/);
  });

  it('(d) a language-model dataset from `occam lm extract`, fitted with examples/lm-default.spec.json by `occam fit`', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'occam-pypredict-lm-'));
    const cli = join(repo, 'apps/cli/bin/occam.js');
    const dsDir = join(dir, 'ds');
    const modelPath = join(dir, 'm.json');
    const run = (args: string[]) => execFileSync(process.execPath, [cli, ...args], { cwd: repo, stdio: 'pipe', encoding: 'utf8' });
    run([
      'lm',
      'extract',
      '--model',
      join(repo, 'data/models/induction-2l-s1'),
      '--condition',
      join(repo, 'examples/repeated-random.condition.json'),
      '--behaviour',
      'next-token-correct',
      '--out',
      dsDir,
    ]);
    run(['fit', '--data', dsDir, '--spec', join(repo, 'examples/lm-default.spec.json'), '--out', modelPath]);
    const model = await readReducedModel(modelPath);
    const ds = await readDataset(dsDir);
    expect(model.spec.temporal.minLag).toBe(0);
    expect(ds.inputs).toBeInstanceOf(Float32Array);
    for (const rows of ['scored', 'all'] as const) expectSamePredictions(model, ds, dsDir, modelPath, rows);
  }, 240_000);
});
