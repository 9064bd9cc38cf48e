import { bottomAxis, leftAxis, slantedLabelDepth, type AxisOptions } from './axis.js';
import { formatTick } from './format.js';
import { legend, legendHeight, type LegendItem } from './legend.js';
import { el } from './markup.js';
import { plotFrame, type AxisDomain, type PlotFrame } from './plotFrame.js';
import { linearScale, logScale, tickStep } from './scale.js';
import { svgDocument } from './svgDocument.js';

export type ChartAxis = AxisDomain & AxisOptions;

export interface ChartOptions {
  /** Accessible name of the figure (SVG <title>). */
  title: string;
  width?: number;
  /** Height without the legend (the legend's rows are added on top). */
  height?: number;
  x: ChartAxis;
  y: ChartAxis;
  legend?: LegendItem[];
  /** Extra room above the plot (marker names). */
  headroom?: number;
  /** Room right of the plot (a colour bar). */
  marginRight?: number;
  /** Draw the data: reference lines and marks, in painting order. */
  body: (frame: PlotFrame) => string[];
  /** Drawn after the axes, outside the plot area (a colour bar). */
  overlay?: (frame: PlotFrame) => string[];
}

export const CHART_WIDTH = 480;
export const CHART_HEIGHT = 340;
const CHAR = 7;
const CATEGORY_CHAR = 7.6;

/** Left margin wide enough for the longest y tick label and the rotated axis label. */
function leftMargin(y: ChartAxis): number {
  let labels: string[];
  if (y.tickLabels) labels = y.tickLabels.map((t) => t.label);
  else {
    const scale = (y.log ? logScale : linearScale)(y.domain, [0, 1]);
    const ticks = y.ticks ?? scale.ticks(y.tickCount);
    const step = tickStep(ticks);
    labels = ticks.map((v) => (y.format ? y.format(v) : formatTick(v, step)));
  }
  const longest = labels.flatMap((l) => l.split('\n')).reduce((m, l) => Math.max(m, l.length), 1);
  // Category names (group labels) hold wide letters and '='; numbers are narrow digits.
  return Math.max(52, 34 + longest * (y.tickLabels ? CATEGORY_CHAR : CHAR));
}

/** A complete x–y figure: legend on top, axes with labels and units, the data, as one standalone SVG. */
export function chart(options: ChartOptions): string {
  const width = options.width ?? CHART_WIDTH;
  const left = leftMargin(options.y);
  const right = options.marginRight ?? 18;
  const items = options.legend ?? [];
  // The legend gets its own rows above the plot and the figure grows by as much: a long legend must never
  // squeeze the plot it explains (15 groups once left it a 20-pixel strip).
  const legendRows = legendHeight(items, width - left - right);
  const height = (options.height ?? CHART_HEIGHT) + legendRows;
  const top = 12 + legendRows + (options.headroom ?? 0);
  const bottom = options.x.slantTickLabels && options.x.tickLabels ? slantedLabelDepth(options.x.tickLabels.map((t) => t.label)) + 30 : 50;
  const frame = plotFrame({ width, height, margin: { top, right, bottom, left }, x: options.x, y: options.y });
  const content = [
    el('g', { class: 'grid-and-axes' }, leftAxis(frame, options.y), bottomAxis(frame, options.x)),
    el('g', { class: 'data' }, ...options.body(frame)),
    ...(options.overlay ? options.overlay(frame) : []),
    items.length ? legend(items, left, 6, width - left - right) : '',
  ];
  return svgDocument(width, height, options.title, content);
}
