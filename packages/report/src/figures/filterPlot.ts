import type { ReducedModel } from '@occam/core';
import { chart } from '../svg/chart.js';
import type { LegendItem } from '../svg/legend.js';
import { bandPath, dots, linePath, rule, type Band } from '../svg/marks.js';
import { bandOf, bandWording } from '../data/filterBand.js';
import { extent } from '../svg/scale.js';
import { SERIES } from '../style/palette.js';
import { historyAxisLabel, weightAxisLabel } from '../style/units.js';
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
  /** Pointwise band (e.g. 95 %) around the curve (same length as `y`), shaded behind the line. */
  band?: Band | null;
}

/**
 * A series thinned to the figure's budget, its band with it: the band's edges thinned on their own, each
 * bucket keeping its extremes, so the drawn envelope is never narrower than the data's.
 */
function thinSeries(s: FilterSeries): FilterSeries {
  const line = thinLine(s.x, s.y);
  if (!s.band || line.x.length === s.x.length) return { ...s, ...line };
  const low = thinLine(s.x, s.band.low);
  const high = thinLine(s.x, s.band.high);
  // Edges thinned apart land on different x: resample both on the line's x by their nearest kept point.
  const at = (edge: { x: number[]; y: number[] }, pick: (a: number, b: number) => number) =>
    line.x.map((x) => {
      let k = 0;
      while (k + 1 < edge.x.length && edge.x[k + 1] <= x) k++;
      return k + 1 < edge.x.length ? pick(edge.y[k], edge.y[k + 1]) : edge.y[k];
    });
  return { ...s, ...line, band: { low: at(low, Math.min), high: at(high, Math.max) } };
}

/** Filters as functions of one axis, one line per series, with y = 0 marked; the legend above the plot. */
export function filterPlot(options: {
  title: string;
  xLabel: string;
  yLabel: string;
  series: FilterSeries[];
  legendExtra?: LegendItem[];
  /** Legend entry for the bands ("95 % band"). */
  bandLabel?: string;
}): string {
  options = { ...options, series: options.series.map(thinSeries) };
  const xs = options.series.flatMap((s) => s.x);
  const ys = options.series.flatMap((s) => [...s.y, ...(s.band ? [...s.band.low, ...s.band.high] : [])]);
  const banded = options.series.some((s) => s.band);
  const few = options.series.every((s) => s.x.length <= 40);
  return chart({
    title: options.title,
    x: { domain: extent(xs, { pad: 0.02 }), label: options.xLabel },
    y: { domain: extent(ys, { includeZero: true, pad: 0.08 }), label: options.yLabel, grid: true },
    legend: [
      ...options.series.filter((s) => !s.unlisted).map((s) => ({ label: s.label, colour: s.colour, symbol: s.dash ?? ('line' as const) })),
      ...(banded ? [{ label: options.bandLabel ?? '95 % band', colour: '#b8b8b8', symbol: 'swatch' as const }] : []),
      ...(options.legendExtra ?? []),
    ],
    body: (frame) => [
      ...options.series.map((s) => (s.band ? bandPath(frame, s.x, s.band, { series: `${s.label} band`, fill: s.colour, opacity: s.dash ? 0.1 : 0.2 }) : '')),
      rule(frame, 'y', 0, { stroke: '#7a7a7a' }),
      ...options.series.flatMap((s) => [
        linePath(frame, s.x, s.y, { series: s.label, stroke: s.colour, width: s.dash ? 1.8 : 2.2, dash: s.dash }),
        few && !s.dash ? dots(frame, s.x, s.y, { series: `${s.label} samples`, fill: s.colour, r: 2.6 }) : '',
      ]),
    ],
  });
}

/** One group's curve in an overlaid plot, with its control's curve (dashed) when there is one. */
export interface OverlaidCurve {
  name: string;
  colour: string;
  x: readonly number[];
  y: readonly number[];
  band?: Band | null;
  control: { x: readonly number[]; y: readonly number[] } | null;
}

/**
 * A few groups' filters over one axis in one plot, the legend above it. A control model's filter of the
 * same group is drawn dashed in the group's colour, and the legend explains dashes once.
 */
export function overlaidCurvesFigure(options: {
  title: string;
  xLabel: string;
  yLabel: string;
  curves: OverlaidCurve[];
  controlLabel: string;
  bandLabel?: string;
}): string {
  const series: FilterSeries[] = options.curves.map((c) => ({ label: c.name, colour: c.colour, x: c.x, y: c.y, band: c.band }));
  const controlled = options.curves.filter((c) => c.control);
  for (const c of controlled)
    series.push({ label: `${c.name}, ${options.controlLabel}`, colour: c.colour, x: c.control!.x, y: c.control!.y, dash: 'dashed', unlisted: true });
  return filterPlot({
    title: options.title,
    xLabel: options.xLabel,
    yLabel: options.yLabel,
    series,
    bandLabel: options.bandLabel,
    legendExtra: controlled.length ? [{ label: `${options.controlLabel} (dashed, same colour)`, colour: '#555555', symbol: 'dashed' }] : [],
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
    series: [{ label: `history (own ${targetName})`, colour: SERIES.history, x: h.x, y: h.y, band: bandOf(h) }],
    bandLabel: bandWording(model).legend,
  });
}
