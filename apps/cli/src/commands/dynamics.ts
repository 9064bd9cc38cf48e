import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { checkSpecForDataset, fitReducedModel, readDataset, SpecSchema, trainingDynamics, writeFileAtomic, zodProblem, type DynamicsMetric, type ReducedModel } from '@occam/core';
import { UsageError, requireString, type Command } from '../cli.js';
import { readJsonFile } from './fit.js';

const repoRoot = fileURLToPath(new URL('../../../../', import.meta.url));

export const dynamicsCommand: Command = {
  name: 'dynamics',
  summary: 'reduce one condition at every training checkpoint and find where the computation changes abruptly',
  usage: 'occam dynamics --checkpoints DIR --condition FILE --behaviour B --out FILE [--spec FILE] [--metric stratifiedAuroc|trialToTrialAuroc|auroc|bitsPerEventOverPsth]',
  example: 'occam dynamics --checkpoints data/models/induction-2l-s1-steps --condition examples/repeated-random.condition.json --behaviour next-token-correct --out dynamics.json',
  options: { checkpoints: { type: 'string' }, condition: { type: 'string' }, behaviour: { type: 'string' }, out: { type: 'string' }, spec: { type: 'string' }, metric: { type: 'string' } },
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
    const specPath = typeof values.spec === 'string' ? values.spec : join(repoRoot, 'examples/lm-induction.spec.json');
    const parsed = SpecSchema.safeParse(await readJsonFile(specPath));
    if (!parsed.success) throw zodProblem(specPath, parsed.error);
    const dirs = (await readdir(root, { withFileTypes: true }).catch(() => {
      throw new UsageError(`--checkpoints ${root}: not a readable directory`);
    }))
      .filter((d) => d.isDirectory() && /(\d+)$/.test(d.name))
      .map((d) => ({ dir: join(root, d.name), step: Number(/(\d+)$/.exec(d.name)![1]) }))
      .sort((a, b) => a.step - b.step);
    if (dirs.length === 0) throw new UsageError(`${root}: no checkpoint folders ending in a step number (e.g. step-001000)`);
    const tmp = await mkdtemp(join(tmpdir(), 'occam-dynamics-'));
    const tick = io.progress('checkpoints');
    const points: { step: number; model: ReducedModel | null; behaviourRate: number | null }[] = [];
    try {
      for (let i = 0; i < dirs.length; i++) {
        tick(i, dirs.length);
        const ds = join(tmp, `step-${dirs[i].step}`);
        const extracted = await (await import('@occam/transformer')).runLmExtract({ model: dirs[i].dir, condition: requireString(values, 'condition'), behaviour: requireString(values, 'behaviour'), out: ds });
        const data = await readDataset(ds);
        checkSpecForDataset(parsed.data, data, { specFile: specPath, dataset: `the dataset of checkpoint ${dirs[i].dir}` });
        let model: ReducedModel | null = null;
        try {
          model = fitReducedModel(data, parsed.data, { coincidence: false });
        } catch (error) {
          // An untrained checkpoint may never show the behaviour: nothing to fit there, recorded as null.
          io.err(`note: step ${dirs[i].step}: ${(error as Error).message}`);
        }
        // the checkpoint's own rate of the behaviour (for next-token-correct: its task accuracy), known without any fit
        const behaviourRate = extracted.events === null || extracted.scoredBins === 0 ? null : extracted.events / extracted.scoredBins;
        points.push({ step: dirs[i].step, model, behaviourRate });
      }
      tick(dirs.length, dirs.length);
    } finally {
      await rm(tmp, { recursive: true, force: true });
    }
    const result = trainingDynamics(points, { metric: metric as DynamicsMetric | undefined, title: `reduced model over training: ${root}` });
    await writeFileAtomic(out, JSON.stringify(result, null, 1) + '\n');
    if (io.json) io.out(JSON.stringify(result));
    else if (!io.quiet) {
      const lines = [`${result.metric.name} and behaviour rate per checkpoint:`];
      for (const p of result.points) lines.push(`  step ${String(p.step).padStart(7)}  ${p.metric === null ? '—' : p.metric.toFixed(3)}  ${p.behaviourRate === null ? '—' : p.behaviourRate.toFixed(3)}`);
      const cp = result.changePoint;
      lines.push(cp ? `abrupt change at step ${cp.step}: ${cp.before.toFixed(3)} → ${cp.after.toFixed(3)} (ΔBIC ${cp.bicGain.toFixed(1)}; ${cp.method})` : 'no abrupt change (one level preferred by BIC)');
      lines.push('where each series changes (steepest | abrupt | bend):');
      for (const c of result.changes) lines.push(`  ${c.series.padEnd(22)} ${[c.steepest, c.abrupt, c.bend].map((x) => (x ? `step ${x.step}` : '—')).join(' | ')}`);
      io.out(`${lines.join('\n')}\nwrote ${out}`);
    }
  },
};
