import { el, text } from './markup.js';
import { wrapText } from './wrapText.js';

export interface LegendItem {
  label: string;
  colour: string;
  /** How the series is drawn: a line (solid or dashed), a dot, a filled swatch, or a raster tick. */
  symbol: 'line' | 'dashed' | 'dotted' | 'dot' | 'swatch' | 'tick';
}

/** Average glyph width at 12 px, on the generous side (DejaVu Sans is wide): a legend must not run past its room. */
const CHAR = 7.0;
const SYMBOL = 26;
const GAP = 16;
const ROW = 17;

/** One item placed: its lines of text (several only when its label is wider than the legend). */
interface Placed {
  item: LegendItem;
  lines: string[];
  width: number;
}

function place(item: LegendItem, width: number): Placed {
  const full = SYMBOL + item.label.length * CHAR + GAP;
  if (full <= width) return { item, lines: [item.label], width: full };
  const lines = wrapText(item.label, (width - SYMBOL - GAP) / CHAR);
  return { item, lines, width };
}

/** Rows of items that fit in `width` pixels; an item too wide for a row wraps onto lines of its own. */
export function legendRows(items: LegendItem[], width: number): Placed[][] {
  const rows: Placed[][] = [];
  let row: Placed[] = [];
  let used = 0;
  for (const item of items) {
    const p = place(item, width);
    if (row.length > 0 && (used + p.width > width || p.lines.length > 1)) {
      rows.push(row);
      row = [];
      used = 0;
    }
    row.push(p);
    used += p.width;
    if (p.lines.length > 1) {
      rows.push(row);
      row = [];
      used = 0;
    }
  }
  if (row.length) rows.push(row);
  return rows;
}

const rowLines = (row: Placed[]) => Math.max(...row.map((p) => p.lines.length));

export function legendHeight(items: LegendItem[], width: number): number {
  return items.length === 0 ? 0 : legendRows(items, width).reduce((h, row) => h + rowLines(row) * ROW, 0) + 4;
}

function symbol(item: LegendItem, x: number, y: number): string {
  switch (item.symbol) {
    case 'dot':
      return el('circle', { cx: x + 10, cy: y, r: 4, fill: item.colour });
    case 'swatch':
      return el('rect', { x: x + 3, y: y - 6, width: 14, height: 12, fill: item.colour });
    case 'tick':
      return el('line', { x1: x + 10, x2: x + 10, y1: y - 6, y2: y + 6, stroke: item.colour, 'stroke-width': 2 });
    default:
      return el('line', {
        x1: x,
        x2: x + 20,
        y1: y,
        y2: y,
        stroke: item.colour,
        'stroke-width': 2.5,
        'stroke-dasharray': item.symbol === 'dashed' ? '6 3' : item.symbol === 'dotted' ? '2 3' : undefined,
      });
  }
}

/** A legend that flows left to right from (x, y), wrapping at `width`. */
export function legend(items: LegendItem[], x: number, y: number, width: number): string {
  const parts: string[] = [];
  let top = y;
  for (const row of legendRows(items, width)) {
    let cx = x;
    const cy = top + 8;
    for (const p of row) {
      parts.push(symbol(p.item, cx, cy));
      p.lines.forEach((line, k) => parts.push(text(line, { x: cx + SYMBOL, y: cy + 4 + k * ROW, fill: '#1a1a1a' })));
      cx += p.width;
    }
    top += rowLines(row) * ROW;
  }
  return el('g', { class: 'legend' }, ...parts);
}
