import type { ReducedModel } from '@occam/core';
import { formatSignificant } from '../svg/format.js';
import { divergingColour } from '../style/palette.js';
import { attributeAxisLabel, lagAxisLabel, weightAxisLabel } from '../style/units.js';
import { heatmap, maxAbs } from './heatmap.js';
import { MAX_HEATMAP_COLUMNS, MAX_HEATMAP_ROWS, thinIndices } from './thinForFigure.js';

type GroupFilter = ReducedModel['filters']['groups'][number];

/** Largest |weight| over every group's full filter: one colour scale for all groups of a model. */
export function filterRange(model: ReducedModel): number {
  return maxAbs(model.filters.groups.flatMap((g) => g.full.z));
}

/**
 * The full spatiotemporal filter of one group: weight per input event at attribute value (rows) and lag
 * (columns), red positive, blue negative, white 0, on the symmetric range ±vmax shared by the model's groups.
 */
export function filterHeatmapFigure(model: ReducedModel, group: GroupFilter, vmax: number, units: Record<string, string> = {}): string {
  const unit = model.filters.binUnit === 'token' ? 'tokens' : model.filters.binUnit;
  const attribute = model.layout.spatialAttribute ?? 'attribute';
  const cols = thinIndices(group.full.lag.length, MAX_HEATMAP_COLUMNS);
  const rows = thinIndices(group.full.x.length, MAX_HEATMAP_ROWS);
  const thinned = cols.length < group.full.lag.length || rows.length < group.full.x.length;
  return heatmap({
    title: `Full filter: ${group.label}${thinned ? ` (${rows.length} of ${group.full.x.length} values × ${cols.length} of ${group.full.lag.length} lags shown)` : ''}`,
    columns: cols.map((j) => group.full.lag[j]),
    rows: rows.map((i) => group.full.x[i]),
    values: rows.map((i) => cols.map((j) => group.full.z[i]?.[j] ?? NaN)),
    x: { label: lagAxisLabel(model.filters.binUnit) },
    y: { label: attributeAxisLabel(attribute, units) },
    colour: (v) => divergingColour(v / vmax),
    range: [-vmax, vmax],
    colourLabel: weightAxisLabel(model.nonlinearity.link, model.filters.binUnit),
    cellTitle: (i, j, v) => `${attribute} ${group.full.x[rows[i]]}, lag ${group.full.lag[cols[j]]} ${unit}: ${formatSignificant(v, 3)}`,
  });
}
