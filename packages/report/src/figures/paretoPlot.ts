import type { ParetoFront } from '../input/paretoFront.js';
import { chart } from '../svg/chart.js';
import { formatNumber } from '../svg/format.js';
import { el, text } from '../svg/markup.js';
import { dots, rule, stepPath } from '../svg/marks.js';
import { extent } from '../svg/scale.js';
import { SERIES } from '../style/palette.js';

function describe(c: ParetoFront['candidates'][number], metric: string): string {
  const families = c.families.length ? `\n${c.families.join(', ')}` : '';
  const description = c.description ? `\n${c.description}` : '';
  return `${c.id}: ${c.parameters} parameters, ${metric} ${formatNumber(c.metric)}${c.onFront ? ' (on the front)' : ''}${c.chosen ? ' (chosen)' : ''}${families}${description}`;
}

/**
 * The search's Pareto front: held-out metric against parameters for every candidate (grey), the front
 * (purple, joined), the chosen model ringed, the baseline's metric as a dashed line.
 */
export function paretoFigure(result: ParetoFront): string {
  const scored = result.candidates.filter((c) => c.metric !== null);
  const params = scored.map((c) => c.parameters);
  const minP = Math.min(...params);
  const maxP = Math.max(...params);
  const log = minP >= 1 && maxP / minP >= 20;
  const xDomain: [number, number] = log ? [minP / 1.3, maxP * 1.3] : extent(params, { pad: 0.06 });
  const ys = [...scored.map((c) => c.metric!), ...(result.metric.baseline ? [result.metric.baseline.value] : [])];
  const front = scored.filter((c) => c.onFront).sort((a, b) => a.parameters - b.parameters);
  const others = scored.filter((c) => !c.onFront);
  const chosen = scored.filter((c) => c.chosen);
  const name = result.metric.name;
  return chart({
    title: 'Search: Pareto front',
    width: 560,
    height: 380,
    x: { domain: xDomain, log, label: `free parameters${log ? ' (log scale)' : ''}`, grid: true },
    y: { domain: extent(ys, { pad: 0.08 }), label: `held-out ${name}${result.metric.higherIsBetter ? '' : ' (lower is better)'}`, grid: true },
    legend: [
      { label: `candidates (${scored.length})`, colour: SERIES.candidate, symbol: 'dot' },
      { label: `Pareto front (${front.length})`, colour: SERIES.front, symbol: 'line' },
      ...(chosen.length ? [{ label: 'chosen', colour: SERIES.recorded, symbol: 'dot' as const }] : []),
      ...(result.metric.baseline
        ? [{ label: `${result.metric.baseline.name} (${formatNumber(result.metric.baseline.value)})`, colour: SERIES.baseline, symbol: 'dashed' as const }]
        : []),
    ],
    body: (frame) => [
      result.metric.baseline ? rule(frame, 'y', result.metric.baseline.value, { stroke: SERIES.baseline, dash: 'dashed', width: 1.5 }) : '',
      dots(
        frame,
        others.map((c) => c.parameters),
        others.map((c) => c.metric!),
        { series: 'candidates', fill: SERIES.candidate, r: 4, titles: others.map((c) => describe(c, name)) },
      ),
      stepPath(
        frame,
        front.map((c) => c.parameters),
        front.map((c) => c.metric!),
        { series: 'front', stroke: SERIES.front, width: 2 },
      ),
      dots(
        frame,
        front.map((c) => c.parameters),
        front.map((c) => c.metric!),
        { series: 'front points', fill: SERIES.front, r: 5, titles: front.map((c) => describe(c, name)) },
      ),
      ...chosen.map((c) =>
        el(
          'g',
          { class: 'chosen' },
          el('circle', { cx: frame.x(c.parameters), cy: frame.y(c.metric!), r: 9, fill: 'none', stroke: SERIES.recorded, 'stroke-width': 2 }),
          text(c.id, { x: frame.x(c.parameters) + 12, y: frame.y(c.metric!) + 16, fill: SERIES.recorded, 'font-weight': 'bold' }),
        ),
      ),
    ],
  });
}
