import { execFile } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { DynamicsResultSchema } from '@occam/core';
import { LanguageModel, loadCondition, padBatch } from '@occam/transformer';
import { modelsDir, needs, repoRoot } from './fixtures.js';

// `occam dynamics`, with its defaults (position-stratified AUROC, input-pattern and internal atoms, each
// checkpoint beside its own random-weights control), on the committed checkpoints of the stochastic-copy run
// (lag 6, copy probability 0.6), checked against the step where the model itself starts solving the task —
// measured here from its raw logits, without any reduction.
const stepsDir = join(modelsDir, 'copy-l6-s1-steps');
const checkpoints = existsSync(stepsDir)
  ? readdirSync(stepsDir)
      .filter((d) => /^step-\d+$/.test(d) && existsSync(join(stepsDir, d, 'config.json')))
      .map((d) => ({ dir: join(stepsDir, d), step: Number(d.slice(5)) }))
      .sort((a, b) => a.step - b.step)
  : [];
const have = checkpoints.length >= 5 ? stepsDir : null;
const example = JSON.parse(readFileSync(join(repoRoot, 'examples/stochastic-copy.condition.json'), 'utf8'));
const lag: number = example.lag;
// fewer prompts than the example (the test runs 9 checkpoints × model and control)
let conditionFile = '';
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
      const batch = padBatch(
        chunk.map((p) => p.tokens),
        'right',
        model.padId,
      );
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

describe.skipIf(!have)(needs('training dynamics on the copy-l6-s1 checkpoints', have, 'copy-l6-s1-steps'), () => {
  it('the reduced model and its selectivity change where the model starts solving the task (within one checkpoint)', async () => {
    const tmp = await mkdtemp(join(tmpdir(), 'occam-dynamics-test-'));
    conditionFile = join(tmp, 'copy.condition.json');
    await writeFile(conditionFile, JSON.stringify({ ...example, count: 200 }));
    const steps = checkpoints.map((c) => c.step);
    const accuracy: number[] = [];
    for (const c of checkpoints) accuracy.push(await taskAccuracy(c.dir));
    // the task is learned over these checkpoints: from chance to mostly solved
    expect(accuracy[0]).toBeLessThan(0.05);
    expect(accuracy[accuracy.length - 1]).toBeGreaterThan(0.55);
    const rise = steepestRise(steps, accuracy);

    // runs the built CLI as a user does (`npm test` builds it first)
    expect(existsSync(join(repoRoot, 'apps/cli/dist/main.js')), 'build the CLI first: npx tsc -b apps/cli').toBe(true);
    try {
      const out = join(tmp, 'dynamics.json');
      await promisify(execFile)(
        'node',
        [bin, 'dynamics', '--checkpoints', stepsDir, '--condition', conditionFile, '--behaviour', 'next-token-correct', '--out', out, '--quiet'],
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

      expect(result.metric.name).toBe('position-stratified AUROC');
      const strat = result.points.map((p) => p.metric!);
      // the input pattern that makes the model right: the next token equals the token lag − 1 back
      const nextPeak = result.points.map((p) => p.filters.find((f) => f.group.includes('feature=matches-next'))?.summary['peak offset'] ?? null);
      const sel = result.points.map((p) => p.selectivity!.stratifiedAuroc);
      console.info(
        `[dynamics] steps ${JSON.stringify(steps)}\n  task accuracy ${JSON.stringify(accuracy.map((a) => +a.toFixed(3)))}; steepest rise at step ${steps[rise]}` +
          `\n  stratified AUROC ${JSON.stringify(strat.map((a) => +a.toFixed(3)))}; steepest change at ${change('stratifiedAuroc').steepest?.step}, abrupt change at ${result.changePoint?.step}` +
          `\n  selectivity ${JSON.stringify(sel.map((i) => [i.estimate, i.low, i.high].map((v) => +(v ?? NaN).toFixed(3))))}` +
          `\n  matches-next peak offset ${JSON.stringify(nextPeak)}`,
      );

      // the reduced model's held-out stratified AUROC changes fastest, and jumps, where the task accuracy rises fastest
      expect(Math.abs(at(change('stratifiedAuroc').steepest?.step) - rise)).toBeLessThanOrEqual(1);
      expect(change('stratifiedAuroc').steepest!.slope).toBeGreaterThan(0);
      const cp = result.changePoint!;
      expect(cp).not.toBeNull();
      expect(cp.after).toBeGreaterThan(cp.before);
      expect(Math.abs(at(cp.step) - rise)).toBeLessThanOrEqual(1);
      // beside each checkpoint's random-weights control: nothing before training, clearly above 0 after it
      expect(sel[0].low!).toBeLessThan(0);
      expect(sel[0].high!).toBeGreaterThan(0);
      expect(sel[sel.length - 1].low!).toBeGreaterThan(0.2);
      expect(Math.abs(at(change('selectivity').steepest?.step) - rise)).toBeLessThanOrEqual(1);
      // and the filter: the trained model's behaviour is read off offset lag − 1
      expect(nextPeak[nextPeak.length - 1]).toBe(lag - 1);
      let settled = nextPeak.length;
      while (settled > 0 && nextPeak[settled - 1] === lag - 1) settled--;
      expect(Math.abs(settled - rise)).toBeLessThanOrEqual(1);
    } finally {
      await rm(tmp, { recursive: true, force: true });
    }
  });
});
