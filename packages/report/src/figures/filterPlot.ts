import type { ReducedModel } from '@occam/core';
import { chart } from '../svg/chart.js';
import { dots, linePath, rule } from '../svg/marks.js';
import { extent } from '../svg/scale.js';
import { SERIES } from '../style/palette.js';
import { attributeAxisLabel, historyAxisLabel, lagAxisLabel, weightAxisLabel } from '../style/units.js';

export interface FilterSeries {
  label: string;
  colour: string;
  x: readonly number[];
  y: readonly number[];
}

/** Filters as functions of one axis, one line per series, with y = 0 marked. */
export function filterPlot(options: { title: string; xLabel: string; yLabel: string; series: FilterSeries[] }): string {
  const xs = options.series.flatMap((s) => s.x);
  const ys = options.series.flatMap((s) => s.y);
  const few = options.series.every((s) => s.x.length <= 40);
  return chart({
    title: options.title,
    x: { domain: extent(xs, { pad: 0.02 }), label: options.xLabel },
    y: { domain: extent(ys, { includeZero: true, pad: 0.08 }), label: options.yLabel, grid: true },
    legend: options.series.map((s) => ({ label: s.label, colour: s.colour, symbol: 'line' as const })),
    body: (frame) => [
      rule(frame, 'y', 0, { stroke: '#7a7a7a' }),
      ...options.series.flatMap((s) => [
        linePath(frame, s.x, s.y, { series: s.label, stroke: s.colour, width: 2.2 }),
        few ? dots(frame, s.x, s.y, { series: `${s.label} samples`, fill: s.colour, r: 2.6 }) : '',
      ]),
    ],
  });
}

const groupName = (g: ReducedModel['filters']['groups'][number]) => `${g.label} (${g.atoms} atoms)`;

/** Spatial filter of every group over the ordered attribute (soma distance, layer). */
export function spatialFiltersFigure(model: ReducedModel, colours: string[], units: Record<string, string> = {}): string {
  return filterPlot({
    title: 'Spatial filters',
    xLabel: attributeAxisLabel(model.layout.spatialAttribute ?? 'attribute', units),
    yLabel: 'relative weight (a.u.)',
    series: model.filters.groups.map((g, i) => ({ label: groupName(g), colour: colours[i], x: g.spatial.x, y: g.spatial.y })),
  });
}

/** Temporal filter of every group over lag. */
export function temporalFiltersFigure(model: ReducedModel, colours: string[]): string {
  return filterPlot({
    title: 'Temporal filters',
    xLabel: lagAxisLabel(model.filters.binUnit),
    yLabel: weightAxisLabel(model.nonlinearity.link),
    series: model.filters.groups.map((g, i) => ({ label: groupName(g), colour: colours[i], x: g.temporal.x, y: g.temporal.y })),
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
