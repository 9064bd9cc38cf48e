import { dynamicsFilterFigure, dynamicsGroups, dynamicsMetricFigure, dynamicsSummaries, dynamicsSummaryFigure } from '../figures/dynamicsPlot.js';
import type { DynamicsResult } from '../input/dynamicsResult.js';
import { groupColours } from '../style/palette.js';
import { vocabularyForUnit } from '../style/vocabulary.js';
import { figureGrid, type Figure } from './figureCard.js';
import { escapeHtml, type PageIds } from './html.js';

/** Dynamics over training: the metric, each filter summary, each group's temporal filter at successive steps. */
export function dynamicsSection(result: DynamicsResult, sectionId: string, ids: PageIds): string {
  const words = vocabularyForUnit(result.binUnit);
  const filterName = words.kind === 'language-model' ? 'Token-offset filter' : 'Temporal filter';
  const figures: Figure[] = [
    {
      id: ids.take(sectionId, 'metric'),
      title: `${result.metric.name} over training`,
      svg: dynamicsMetricFigure(result),
      caption: `Held-out ${escapeHtml(result.metric.name)} of the reduced model fitted at each of ${result.points.length} ${escapeHtml(result.step.name)}s.${result.metric.baseline !== null ? ' Dashed: the baseline.' : ''}`,
    },
  ];
  for (const summary of dynamicsSummaries(result)) {
    figures.push({
      id: ids.take(sectionId, summary),
      title: `${summary} over training`,
      svg: dynamicsSummaryFigure(result, summary),
      caption: `${escapeHtml(summary)} of each group’s filter at each ${escapeHtml(result.step.name)}; ${words.colourRule}`,
    });
  }
  const groups = dynamicsGroups(result);
  const colours = groupColours(groups);
  groups.forEach((g, i) => {
    const svg = dynamicsFilterFigure(result, g, colours[i]);
    if (svg)
      figures.push({
        id: ids.take(sectionId, 'temporal', g),
        title: `${filterName} over training: ${g}`,
        svg,
        caption: `The ${filterName.toLowerCase()} of ${escapeHtml(g)} at successive ${escapeHtml(result.step.name)}s, light (early) to full colour (late).`,
      });
  });
  return `<section class="dynamics" id="${escapeHtml(sectionId)}"><h2>${escapeHtml(result.title ?? 'Dynamics over training')}</h2>${figureGrid(figures)}</section>`;
}
