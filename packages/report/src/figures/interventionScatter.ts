import type { InterventionView } from '../input/interventionResult.js';
import { chart } from '../svg/chart.js';
import { formatNumber, formatSignificant } from '../svg/format.js';
import { el, px, text, tooltip } from '../svg/markup.js';
import { bandPath, errorBars, linePath, rule } from '../svg/marks.js';
import type { PlotFrame } from '../svg/plotFrame.js';
import { extent } from '../svg/scale.js';
import { SERIES } from '../style/palette.js';

const SLOPE = '#01665e';
const LABEL_LINE = 13;
const CHAR = 6.6;

/** Horizontal error bars (the predicted change's interval), drawn like errorBars but across x. */
function horizontalErrorBars(
  frame: PlotFrame,
  ys: readonly number[],
  lows: readonly (number | null)[],
  highs: readonly (number | null)[],
  style: { series: string; stroke: string },
): string {
  const cap = 4;
  const parts: string[] = [];
  ys.forEach((yv, i) => {
    const lo = lows[i];
    const hi = highs[i];
    if (lo === null || hi === null || !Number.isFinite(yv) || !Number.isFinite(lo) || !Number.isFinite(hi)) return;
    const y = frame.y(yv);
    const x0 = frame.x(lo);
    const x1 = frame.x(hi);
    const d = `M${px(x0)} ${px(y)}H${px(x1)}M${px(x0)} ${px(y - cap)}V${px(y + cap)}M${px(x1)} ${px(y - cap)}V${px(y + cap)}`;
    // The numbers are on the dot's hover text (once per intervention: a page of hundreds stays small).
    parts.push(el('path', { class: 'error-bar', 'data-low': String(lo), 'data-high': String(hi), d }));
  });
  if (parts.length === 0) return '';
  return el(
    'g',
    {
      class: 'intervals',
      'data-series': style.series,
      'data-points': parts.length,
      fill: 'none',
      stroke: style.stroke,
      'stroke-width': 1.5,
      'stroke-linecap': 'round',
    },
    ...parts,
  );
}

/** The x range over which y = slope × x stays within the plot (the same domain on both axes). */
function lineWithin(slope: number, domain: readonly [number, number]): [number, number] {
  if (slope === 0) return [domain[0], domain[1]];
  const a = domain[0] / slope;
  const b = domain[1] / slope;
  return [Math.max(domain[0], Math.min(a, b)), Math.min(domain[1], Math.max(a, b))];
}

/**
 * Labels for the missed interventions, beside their points, pushed apart vertically so that misses at nearly
 * the same place (two ablations that both do the same) stay readable.
 */
function missLabels(frame: PlotFrame, misses: { name: string; x: number; y: number }[]): string {
  const placed = misses.map((m) => ({ ...m, px: frame.x(m.x), py: frame.y(m.y) })).sort((a, b) => a.py - b.py);
  let last = -Infinity;
  const labels: string[] = [];
  for (const m of placed) {
    const width = m.name.length * CHAR + 10;
    // Right of the point when there is room, else left of it.
    const right = m.px + 10 + width <= frame.right;
    const ly = Math.max(m.py + 4, last + LABEL_LINE);
    last = ly;
    const lx = right ? m.px + 10 : m.px - 10;
    labels.push(
      el(
        'g',
        { class: 'miss-label', 'data-name': m.name },
        Math.abs(ly - (m.py + 4)) > 2 ? el('line', { x1: m.px, y1: m.py, x2: lx, y2: ly - 4, stroke: SERIES.miss, 'stroke-width': 0.8 }) : '',
        text(`${m.name} (miss)`, { x: lx, y: ly, fill: SERIES.miss, 'text-anchor': right ? 'start' : 'end', 'font-weight': 'bold' }),
      ),
    );
  }
  return labels.join('');
}

/**
 * Observed (simulated or actual) change against predicted change, one point per intervention with both
 * intervals as error bars; the identity line (a perfect prediction), the slope through the origin with its
 * interval as a wedge, and each miss ringed in red and named.
 */
export function interventionScatterFigure(view: InterventionView, options: { title: string; axisUnit: string }): string {
  const points = view.points.filter((p) => p.observed !== null && p.predicted.estimate !== null && p.observed.estimate !== null);
  const all = points.flatMap((p) => [p.predicted.estimate, p.predicted.low, p.predicted.high, p.observed!.estimate, p.observed!.low, p.observed!.high]);
  // One domain for both axes, so the identity line is the diagonal and a point's distance from it reads the same either way.
  const domain = extent(
    all.filter((v): v is number => v !== null),
    { includeZero: true, pad: 0.08 },
  );
  const observed = view.observedName;
  const slope = view.slope;
  const describe = (p: (typeof points)[number]) =>
    `${p.name} (${p.operation}): predicted ${formatSignificant(p.predicted.estimate)} [${formatSignificant(p.predicted.low)}, ${formatSignificant(p.predicted.high)}], ${observed} ${formatSignificant(p.observed!.estimate)} [${formatSignificant(p.observed!.low)}, ${formatSignificant(p.observed!.high)}]${p.miss ? ': MISS' : ''}`;
  const titles = points.map(describe);
  const legend = [
    { label: 'intervention', colour: SERIES.model, symbol: 'dot' as const },
    { label: 'miss', colour: SERIES.miss, symbol: 'dot' as const },
    { label: 'identity (prediction exact)', colour: SERIES.baseline, symbol: 'dashed' as const },
    ...(slope?.estimate != null
      ? [
          {
            label: `slope through 0: ${formatNumber(slope.estimate)} [${formatNumber(slope.low)}, ${formatNumber(slope.high)}]`,
            colour: SLOPE,
            symbol: 'line' as const,
          },
        ]
      : []),
  ];
  return chart({
    title: options.title,
    width: 560,
    height: 460,
    legend,
    x: { domain, label: `predicted change${options.axisUnit}`, grid: true },
    y: { domain, label: `${observed} change${options.axisUnit}`, grid: true },
    body: (frame) => {
      const ends = [domain[0], domain[1]];
      const parts = [rule(frame, 'x', 0, { stroke: '#cfcfcf' }), rule(frame, 'y', 0, { stroke: '#cfcfcf' })];
      if (slope && slope.estimate !== null) {
        if (slope.low !== null && slope.high !== null) {
          // Clamping both edges to the plot's y range is exactly the wedge cut to the plot; sampled finely, with 0 among the x.
          const n = 100;
          const xsBand = Array.from({ length: n + 1 }, (_, i) => domain[0] + ((domain[1] - domain[0]) * i) / n)
            .concat(0)
            .sort((a, b) => a - b);
          const clamp = (v: number) => Math.min(domain[1], Math.max(domain[0], v));
          const lo = Math.min(slope.low, slope.high);
          const hi = Math.max(slope.low, slope.high);
          parts.push(
            bandPath(
              frame,
              xsBand,
              { low: xsBand.map((x) => clamp(Math.min(lo * x, hi * x))), high: xsBand.map((x) => clamp(Math.max(lo * x, hi * x))) },
              { series: 'slope interval', fill: SLOPE, opacity: 0.12 },
            ),
          );
        }
        const [x0, x1] = lineWithin(slope.estimate, domain);
        parts.push(linePath(frame, [x0, x1], [slope.estimate * x0, slope.estimate * x1], { series: 'slope through the origin', stroke: SLOPE, width: 1.5 }));
      }
      parts.push(linePath(frame, ends, ends, { series: 'identity', stroke: SERIES.baseline, width: 1.2, dash: 'dashed' }));
      const xs = points.map((p) => p.predicted.estimate!);
      const ys = points.map((p) => p.observed!.estimate!);
      const colours = points.map((p) => (p.miss ? SERIES.miss : SERIES.model));
      for (const colour of [SERIES.model, SERIES.miss]) {
        const idx = points.map((_, i) => i).filter((i) => colours[i] === colour);
        if (!idx.length) continue;
        const series = colour === SERIES.miss ? 'missed' : 'predicted';
        parts.push(
          errorBars(
            frame,
            idx.map((i) => xs[i]),
            idx.map((i) => points[i].observed!.low),
            idx.map((i) => points[i].observed!.high),
            { series: `${observed} change interval, ${series}`, stroke: colour, width: 1.5 },
          ),
          horizontalErrorBars(
            frame,
            idx.map((i) => ys[i]),
            idx.map((i) => points[i].predicted.low),
            idx.map((i) => points[i].predicted.high),
            { series: `predicted change interval, ${series}`, stroke: colour },
          ),
        );
      }
      parts.push(
        el(
          'g',
          { class: 'mark', 'data-series': 'interventions', 'data-points': points.length },
          ...points.map((p, i) =>
            el(
              'circle',
              {
                cx: frame.x(xs[i]),
                cy: frame.y(ys[i]),
                r: p.miss ? 5.5 : 4.5,
                fill: colours[i],
                stroke: '#ffffff',
                'stroke-width': 1,
                'data-name': p.name,
                'data-miss': p.miss ? 'true' : 'false',
              },
              tooltip(titles[i]),
            ),
          ),
        ),
      );
      parts.push(
        missLabels(
          frame,
          points.flatMap((p, i) => (p.miss ? [{ name: p.name, x: xs[i], y: ys[i] }] : [])),
        ),
      );
      return parts;
    },
  });
}
