import { matrixFigure } from '../figures/matrixPlot.js';
import type { ComparisonMatrix } from '../input/comparisonMatrix.js';
import { figureGrid } from './figureCard.js';
import { escapeHtml, type PageIds } from './html.js';

/** Where a matrix's intervals are shown, in words. */
function intervalNote(m: ComparisonMatrix): string {
  if (!m.intervals?.some((row) => row.some((iv) => iv !== null))) return '';
  const level = `${Math.round((m.intervalLevel ?? 0.95) * 100)} %`;
  const small = m.rows.labels.length <= 14 && m.columns.labels.length <= 14;
  return ` In brackets${small ? ' under a value, where the cell has room, and' : ''} in each cell’s hover text: its ${level} interval.`;
}

/** Universality and transfer matrices, one figure each. */
export function comparisonSection(matrices: ComparisonMatrix[], sectionId: string, ids: PageIds): string {
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
  return `<section class="comparison" id="${escapeHtml(sectionId)}"><h2>Comparisons</h2>${figureGrid(figures)}</section>`;
}
