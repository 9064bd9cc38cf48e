import { formatSignificant } from '../svg/format.js';
import { divergingColour } from '../style/palette.js';
import { TICK_LINE } from '../svg/axis.js';
import { wrapText } from '../svg/wrapText.js';
import { heatmap, maxAbs } from './heatmap.js';

/** One row of a group heatmap: the group's display name, its full label (tooltips) and its filter. */
export interface HeatmapRow {
  name: string;
  label: string;
  /** null: the group has no such row (e.g. a control without this group), drawn hatched grey. */
  curve: { x: readonly number[]; y: readonly number[]; band?: { low: readonly number[]; high: readonly number[] } | null } | null;
}

const WIDTH = 960;
/** Row names get at most this much of the width (wrapped at commas beyond it), the cells the rest. */
const LABEL_SHARE = 0.36;
const LABEL_CHAR = 7.6;

/** Rows over the union of every row's x values (null where a row has none). */
export function curveMatrix(rows: readonly HeatmapRow[]): { columns: number[]; values: (number | null)[][] } {
  const columns = [...new Set(rows.flatMap((r) => r.curve?.x ?? []))].sort((a, b) => a - b);
  const values = rows.map((r) =>
    columns.map((c) => {
      const k = r.curve ? r.curve.x.indexOf(c) : -1;
      return k >= 0 ? r.curve!.y[k] : null;
    }),
  );
  return { columns, values };
}

/** The symmetric colour range covering every given row set, so a model's and its control's heatmaps compare. */
export function curveRange(...rowSets: readonly (readonly HeatmapRow[])[]): number {
  return maxAbs(rowSets.flatMap((rows) => curveMatrix(rows).values));
}

/**
 * Group × lag (or × token offset) heatmap, one row per group, red raising and blue lowering the output,
 * white 0, grey where a group has no value, with a colour bar: every group at a glance, however many there are.
 */
export function groupCurveHeatmap(options: {
  title: string;
  rows: readonly HeatmapRow[];
  xLabel: string;
  xName: string;
  colourLabel: string;
  vmax: number;
}): string {
  const { rows, vmax } = options;
  const { columns, values } = curveMatrix(rows);
  const names = rows.map((r) => wrapText(r.name, (WIDTH * LABEL_SHARE) / LABEL_CHAR));
  const pitch = Math.max(22, Math.max(...names.map((n) => n.length)) * TICK_LINE + 6);
  return heatmap({
    title: options.title,
    width: WIDTH,
    height: Math.max(300, 110 + rows.length * pitch),
    columns,
    rows: rows.map((_, i) => i),
    values,
    x: { label: options.xLabel },
    y: { label: 'group', tickLabels: names.map((lines, i) => ({ value: i, label: lines.join('\n') })), reversed: true },
    colour: (v) => divergingColour(v / vmax),
    range: [-vmax, vmax],
    colourLabel: options.colourLabel,
    cellTitle: (i, j, v) => {
      const curve = rows[i].curve;
      const k = curve?.band ? curve.x.indexOf(columns[j]) : -1;
      const band = k >= 0 ? ` [${formatSignificant(curve!.band!.low[k], 3)}, ${formatSignificant(curve!.band!.high[k], 3)}]` : '';
      return `${rows[i].label}, ${options.xName} ${columns[j]}: ${v === null ? 'no atoms' : `${formatSignificant(v, 3)}${band}`}`;
    },
  });
}
