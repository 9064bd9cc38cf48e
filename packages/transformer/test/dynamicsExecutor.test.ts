import { existsSync, readdirSync } from 'node:fs';
import { cp, mkdtemp, readFile, rm, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { localExecutor, readSpecFile, runTaskAt, trainingDynamics, type TaskHandler, writeTaskFiles } from '@occam/core';
import { DYNAMICS_CHECKPOINT_TASK, dynamicsCheckpointTask, reduceCheckpoints, reduceCheckpointsOn } from '@occam/transformer';
import { dynamicsCheckpointParams } from '../src/reduce/dynamicsCheckpointTask.js';
import { fromExactJson, toExactJson } from '../src/reduce/exactJson.js';
import { modelsDir, needs, repoRoot } from './fixtures.js';

describe('exact JSON (a reduction crossing a process)', () => {
  it('gives back NaN, ±Infinity and −0, which plain JSON turns into null and 0', () => {
    const value = { a: [1.5, NaN, -0, 0, Infinity, -Infinity], b: { c: null, d: 'x', e: undefined, f: [true, { g: -0 }] } };
    const back = fromExactJson(JSON.parse(JSON.stringify(toExactJson(value)))) as typeof value;
    expect(back.a.map((x) => (Object.is(x, -0) ? '-0' : x))).toEqual([1.5, NaN, '-0', 0, Infinity, -Infinity]);
    expect(Object.is(back.a[3], 0)).toBe(true);
    expect(Object.is(back.b.f[1] && (back.b.f[1] as { g: number }).g, -0)).toBe(true);
    expect('e' in back.b).toBe(false);
    expect(JSON.stringify(back)).toBe(JSON.stringify(value));
  });
});

// Three checkpoints of the committed stochastic-copy run (untrained, learning, trained), copied so that the test
// may change their files; a condition of few prompts keeps each reduction to a few seconds.
const stepsDir = join(modelsDir, 'copy-l6-s1-steps');
const picked = ['step-000000', 'step-000140', 'step-001000'];
const have = picked.every((s) => existsSync(join(stepsDir, s, 'config.json'))) ? stepsDir : null;

describe.skipIf(!have)(needs('dynamics checkpoints as executor tasks', have, 'copy-l6-s1-steps'), () => {
  let tmp: string;
  let checkpoints: string;
  let condition: string;
  beforeAll(async () => {
    tmp = await mkdtemp(join(tmpdir(), 'occam-dynamics-tasks-'));
    checkpoints = join(tmp, 'steps');
    for (const s of picked) await cp(join(stepsDir, s), join(checkpoints, s), { recursive: true });
    condition = join(tmp, 'copy.condition.json');
    const example = JSON.parse(await readFile(join(repoRoot, 'examples/stochastic-copy.condition.json'), 'utf8'));
    await writeFile(condition, JSON.stringify({ ...example, count: 40 }));
  });
  afterAll(async () => {
    await rm(tmp, { recursive: true, force: true });
  });

  const common = async () => {
    const specFile = join(repoRoot, 'examples/lm-default.spec.json');
    return {
      checkpoints,
      condition,
      behaviour: 'next-token-correct',
      spec: await readSpecFile(specFile),
      specFile,
      control: { kind: 'random-weights' as const, seed: 0 },
    };
  };
  const dynamicsText = (points: Parameters<typeof trainingDynamics>[0]) => JSON.stringify(trainingDynamics(points, { title: 't' }), null, 1) + '\n';

  it("the local executor's reductions give the serial run's dynamics, byte for byte; a rerun in the work folder runs nothing", async () => {
    const args = await common();
    const serialWork = join(tmp, 'serial');
    const serial = await reduceCheckpoints({ ...args, workDir: serialWork });
    let ran = 0;
    const counting: TaskHandler = async (params, context) => {
      ran++;
      return dynamicsCheckpointTask(params, context);
    };
    const executor = localExecutor({ [DYNAMICS_CHECKPOINT_TASK]: counting });
    const work = join(tmp, 'work');
    const tasks = await reduceCheckpointsOn({ ...args, executor, work });
    expect(ran).toBe(3);
    expect(tasks.map((p) => p.step)).toEqual([0, 140, 1000]);
    // learned over these checkpoints: the reduction is not trivially the same at every step
    expect(tasks[2].behaviourRate!).toBeGreaterThan(tasks[0].behaviourRate! + 0.3);
    expect(dynamicsText(tasks)).toBe(dynamicsText(serial));
    // the scratch Datasets and control networks are gone, as the serial run's are
    const outputs = join(work, 'outputs');
    expect(readdirSync(outputs).sort()).toEqual(['checkpoint-0-step-0', 'checkpoint-1-step-140', 'checkpoint-2-step-1000']);
    for (const name of readdirSync(outputs)) expect(readdirSync(join(outputs, name))).toEqual([]);

    const again = await reduceCheckpointsOn({ ...args, executor, work });
    expect(ran).toBe(3);
    expect(dynamicsText(again)).toBe(dynamicsText(serial));
  });

  it('a task whose checkpoint folder or condition changed after planning refuses; a changed condition is another task', async () => {
    const args = await common();
    const dir = join(checkpoints, picked[1]);
    const params = await dynamicsCheckpointParams({ ...args, dir, step: 140 });
    const handlers = { [DYNAMICS_CHECKPOINT_TASK]: dynamicsCheckpointTask };
    const task = { name: 'checkpoint-1-step-140', kind: DYNAMICS_CHECKPOINT_TASK, params };

    const work = join(tmp, 'changed-weights');
    await writeTaskFiles(work, [task]);
    const config = join(dir, 'config.json');
    const later = new Date(Date.now() + 60_000);
    await utimes(config, later, later);
    await expect(runTaskAt(work, 0, handlers)).rejects.toThrow(
      /task 0 \(checkpoint-1-step-140\): the checkpoint folder .*step-000140 changed since the tasks were planned/,
    );
    expect(existsSync(join(work, 'results', '0.json'))).toBe(false);

    const replanned = await dynamicsCheckpointParams({ ...args, dir, step: 140 });
    const other = join(tmp, 'changed-condition');
    await writeTaskFiles(other, [{ ...task, params: replanned }]);
    const before = await readFile(condition, 'utf8');
    try {
      await writeFile(condition, JSON.stringify({ ...JSON.parse(before), count: 41 }));
      await expect(runTaskAt(other, 0, handlers)).rejects.toThrow(
        /the condition now gives other prompts at .* \(41 prompts, planned 40\) — did .*copy\.condition\.json change\?/,
      );
      // planned now, the task has another key: a kept work folder's result for 40 prompts is never taken for it
      const now = await dynamicsCheckpointParams({ ...args, dir, step: 140 });
      expect(now.promptCount).toBe(41);
      expect(now.promptsHash).not.toBe(replanned.promptsHash);
    } finally {
      await writeFile(condition, before);
    }
  });
});
