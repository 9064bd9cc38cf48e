import { interventionScatterFigure } from '../figures/interventionScatter.js';
import { interventionTimeCoursesFigure, MAX_TIME_COURSE_PANELS } from '../figures/interventionTimeCourses.js';
import type { InterventionView } from '../input/interventionResult.js';
import { figureGrid, type Figure } from './figureCard.js';
import { escapeHtml, type PageIds } from './html.js';
import { formatMetric, formatSignificantInterval } from './metricValue.js';

/** Each intervention's figures and its line, misses first marked. */
function interventionTable(view: InterventionView): string {
  const observed = view.observedName;
  const pct = `${Math.round(view.level * 100)} %`;
  const rows = view.points.map(
    (p) =>
      `<tr class="${p.miss ? 'miss' : ''}"><th scope="row">${escapeHtml(p.name)}</th><td>${escapeHtml(p.operation)}</td>` +
      `<td class="num">${formatSignificantInterval(p.predicted)}</td><td class="num">${formatSignificantInterval(p.observed)}</td>` +
      `<td class="num">${formatSignificantInterval(p.difference)}</td>` +
      `<td>${p.miss === null ? 'no simulation' : p.miss ? '<strong class="warn">MISS</strong>' : 'predicted'}</td>` +
      `<td class="line">${escapeHtml(p.line)}</td></tr>`,
  );
  return (
    `<table class="metrics interventions"><caption>Each intervention (in brackets: ${pct} interval over ${view.resamples} resamples of ${view.trials} trials)</caption>` +
    `<thead><tr><th>intervention</th><th>operation</th><th>predicted change</th><th>${observed} change</th><th>predicted − ${observed}</th><th>verdict</th><th>in words</th></tr></thead>` +
    `<tbody>${rows.join('')}</tbody></table>`
  );
}

function summary(view: InterventionView): string {
  const observed = view.observedName;
  const misses = view.points.filter((p) => p.miss);
  const bits = [
    `model <code>${escapeHtml(view.model)}</code>`,
    `response: ${escapeHtml(view.measure)}`,
    `unintervened: predicted ${formatSignificantInterval(view.baseline.predicted)}, ${view.system === 'neuron' ? 'recorded' : 'network'} ${formatSignificantInterval(view.baseline.observed)}`,
    view.slope ? `${observed} on predicted change, slope through 0: ${formatMetric(view.slope)}` : null,
    view.correlation ? `correlation ${formatMetric(view.correlation)}` : null,
    misses.length
      ? `<strong class="warn">${misses.length} of ${view.points.length} missed: ${misses.map((m) => escapeHtml(m.name)).join(', ')}</strong>`
      : `no miss among ${view.points.length}`,
  ];
  return bits.filter(Boolean).join(' · ');
}

/**
 * `occam intervene`: what the reduced model predicted each intervention would do beside what the detailed system
 * did (a simulation of the neuron, or the network itself), with the misses named.
 */
export function interventionSection(view: InterventionView, sectionId: string, ids: PageIds): string {
  const observed = view.observedName;
  const pct = `${Math.round(view.level * 100)} %`;
  const unit = ` (${view.system === 'neuron' ? 'mean response per bin' : 'rate'})`;
  const scatterTitle = `${observed[0].toUpperCase()}${observed.slice(1)} against predicted change`;
  const compared = view.points.filter((p) => p.observed !== null).length;
  const figures: Figure[] = [
    {
      id: ids.take(sectionId, 'scatter'),
      title: scatterTitle,
      svg: interventionScatterFigure(view, { title: scatterTitle, axisUnit: unit }),
      caption:
        `One dot per intervention (${compared} with a${view.system === 'neuron' ? ' simulation' : 'n intervened run'}): the change the reduced model predicts (x) against the change the ${view.system === 'neuron' ? 'simulated neuron' : 'network'} shows (y), each with its ${pct} interval over resampled trials. ` +
        `Dashed: the identity line, where an exact prediction falls. Teal: ${observed} on predicted change fitted through the origin, shaded over its interval. ` +
        `Red, named: the misses, by the rule “${escapeHtml(view.missRule)}”. Hover a dot for its numbers.`,
    },
  ];
  const courses = view.timeCourses.filter((c) => c.time.length > 1);
  if (courses.length) {
    const title = 'Time course per intervention';
    figures.push({
      id: ids.take(sectionId, 'time-courses'),
      title,
      svg: interventionTimeCoursesFigure(courses, { title, yLabel: 'mean response' }),
      caption:
        `The mean response per bin over the compared trials (a PSTH), before (dashed) and after (solid) each intervention: purple as the reduced model predicts it, black as the ${observed} rerun gives it. One y scale for every panel; a missed intervention’s name is red.` +
        (courses.length > MAX_TIME_COURSE_PANELS
          ? ` The first ${MAX_TIME_COURSE_PANELS} of ${courses.length} interventions are drawn; the table lists them all.`
          : ''),
      wide: true,
    });
  }
  return (
    `<section class="interventions" id="${escapeHtml(sectionId)}"><h2>${escapeHtml(view.title ?? 'Interventions')}</h2>` +
    `<p class="provenance">${summary(view)}</p>` +
    interventionTable(view) +
    figureGrid(figures) +
    '</section>'
  );
}
