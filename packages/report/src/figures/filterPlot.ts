import type { ReducedModel } from '@occam/core';
import { chart } from '../svg/chart.js';
import type { LegendItem } from '../svg/legend.js';
import { dots, linePath, rule } from '../svg/marks.js';
import { extent } from '../svg/scale.js';
import { SERIES } from '../style/palette.js';
import { attributeAxisLabel, historyAxisLabel, lagAxisLabel, weightAxisLabel } from '../style/units.js';
import { thinLine } from './thinForFigure.js';

export interface FilterSeries {
  label: string;
  colour: string;
  x: readonly number[];
  y: readonly number[];
  /** Dashed: a control drawn beside the model it controls. */
  dash?: 'dashed';
  /** Left out of the legend (the legend then explains dashed lines once, in `legendExtra`). */
  unlisted?: boolean;
}

/** Filters as functions of one axis, one line per series, with y = 0 marked; the legend above the plot. */
export function filterPlot(options: { title: string; xLabel: string; yLabel: string; series: FilterSeries[]; legendExtra?: LegendItem[] }): string {
  options = { ...options, series: options.series.map((s) => ({ ...s, ...thinLine(s.x, s.y) })) };
  const xs = options.series.flatMap((s) => s.x);
  const ys = options.series.flatMap((s) => s.y);
  const few = options.series.every((s) => s.x.length <= 40);
  return chart({
    title: options.title,
    x: { domain: extent(xs, { pad: 0.02 }), label: options.xLabel },
    y: { domain: extent(ys, { includeZero: true, pad: 0.08 }), label: options.yLabel, grid: true },
    legend: [
      ...options.series.filter((s) => !s.unlisted).map((s) => ({ label: s.label, colour: s.colour, symbol: s.dash ?? ('line' as const) })),
      ...(options.legendExtra ?? []),
    ],
    body: (frame) => [
      rule(frame, 'y', 0, { stroke: '#7a7a7a' }),
      ...options.series.flatMap((s) => [
        linePath(frame, s.x, s.y, { series: s.label, stroke: s.colour, width: s.dash ? 1.8 : 2.2, dash: s.dash }),
        few && !s.dash ? dots(frame, s.x, s.y, { series: `${s.label} samples`, fill: s.colour, r: 2.6 }) : '',
      ]),
    ],
  });
}

type GroupFilter = ReducedModel['filters']['groups'][number];

export const groupName = (g: GroupFilter) => `${g.label} (${g.atoms} atom${g.atoms === 1 ? '' : 's'})`;

/** Spatial filter of every group over the ordered attribute (soma distance, layer). */
export function spatialFiltersFigure(model: ReducedModel, colours: string[], units: Record<string, string> = {}): string {
  return filterPlot({
    title: 'Spatial filters',
    xLabel: attributeAxisLabel(model.layout.spatialAttribute ?? 'attribute', units),
    yLabel: 'relative weight (a.u.)',
    series: model.filters.groups.map((g, i) => ({ label: groupName(g), colour: colours[i], x: g.spatial.x, y: g.spatial.y })),
  });
}

/** The control's filter of the group with the same label, if it has one. */
export function controlGroup(control: ReducedModel | null | undefined, label: string): GroupFilter | null {
  return control?.filters.groups.find((g) => g.label === label) ?? null;
}

/**
 * Temporal filter of every group over lag, all in one plot (for a few groups). A control model's filter of
 * the same group is drawn dashed in the group's colour.
 */
export function temporalFiltersFigure(model: ReducedModel, colours: string[], control?: ReducedModel | null, controlLabel = 'control'): string {
  const series: FilterSeries[] = model.filters.groups.map((g, i) => ({ label: groupName(g), colour: colours[i], x: g.temporal.x, y: g.temporal.y }));
  let controlled = 0;
  model.filters.groups.forEach((g, i) => {
    const c = controlGroup(control, g.label);
    if (!c) return;
    controlled++;
    series.push({ label: `${g.label}, ${controlLabel}`, colour: colours[i], x: c.temporal.x, y: c.temporal.y, dash: 'dashed', unlisted: true });
  });
  return filterPlot({
    title: 'Temporal filters',
    xLabel: lagAxisLabel(model.filters.binUnit),
    yLabel: weightAxisLabel(model.nonlinearity.link, model.filters.binUnit),
    series,
    legendExtra: controlled ? [{ label: `${controlLabel} (dashed, same colour)`, colour: '#555555', symbol: 'dashed' }] : [],
  });
}

/** The history filter: what the system's own earlier output adds (a post-spike penalty when negative). */
export function historyFigure(model: ReducedModel, targetName = 'output'): string | null {
  const h = model.filters.history;
  if (!h) return null;
  return filterPlot({
    title: 'History filter',
    xLabel: historyAxisLabel(model.filters.binUnit, targetName),
    yLabel: weightAxisLabel(model.nonlinearity.link).replace('per input', `per earlier ${targetName}`),
    series: [{ label: `history (own ${targetName})`, colour: SERIES.history, x: h.x, y: h.y }],
  });
}
