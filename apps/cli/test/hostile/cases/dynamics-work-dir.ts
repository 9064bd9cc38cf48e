import { readFileSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { taskKey } from '@occam/core';
import type { HostileCase } from '../case.js';
import { REPO } from '../fixtures.js';

// `occam dynamics --executor/--work-dir`: the work folder is checked like every output before any work (never an
// input, inside one, the working folder or someone else's folder), the SLURM options fail without SLURM, and a
// checkpoint task file (what a SLURM array task reads) is input like any other: bad parameters, and inputs that
// changed since the tasks were planned, are refused by name.

const dynamics = (checkpoints: string, condition: string, ...rest: string[]) => [
  'dynamics',
  '--checkpoints',
  checkpoints,
  '--condition',
  condition,
  '--behaviour',
  'next-token-correct',
  ...rest,
];

async function taskFile(dir: string, params: unknown): Promise<string[]> {
  const kind = 'lm.dynamics-checkpoint';
  const task = { format: 'occam.task', version: 1, index: 0, name: 'checkpoint-0-step-0', kind, key: taskKey(kind, params as never), params };
  await mkdir(join(dir, 'work', 'tasks'), { recursive: true });
  await writeFile(join(dir, 'work', 'tasks', '0.json'), JSON.stringify(task));
  return ['task', '--work', 'work', '--index', '0'];
}

const spec = JSON.parse(readFileSync(join(REPO, 'examples/lm-default.spec.json'), 'utf8'));
const planned = (checkpoint: string, condition: string) => ({
  dir: checkpoint,
  step: 0,
  condition,
  behaviour: 'next-token-correct',
  spec,
  control: { kind: 'random-weights', seed: 0 },
  modelFingerprint: '0'.repeat(64),
  promptCount: 2,
  promptsHash: '0'.repeat(64),
});

export const cases: HostileCase[] = [
  {
    // task files replace stale ones and their results: a folder of someone else's files must never be a work folder
    name: 'dynamics/work-dir-foreign-folder',
    setup: async (dir, fx) => {
      await mkdir(join(dir, 'mine'), { recursive: true });
      await writeFile(join(dir, 'mine', 'results.csv'), 'step,auroc\n0,0.5\n');
      return dynamics(fx.lmModel, fx.lmCondition, '--executor', 'local', '--work-dir', 'mine', '--out', 'd.json');
    },
    expect: { exit: 1, stderr: [/--work-dir mine: is a folder occam did not write and it is not empty/] },
    untouched: ['mine/results.csv'],
  },
  {
    name: 'dynamics/work-dir-inside-checkpoints',
    setup: async (dir, fx) => {
      await mkdir(join(dir, 'steps', 'step-000000'), { recursive: true });
      await writeFile(join(dir, 'steps', 'step-000000', 'config.json'), '{}');
      return dynamics('steps', fx.lmCondition, '--work-dir', 'steps/work', '--out', 'd.json');
    },
    expect: { exit: 1, stderr: [/--work-dir steps\/work: lies inside the input folder/] },
    untouched: ['steps/step-000000/config.json'],
  },
  {
    name: 'dynamics/work-dir-working-folder',
    setup: async (dir, fx) => {
      await writeFile(join(dir, 'notes.md'), 'keep');
      return dynamics(fx.lmModel, fx.lmCondition, '--executor', 'slurm', '--work-dir', '.', '--out', 'd.json');
    },
    expect: { exit: 1, stderr: [/--work-dir \.: is the working folder/] },
    untouched: ['notes.md'],
  },
  {
    name: 'dynamics/work-dir-is-the-condition',
    setup: async (_dir, fx) => dynamics(fx.lmModel, fx.lmCondition, '--work-dir', fx.lmCondition, '--out', 'd.json'),
    expect: { exit: 1, stderr: [/--work-dir .*prompts\.condition\.json: is also an input/, /choose another path/] },
  },
  {
    name: 'dynamics/slurm-retries-without-slurm',
    setup: async (_dir, fx) => dynamics(fx.lmModel, fx.lmCondition, '--slurm-retries', '3', '--out', 'd.json'),
    expect: { exit: 2, stderr: [/--slurm-option and --slurm-retries need --executor slurm/] },
  },
  {
    name: 'dynamics/slurm-to-stdout-without-work-dir',
    setup: async (_dir, fx) => dynamics(fx.lmModel, fx.lmCondition, '--executor', 'slurm', '--out', '-'),
    expect: { exit: 2, stderr: [/give --work-dir DIR: with --out - there is no folder to put the work folder beside/] },
  },
  {
    name: 'dynamics/slurm-retries-not-whole',
    setup: async (_dir, fx) => dynamics(fx.lmModel, fx.lmCondition, '--executor', 'slurm', '--slurm-retries', '1.5', '--out', 'd.json'),
    expect: { exit: 2, stderr: [/--slurm-retries must be a whole number ≥ 0, got 1\.5/] },
  },
  {
    name: 'dynamics/task-params-wrong',
    setup: (dir) => taskFile(dir, { dir: 'steps/step-0', step: 'zero', condition: 'c.json' }),
    expect: { exit: 1, stderr: [/task 0 params: invalid content/, /step/] },
    untouched: ['work/tasks/0.json'],
  },
  {
    name: 'dynamics/task-spec-wrong',
    setup: (dir, fx) => taskFile(dir, { ...planned(fx.lmModel, fx.lmCondition), spec: { groupBy: 'layer' } }),
    expect: { exit: 1, stderr: [/task 0 params\.spec: invalid content/, /groupBy/] },
  },
  {
    // the weights under the checkpoint path were replaced after the tasks were planned: never reduced as if planned
    name: 'dynamics/task-checkpoint-changed',
    setup: (dir, fx) => taskFile(dir, planned(fx.lmModel, fx.lmCondition)),
    expect: {
      exit: 1,
      stderr: [/task 0 \(checkpoint-0-step-0\): the checkpoint folder .*induction-2l-s1 changed since the tasks were planned/, /run occam dynamics again/],
    },
  },
];
