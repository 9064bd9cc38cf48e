import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readSpecFile, trainingDynamics, writeFileAtomic, type DynamicsMetric, type DynamicsResult } from '@occam/core';
import { UsageError, numberOption, requireString, type Command } from '../cli.js';
import { LM_SPEC } from './lm.js';

export const dynamicsCommand: Command = {
  name: 'dynamics',
  summary: 'reduce one condition at every training checkpoint, beside each checkpoint\'s random-weights control, and find where the computation changes',
  usage:
    'occam dynamics --checkpoints DIR --condition FILE --behaviour B --out FILE [--spec FILE] [--control random|none] [--control-seed 0] [--metric stratifiedAuroc|trialToTrialAuroc|auroc|bitsPerEventOverPsth]',
  example: 'occam dynamics --checkpoints data/models/copy-l6-s1-steps --condition examples/stochastic-copy.condition.json --behaviour next-token-correct --out dynamics.json',
  options: {
    checkpoints: { type: 'string' },
    condition: { type: 'string' },
    behaviour: { type: 'string' },
    out: { type: 'string' },
    spec: { type: 'string' },
    metric: { type: 'string' },
    control: { type: 'string' },
    'control-seed': { type: 'string' },
  },
  outputs: [{ option: 'out', kind: 'file' }],
  inputs: (v) => [v.checkpoints as string, v.condition as string, v.spec as string],
  async run({ values, io }) {
    const root = requireString(values, 'checkpoints');
    const out = requireString(values, 'out');
    // Default: the reduced models' deciding figure (position-stratified AUROC for token data). A gain per event
    // (bits/event) falls by itself when the behaviour becomes common over training (next-token-correct goes from
    // ~1 % to ~80 % of positions), so it misplaces the change; a fixed-bin AUROC on a flat position profile reads noise.
    const metric = values.metric as string | undefined;
    if (metric !== undefined && !['stratifiedAuroc', 'bitsPerEventOverPsth', 'auroc', 'trialToTrialAuroc'].includes(metric)) {
      throw new UsageError('--metric must be stratifiedAuroc, trialToTrialAuroc, auroc or bitsPerEventOverPsth');
    }
    const controlArg = (values.control as string | undefined) ?? 'random';
    if (controlArg !== 'random' && controlArg !== 'none') throw new UsageError(`--control must be random or none (a checkpoint's control is made from that checkpoint), got '${controlArg}'`);
    const seed = numberOption(values, 'control-seed', 0)!;
    if (!Number.isInteger(seed)) throw new UsageError(`--control-seed must be a whole number, got ${seed}`);
    const specPath = typeof values.spec === 'string' ? values.spec : LM_SPEC;
    const spec = await readSpecFile(specPath);
    const { reduceCheckpoints } = await import('@occam/transformer');
    const work = await mkdtemp(join(tmpdir(), 'occam-dynamics-'));
    let points;
    try {
      points = await reduceCheckpoints({
        checkpoints: root,
        condition: requireString(values, 'condition'),
        behaviour: requireString(values, 'behaviour'),
        spec,
        specFile: specPath,
        control: controlArg === 'random' ? { kind: 'random-weights', seed } : null,
        workDir: work,
        onProgress: io.progress('checkpoints'),
      });
    } finally {
      await rm(work, { recursive: true, force: true });
    }
    for (const p of points) for (const n of p.notes) io.err(`note: step ${p.step}: ${n}`);
    const result = trainingDynamics(points, { metric: metric as DynamicsMetric | undefined, title: `reduced model over training: ${root}` });
    await writeFileAtomic(out, JSON.stringify(result, null, 1) + '\n');
    if (io.json) io.out(JSON.stringify(result));
    else if (!io.quiet) io.out(`${dynamicsText(result)}\nwrote ${out}`);
  },
};

function dynamicsText(result: DynamicsResult): string {
  const f = (v: number | null | undefined) => (v === null || v === undefined ? '—' : v.toFixed(3));
  const withControl = result.points.some((p) => p.selectivity);
  const lines = [`per checkpoint: ${result.metric.name}, behaviour rate${withControl ? ', selectivity beside its random-weights control (stratified AUROC, 95 % interval)' : ''}:`];
  for (const p of result.points) {
    const s = p.selectivity?.stratifiedAuroc;
    const sel = s ? `  ${f(s.estimate)} [${f(s.low)}, ${f(s.high)}]` : withControl ? '  —' : '';
    lines.push(`  step ${String(p.step).padStart(7)}  ${f(p.metric)}  ${f(p.behaviourRate)}${sel}`);
  }
  if (!withControl) lines.push('no control run (--control none): no figure here can be told apart from what an untrained network of this shape gives');
  const cp = result.changePoint;
  lines.push(cp ? `abrupt change at step ${cp.step}: ${cp.before.toFixed(3)} → ${cp.after.toFixed(3)} (ΔBIC ${cp.bicGain.toFixed(1)}; ${cp.method})` : 'no abrupt change (one level preferred by BIC)');
  lines.push('where each series changes (steepest | abrupt | bend):');
  for (const c of result.changes) lines.push(`  ${c.series.padEnd(22)} ${[c.steepest, c.abrupt, c.bend].map((x) => (x ? `step ${x.step}` : '—')).join(' | ')}`);
  return lines.join('\n');
}
