import { formatTick } from './format.js';
import { el, text } from './markup.js';
import type { PlotFrame } from './plotFrame.js';
import { tickStep } from './scale.js';

export interface AxisOptions {
  /** What the axis measures, with its unit in parentheses: "soma distance (µm)". */
  label: string;
  /** Tick values (default: the scale's nice ticks). */
  ticks?: number[];
  /** Tick label text (default: as many decimals as the tick step needs). */
  format?: (value: number) => string;
  /** Categorical ticks: a label at each value (heatmap rows, raster trials); on the y axis "\n" starts a new line. */
  tickLabels?: { value: number; label: string }[];
  /** Light grid lines across the plot at each tick. */
  grid?: boolean;
  tickCount?: number;
  /** x only: tick labels slanted (long category names). */
  slantTickLabels?: boolean;
  /** Tick marks without labels (inner panels of small multiples, whose axes are shared). */
  hideTickLabels?: boolean;
}

/** Vertical room slanted tick labels need below the axis line. */
export function slantedLabelDepth(labels: string[]): number {
  return Math.round(labels.reduce((m, l) => Math.max(m, l.length), 0) * 7 * 0.6) + 14;
}

const AXIS = '#4d4d4d';
/** Line pitch of a multi-line y tick label. */
export const TICK_LINE = 14;
const GRID = '#e6e6e6';

function tickList(scaleTicks: (n?: number) => number[], options: AxisOptions): { value: number; label: string }[] {
  if (options.tickLabels) return options.tickLabels;
  const ticks = options.ticks ?? scaleTicks(options.tickCount);
  const step = tickStep(ticks);
  return ticks.map((value) => ({ value, label: options.format ? options.format(value) : formatTick(value, step) }));
}

/** The x axis along the bottom of the plot area: line, ticks, tick labels and the axis label. */
export function bottomAxis(frame: PlotFrame, options: AxisOptions): string {
  const y = frame.bottom;
  const parts: string[] = [];
  for (const t of tickList(frame.x.ticks, options)) {
    const x = frame.x(t.value);
    if (options.grid) parts.push(el('line', { x1: x, x2: x, y1: frame.top, y2: frame.bottom, stroke: GRID, 'stroke-width': 1 }));
    parts.push(el('line', { x1: x, x2: x, y1: y, y2: y + 5, stroke: AXIS }));
    if (options.hideTickLabels) continue;
    if (options.slantTickLabels) {
      parts.push(text(t.label, { x: x + 3, y: y + 14, 'text-anchor': 'end', transform: `rotate(-35 ${x + 3} ${y + 14})`, fill: '#333333' }));
    } else parts.push(text(t.label, { x, y: y + 18, 'text-anchor': 'middle', fill: '#333333' }));
  }
  parts.push(el('line', { x1: frame.left, x2: frame.right, y1: y, y2: y, stroke: AXIS }));
  const labelY = options.slantTickLabels ? y + slantedLabelDepth(tickList(frame.x.ticks, options).map((t) => t.label)) + 18 : y + 38;
  if (options.label)
    parts.push(text(options.label, { x: (frame.left + frame.right) / 2, y: labelY, 'text-anchor': 'middle', 'font-size': 13, fill: '#1a1a1a' }));
  return el('g', { class: 'axis axis-x' }, ...parts);
}

/** The y axis along the left of the plot area. */
export function leftAxis(frame: PlotFrame, options: AxisOptions): string {
  const x = frame.left;
  const parts: string[] = [];
  for (const t of tickList(frame.y.ticks, options)) {
    const y = frame.y(t.value);
    if (options.grid) parts.push(el('line', { x1: frame.left, x2: frame.right, y1: y, y2: y, stroke: GRID, 'stroke-width': 1 }));
    parts.push(el('line', { x1: x - 5, x2: x, y1: y, y2: y, stroke: AXIS }));
    if (options.hideTickLabels) continue;
    const lines = t.label.split('\n');
    lines.forEach((line, k) =>
      parts.push(text(line, { x: x - 8, y: y + 4 + (k - (lines.length - 1) / 2) * TICK_LINE, 'text-anchor': 'end', fill: '#333333' })),
    );
  }
  parts.push(el('line', { x1: x, x2: x, y1: frame.top, y2: frame.bottom, stroke: AXIS }));
  const cy = (frame.top + frame.bottom) / 2;
  if (options.label)
    parts.push(text(options.label, { x: 16, y: cy, transform: `rotate(-90 16 ${cy})`, 'text-anchor': 'middle', 'font-size': 13, fill: '#1a1a1a' }));
  return el('g', { class: 'axis axis-y' }, ...parts);
}
