import {
  dynamicsFilterFigure,
  dynamicsGroups,
  dynamicsMetricFigure,
  dynamicsSelectivityFigure,
  dynamicsSummaries,
  dynamicsSummaryFigure,
  hasControlDynamics,
  metricIntervalsOf,
} from '../figures/dynamicsPlot.js';
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
      caption: `Held-out ${escapeHtml(result.metric.name)} of the reduced model fitted at each of ${result.points.length} ${escapeHtml(result.step.name)}s.${metricIntervalsOf(result) ? ` Shaded: its 95 % interval over each step’s held-out ${escapeHtml(words.trials)} (hover a point for it).` : ''}${result.metric.baseline !== null ? ' Dashed: the baseline.' : ''}`,
    },
  ];
  if (hasControlDynamics(result)) {
    const measures = [
      { figure: 'bitsPerEvent' as const, name: 'gain over the baseline (bits/event)', stem: 'selectivity-bits' },
      {
        figure: 'stratifiedAuroc' as const,
        name: `${words.kind === 'language-model' ? 'position' : 'time'}-stratified AUROC − 0.5`,
        stem: 'selectivity-stratified',
      },
    ];
    for (const m of measures) {
      const svg = dynamicsSelectivityFigure(result, m.figure, m.name);
      if (svg)
        figures.push({
          id: ids.take(sectionId, m.stem),
          title: `Selectivity over training: ${m.name}`,
          svg,
          caption: `At each ${escapeHtml(result.step.name)}: the trained model’s gain minus its control’s (solid) and the control’s own gain (dashed), ${escapeHtml(m.name)}, each with its 95 % interval (shaded). Where the selectivity’s band lies above 0, the reduction reads what training built; a control gain near the trained one means the atoms read the answer whatever the weights.`,
        });
    }
  }
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
