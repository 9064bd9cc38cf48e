import type { ComparisonMatrix } from '../input/comparisonMatrix.js';
import { formatNumber } from '../svg/format.js';
import { divergingColour, sequentialColour, textOn } from '../style/palette.js';
import { heatmap, maxAbs } from './heatmap.js';

/** A universality or transfer matrix: one coloured cell per (row, column) pair, values printed in small matrices. */
export function matrixFigure(matrix: ComparisonMatrix): string {
  const nr = matrix.rows.labels.length;
  const nc = matrix.columns.labels.length;
  const finite = matrix.values.flat().filter((v): v is number => v !== null && Number.isFinite(v));
  const diverging = matrix.scale ? matrix.scale === 'diverging' : finite.some((v) => v < 0);
  let range: [number, number];
  let colour: (v: number) => string;
  if (diverging) {
    const m = maxAbs(matrix.values);
    range = [-m, m];
    colour = (v) => divergingColour(v / m);
  } else {
    const lo = finite.length ? Math.min(...finite) : 0;
    const hi = finite.length ? Math.max(...finite) : 1;
    range = lo === hi ? [lo - 0.5, hi + 0.5] : [lo, hi];
    colour = (v) => sequentialColour((v - range[0]) / (range[1] - range[0]));
  }
  const digits = finite.every((v) => Math.abs(v) >= 10) ? 1 : finite.every((v) => Math.abs(v) <= 1) ? 3 : 2;
  const longest = Math.max(...matrix.columns.labels.map((l) => l.length));
  const withIntervals = matrix.intervals?.some((row) => row.some((iv) => iv !== null)) ?? false;
  return heatmap({
    title: `${matrix.kind === 'universality' ? 'Universality' : 'Condition transfer'}: ${matrix.metric}`,
    // Cells with an interval get room for it on a second line ("[0.951, 0.975]"); a crowded matrix keeps it in the hover text.
    width: Math.min(960, Math.max(480, 200 + nc * (withIntervals ? 112 : 70))),
    height: Math.min(760, Math.max(320, 140 + nr * (withIntervals ? 50 : 44))),
    columns: matrix.columns.labels.map((_, j) => j),
    rows: matrix.rows.labels.map((_, i) => i),
    values: matrix.values,
    x: { label: matrix.columns.title, tickLabels: matrix.columns.labels.map((label, j) => ({ value: j, label })), slantTickLabels: nc > 3 && longest > 6 },
    y: { label: matrix.rows.title, tickLabels: matrix.rows.labels.map((label, i) => ({ value: i, label })), reversed: true },
    colour,
    range,
    colourLabel: matrix.metric,
    annotate: nr <= 14 && nc <= 14 ? (v) => formatNumber(v, digits) : undefined,
    textColour: (v) => textOn(colour(v)),
    subLabel: (i, j) => {
      const iv = matrix.intervals?.[i]?.[j];
      return iv ? `[${formatNumber(iv[0], digits)}, ${formatNumber(iv[1], digits)}]` : null;
    },
    cellTitle: (i, j, v) => {
      const base = matrix.baseline?.[i]?.[j];
      const iv = matrix.intervals?.[i]?.[j];
      const interval =
        iv && v !== null ? ` [${formatNumber(iv[0])}, ${formatNumber(iv[1])}] (${Math.round((matrix.intervalLevel ?? 0.95) * 100)} % interval)` : '';
      return `${matrix.rows.title} ${matrix.rows.labels[i]}, ${matrix.columns.title} ${matrix.columns.labels[j]}: ${formatNumber(v)}${interval}${base !== undefined ? ` (baseline ${formatNumber(base)})` : ''}`;
    },
  });
}
