import { existsSync, readFileSync } from 'node:fs';
import { chmod, mkdtemp, readdir, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  arraySpec,
  compareModels,
  compareModelsOn,
  concatenateTrials,
  createDataset,
  crossPredictionColumnTask,
  CROSS_PREDICTION_TASK,
  fitReducedModel,
  localExecutor,
  neuronLikeAtoms,
  OccamError,
  plantedDataset,
  readTaskResult,
  readTaskFile,
  slurmExecutor,
  type SpecInput,
  type TaskHandlers,
  workPaths,
  writeDataset,
  writeReducedModel,
} from '@occam/core';

const work = () => mkdtemp(join(tmpdir(), 'occam-executor-'));

/** Squares its params; counts its runs per task name; fails (throws) for the names in `failing` while they are there. */
function squaring(failing = new Set<string>()) {
  const runs: Record<string, number> = {};
  const handlers: TaskHandlers = {
    square: async (params, { task }) => {
      runs[task.name] = (runs[task.name] ?? 0) + 1;
      if (failing.has(task.name)) throw new OccamError(`${task.name} was told to fail`);
      return (params as number) ** 2;
    },
  };
  return { runs, handlers, failing };
}
const tasks = (n: number) => Array.from({ length: n }, (_, i) => ({ name: `sq-${i}`, kind: 'square', params: i + 1 }));

describe('local executor', () => {
  it('runs every task once, returns the results in task order, and a rerun in the same folder runs nothing', async () => {
    const dir = await work();
    const s = squaring();
    expect(await localExecutor(s.handlers).run(dir, tasks(4))).toEqual([1, 4, 9, 16]);
    expect((await readdir(join(dir, 'results'))).sort()).toEqual(['0.json', '1.json', '2.json', '3.json']);
    expect(await localExecutor(s.handlers).run(dir, tasks(4))).toEqual([1, 4, 9, 16]);
    expect(s.runs).toEqual({ 'sq-0': 1, 'sq-1': 1, 'sq-2': 1, 'sq-3': 1 });
  });

  it('a failed task stops the run with its error, is recorded, and the next run reruns only it', async () => {
    const dir = await work();
    const s = squaring(new Set(['sq-2']));
    await expect(localExecutor(s.handlers).run(dir, tasks(4))).rejects.toThrow(/sq-2 was told to fail/);
    const failure = JSON.parse(readFileSync(workPaths.failure(dir, 2), 'utf8'));
    expect(failure).toMatchObject({ format: 'occam.task-failure', index: 2, name: 'sq-2', message: 'sq-2 was told to fail' });
    expect(existsSync(workPaths.result(dir, 2))).toBe(false);
    s.failing.clear();
    expect(await localExecutor(s.handlers).run(dir, tasks(4))).toEqual([1, 4, 9, 16]);
    // sq-3 never ran in the failed run (it stops at the failure); sq-0 and sq-1 ran once in all
    expect(s.runs).toEqual({ 'sq-0': 1, 'sq-1': 1, 'sq-2': 2, 'sq-3': 1 });
    expect(existsSync(workPaths.failure(dir, 2))).toBe(false);
  });

  it('retries a failing task alone', async () => {
    const dir = await work();
    const runs: number[] = [];
    const handlers: TaskHandlers = {
      flaky: async (params) => {
        runs.push(params as number);
        if (params === 1 && runs.filter((r) => r === 1).length === 1) throw new Error('transient');
        return params;
      },
    };
    const specs = [0, 1, 2].map((i) => ({ name: `t${i}`, kind: 'flaky', params: i }));
    expect(await localExecutor(handlers, { retries: 1 }).run(dir, specs)).toEqual([0, 1, 2]);
    expect(runs).toEqual([0, 1, 1, 2]);
  });

  it('a task whose params changed is run again (its result is keyed by kind and params)', async () => {
    const dir = await work();
    const s = squaring();
    await localExecutor(s.handlers).run(dir, tasks(2));
    const changed = [tasks(2)[0], { ...tasks(2)[1], params: 10 }];
    expect(await localExecutor(s.handlers).run(dir, changed)).toEqual([1, 100]);
    expect(s.runs).toEqual({ 'sq-0': 1, 'sq-1': 2 });
    const t1 = await readTaskFile(dir, 1);
    expect((await readTaskResult(dir, t1))?.value).toBe(100);
  });

  it('refuses duplicate and unsafe task names, and unknown kinds', async () => {
    const s = squaring();
    await expect(localExecutor(s.handlers).run(await work(), [tasks(1)[0], tasks(1)[0]])).rejects.toThrow(/given twice/);
    await expect(localExecutor(s.handlers).run(await work(), [{ name: '../x', kind: 'square', params: 1 }])).rejects.toThrow(/letters, digits/);
    await expect(localExecutor(s.handlers).run(await work(), [{ name: 'a', kind: 'cube', params: 1 }])).rejects.toThrow(/unknown task kind 'cube'/);
  });

  it('a damaged result file is an error naming it, not a silent rerun or a crash', async () => {
    const dir = await work();
    const s = squaring();
    await localExecutor(s.handlers).run(dir, tasks(1));
    await writeFile(workPaths.result(dir, 0), '{"format": "occam.task-result"');
    await expect(localExecutor(s.handlers).run(dir, tasks(1))).rejects.toThrow(/results\/0\.json: not valid JSON/);
  });
});

describe('SLURM executor without a cluster', () => {
  it('says what to do when sbatch is not installed', async () => {
    const ex = slurmExecutor({ cli: '/nowhere/occam.js', env: { PATH: '/nonexistent' }, pollMs: 10 });
    const error = await ex.run(await work(), tasks(2)).catch((e) => e);
    expect(error).toBeInstanceOf(OccamError);
    expect(error.message).toMatch(/'sbatch' was not found on PATH/);
    expect(error.message).toMatch(/start-local-cluster\.sh/);
  });

  it('says the controller is down when sbatch cannot reach it (sbatch stands in, printing what SLURM prints)', async () => {
    const bin = await work();
    await writeFile(
      join(bin, 'sbatch'),
      '#!/bin/sh\necho "sbatch: error: Batch job submission failed: Unable to contact slurm controller (connect failure)" >&2\nexit 1\n',
    );
    await chmod(join(bin, 'sbatch'), 0o755);
    const ex = slurmExecutor({ cli: '/nowhere/occam.js', env: { PATH: bin }, pollMs: 10 });
    const error = await ex.run(await work(), tasks(2)).catch((e) => e);
    expect(error).toBeInstanceOf(OccamError);
    expect(error.message).toMatch(/Unable to contact slurm controller/);
    expect(error.message).toMatch(/is the cluster up \(sinfo\)/);
  });

  it('writes --array lists as ranges', () => {
    expect(arraySpec([0, 1, 2, 3])).toBe('0-3');
    expect(arraySpec([7, 3, 8, 1])).toBe('1,3,7-8');
    expect(arraySpec([5])).toBe('5');
  });
});

describe('fan-outs on the local executor equal the direct computation', () => {
  it('concatenateTrials: shards of different lengths pad to the longest with unscored zeros; per-trial metadata joins', () => {
    const atoms = [{ id: 'a', attributes: {} }];
    const part = (nTrials: number, nBins: number, base: number, labels?: string[]) =>
      createDataset(
        {
          format: 'occam.dataset',
          version: 1,
          nTrials,
          nBins,
          binWidth: 1,
          binUnit: 'token',
          atoms,
          target: { kind: 'binary', name: 'x' },
          trialIds: Array.from({ length: nTrials }, (_, t) => `p${base + t}`),
          metadata: { condition: 'c', ...(labels ? { trialLabels: labels } : {}), after: 1 },
        },
        {
          inputs: Float32Array.from({ length: nTrials * nBins }, (_, i) => base * 100 + i + 1),
          target: Uint8Array.from({ length: nTrials * nBins }, (_, i) => i % 2),
          scored: new Uint8Array(nTrials * nBins).fill(1),
        },
      );
    const merged = concatenateTrials([part(2, 2, 0), part(1, 3, 2, ['x'])], { perTrialMetadata: { trialLabels: '' } });
    expect(merged.manifest).toMatchObject({ nTrials: 3, nBins: 3, trialIds: ['p0', 'p1', 'p2'] });
    expect(Object.keys(merged.manifest.metadata)).toEqual(['condition', 'trialLabels', 'after']);
    expect(merged.manifest.metadata.trialLabels).toEqual(['', '', 'x']);
    expect([...merged.inputs]).toEqual([1, 2, 0, 3, 4, 0, 201, 202, 203]);
    expect([...merged.scored]).toEqual([1, 1, 0, 1, 1, 0, 1, 1, 1]);
    expect([...merged.target]).toEqual([0, 1, 0, 0, 1, 0, 0, 1, 0]);
    expect(() =>
      concatenateTrials([part(1, 2, 0), createDataset({ ...part(1, 2, 0).manifest, target: { kind: 'binary', name: 'y' } }, part(1, 2, 0))]),
    ).toThrow(/differs from part 0 in target, not only in its trials/);
  });

  it("compare's cross-prediction columns as tasks give the same result, to the byte", async () => {
    const dir = await work();
    const spec: SpecInput = {
      groupBy: ['type'],
      spatial: { attribute: 'distance', basis: { kind: 'raisedCosineLog', count: 3, firstPeak: 25, lastPeak: 225, offset: 50 } },
      temporal: { minLag: 0, maxLag: 8, basis: { kind: 'raisedCosineLog', count: 3, firstPeak: 0, lastPeak: 5, offset: 1.5 } },
      regularization: { ridge: 1, smoothness: 0 },
    };
    const truth = (w: number) => ({
      intercept: -4,
      spatial: [
        [1, 0.4, w],
        [0.3, 0.8, 1],
      ],
      temporal: [
        [0.5, 0.9, 0.4],
        [-0.5, -0.7, -0.4],
      ],
      history: [],
    });
    const systems = [];
    const files = [];
    for (const [k, w] of [0.1, 0.9, 0.5].entries()) {
      const { dataset } = plantedDataset({
        nTrials: 120,
        nBins: 30,
        seed: k + 1,
        spec,
        truth: truth(w),
        atoms: neuronLikeAtoms(4),
        backgroundRate: 0.1,
        stimulusBin: 10,
        evokedRate: 0.8,
        scoredWindow: [8, 28],
      });
      const model = fitReducedModel(dataset, spec);
      const f = { name: `s${k}`, model: join(dir, `s${k}.model.json`), dataset: join(dir, `s${k}.ds`) };
      await writeDataset(f.dataset, dataset);
      await writeReducedModel(f.model, model);
      systems.push({ name: f.name, model, dataset });
      files.push(f);
    }
    const direct = JSON.stringify(compareModels(systems, { resamples: 50 }));
    const viaTasks = await compareModelsOn(localExecutor({ [CROSS_PREDICTION_TASK]: crossPredictionColumnTask }), join(dir, 'work'), systems, files, {
      resamples: 50,
    });
    expect(JSON.stringify(viaTasks)).toBe(direct);
    expect(await readdir(join(dir, 'work', 'results'))).toHaveLength(3);
  });
});
