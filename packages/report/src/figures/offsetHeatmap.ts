import type { ReducedModel } from '@occam/core';
import { formatSignificant } from '../svg/format.js';
import { divergingColour } from '../style/palette.js';
import { lagAxisLabel, weightAxisLabel } from '../style/units.js';
import { TICK_LINE } from '../svg/axis.js';
import { wrapText } from '../svg/wrapText.js';
import { heatmap, maxAbs } from './heatmap.js';

const WIDTH = 960;
/** Row names get at most this much of the width (wrapped at commas beyond it), the cells the rest. */
const LABEL_SHARE = 0.36;
const LABEL_CHAR = 7.6;

/** Every group's temporal filter as rows of a matrix over the lags any group has (null where a group has none). */
export function temporalMatrix(model: ReducedModel): { lags: number[]; values: (number | null)[][] } {
  const lags = [...new Set(model.filters.groups.flatMap((g) => g.temporal.x))].sort((a, b) => a - b);
  const values = model.filters.groups.map((g) =>
    lags.map((l) => {
      const k = g.temporal.x.indexOf(l);
      return k >= 0 ? g.temporal.y[k] : null;
    }),
  );
  return { lags, values };
}

/** The symmetric colour range that covers every given model's temporal filters, so their heatmaps compare. */
export function temporalRange(...models: (ReducedModel | null | undefined)[]): number {
  return maxAbs(models.flatMap((m) => (m ? temporalMatrix(m).values : [])));
}

/**
 * Group × lag (token offset) heatmap of the temporal filters, one row per group, red raising and blue
 * lowering the output, white 0, with a colour bar: every group at a glance, however many there are.
 */
export function offsetHeatmapFigure(model: ReducedModel, options: { title: string; vmax: number; weightLabel?: string }): string {
  const { lags, values } = temporalMatrix(model);
  const groups = model.filters.groups;
  const unit = model.filters.binUnit === 'token' ? 'tokens' : model.filters.binUnit;
  const vmax = options.vmax;
  const names = groups.map((g) => wrapText(g.label, (WIDTH * LABEL_SHARE) / LABEL_CHAR));
  const pitch = Math.max(22, Math.max(...names.map((n) => n.length)) * TICK_LINE + 6);
  return heatmap({
    title: options.title,
    width: WIDTH,
    height: Math.max(300, 110 + groups.length * pitch),
    columns: lags,
    rows: groups.map((_, i) => i),
    values,
    x: { label: lagAxisLabel(model.filters.binUnit) },
    y: { label: 'group', tickLabels: names.map((lines, i) => ({ value: i, label: lines.join('\n') })), reversed: true },
    colour: (v) => divergingColour(v / vmax),
    range: [-vmax, vmax],
    colourLabel: options.weightLabel ?? weightAxisLabel(model.nonlinearity.link, model.filters.binUnit),
    cellTitle: (i, j, v) => `${groups[i].label}, ${lags[j]} ${unit}: ${formatSignificant(v, 3)}`,
  });
}
