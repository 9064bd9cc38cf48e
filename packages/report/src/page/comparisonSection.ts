import { matrixFigure } from '../figures/matrixPlot.js';
import type { ComparisonMatrix } from '../input/comparisonMatrix.js';
import type { SystemControl } from '../input/compareResult.js';
import { formatNumber } from '../svg/format.js';
import { figureGrid } from './figureCard.js';
import { formatMetric } from './metricValue.js';
import { escapeHtml, type PageIds } from './html.js';

/** Where a matrix's intervals are shown, in words. */
function intervalNote(m: ComparisonMatrix): string {
  if (!m.intervals?.some((row) => row.some((iv) => iv !== null))) return '';
  const level = `${Math.round((m.intervalLevel ?? 0.95) * 100)} %`;
  const small = m.rows.labels.length <= 14 && m.columns.labels.length <= 14;
  return ` In brackets${small ? ' under a value, where the cell has room, and' : ''} in each cell’s hover text: its ${level} interval.`;
}

/** Whether an interval lies above 0, below it, or holds it. */
function side(low: number | null, high: number | null): string {
  if (low === null || high === null) return '—';
  return low > 0 ? 'above 0' : high < 0 ? 'below 0' : 'includes 0';
}

/**
 * Each compared system beside its control: the selectivity (its gain minus the control's, paired over the
 * same resampled trials) with its interval, the control's share of the gain, and the comparison's warning.
 */
function controlsTable(controls: SystemControl[]): string {
  const level = controls[0].control.bootstrap.level;
  const rows = controls.map(({ name, control: c }) => {
    const share = c.controlShare.bitsPerEvent;
    return (
      `<tr><th scope="row">${escapeHtml(name)}<span class="hint">${escapeHtml(c.control.kind)} control</span></th>` +
      `<td class="num">${formatMetric(c.gains.system.bitsPerEvent)}</td><td class="num">${formatMetric(c.gains.control.bitsPerEvent)}</td>` +
      `<td class="num model">${formatMetric(c.selectivity.bitsPerEvent)}<span class="hint">${side(c.selectivity.bitsPerEvent.low, c.selectivity.bitsPerEvent.high)}</span></td>` +
      `<td class="num model">${formatMetric(c.selectivity.stratifiedAuroc)}<span class="hint">${side(c.selectivity.stratifiedAuroc.low, c.selectivity.stratifiedAuroc.high)}</span></td>` +
      `<td class="num">${share === null ? '—' : `${formatNumber(share * 100, 0)} %`}</td>` +
      `<td>${c.warning ? `<strong class="warn">${escapeHtml(c.warning)}</strong>` : ''}</td></tr>`
    );
  });
  return (
    `<table class="metrics control"><caption>Each system beside its control (held-out; in brackets: ${Math.round(level * 100)} % interval, paired over the same resampled trials)</caption>` +
    '<thead><tr><th scope="col">system</th><th scope="col">gain (bits/event)</th><th scope="col">control’s gain</th>' +
    '<th scope="col" class="model">selectivity (bits/event)</th><th scope="col" class="model">selectivity (stratified AUROC)</th>' +
    `<th scope="col">control’s share</th><th scope="col">warning</th></tr></thead><tbody>${rows.join('')}</tbody></table>`
  );
}

/** Universality and transfer matrices, one figure each, and the systems beside their controls when the comparison has them. */
export function comparisonSection(matrices: ComparisonMatrix[], sectionId: string, ids: PageIds, controls: SystemControl[] = []): string {
  const figures = matrices.map((m) => {
    const what =
      m.kind === 'universality'
        ? 'Universality: does one reduced model describe the other systems?'
        : 'Condition transfer: does a model fitted under one condition predict another?';
    return {
      id: ids.take(sectionId, m.kind, m.title ?? m.metric),
      title: m.title ?? `${m.kind === 'universality' ? 'Universality' : 'Condition transfer'}: ${m.metric}`,
      svg: matrixFigure(m),
      caption: `${what} Rows: ${escapeHtml(m.rows.title)}; columns: ${escapeHtml(m.columns.title)}; each cell: ${escapeHtml(m.metric)}.${m.baseline ? ' Hover a cell for its baseline.' : ''}${intervalNote(m)} Grey cells were not computed.`,
      wide: m.columns.labels.length > 6,
    };
  });
  return `<section class="comparison" id="${escapeHtml(sectionId)}"><h2>Comparisons</h2>${figureGrid(figures)}${controls.length ? controlsTable(controls) : ''}</section>`;
}
