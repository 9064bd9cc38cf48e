import { execFile } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { DynamicsResultSchema } from '@occam/core';
import { LanguageModel, loadCondition, padBatch } from '@occam/transformer';
import { modelsDir, needs, repoRoot } from './fixtures.js';

// `occam dynamics` on the committed checkpoints of the seed-1 induction run, checked against the step where
// the model itself starts solving the task — measured here from its raw logits, without any reduction.
const stepsDir = join(modelsDir, 'induction-2l-s1-steps');
const checkpoints = existsSync(stepsDir)
  ? readdirSync(stepsDir)
      .filter((d) => /^step-\d+$/.test(d) && existsSync(join(stepsDir, d, 'config.json')))
      .map((d) => ({ dir: join(stepsDir, d), step: Number(d.slice(5)) }))
      .sort((a, b) => a.step - b.step)
  : [];
const have = checkpoints.length >= 5 ? stepsDir : null;
const conditionFile = join(repoRoot, 'examples/repeated-random.condition.json');
const period: number = JSON.parse(readFileSync(conditionFile, 'utf8')).period;
const bin = join(repoRoot, 'apps/cli/bin/occam.js');

/** Fraction of the condition's scored positions whose top-1 logit is the actual next token (the task accuracy). */
async function taskAccuracy(dir: string): Promise<number> {
  const model = await LanguageModel.load(dir, { threads: 1 });
  try {
    const { prompts } = await loadCondition(conditionFile, { size: model.vocabSize, tokenizer: model.tokenizer });
    let correct = 0;
    let total = 0;
    for (let i = 0; i < prompts.length; i += 100) {
      const chunk = prompts.slice(i, i + 100);
      const batch = padBatch(chunk.map((p) => p.tokens), 'right', model.padId);
      const { logits } = await model.run(batch);
      const [, width, vocab] = logits.dims;
      chunk.forEach((p, b) => {
        const scored = p.scored ?? p.tokens.map((_, t) => t).slice(1);
        for (const t of scored) {
          if (t + 1 >= p.tokens.length) continue; // no next token
          const row = logits.data.subarray((b * width + batch.offsets[b] + t) * vocab, (b * width + batch.offsets[b] + t + 1) * vocab);
          let top = 0;
          for (let v = 1; v < vocab; v++) if (row[v] > row[top]) top = v;
          if (top === p.tokens[t + 1]) correct++;
          total++;
        }
      });
    }
    return correct / total;
  } finally {
    await model.dispose();
  }
}

/** Index of the interior checkpoint with the largest central-difference rise of `v`. */
function steepestRise(steps: number[], v: number[]): number {
  let best = 1;
  const slope = (i: number) => (v[i + 1] - v[i - 1]) / (steps[i + 1] - steps[i - 1]);
  for (let i = 2; i < v.length - 1; i++) if (slope(i) > slope(best)) best = i;
  return best;
}

describe.skipIf(!have)(needs('training dynamics on the induction-2l-s1 checkpoints', have, 'induction-2l-s1-steps'), () => {
  it('the reduced model changes where the model starts solving the task (within one checkpoint)', async () => {
    const steps = checkpoints.map((c) => c.step);
    const accuracy: number[] = [];
    for (const c of checkpoints) accuracy.push(await taskAccuracy(c.dir));
    // the task is learned over these checkpoints: from chance to mostly solved
    expect(accuracy[0]).toBeLessThan(0.05);
    expect(accuracy[accuracy.length - 1]).toBeGreaterThan(0.7);
    const rise = steepestRise(steps, accuracy);

    // runs the built CLI as a user does (`npm test` builds it first)
    expect(existsSync(join(repoRoot, 'apps/cli/dist/main.js')), 'build the CLI first: npx tsc -b apps/cli').toBe(true);
    const tmp = await mkdtemp(join(tmpdir(), 'occam-dynamics-test-'));
    try {
      const out = join(tmp, 'dynamics.json');
      await promisify(execFile)(
        'node',
        [bin, 'dynamics', '--checkpoints', stepsDir, '--condition', conditionFile, '--behaviour', 'next-token-correct', '--metric', 'trialToTrialAuroc', '--out', out, '--quiet'],
        { maxBuffer: 1 << 26 },
      );
      const result = DynamicsResultSchema.parse(JSON.parse(await readFile(out, 'utf8')));
      expect(result.version).toBe(2);
      expect(result.points.map((p) => p.step)).toEqual(steps);
      // the behaviour the reduction was fitted to is the model's task accuracy, position for position
      result.points.forEach((p, i) => expect(p.behaviourRate!).toBeCloseTo(accuracy[i], 9));
      const at = (step: number | undefined) => steps.indexOf(step ?? NaN);
      const change = (series: string) => result.changes.find((c) => c.series === series)!;
      expect(at(change('behaviourRate').steepest?.step)).toBe(rise);

      const t2t = result.points.map((p) => p.metric!);
      const token = result.points.map((p) => p.filters.find((f) => f.group.startsWith('component=token'))!.summary['peak lag']);
      // first checkpoint from which the token-offset filter peaks at the period for good
      let settled = token.length;
      while (settled > 0 && token[settled - 1] === period) settled--;
      console.info(
        `[dynamics] steps ${JSON.stringify(steps)}\n  task accuracy ${JSON.stringify(accuracy.map((a) => +a.toFixed(3)))}; steepest rise at step ${steps[rise]}` +
          `\n  trial-to-trial AUROC ${JSON.stringify(t2t.map((a) => +a.toFixed(3)))}; steepest change at ${change('trialToTrialAuroc').steepest?.step}, abrupt change at ${result.changePoint?.step}` +
          `\n  token filter peak lag ${JSON.stringify(token)}; at the period (${period}) from step ${steps[settled]}` +
          `\n  changes ${JSON.stringify(result.changes.map((c) => [c.series, c.steepest?.step, c.abrupt?.step, c.bend?.step]))}`,
      );

      // the reduced model's held-out trial-to-trial AUROC changes fastest, and jumps, where the task accuracy rises fastest
      expect(Math.abs(at(change('trialToTrialAuroc').steepest?.step) - rise)).toBeLessThanOrEqual(1);
      expect(change('trialToTrialAuroc').steepest!.slope).toBeGreaterThan(0);
      const cp = result.changePoint!;
      expect(cp).not.toBeNull();
      expect(cp.after).toBeGreaterThan(cp.before);
      expect(Math.abs(at(cp.step) - rise)).toBeLessThanOrEqual(1);
      // and the filter shape: the token-offset filter locks onto the look-back (the period) there, not before
      expect(settled).toBeLessThan(token.length);
      expect(Math.abs(settled - rise)).toBeLessThanOrEqual(1);
    } finally {
      await rm(tmp, { recursive: true, force: true });
    }
  });
});
