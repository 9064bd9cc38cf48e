import type { ControlComparison } from '../model/controlComparison.js';
import type { ReducedModel } from '../model/schema.js';
import { detectChangePoint, piecewiseLinearChange, steepestChange } from './detectChangePoint.js';
import type { DynamicsChange, DynamicsResult } from './schema.js';

export type DynamicsMetric = 'stratifiedAuroc' | 'trialToTrialAuroc' | 'auroc' | 'bitsPerEventOverPsth';
type MetricKey = DynamicsMetric;
const METRICS: MetricKey[] = ['auroc', 'stratifiedAuroc', 'trialToTrialAuroc', 'bitsPerEventOverPsth'];
const NAMES: Record<MetricKey | 'behaviourRate' | 'selectivity', string> = {
  auroc: 'held-out AUROC',
  stratifiedAuroc: 'position-stratified AUROC',
  trialToTrialAuroc: 'trial-to-trial AUROC',
  bitsPerEventOverPsth: 'log-likelihood gain over PSTH (bits/event)',
  behaviourRate: 'behaviour rate (fraction of scored bins with an event)',
  selectivity: 'selectivity: stratified AUROC of the checkpoint − of its random-weights control',
};
const METHODS = {
  steepest: 'largest |central-difference slope| (v[i+1] − v[i−1]) / (step[i+1] − step[i−1]) over interior checkpoints',
  abrupt: 'least-squares two-level split (Hinkley 1970), accepted when BIC prefers it over one level',
  bend: 'knee of a continuous two-segment least-squares line, accepted when its likelihood ratio over one line has p < 0.05 (parametric bootstrap, 999 seeded draws)',
};

function metricValue(m: ReducedModel | null, metric: MetricKey): number | null {
  if (!m) return null;
  const t = m.metrics.test;
  switch (metric) {
    case 'auroc':
      return t.model.auroc;
    case 'stratifiedAuroc':
      return t.stratifiedAuroc?.model ?? null;
    case 'trialToTrialAuroc':
      return t.trialToTrialAuroc.model;
    case 'bitsPerEventOverPsth':
      return t.gainOverPsth.bitsPerEvent;
  }
}

function metricInterval(m: ReducedModel | null, metric: MetricKey): [number, number] | null {
  const iv = m?.metrics.test.intervals;
  if (!iv) return null;
  return metric === 'bitsPerEventOverPsth' ? iv.modelMinusPsth.bitsPerEventOverPsth : iv.model[metric];
}

/** Events per scored bin in the data a model was fitted and scored on (train + test of a split; the pooled folds otherwise). */
function eventRate(m: ReducedModel | null): number | null {
  if (!m) return null;
  const { train, test, testKind } = m.metrics;
  const events = testKind === 'split' ? train.model.events + test.model.events : test.model.events;
  const bins = testKind === 'split' ? train.model.bins + test.model.bins : test.model.bins;
  return bins > 0 ? events / bins : null;
}

function changesOf(series: string, name: string, steps: number[], values: (number | null)[]): DynamicsChange {
  const v = values.map((x) => (x === null ? NaN : x));
  const s = steepestChange(steps, v);
  const a = detectChangePoint(steps, v);
  const b = piecewiseLinearChange(steps, v);
  return {
    series,
    name,
    steepest: s ? { step: s.step, slope: s.slope, method: METHODS.steepest } : null,
    abrupt: a ? { step: a.step, before: a.before, after: a.after, bicGain: a.bicGain, method: METHODS.abrupt } : null,
    bend: b ? { step: b.step, slopeBefore: b.slopeBefore, slopeAfter: b.slopeAfter, pValue: b.pValue, method: METHODS.bend } : null,
  };
}

/**
 * How the reduced model of one condition changes over a system's training: the held-out metric (and
 * every other held-out metric) and each group's temporal filter (with its peak lag and net weight) per
 * checkpoint, the system's own behaviour rate (given, e.g. from the extraction; else from the model's
 * event counts), the step where the primary metric changes abruptly, if it does (`changePoint`, as in
 * v1), and for the behaviour rate and every metric where it changes fastest, abruptly and where its
 * trend bends (`changes`). `metric.name` in the result says which figure decided.
 */
export function trainingDynamics(
  points: { step: number; model: ReducedModel | null; behaviourRate?: number | null; control?: ControlComparison | null }[],
  options: { metric?: MetricKey; title?: string } = {},
): DynamicsResult {
  // Default: the figure the reduced models themselves say decides (position-stratified AUROC for token data,
  // trial-to-trial AUROC at fixed bins otherwise), so a flat position profile never picks noise bins.
  const decided = points.find((p) => p.model)?.model?.metrics.decidingMetric?.metric;
  const metric: MetricKey = options.metric ?? (decided === 'stratifiedAuroc' ? 'stratifiedAuroc' : 'trialToTrialAuroc');
  const sorted = [...points].sort((a, b) => a.step - b.step);
  const withControl = sorted.some((p) => p.control);
  const out: DynamicsResult['points'] = sorted.map(({ step, model, behaviourRate, control }) => ({
    step,
    metric: metricValue(model, metric),
    behaviourRate: behaviourRate ?? eventRate(model),
    metrics: {
      ...Object.fromEntries(METRICS.map((k) => [k, metricValue(model, k)])),
      // Beside a control: what the atoms explain because of what this checkpoint learned.
      ...(withControl ? { selectivity: control?.selectivity.stratifiedAuroc.estimate ?? null } : {}),
    },
    // each metric's 95 % interval over the checkpoint's held-out trials, where its reduced model has them
    metricIntervals: Object.fromEntries(METRICS.map((k) => [k, metricInterval(model, k)])),
    ...(control ? { selectivity: control.selectivity, controlGain: control.gains.control } : {}),
    filters: (model?.filters.groups ?? []).map((g) => {
      let peak = 0;
      g.temporal.y.forEach((y, i) => {
        if (Math.abs(y) > Math.abs(g.temporal.y[peak])) peak = i;
      });
      // With a filter over an ordered attribute (a language model's token offset), where it peaks too.
      const attribute = model?.spec.spatial?.attribute;
      let speak = 0;
      g.spatial.y.forEach((y, i) => {
        if (Math.abs(y) > Math.abs(g.spatial.y[speak])) speak = i;
      });
      const spatialPeak = attribute && g.spatial.x.length > 1 ? { [`peak ${attribute}`]: g.spatial.x[speak] ?? null } : {};
      return {
        group: g.label,
        summary: { 'peak lag': g.temporal.x[peak] ?? null, 'net weight': g.temporal.y.reduce((s, y) => s + y, 0), ...spatialPeak },
        temporal: { x: g.temporal.x, y: g.temporal.y },
      };
    }),
  }));
  const steps = out.map((p) => p.step);
  const cp = detectChangePoint(
    steps,
    out.map((p) => (p.metric === null ? NaN : p.metric)),
  );
  const changes = [
    changesOf(
      'behaviourRate',
      NAMES.behaviourRate,
      steps,
      out.map((p) => p.behaviourRate),
    ),
    ...METRICS.map((k) =>
      changesOf(
        k,
        NAMES[k],
        steps,
        out.map((p) => p.metrics[k] ?? null),
      ),
    ),
    ...(withControl
      ? [
          changesOf(
            'selectivity',
            NAMES.selectivity,
            steps,
            out.map((p) => p.metrics.selectivity ?? null),
          ),
        ]
      : []),
  ];
  return {
    format: 'occam.dynamics',
    version: 2,
    title: options.title,
    step: { name: 'training step', unit: 'steps' },
    metric: { name: NAMES[metric], key: metric, baseline: metric === 'bitsPerEventOverPsth' ? 0 : 0.5 },
    binUnit: sorted.find((p) => p.model)?.model?.filters.binUnit ?? 'token',
    points: out,
    changePoint: cp ? { step: cp.step, before: cp.before, after: cp.after, bicGain: cp.bicGain, method: METHODS.abrupt } : null,
    changes,
  };
}
