import { el, px, tooltip } from './markup.js';
import type { PlotFrame } from './plotFrame.js';

/**
 * Data marks. Every mark drawn from data carries class="mark", a data-series name and data-points (how many
 * data values it shows), so tests and readers can tell a figure with data from an empty frame.
 */
export interface LineStyle {
  series: string;
  stroke: string;
  width?: number;
  dash?: 'dashed' | 'dotted';
  opacity?: number;
}

const DASH = { dashed: '6 3', dotted: '2 3' } as const;

function pathData(frame: PlotFrame, xs: ArrayLike<number>, ys: ArrayLike<number>, step: boolean): { d: string; points: number } {
  let d = '';
  let points = 0;
  let pen = false;
  for (let i = 0; i < xs.length; i++) {
    const x = xs[i];
    const y = ys[i];
    if (!Number.isFinite(x) || !Number.isFinite(y)) {
      pen = false;
      continue;
    }
    const sx = px(frame.x(x));
    const sy = px(frame.y(y));
    if (!pen) d += `M${sx} ${sy}`;
    else if (step) d += `H${sx}V${sy}`;
    else d += `L${sx} ${sy}`;
    pen = true;
    points++;
  }
  return { d, points };
}

/** A polyline through (x, y); non-finite values leave gaps. */
export function linePath(frame: PlotFrame, xs: ArrayLike<number>, ys: ArrayLike<number>, style: LineStyle): string {
  const { d, points } = pathData(frame, xs, ys, false);
  return strokePath(d, points, style);
}

/** A step line (value held until the next x): lookup tables, PSTH bins. */
export function stepPath(frame: PlotFrame, xs: ArrayLike<number>, ys: ArrayLike<number>, style: LineStyle): string {
  const { d, points } = pathData(frame, xs, ys, true);
  return strokePath(d, points, style);
}

function strokePath(d: string, points: number, style: LineStyle): string {
  if (points === 0) return '';
  return el('path', {
    class: 'mark',
    'data-series': style.series,
    'data-points': points,
    d,
    fill: 'none',
    stroke: style.stroke,
    'stroke-width': style.width ?? 2,
    'stroke-dasharray': style.dash ? DASH[style.dash] : undefined,
    'stroke-linejoin': 'round',
    'stroke-linecap': 'round',
    'stroke-opacity': style.opacity,
  });
}

/** The area between a line and y = base, lightly filled. */
export function areaPath(frame: PlotFrame, xs: ArrayLike<number>, ys: ArrayLike<number>, base: number, fill: string, opacity = 0.18): string {
  const pts: string[] = [];
  for (let i = 0; i < xs.length; i++) if (Number.isFinite(xs[i]) && Number.isFinite(ys[i])) pts.push(`${px(frame.x(xs[i]))} ${px(frame.y(ys[i]))}`);
  if (pts.length < 2) return '';
  const first = pts[0].split(' ')[0];
  const last = pts[pts.length - 1].split(' ')[0];
  const b = px(frame.y(base));
  return el('path', { d: `M${first} ${b}L${pts.join('L')}L${last} ${b}Z`, fill, 'fill-opacity': opacity, stroke: 'none' });
}

/** Dots, each with an optional hover text. */
export function dots(
  frame: PlotFrame,
  xs: ArrayLike<number>,
  ys: ArrayLike<number>,
  style: { series: string; fill: string; r?: number; stroke?: string; titles?: string[] },
): string {
  const parts: string[] = [];
  for (let i = 0; i < xs.length; i++) {
    if (!Number.isFinite(xs[i]) || !Number.isFinite(ys[i])) continue;
    const title = style.titles?.[i];
    parts.push(
      el(
        'circle',
        { cx: frame.x(xs[i]), cy: frame.y(ys[i]), r: style.r ?? 3.5, fill: style.fill, stroke: style.stroke ?? '#ffffff', 'stroke-width': 1 },
        title ? tooltip(title) : null,
      ),
    );
  }
  if (parts.length === 0) return '';
  return el('g', { class: 'mark', 'data-series': style.series, 'data-points': parts.length }, ...parts);
}

/** Short vertical ticks at x between pixel rows y0 and y1 (one raster row), as one path. */
export function tickRow(frame: PlotFrame, xs: readonly number[], y0: number, y1: number): string {
  let d = '';
  for (const x of xs) if (Number.isFinite(x)) d += `M${px(frame.x(x))} ${px(y0)}V${px(y1)}`;
  return d;
}

/** A reference line across the plot (zero, chance, a stimulus marker): not data, no class="mark". */
export function rule(frame: PlotFrame, axis: 'x' | 'y', value: number, options: { stroke?: string; dash?: 'dashed' | 'dotted'; width?: number } = {}): string {
  const common = { stroke: options.stroke ?? '#9e9e9e', 'stroke-width': options.width ?? 1, 'stroke-dasharray': options.dash ? DASH[options.dash] : undefined };
  if (axis === 'x') {
    const x = frame.x(value);
    return el('line', { x1: x, x2: x, y1: frame.top, y2: frame.bottom, ...common });
  }
  const y = frame.y(value);
  return el('line', { x1: frame.left, x2: frame.right, y1: y, y2: y, ...common });
}

/** A shaded span along x (the scored window), behind the data. */
export function xBand(frame: PlotFrame, from: number, to: number, fill: string): string {
  const x0 = frame.x(from);
  const x1 = frame.x(to);
  return el('rect', { x: Math.min(x0, x1), y: frame.top, width: Math.abs(x1 - x0), height: frame.bottom - frame.top, fill });
}

/** A pointwise interval as a band: `low` and `high` at each x, same length (a filter's 95 % band). */
export interface Band {
  low: readonly number[];
  high: readonly number[];
}

/**
 * The shaded region between `low` and `high` over x, behind its line: one closed path along the upper edge
 * forwards and the lower edge back. A non-finite value splits the band into separate pieces.
 */
export function bandPath(
  frame: PlotFrame,
  xs: ArrayLike<number>,
  band: { low: ArrayLike<number>; high: ArrayLike<number> },
  style: { series: string; fill: string; opacity?: number },
): string {
  const pieces: string[] = [];
  let run: number[] = [];
  let points = 0;
  const flush = () => {
    if (run.length >= 1) {
      const upper = run.map((i) => `${px(frame.x(xs[i]))} ${px(frame.y(band.high[i]))}`);
      const lower = run
        .slice()
        .reverse()
        .map((i) => `${px(frame.x(xs[i]))} ${px(frame.y(band.low[i]))}`);
      pieces.push(`M${upper.join('L')}L${lower.join('L')}Z`);
      points += run.length;
    }
    run = [];
  };
  for (let i = 0; i < xs.length; i++) {
    if (Number.isFinite(xs[i]) && Number.isFinite(band.low[i]) && Number.isFinite(band.high[i])) run.push(i);
    else flush();
  }
  flush();
  if (points === 0) return '';
  return el('path', {
    class: 'band',
    'data-series': style.series,
    'data-points': points,
    d: pieces.join(''),
    fill: style.fill,
    'fill-opacity': style.opacity ?? 0.2,
    stroke: style.fill,
    'stroke-opacity': 0.35,
    'stroke-width': 0.6,
  });
}

/**
 * Vertical error bars from `low` to `high` at each x, with short caps: an interval around a point. Each bar
 * carries its interval (data-low, data-high) and, when given, a hover text.
 */
export function errorBars(
  frame: PlotFrame,
  xs: ArrayLike<number>,
  lows: ArrayLike<number | null>,
  highs: ArrayLike<number | null>,
  style: { series: string; stroke: string; width?: number; cap?: number; titles?: (string | undefined)[] },
): string {
  const parts: string[] = [];
  const cap = style.cap ?? 4;
  for (let i = 0; i < xs.length; i++) {
    const lo = lows[i];
    const hi = highs[i];
    if (lo === null || hi === null || !Number.isFinite(xs[i]) || !Number.isFinite(lo) || !Number.isFinite(hi)) continue;
    const x = frame.x(xs[i]);
    const y0 = frame.y(lo);
    const y1 = frame.y(hi);
    const d = `M${px(x)} ${px(y0)}V${px(y1)}M${px(x - cap)} ${px(y0)}H${px(x + cap)}M${px(x - cap)} ${px(y1)}H${px(x + cap)}`;
    const title = style.titles?.[i];
    // The interval as given (not rounded like a coordinate), so a reader of the markup sees the numbers drawn.
    parts.push(el('path', { class: 'error-bar', 'data-low': String(lo), 'data-high': String(hi), d }, title ? tooltip(title) : null));
  }
  if (parts.length === 0) return '';
  return el(
    'g',
    {
      class: 'intervals',
      'data-series': style.series,
      'data-points': parts.length,
      fill: 'none',
      stroke: style.stroke,
      'stroke-width': style.width ?? 1.5,
      'stroke-linecap': 'round',
    },
    ...parts,
  );
}
