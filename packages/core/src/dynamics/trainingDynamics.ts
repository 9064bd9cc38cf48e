import type { ReducedModel } from '../model/schema.js';
import { detectChangePoint } from './detectChangePoint.js';
import type { DynamicsResult } from './schema.js';

/**
 * How the reduced model of one condition changes over a system's training: the held-out metric and
 * each group's temporal filter (with its peak lag and net weight) per checkpoint, and the step where
 * the metric changes abruptly, if it does.
 */
export function trainingDynamics(
  points: { step: number; model: ReducedModel | null }[],
  options: { metric?: 'trialToTrialAuroc' | 'auroc' | 'bitsPerEventOverPsth'; title?: string } = {},
): DynamicsResult {
  const metric = options.metric ?? 'bitsPerEventOverPsth';
  const value = (m: ReducedModel | null): number | null => {
    if (!m) return null;
    const t = m.metrics.test;
    return metric === 'auroc' ? t.model.auroc : metric === 'trialToTrialAuroc' ? t.trialToTrialAuroc.model : t.gainOverPsth.bitsPerEvent;
  };
  const sorted = [...points].sort((a, b) => a.step - b.step);
  const out: DynamicsResult['points'] = sorted.map(({ step, model }) => ({
    step,
    metric: value(model),
    filters: (model?.filters.groups ?? []).map((g) => {
      let peak = 0;
      g.temporal.y.forEach((y, i) => {
        if (Math.abs(y) > Math.abs(g.temporal.y[peak])) peak = i;
      });
      return {
        group: g.label,
        summary: { 'peak lag': g.temporal.x[peak] ?? null, 'net weight': g.temporal.y.reduce((s, y) => s + y, 0) },
        temporal: { x: g.temporal.x, y: g.temporal.y },
      };
    }),
  }));
  const cp = detectChangePoint(out.map((p) => p.step), out.map((p) => (p.metric === null ? NaN : p.metric)));
  const names = { auroc: 'held-out AUROC', trialToTrialAuroc: 'trial-to-trial AUROC', bitsPerEventOverPsth: 'log-likelihood gain over PSTH (bits/event)' };
  return {
    format: 'occam.dynamics',
    version: 1,
    title: options.title,
    step: { name: 'training step', unit: 'steps' },
    metric: { name: names[metric], baseline: metric === 'bitsPerEventOverPsth' ? 0 : 0.5 },
    binUnit: sorted.find((p) => p.model)?.model?.filters.binUnit ?? 'token',
    points: out,
    changePoint: cp
      ? { step: cp.step, before: cp.before, after: cp.after, bicGain: cp.bicGain, method: 'least-squares two-level split (Hinkley 1970), accepted when BIC prefers it over one level' }
      : null,
  };
}
