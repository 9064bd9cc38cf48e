import { el, text } from './markup.js';

export interface LegendItem {
  label: string;
  colour: string;
  /** How the series is drawn: a line (solid or dashed), a dot, a filled swatch, or a raster tick. */
  symbol: 'line' | 'dashed' | 'dotted' | 'dot' | 'swatch' | 'tick';
}

const CHAR = 6.8; // average glyph width at 12 px (DejaVu Sans / Helvetica)
const SYMBOL = 26;
const GAP = 16;
const ROW = 17;

function itemWidth(item: LegendItem): number {
  return SYMBOL + item.label.length * CHAR + GAP;
}

/** Rows of items that fit in `width` pixels. */
export function legendRows(items: LegendItem[], width: number): LegendItem[][] {
  const rows: LegendItem[][] = [];
  let row: LegendItem[] = [];
  let used = 0;
  for (const item of items) {
    const w = itemWidth(item);
    if (row.length > 0 && used + w > width) {
      rows.push(row);
      row = [];
      used = 0;
    }
    row.push(item);
    used += w;
  }
  if (row.length) rows.push(row);
  return rows;
}

export function legendHeight(items: LegendItem[], width: number): number {
  return items.length === 0 ? 0 : legendRows(items, width).length * ROW + 4;
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
  legendRows(items, width).forEach((row, r) => {
    let cx = x;
    const cy = y + r * ROW + 8;
    for (const item of row) {
      parts.push(symbol(item, cx, cy), text(item.label, { x: cx + SYMBOL, y: cy + 4, fill: '#1a1a1a' }));
      cx += itemWidth(item);
    }
  });
  return el('g', { class: 'legend' }, ...parts);
}
