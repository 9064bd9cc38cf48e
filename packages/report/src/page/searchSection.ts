import { paretoFigure } from '../figures/paretoPlot.js';
import type { ParetoFront } from '../input/paretoFront.js';
import { formatNumber } from '../svg/format.js';
import { figureGrid } from './figureCard.js';
import { formatMetric } from './metricValue.js';
import { escapeHtml, type PageIds } from './html.js';

/** The search: Pareto plot and the front as a table (smallest first). */
export function searchSection(result: ParetoFront, sectionId: string, ids: PageIds): string {
  const front = result.candidates.filter((c) => c.onFront).sort((a, b) => a.parameters - b.parameters);
  const base = result.metric.baseline;
  const withIntervals = result.candidates.filter((c) => c.interval).length;
  const level = `${Math.round((result.intervalLevel ?? 0.95) * 100)} %`;
  const intervalNote = withIntervals ? ` Bars: each candidate’s ${level} interval (${withIntervals} of ${result.candidates.length} candidates carry one).` : '';
  const described = front.some((c) => c.description);
  const rows = front.map(
    (c) =>
      `<tr${c.chosen ? ' class="chosen"' : ''}><th scope="row">${escapeHtml(c.id)}${c.chosen ? ' <span class="tag">chosen</span>' : ''}</th>` +
      `<td class="num">${c.parameters}</td><td>${escapeHtml(c.families.join(', '))}</td>` +
      `<td class="num model">${formatMetric(c.interval ? { estimate: c.metric, low: c.interval[0], high: c.interval[1] } : c.metric)}</td>${base ? `<td class="num">${formatNumber(base.value)}</td>` : ''}` +
      `${described ? `<td>${escapeHtml(c.description ?? '')}</td>` : ''}</tr>`,
  );
  const table =
    `<table class="metrics"><caption>Pareto front: ${front.length} of ${result.candidates.length} candidates${withIntervals ? ` (in brackets: ${level} interval)` : ''}</caption><thead><tr>` +
    `<th scope="col">candidate</th><th scope="col">parameters</th><th scope="col">feature families</th><th scope="col" class="model">${escapeHtml(result.metric.name)}</th>` +
    `${base ? `<th scope="col">${escapeHtml(base.name)}</th>` : ''}${described ? '<th scope="col">description</th>' : ''}</tr></thead><tbody>${rows.join('')}</tbody></table>`;
  const figure = {
    id: ids.take(sectionId, 'pareto-front'),
    title: 'Pareto front',
    svg: paretoFigure(result),
    caption: `Every candidate the search scored: held-out ${escapeHtml(result.metric.name)} against free parameters. The front (purple) holds the candidates no other beats with fewer parameters; the ringed one is the minimal sufficient model the search chose.${base ? ` Dashed: the ${escapeHtml(base.name)} baseline.` : ''}${intervalNote} Hover a point for its features.`,
  };
  return (
    `<section class="search" id="${escapeHtml(sectionId)}"><h2>${escapeHtml(result.title ?? 'Model search')}</h2>` +
    `${figureGrid([figure])}${table}${result.notes.length ? `<ul class="notes">${result.notes.map((n) => `<li>${escapeHtml(n)}</li>`).join('')}</ul>` : ''}</section>`
  );
}
