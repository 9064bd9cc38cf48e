import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { taskKey } from '@occam/core';
import type { HostileCase } from '../case.js';

// Executors: `occam task` reads a work folder another process wrote (task files are input like any other), and
// the executor options must fail before any work when they cannot be honoured.

async function taskFile(dir: string, task: Record<string, unknown>): Promise<string[]> {
  await mkdir(join(dir, 'work', 'tasks'), { recursive: true });
  await writeFile(join(dir, 'work', 'tasks', '0.json'), JSON.stringify(task));
  return ['task', '--work', 'work', '--index', '0'];
}
const task = (kind: string, params: unknown) => ({ format: 'occam.task', version: 1, index: 0, name: 't0', kind, key: taskKey(kind, params as never), params });

export const cases: HostileCase[] = [
  {
    // a work folder's task files replace stale ones and their results: a folder of someone else's files never is one
    name: 'executor/work-dir-foreign-folder',
    setup: async (dir, fx) => {
      await mkdir(join(dir, 'mine', 'results'), { recursive: true });
      await writeFile(join(dir, 'mine', 'results', '0.json'), '{"my": "numbers"}');
      return ['search', '--data', fx.dataset, '--max-lag', '5', '--work-dir', 'mine', '--out', 'out.json'];
    },
    expect: { exit: 1, stderr: [/--work-dir mine: is a folder occam did not write and it is not empty/] },
    untouched: ['mine/results/0.json'],
  },
  {
    name: 'executor/work-dir-working-folder',
    setup: async (dir, fx) => {
      await writeFile(join(dir, 'notes.md'), 'keep');
      return ['compare', '--system', `a=${fx.model}@${fx.dataset}`, '--system', `b=${fx.model}@${fx.dataset}`, '--work-dir', '.', '--out', 'c.json'];
    },
    expect: { exit: 1, stderr: [/--work-dir \.: is the working folder/] },
    untouched: ['notes.md'],
  },
  {
    name: 'executor/work-dir-inside-input',
    setup: async (_dir, fx) => ['search', '--data', fx.dataset, '--max-lag', '5', '--work-dir', join(fx.dataset, 'work'), '--out', 'out.json'],
    expect: { exit: 1, stderr: [/--work-dir .*work: lies inside the input folder/] },
  },
  {
    name: 'executor/task-no-work-folder',
    setup: async () => ['task', '--work', 'nope', '--index', '0'],
    expect: { exit: 1, stderr: [/nope\/tasks\/0\.json: no such task file/, /--work/] },
  },
  {
    name: 'executor/task-index-not-a-number',
    setup: async () => ['task', '--work', 'work', '--index', '1e3x'],
    expect: { exit: 2, stderr: [/--index must be a whole number/] },
  },
  {
    name: 'executor/task-file-bad-key',
    setup: (dir) => taskFile(dir, { ...task('compare.cross-prediction-column', {}), key: 'abc' }),
    expect: { exit: 1, stderr: [/tasks\/0\.json: invalid content/, /key/] },
    untouched: ['work/tasks/0.json'],
  },
  {
    name: 'executor/task-file-not-json',
    setup: async (dir) => {
      await mkdir(join(dir, 'work', 'tasks'), { recursive: true });
      await writeFile(join(dir, 'work', 'tasks', '0.json'), '{"format": "occam.task", ');
      return ['task', '--work', 'work', '--index', '0'];
    },
    expect: { exit: 1, stderr: [/tasks\/0\.json: not valid JSON/] },
  },
  {
    name: 'executor/task-unknown-kind',
    setup: (dir) => taskFile(dir, task('search.fold', 1)),
    expect: { exit: 1, stderr: [/unknown task kind 'search\.fold'/, /known: .*compare\.cross-prediction-column/] },
  },
  {
    name: 'executor/task-params-wrong',
    setup: (dir) => taskFile(dir, task('compare.cross-prediction-column', { column: 'first', systems: [] })),
    expect: { exit: 1, stderr: [/task 0 params: invalid content/, /column/] },
  },
  {
    name: 'executor/task-extract-shard-params-wrong',
    setup: (dir) => taskFile(dir, task('lm.extract-shard', { model: 'm', start: -1 })),
    expect: { exit: 1, stderr: [/task 0 params: invalid content/] },
  },
  {
    name: 'executor/slurm-option-without-slurm',
    setup: async (_dir, fx) => [
      'compare',
      '--system',
      `a=${fx.model}@${fx.dataset}`,
      '--system',
      `b=${fx.model}@${fx.dataset}`,
      '--out',
      'o.json',
      '--slurm-option=--partition=x',
    ],
    expect: { exit: 2, stderr: [/--slurm-option and --slurm-retries need --executor slurm/] },
  },
  {
    name: 'executor/slurm-without-sbatch',
    setup: async (_dir, fx) => [
      'compare',
      '--system',
      `a=${fx.model}@${fx.dataset}`,
      '--system',
      `b=${fx.model}@${fx.dataset}`,
      '--out',
      'o.json',
      '--executor',
      'slurm',
      '--resamples',
      '10',
    ],
    env: { PATH: '/nonexistent' },
    expect: { exit: 1, stderr: [/'sbatch' was not found on PATH/, /start-local-cluster\.sh/] },
  },
  {
    name: 'executor/shards-zero',
    setup: async (_dir, fx) => [
      'lm',
      'extract',
      '--model',
      fx.lmModel,
      '--condition',
      fx.lmCondition,
      '--behaviour',
      'next-token-correct',
      '--out',
      'o',
      '--shards',
      '0',
    ],
    expect: { exit: 2, stderr: [/--shards must be a whole number ≥ 1/] },
  },
];
