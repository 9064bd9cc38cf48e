import { familyOps, type ReducedModel } from '@occam/core';
import { chart } from '../svg/chart.js';
import { formatSignificant } from '../svg/format.js';
import { dots, linePath } from '../svg/marks.js';
import { extent } from '../svg/scale.js';
import { SERIES } from '../style/palette.js';
import { linearPredictorLabel, outputAxisLabel } from '../style/units.js';

/** Where the link is worth drawing: the lookup table's range, else a window around the intercept. */
function drivingRange(model: ReducedModel): [number, number] {
  const table = model.nonlinearity.lookup;
  if (table && table.wni.length > 1) {
    const [lo, hi] = extent(table.wni, { pad: 0.05 });
    return [lo, hi];
  }
  const b0 = model.coefficients.intercept;
  if (model.nonlinearity.link === 'logit') return [Math.min(b0 - 3, -6), Math.max(b0 + 7, 3)];
  if (model.nonlinearity.link === 'log') return [b0 - 3, b0 + 4];
  return [b0 - 3, b0 + 3];
}

/** The nonlinearity: the GLM link from weighted net input to output, and the empirical lookup table when fitted. */
export function nonlinearityFigure(model: ReducedModel, targetName = 'output'): string {
  const fam = familyOps(model.spec.family);
  const [lo, hi] = drivingRange(model);
  const xs = Array.from({ length: 161 }, (_, i) => lo + ((hi - lo) * i) / 160);
  const link = xs.map((x) => fam.mean(x));
  const table = model.nonlinearity.lookup;
  const ys = [...link, ...(table ? table.p : [])];
  const linkName = model.nonlinearity.link === 'logit' ? 'logistic link' : model.nonlinearity.link === 'log' ? 'exponential link' : 'identity link';
  const { binWidth, binUnit } = model.filters;
  return chart({
    title: 'Nonlinearity',
    x: { domain: [lo, hi], label: linearPredictorLabel(model.nonlinearity.link) },
    y: {
      domain: extent(ys, { includeZero: model.spec.family !== 'gaussian', pad: 0.05 }),
      label: outputAxisLabel(model.spec.family, targetName, binWidth, binUnit),
      grid: true,
    },
    legend: [
      { label: `GLM ${linkName}`, colour: SERIES.model, symbol: 'line' },
      ...(table ? [{ label: `lookup table (${table.wni.length} equal-count bins)`, colour: SERIES.lookup, symbol: 'dot' as const }] : []),
    ],
    body: (frame) => [
      linePath(frame, xs, link, { series: 'link', stroke: SERIES.model, width: 2.2 }),
      table ? linePath(frame, table.wni, table.p, { series: 'lookup', stroke: SERIES.lookup, width: 1.5, dash: 'dashed' }) : '',
      table
        ? dots(frame, table.wni, table.p, {
            series: 'lookup bins',
            fill: SERIES.lookup,
            r: 3,
            titles: table.wni.map((w, i) => `WNI ${formatSignificant(w)} → ${formatSignificant(table.p[i])}`),
          })
        : '',
    ],
  });
}
