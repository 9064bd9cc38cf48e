import type { ReportInput, ReportOptions } from '../input/reportInput.js';
import { comparisonSection } from './comparisonSection.js';
import { boundSection } from './boundSection.js';
import { dynamicsSection } from './dynamicsSection.js';
import { escapeHtml, PageIds, type TocEntry } from './html.js';
import { interventionSection } from './interventionSection.js';
import { overviewTable } from './metricsTable.js';
import { modelSection } from './modelSection.js';
import { PAGE_SCRIPT } from './pageScript.js';
import { PAGE_STYLE } from './pageStyle.js';
import { searchSection } from './searchSection.js';

/** No request may leave the page: everything is inline; blob: is only for "Download SVG". */
const CONTENT_SECURITY_POLICY = "default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; img-src data: blob:";

function modelLabel(input: ReportInput, index: number): string {
  return input.label ?? input.model.provenance.dataset.path ?? `model ${index + 1}`;
}

/**
 * The report as one self-contained HTML page: every figure an inline SVG, the CSS and the download script
 * inline, no network needed. Pure and deterministic (no timestamps): the same inputs give the same bytes.
 */
export function buildReport(inputs: ReportInput[], options: ReportOptions = {}): string {
  const ids = new PageIds();
  const toc: TocEntry[] = [];
  const sections: string[] = [];
  const models = inputs.map((input, i) => ({ input, label: modelLabel(input, i), id: ids.take('model', i + 1) }));
  if (models.length > 1) {
    const id = ids.take('overview');
    toc.push({ id, title: 'Overview' });
    sections.push(`<section id="${id}"><h2>Overview</h2>${overviewTable(models.map((m) => ({ id: m.id, label: m.label, model: m.input.model })))}</section>`);
  }
  for (const m of models) {
    toc.push({ id: m.id, title: m.label });
    sections.push(modelSection(m.input, m.id, m.label, ids, options));
  }
  (options.search ?? []).forEach((result, i) => {
    const id = ids.take('search', i + 1);
    toc.push({ id, title: result.title ?? 'Model search' });
    sections.push(searchSection(result, id, ids));
  });
  if (options.matrices?.length || options.systemControls?.length) {
    const id = ids.take('comparisons');
    toc.push({ id, title: 'Comparisons' });
    sections.push(comparisonSection(options.matrices ?? [], id, ids, options.systemControls ?? []));
  }
  (options.dynamics ?? []).forEach((result, i) => {
    const id = ids.take('dynamics', i + 1);
    toc.push({ id, title: result.title ?? 'Dynamics over training' });
    sections.push(dynamicsSection(result, id, ids));
  });
  (options.bounds ?? []).forEach((result, i) => {
    const id = ids.take('bound', i + 1);
    toc.push({ id, title: result.model.path ? `Upper bounds: ${result.model.path}` : 'Upper bounds' });
    sections.push(boundSection(result, id, ids));
  });
  (options.interventions ?? []).forEach((view, i) => {
    const id = ids.take('interventions', i + 1);
    toc.push({ id, title: view.title ?? 'Interventions' });
    sections.push(interventionSection(view, id, ids));
  });
  if (sections.length === 0)
    sections.push('<p class="note">Nothing to report: no reduced model and no search, comparison, dynamics, bound or intervention result was given.</p>');

  const title = options.title ?? 'occam report';
  const sources = options.sources?.length ? `<p class="sources">From ${options.sources.map((s) => `<code>${escapeHtml(s)}</code>`).join(', ')}</p>` : '';
  const notes = (options.notes ?? []).map((n) => `<p class="note">${escapeHtml(n)}</p>`).join('');
  const nav = toc.length > 1 ? `<nav class="toc">${toc.map((t) => `<a href="#${escapeHtml(t.id)}">${escapeHtml(t.title)}</a>`).join('')}</nav>` : '';
  return [
    '<!DOCTYPE html>',
    '<html lang="en">',
    '<head>',
    '<meta charset="utf-8">',
    `<meta http-equiv="Content-Security-Policy" content="${CONTENT_SECURITY_POLICY}">`,
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    '<meta name="generator" content="occam report">',
    '<link rel="icon" href="data:,">',
    `<title>${escapeHtml(title)}</title>`,
    `<style>${PAGE_STYLE}</style>`,
    '</head>',
    '<body>',
    `<header class="page"><h1>${escapeHtml(title)}</h1>${sources}${nav}</header>`,
    `<main>${notes}${sections.join('\n')}</main>`,
    `<script>${PAGE_SCRIPT}</script>`,
    '</body>',
    '</html>',
    '',
  ].join('\n');
}
