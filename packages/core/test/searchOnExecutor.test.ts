import { readdirSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  localExecutor,
  neuronLikeAtoms,
  plantedDataset,
  readDataset,
  runSearch,
  runTaskAt,
  SEARCH_CANDIDATE_TASK,
  searchCandidateTask,
  workPaths,
  writeDataset,
  type Dataset,
  type TaskHandler,
} from '@occam/core';

// A search whose candidates are executor tasks must write what the thread pool's search writes, byte for byte:
// the tasks run the same scoring code, and their results come back through JSON files.
const spec = {
  groupBy: ['type'],
  temporal: { minLag: 0, maxLag: 6, basis: { kind: 'raisedCosineLog', count: 3, firstPeak: 0, lastPeak: 4, offset: 1.5 } },
  history: { maxLag: 3, basis: { kind: 'raisedCosineLog', count: 2, firstPeak: 1, lastPeak: 2, offset: 1 } },
} as const;
const planted = (seed: number) =>
  plantedDataset({
    nTrials: 80,
    nBins: 24,
    seed,
    spec,
    atoms: neuronLikeAtoms(2),
    truth: {
      intercept: -4,
      spatial: [[1], [1]],
      temporal: [
        [0.6, 0.9, 0.3],
        [-0.5, -0.6, -0.2],
      ],
      history: [-3, -1],
    },
    backgroundRate: 0.1,
    stimulusBin: 8,
    evokedRate: 0.8,
    scoredWindow: [6, 22],
  }).dataset;
const options = { maxLag: 6, folds: 2, seed: 3, resamples: 100 };

describe('search on an executor', () => {
  let dir: string;
  let folder: string;
  let ds: Dataset;
  let onThreads: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'occam-search-exec-'));
    folder = join(dir, 'data');
    await writeDataset(folder, planted(4));
    ds = await readDataset(folder);
    onThreads = JSON.stringify(await runSearch(ds, options, { threads: 2 }));
  });

  it('as local tasks: the same result as on threads, one folder per batch, and a rerun in the same work folder runs no task', async () => {
    let ran = 0;
    const counted: TaskHandler = (params, context) => {
      ran++;
      return searchCandidateTask(params, context);
    };
    const work = join(dir, 'work');
    const executor = localExecutor({ [SEARCH_CANDIDATE_TASK]: counted });
    const first = await runSearch(ds, options, { executor: { executor, work, dataset: folder } });
    expect(JSON.stringify(first)).toBe(onThreads);
    // every candidate scored once, as one task: those the search lists, and the ablations it did not list
    const scored = new Set([...first.candidates, ...first.ablations].map((c) => c.key)).size;
    expect(ran).toBe(scored);
    const batches = readdirSync(work).filter((f) => f.startsWith('batch-'));
    expect(batches.reduce((n, b) => n + readdirSync(join(work, b, 'results')).length, 0)).toBe(scored);
    ran = 0;
    const again = await runSearch(ds, options, { executor: { executor, work, dataset: folder } });
    expect(JSON.stringify(again)).toBe(onThreads);
    expect(ran).toBe(0);
  });

  it('a failed task is retried alone, and the result is still the same', async () => {
    let failed = false;
    const failingOnce: TaskHandler = (params, context) => {
      if (!failed && context.task.index === 1) {
        failed = true;
        throw new Error('node lost');
      }
      return searchCandidateTask(params, context);
    };
    const executor = localExecutor({ [SEARCH_CANDIDATE_TASK]: failingOnce }, { retries: 1 });
    const result = await runSearch(ds, options, { executor: { executor, work: join(dir, 'retry'), dataset: folder } });
    expect(failed).toBe(true);
    expect(JSON.stringify(result)).toBe(onThreads);
  });

  it('a damaged result in the work folder stops the search with an error naming it (no candidate left unanswered)', async () => {
    const work = join(dir, 'work');
    const batch = join(work, readdirSync(work).filter((f) => f.startsWith('batch-'))[0]);
    const file = workPaths.result(batch, 0);
    const saved = await readFile(file, 'utf8');
    await writeFile(file, JSON.stringify({ ...JSON.parse(saved), value: { parameters: 'many' } }) + '\n');
    const executor = localExecutor({ [SEARCH_CANDIDATE_TASK]: searchCandidateTask });
    await expect(runSearch(ds, options, { executor: { executor, work, dataset: folder } })).rejects.toThrow(
      new RegExp(`${batch}: result of task 0.*parameters`, 's'),
    );
    await writeFile(file, saved);
  });

  it('a task run in another process reads the Dataset from its folder, and refuses one changed since the search', async () => {
    const work = join(dir, 'work');
    // a batch of at least two tasks (folder names are hashes: their order says nothing)
    const batch = readdirSync(work)
      .filter((f) => f.startsWith('batch-'))
      .map((f) => join(work, f))
      .find((b) => readdirSync(join(b, 'tasks')).length >= 2)!;
    const handlers = { [SEARCH_CANDIDATE_TASK]: searchCandidateTask };
    const before = (await runTaskAt(batch, 0, handlers)).value;
    await rm(workPaths.result(batch, 0));
    // the search is over: nothing lent, so the task reads the Dataset folder, as an array task of SLURM does
    const reread = await runTaskAt(batch, 0, handlers);
    expect(reread.ran).toBe(true);
    expect(JSON.stringify(reread.value)).toBe(JSON.stringify(before));

    const changed = join(dir, 'changed');
    await writeDataset(changed, planted(5));
    await rm(folder, { recursive: true });
    await writeDataset(folder, await readDataset(changed));
    await rm(workPaths.result(batch, 1));
    await expect(runTaskAt(batch, 1, handlers)).rejects.toThrow(/is not the one the search read \(it changed since\): run the search again/);
  });
});
