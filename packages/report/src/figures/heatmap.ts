import { chart, type ChartAxis } from '../svg/chart.js';
import { COLOUR_BAR_MARGIN, colourBar } from '../svg/colourBar.js';
import { el, px, text, tooltip } from '../svg/markup.js';

/** Cell edges from cell centres: midpoints between neighbours, half a spacing beyond the ends. */
export function cellEdges(centres: readonly number[]): number[] {
  const n = centres.length;
  if (n === 0) return [];
  if (n === 1) return [centres[0] - 0.5, centres[0] + 0.5];
  const edges = [centres[0] - (centres[1] - centres[0]) / 2];
  for (let i = 0; i < n - 1; i++) edges.push((centres[i] + centres[i + 1]) / 2);
  edges.push(centres[n - 1] + (centres[n - 1] - centres[n - 2]) / 2);
  return edges;
}

/** Width of a glyph of the 10 px interval line, on the generous side (DejaVu Sans digits are ~6.4 px at 10 px). */
const SUB_CHAR = 6.6;

export interface HeatmapOptions {
  title: string;
  /** Column centres (numeric axis) — use 0…n−1 with `x.tickLabels` for categories. */
  columns: readonly number[];
  rows: readonly number[];
  /** values[row][column]; null or non-finite cells are drawn hatched grey. */
  values: readonly (readonly (number | null)[])[];
  x: Omit<ChartAxis, 'domain'>;
  y: Omit<ChartAxis, 'domain'> & { reversed?: boolean };
  colour: (value: number) => string;
  range: [number, number];
  colourLabel: string;
  /** Print each value in its cell (small matrices). */
  annotate?: (value: number) => string;
  textColour?: (value: number) => string;
  cellTitle?: (row: number, column: number, value: number | null) => string;
  /**
   * A second, smaller line under an annotated value (its interval), drawn only in cells wide and tall enough
   * for it, so a crowded matrix keeps it in the hover text alone.
   */
  subLabel?: (row: number, column: number) => string | null;
  width?: number;
  height?: number;
}

/** A grid of coloured cells with a colour bar: full spatiotemporal filters, comparison matrices. */
export function heatmap(options: HeatmapOptions): string {
  const xe = cellEdges(options.columns);
  const ye = cellEdges(options.rows);
  const bounds = (e: number[]): [number, number] => [Math.min(e[0], e[e.length - 1]), Math.max(e[0], e[e.length - 1])];
  return chart({
    title: options.title,
    width: options.width,
    height: options.height,
    x: { ...options.x, domain: bounds(xe) },
    y: { ...options.y, domain: bounds(ye) },
    marginRight: COLOUR_BAR_MARGIN,
    body: (frame) => {
      const cells: string[] = [];
      const labels: string[] = [];
      let count = 0;
      let sublabels = 0;
      options.values.forEach((row, i) =>
        row.forEach((v, j) => {
          const x0 = frame.x(xe[j]);
          const x1 = frame.x(xe[j + 1]);
          const y0 = frame.y(ye[i]);
          const y1 = frame.y(ye[i + 1]);
          const ok = v !== null && Number.isFinite(v);
          const fill = ok ? options.colour(v) : '#d9d9d9';
          const title = options.cellTitle ? tooltip(options.cellTitle(i, j, ok ? v : null)) : null;
          cells.push(el('rect', { x: Math.min(x0, x1), y: Math.min(y0, y1), width: Math.abs(x1 - x0) + 0.3, height: Math.abs(y1 - y0) + 0.3, fill }, title));
          if (ok) count++;
          if (options.annotate && ok) {
            const sub = options.subLabel?.(i, j) ?? null;
            const fits = sub !== null && Math.abs(x1 - x0) >= sub.length * SUB_CHAR + 8 && Math.abs(y1 - y0) >= 36;
            const fill = options.textColour ? options.textColour(v) : '#1a1a1a';
            labels.push(text(options.annotate(v), { x: (x0 + x1) / 2, y: (y0 + y1) / 2 + (fits ? -2 : 4), 'text-anchor': 'middle', fill }));
            if (fits) {
              sublabels++;
              labels.push(text(sub, { class: 'cell-interval', x: (x0 + x1) / 2, y: (y0 + y1) / 2 + 11, 'text-anchor': 'middle', 'font-size': 10, fill }));
            }
          }
        }),
      );
      return [
        el('g', { class: 'mark', 'data-series': 'cells', 'data-points': count, 'shape-rendering': 'crispEdges' }, ...cells),
        labels.length ? el('g', { class: 'cell-labels', 'data-intervals': sublabels || undefined }, ...labels) : '',
        el('rect', {
          x: frame.left,
          y: frame.top,
          width: px(frame.right - frame.left),
          height: px(frame.bottom - frame.top),
          fill: 'none',
          stroke: '#4d4d4d',
          'stroke-width': 0.8,
        }),
      ];
    },
    overlay: (frame) => [colourBar(frame, { min: options.range[0], max: options.range[1], colour: options.colour, label: options.colourLabel })],
  });
}

/** Largest |value| over all cells (a symmetric diverging range), never 0. */
export function maxAbs(values: Iterable<readonly (number | null)[]>): number {
  let m = 0;
  for (const row of values) for (const v of row) if (v !== null && Number.isFinite(v)) m = Math.max(m, Math.abs(v));
  return m > 0 ? m : 1;
}
