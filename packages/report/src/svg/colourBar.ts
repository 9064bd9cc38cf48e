import { formatTick } from './format.js';
import { el, text } from './markup.js';
import type { PlotFrame } from './plotFrame.js';
import { linearScale, tickStep } from './scale.js';

export const COLOUR_BAR_MARGIN = 92;

/** A vertical colour bar right of the plot, from `min` (bottom) to `max` (top), with ticks and a label. */
export function colourBar(frame: PlotFrame, options: { min: number; max: number; colour: (value: number) => string; label: string }): string {
  const x = frame.right + 14;
  const w = 12;
  const steps = 64;
  const scale = linearScale([options.min, options.max], [frame.bottom, frame.top]);
  const h = (frame.bottom - frame.top) / steps;
  const parts: string[] = [];
  for (let i = 0; i < steps; i++) {
    const v = options.min + ((i + 0.5) / steps) * (options.max - options.min);
    parts.push(el('rect', { x, y: frame.bottom - (i + 1) * h, width: w, height: h + 0.5, fill: options.colour(v) }));
  }
  parts.push(el('rect', { x, y: frame.top, width: w, height: frame.bottom - frame.top, fill: 'none', stroke: '#4d4d4d', 'stroke-width': 0.8 }));
  const ticks = scale.ticks(4);
  const step = tickStep(ticks);
  for (const t of ticks) {
    const y = scale(t);
    parts.push(el('line', { x1: x + w, x2: x + w + 4, y1: y, y2: y, stroke: '#4d4d4d' }));
    parts.push(text(formatTick(t, step), { x: x + w + 6, y: y + 4, fill: '#333333' }));
  }
  const lx = frame.width - 10;
  const cy = (frame.top + frame.bottom) / 2;
  parts.push(text(options.label, { x: lx, y: cy, transform: `rotate(-90 ${lx} ${cy})`, 'text-anchor': 'middle', 'font-size': 12, fill: '#1a1a1a' }));
  return el('g', { class: 'colour-bar', 'shape-rendering': 'crispEdges' }, ...parts);
}
