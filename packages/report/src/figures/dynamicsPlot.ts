import type { DynamicsResult } from '../input/dynamicsResult.js';
import { chart } from '../svg/chart.js';
import { formatNumber, formatSignificant } from '../svg/format.js';
import { bandPath, dots, linePath, rule } from '../svg/marks.js';
import { extent } from '../svg/scale.js';
import { groupColours, SERIES, tint } from '../style/palette.js';
import { lagAxisLabel } from '../style/units.js';

function stepAxis(result: DynamicsResult) {
  const steps = result.points.map((p) => p.step);
  const min = Math.min(...steps);
  const max = Math.max(...steps);
  const log = min > 0 && max / min >= 100;
  const unit = result.step.unit ? ` (${result.step.unit}${log ? ', log scale' : ''})` : log ? ' (log scale)' : '';
  return {
    domain: (log ? [min / 1.2, max * 1.2] : extent(steps, { pad: 0.03 })) as [number, number],
    log,
    label: `${result.step.name}${unit}`,
    grid: true,
  };
}

/** Every group label that appears in any point, in order of first appearance. */
export function dynamicsGroups(result: DynamicsResult): string[] {
  const seen: string[] = [];
  for (const p of result.points) for (const f of p.filters) if (!seen.includes(f.group)) seen.push(f.group);
  return seen;
}

/** Every summary name that appears in any point. */
export function dynamicsSummaries(result: DynamicsResult): string[] {
  const seen: string[] = [];
  for (const p of result.points) for (const f of p.filters) for (const k of Object.keys(f.summary)) if (!seen.includes(k)) seen.push(k);
  return seen;
}

/**
 * Each point's interval of the primary metric ([low, high] or null), from `metricIntervals` under the metric's
 * key; null when the result carries none (older files, or a metric without a key).
 */
export function metricIntervalsOf(result: DynamicsResult): ([number, number] | null)[] | null {
  const key = result.metric.key;
  if (!key || !result.points.some((p) => p.metricIntervals?.[key])) return null;
  return result.points.map((p) => p.metricIntervals?.[key] ?? null);
}

const intervalText = (iv: readonly [number, number] | null | undefined) => (iv ? ` [${formatNumber(iv[0])}, ${formatNumber(iv[1])}]` : '');

/** The held-out metric of the reduced model over training with its band over checkpoints, the baseline as a dashed line. */
export function dynamicsMetricFigure(result: DynamicsResult): string {
  const steps = result.points.map((p) => p.step);
  const values = result.points.map((p) => p.metric ?? NaN);
  const baseline = result.metric.baseline;
  const intervals = metricIntervalsOf(result);
  const band = intervals ? { low: intervals.map((iv) => iv?.[0] ?? NaN), high: intervals.map((iv) => iv?.[1] ?? NaN) } : null;
  return chart({
    title: `${result.metric.name} over training`,
    x: stepAxis(result),
    y: {
      domain: extent([...values, ...(band ? [...band.low, ...band.high] : []), ...(baseline !== null ? [baseline] : [])], { pad: 0.08 }),
      label: `held-out ${result.metric.name}`,
      grid: true,
    },
    legend: [
      { label: 'reduced model', colour: SERIES.model, symbol: 'line' },
      ...(band ? [{ label: '95 % interval', colour: tint(SERIES.model, 0.7), symbol: 'swatch' as const }] : []),
      ...(baseline !== null ? [{ label: `baseline (${formatNumber(baseline)})`, colour: SERIES.baseline, symbol: 'dashed' as const }] : []),
    ],
    body: (frame) => [
      band ? bandPath(frame, steps, band, { series: 'metric band', fill: SERIES.model }) : '',
      baseline !== null ? rule(frame, 'y', baseline, { stroke: SERIES.baseline, dash: 'dashed', width: 1.5 }) : '',
      linePath(frame, steps, values, { series: 'metric', stroke: SERIES.model, width: 2.2 }),
      dots(frame, steps, values, {
        series: 'metric points',
        fill: SERIES.model,
        r: 3.5,
        titles: result.points.map((p, i) => `${result.step.name} ${p.step}: ${formatNumber(p.metric)}${intervalText(intervals?.[i])}`),
      }),
    ],
  });
}

type Gains = NonNullable<DynamicsResult['points'][number]['selectivity']>;

/** Whether any point carries a selectivity or a control gain beside a control. */
export function hasControlDynamics(result: DynamicsResult): boolean {
  return result.points.some((p) => p.selectivity || p.controlGain);
}

/**
 * Beside a control, over training: the selectivity (trained gain − the control's gain) and the control's own
 * gain for one figure (bits/event or stratified AUROC), each with its band over checkpoints, 0 marked: where
 * the selectivity band leaves 0, training has built what the control cannot read.
 */
export function dynamicsSelectivityFigure(result: DynamicsResult, figure: keyof Gains, name: string): string | null {
  const steps = result.points.map((p) => p.step);
  const series = [
    { key: 'selectivity' as const, label: 'selectivity (trained − control)', colour: SERIES.model },
    { key: 'controlGain' as const, label: 'control’s own gain', colour: '#3a3a3a' },
  ].map((s) => {
    const iv = result.points.map((p) => p[s.key]?.[figure] ?? null);
    return {
      ...s,
      y: iv.map((v) => v?.estimate ?? NaN),
      band: { low: iv.map((v) => v?.low ?? NaN), high: iv.map((v) => v?.high ?? NaN) },
      titles: result.points.map((p, i) => {
        const v = iv[i];
        return `${s.label}, ${result.step.name} ${p.step}: ${formatNumber(v?.estimate)}${v && v.low !== null && v.high !== null ? intervalText([v.low, v.high]) : ''}`;
      }),
    };
  });
  const drawn = series.filter((s) => s.y.some(Number.isFinite));
  if (drawn.length === 0) return null;
  const banded = drawn.some((s) => s.band.low.some(Number.isFinite));
  return chart({
    title: `Selectivity over training: ${name}`,
    x: stepAxis(result),
    y: { domain: extent([0, ...drawn.flatMap((s) => [...s.y, ...s.band.low, ...s.band.high])], { pad: 0.08 }), label: name, grid: true },
    legend: [
      ...drawn.map((s) => ({ label: s.label, colour: s.colour, symbol: s.key === 'controlGain' ? ('dashed' as const) : ('line' as const) })),
      ...(banded ? [{ label: '95 % interval', colour: '#cfcfcf', symbol: 'swatch' as const }] : []),
    ],
    body: (frame) => [
      ...drawn.map((s) => bandPath(frame, steps, s.band, { series: `${s.label} band`, fill: s.colour, opacity: 0.16 })),
      rule(frame, 'y', 0, { stroke: '#7a7a7a', dash: 'dotted' }),
      ...drawn.flatMap((s) => [
        linePath(frame, steps, s.y, { series: s.label, stroke: s.colour, width: 2.2, dash: s.key === 'controlGain' ? 'dashed' : undefined }),
        dots(frame, steps, s.y, { series: `${s.label} points`, fill: s.colour, r: 3.2, titles: s.titles }),
      ]),
    ],
  });
}

/** One filter summary (e.g. "peak lag") over training, one line per group. */
export function dynamicsSummaryFigure(result: DynamicsResult, summary: string): string {
  const groups = dynamicsGroups(result);
  const colours = groupColours(groups);
  const series = groups.map((g, i) => {
    const xs: number[] = [];
    const ys: number[] = [];
    for (const p of result.points) {
      const f = p.filters.find((x) => x.group === g);
      const v = f?.summary[summary];
      if (v !== undefined && v !== null) {
        xs.push(p.step);
        ys.push(v);
      }
    }
    return { label: g, colour: colours[i], xs, ys };
  });
  return chart({
    title: `${summary} over training`,
    x: stepAxis(result),
    y: {
      domain: extent(
        series.flatMap((s) => s.ys),
        { pad: 0.08 },
      ),
      label: summary,
      grid: true,
    },
    legend: series.map((s) => ({ label: s.label, colour: s.colour, symbol: 'line' as const })),
    body: (frame) =>
      series.flatMap((s) => [
        linePath(frame, s.xs, s.ys, { series: s.label, stroke: s.colour, width: 2 }),
        dots(frame, s.xs, s.ys, {
          series: `${s.label} points`,
          fill: s.colour,
          r: 3,
          titles: s.xs.map((x, k) => `${s.label}, step ${x}: ${formatSignificant(s.ys[k])}`),
        }),
      ]),
  });
}

/** A group's temporal filter at successive steps, light (early) to full colour (late); at most 8 steps. */
export function dynamicsFilterFigure(result: DynamicsResult, group: string, colour: string): string | null {
  const withFilter = result.points.filter((p) => p.filters.some((f) => f.group === group && f.temporal));
  if (withFilter.length === 0) return null;
  const shown = withFilter.length <= 8 ? withFilter : Array.from({ length: 8 }, (_, i) => withFilter[Math.round((i * (withFilter.length - 1)) / 7)]);
  const curves = shown.map((p, i) => ({
    step: p.step,
    filter: p.filters.find((f) => f.group === group)!.temporal!,
    colour: tint(colour, shown.length > 1 ? 0.8 * (1 - i / (shown.length - 1)) : 0),
  }));
  return chart({
    title: `Temporal filter over training: ${group}`,
    x: {
      domain: extent(
        curves.flatMap((c) => c.filter.x),
        { pad: 0.02 },
      ),
      label: lagAxisLabel(result.binUnit),
    },
    y: {
      domain: extent(
        curves.flatMap((c) => c.filter.y),
        { includeZero: true, pad: 0.08 },
      ),
      label: `weight (Δ linear predictor per ${result.binUnit === 'token' ? 'unit of atom' : 'input'})`,
      grid: true,
    },
    legend: [
      { label: `${result.step.name} ${curves[0].step}`, colour: curves[0].colour, symbol: 'line' },
      ...(curves.length > 1
        ? [{ label: `${result.step.name} ${curves[curves.length - 1].step}`, colour: curves[curves.length - 1].colour, symbol: 'line' as const }]
        : []),
    ],
    body: (frame) => [
      rule(frame, 'y', 0, { stroke: '#7a7a7a' }),
      ...curves.map((c) => linePath(frame, c.filter.x, c.filter.y, { series: `step ${c.step}`, stroke: c.colour, width: 2 })),
    ],
  });
}
