import type { ParetoFront } from '../input/paretoFront.js';
import { chart } from '../svg/chart.js';
import { formatNumber } from '../svg/format.js';
import { el, text } from '../svg/markup.js';
import { dots, errorBars, rule, stepPath } from '../svg/marks.js';
import { extent } from '../svg/scale.js';
import { SERIES } from '../style/palette.js';

function describe(c: ParetoFront['candidates'][number], metric: string): string {
  const families = c.families.length ? `\n${c.families.join(', ')}` : '';
  const description = c.description ? `\n${c.description}` : '';
  const interval = c.interval ? ` [${formatNumber(c.interval[0])}, ${formatNumber(c.interval[1])}]` : '';
  return `${c.id}: ${c.parameters} parameters, ${metric} ${formatNumber(c.metric)}${interval}${c.onFront ? ' (on the front)' : ''}${c.chosen ? ' (chosen)' : ''}${families}${description}`;
}

/** Error bars of the candidates that carry an interval, in the colour of their points. */
function candidateBars(frame: Parameters<typeof dots>[0], candidates: ParetoFront['candidates'], series: string, stroke: string, metric: string): string {
  const withInterval = candidates.filter((c) => c.interval);
  return errorBars(
    frame,
    withInterval.map((c) => c.parameters),
    withInterval.map((c) => c.interval![0]),
    withInterval.map((c) => c.interval![1]),
    { series, stroke, width: 1.3, cap: 3, titles: withInterval.map((c) => describe(c, metric)) },
  );
}

/**
 * The search's Pareto front: held-out metric against parameters for every candidate (grey), the front
 * (purple, joined), the chosen model ringed, the baseline's metric as a dashed line; each candidate's
 * interval, when the search computed one, as an error bar.
 */
export function paretoFigure(result: ParetoFront): string {
  const scored = result.candidates.filter((c) => c.metric !== null);
  const params = scored.map((c) => c.parameters);
  const minP = Math.min(...params);
  const maxP = Math.max(...params);
  const log = minP >= 1 && maxP / minP >= 20;
  const xDomain: [number, number] = log ? [minP / 1.3, maxP * 1.3] : extent(params, { pad: 0.06 });
  const ys = [...scored.flatMap((c) => [c.metric!, ...(c.interval ?? [])]), ...(result.metric.baseline ? [result.metric.baseline.value] : [])];
  const withIntervals = scored.filter((c) => c.interval).length;
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
      ...(withIntervals ? [{ label: `${Math.round((result.intervalLevel ?? 0.95) * 100)} % interval`, colour: '#555555', symbol: 'tick' as const }] : []),
      ...(result.metric.baseline
        ? [{ label: `${result.metric.baseline.name} (${formatNumber(result.metric.baseline.value)})`, colour: SERIES.baseline, symbol: 'dashed' as const }]
        : []),
    ],
    body: (frame) => [
      result.metric.baseline ? rule(frame, 'y', result.metric.baseline.value, { stroke: SERIES.baseline, dash: 'dashed', width: 1.5 }) : '',
      candidateBars(frame, others, 'candidate intervals', '#9a9a9a', name),
      candidateBars(frame, front, 'front intervals', SERIES.front, name),
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
