import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readSpecFile, trainingDynamics, type DynamicsMetric, type DynamicsResult } from '@occam/core';
import { UsageError, numberOption, requireString, type Command } from '../cli.js';
import { writeTextOutput, wroteLine } from '../stdoutOutput.js';
import { LM_SPEC } from '../bundledFiles.js';
import { executorFrom, executorOptions, wantsExecutor } from './task.js';

export const dynamicsCommand: Command = {
  name: 'dynamics',
  summary: "reduce one condition at every training checkpoint, beside each checkpoint's random-weights control, and find where the computation changes",
  example:
    'occam dynamics --checkpoints data/models/copy-l6-s1-steps --condition examples/stochastic-copy.condition.json --behaviour next-token-correct --out dynamics.json',
  options: {
    checkpoints: {
      type: 'string',
      value: 'DIR',
      path: 'directory',
      required: true,
      description: 'a folder of checkpoint model folders, one per training step (the step read from each name)',
    },
    condition: {
      type: 'string',
      value: 'FILE',
      path: 'file',
      required: true,
      description: 'the prompt condition: a JSONL prompts file or a generating condition (JSON)',
    },
    behaviour: {
      type: 'string',
      value: 'B',
      aliases: ['behavior'],
      required: true,
      description: 'what is predicted at each token: next-token-correct, target-top1:TOKEN, logit-diff:A,B, unit-above:HOOK:UNIT:THRESHOLD, or a JSON object',
    },
    out: {
      type: 'string',
      value: 'FILE',
      path: 'file',
      stdout: true,
      required: true,
      description: "where to write the dynamics result (JSON); '-' writes it to stdout and the table to stderr",
    },
    spec: {
      type: 'string',
      value: 'FILE',
      path: 'file',
      default: 'examples/lm-default.spec.json',
      description: 'the model spec (JSON) fitted at every checkpoint',
    },
    metric: {
      type: 'string',
      value: 'METRIC',
      choices: ['stratifiedAuroc', 'trialToTrialAuroc', 'auroc', 'bitsPerEventOverPsth'],
      default: 'stratifiedAuroc',
      description: 'the figure whose change over training is located (a gain per event falls by itself as the behaviour becomes common)',
    },
    control: {
      type: 'string',
      value: 'KIND',
      choices: ['random', 'none'],
      default: 'random',
      description: 'random: each checkpoint beside a random-weights control made from it; none: no control',
    },
    'control-seed': { type: 'string', value: 'N', default: '0', description: 'seed of the random-weights controls' },
    ...executorOptions,
    executor: {
      ...executorOptions.executor,
      description:
        'where the checkpoints are reduced: local = in this process, one after another (with --work-dir as tasks, kept there); slurm = as one SLURM job array (sbatch), one task per checkpoint, writing into --work-dir. The result is the same bytes either way',
    },
  },
  outputs: [
    { option: 'out', kind: 'file' },
    { option: 'work-dir', kind: 'work-folder' },
  ],
  inputs: (v) => [v.checkpoints as string, v.condition as string, v.spec as string],
  async run({ values, io }) {
    const root = requireString(values, 'checkpoints');
    const out = requireString(values, 'out');
    // Default: the reduced models' deciding figure (position-stratified AUROC for token data). A gain per event
    // (bits/event) falls by itself when the behaviour becomes common over training (next-token-correct goes from
    // ~1 % to ~80 % of positions), so it misplaces the change; a fixed-bin AUROC on a flat position profile reads noise.
    const metric = values.metric as string | undefined;
    const controlArg = (values.control as string | undefined) ?? 'random';
    const seed = numberOption(values, 'control-seed', 0)!;
    if (!Number.isInteger(seed)) throw new UsageError(`--control-seed must be a whole number, got ${seed}`);
    // The checkpoints as executor tasks only when asked (--executor slurm, --work-dir): the default reduces them here.
    const onExecutor = wantsExecutor(values) ? executorFrom(values, out, io) : null;
    const specPath = typeof values.spec === 'string' ? values.spec : LM_SPEC;
    const spec = await readSpecFile(specPath);
    const { reduceCheckpoints, reduceCheckpointsOn } = await import('@occam/transformer');
    const reduction = {
      checkpoints: root,
      condition: requireString(values, 'condition'),
      behaviour: requireString(values, 'behaviour'),
      spec,
      specFile: specPath,
      control: controlArg === 'random' ? { kind: 'random-weights' as const, seed } : null,
      onProgress: io.progress('checkpoints'),
    };
    let points;
    if (onExecutor) points = await reduceCheckpointsOn({ ...reduction, executor: onExecutor.executor, work: onExecutor.work });
    else {
      const work = await mkdtemp(join(tmpdir(), 'occam-dynamics-'));
      try {
        points = await reduceCheckpoints({ ...reduction, workDir: work });
      } finally {
        await rm(work, { recursive: true, force: true });
      }
    }
    for (const p of points) for (const n of p.notes) io.err(`note: step ${p.step}: ${n}`);
    const result = trainingDynamics(points, { metric: metric as DynamicsMetric | undefined, title: `reduced model over training: ${root}` });
    await writeTextOutput(out, JSON.stringify(result, null, 1) + '\n');
    if (onExecutor?.temporary) await rm(onExecutor.work, { recursive: true, force: true });
    if (io.json) io.out(JSON.stringify(result));
    else if (!io.quiet) io.out(`${dynamicsText(result)}${wroteLine(out)}`);
  },
};

function dynamicsText(result: DynamicsResult): string {
  const f = (v: number | null | undefined) => (v === null || v === undefined ? '—' : v.toFixed(3));
  const withControl = result.points.some((p) => p.selectivity);
  const lines = [
    `per checkpoint: ${result.metric.name}, behaviour rate${withControl ? ', selectivity beside its random-weights control (stratified AUROC, 95 % interval)' : ''}:`,
  ];
  for (const p of result.points) {
    const s = p.selectivity?.stratifiedAuroc;
    const sel = s ? `  ${f(s.estimate)} [${f(s.low)}, ${f(s.high)}]` : withControl ? '  —' : '';
    const ci = result.metric.key ? p.metricIntervals?.[result.metric.key] : null;
    lines.push(`  step ${String(p.step).padStart(7)}  ${f(p.metric)}${ci ? ` [${f(ci[0])}, ${f(ci[1])}]` : ''}  ${f(p.behaviourRate)}${sel}`);
  }
  if (!withControl) lines.push('no control run (--control none): no figure here can be told apart from what an untrained network of this shape gives');
  const cp = result.changePoint;
  lines.push(
    cp
      ? `abrupt change at step ${cp.step}: ${cp.before.toFixed(3)} → ${cp.after.toFixed(3)} (ΔBIC ${cp.bicGain.toFixed(1)}; ${cp.method})`
      : 'no abrupt change (one level preferred by BIC)',
  );
  lines.push('where each series changes (steepest | abrupt | bend):');
  for (const c of result.changes) lines.push(`  ${c.series.padEnd(22)} ${[c.steepest, c.abrupt, c.bend].map((x) => (x ? `step ${x.step}` : '—')).join(' | ')}`);
  return lines.join('\n');
}
