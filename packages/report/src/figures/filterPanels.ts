import { bottomAxis, leftAxis } from '../svg/axis.js';
import { formatTick } from '../svg/format.js';
import { legend, legendHeight, type LegendItem } from '../svg/legend.js';
import { el, text, tooltip } from '../svg/markup.js';
import { bandPath, dots, linePath, rule, type Band } from '../svg/marks.js';
import { plotFrame } from '../svg/plotFrame.js';
import { extent, linearScale, tickStep } from '../svg/scale.js';
import { svgDocument } from '../svg/svgDocument.js';
import { wrapText } from '../svg/wrapText.js';

export interface FilterPanel {
  /** The group, written above its panel (wrapped at commas). */
  label: string;
  /** Shown on hover over the panel's name (the full group label when `label` is shortened). */
  tooltip?: string;
  colour: string;
  x: readonly number[];
  y: readonly number[];
  /** The control model's filter of the same group, drawn dashed. */
  control?: { x: readonly number[]; y: readonly number[] } | null;
  /** Pointwise band (e.g. 95 %) of the curve, shaded behind it. */
  band?: Band | null;
}

const WIDTH = 960;
const RIGHT = 14;
const GAP_X = 18;
const PLOT_HEIGHT = 112;
const TICK_LABELS = 24;
const GAP_Y = 12;
const TITLE_LINE = 15;
/** Generous average glyph width at 12 px (DejaVu Sans is wide): titles must never run into a neighbour. */
const CHAR = 7.3;

/**
 * Small multiples: one panel per group on shared x and y axes, so any number of groups stays readable
 * and comparable (one overlaid plot with a legend per group stops working past a handful). Tick labels
 * only on the outer panels; the group's name above its panel; a control's filter dashed in each panel.
 */
export function filterPanelsFigure(options: {
  title: string;
  xLabel: string;
  yLabel: string;
  panels: FilterPanel[];
  controlLabel?: string;
  /** Legend entry for the bands ("95 % band"). */
  bandLabel?: string;
}): string {
  const { panels } = options;
  const n = panels.length;
  const cols = n <= 4 ? n : n <= 9 ? 3 : 4;
  const rows = Math.ceil(n / cols);
  const xDomain = extent(
    panels.flatMap((p) => [...p.x, ...(p.control?.x ?? [])]),
    { pad: 0.03 },
  );
  const yDomain = extent(
    panels.flatMap((p) => [...p.y, ...(p.control?.y ?? []), ...(p.band ? [...p.band.low, ...p.band.high] : [])]),
    { includeZero: true, pad: 0.1 },
  );
  const yTicks = linearScale(yDomain, [0, 1]).ticks(3);
  const yStep = tickStep(yTicks);
  const longestTick = yTicks.reduce((m, t) => Math.max(m, formatTick(t, yStep).length), 1);
  const left = 36 + longestTick * 8;
  const panelWidth = (WIDTH - left - RIGHT - (cols - 1) * GAP_X) / cols;
  const maxChars = Math.max(8, Math.floor(panelWidth / CHAR));
  const titles = panels.map((p) => wrapText(p.label, maxChars));
  const titleLines = Math.max(1, ...titles.map((t) => t.length));
  const header = titleLines * TITLE_LINE + 4;
  const rowHeight = header + PLOT_HEIGHT + TICK_LABELS + GAP_Y;
  const hasControl = panels.some((p) => p.control);
  const banded = panels.some((p) => p.band);
  const items: LegendItem[] = [
    ...(hasControl
      ? [
          { label: 'trained model', colour: '#444444', symbol: 'line' as const },
          { label: options.controlLabel ?? 'control', colour: '#444444', symbol: 'dashed' as const },
        ]
      : []),
    ...(banded ? [{ label: options.bandLabel ?? '95 % band', colour: '#b8b8b8', symbol: 'swatch' as const }] : []),
  ];
  const top = 8 + legendHeight(items, WIDTH - left - RIGHT);
  const height = top + rows * rowHeight + 30;
  const parts: string[] = [];
  if (items.length) parts.push(legend(items, left, 6, WIDTH - left - RIGHT));
  panels.forEach((p, i) => {
    const row = Math.floor(i / cols);
    const col = i % cols;
    const x0 = left + col * (panelWidth + GAP_X);
    const plotTop = top + row * rowHeight + header;
    const frame = plotFrame({
      width: WIDTH,
      height,
      margin: { top: plotTop, right: WIDTH - (x0 + panelWidth), bottom: height - (plotTop + PLOT_HEIGHT), left: x0 },
      x: { domain: xDomain },
      y: { domain: yDomain },
    });
    const few = p.x.length <= 40;
    parts.push(
      el(
        'g',
        { class: 'panel', 'data-group': p.tooltip ?? p.label },
        el(
          'g',
          { class: 'panel-title' },
          p.tooltip ? tooltip(p.tooltip) : '',
          ...titles[i].map((line, k) => text(line, { x: x0, y: plotTop - 6 - (titles[i].length - 1 - k) * TITLE_LINE, fill: '#1a1a1a' })),
        ),
        leftAxis(frame, { label: '', ticks: yTicks, grid: true, hideTickLabels: col !== 0 }),
        bottomAxis(frame, { label: '', tickCount: 4 }),
        p.band ? bandPath(frame, p.x, p.band, { series: `${p.label} band`, fill: p.colour }) : '',
        rule(frame, 'y', 0, { stroke: '#7a7a7a' }),
        p.control
          ? linePath(frame, p.control.x, p.control.y, {
              series: `${p.label}, ${options.controlLabel ?? 'control'}`,
              stroke: p.colour,
              width: 1.6,
              dash: 'dashed',
            })
          : '',
        linePath(frame, p.x, p.y, { series: p.label, stroke: p.colour, width: 2 }),
        few ? dots(frame, p.x, p.y, { series: `${p.label} samples`, fill: p.colour, r: 2.3 }) : '',
      ),
    );
  });
  const plotsTop = top;
  const plotsBottom = top + rows * rowHeight - GAP_Y;
  const cy = (plotsTop + plotsBottom) / 2;
  parts.push(text(options.yLabel, { x: 16, y: cy, transform: `rotate(-90 16 ${cy})`, 'text-anchor': 'middle', 'font-size': 13, fill: '#1a1a1a' }));
  parts.push(text(options.xLabel, { x: (left + WIDTH - RIGHT) / 2, y: height - 10, 'text-anchor': 'middle', 'font-size': 13, fill: '#1a1a1a' }));
  return svgDocument(WIDTH, height, options.title, parts);
}
