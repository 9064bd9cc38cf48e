import { escapeHtml } from './html.js';

export interface Figure {
  /** Unique on the page; also the SVG file name. */
  id: string;
  title: string;
  /** A standalone SVG document (svgDocument). */
  svg?: string;
  /** HTML instead of a figure (a small table where a plot would show one point per group): no SVG download. */
  html?: string;
  /** HTML (built by the report, dynamic parts escaped). */
  caption: string;
  /** Spans the page's full width (time axes, wide matrices). */
  wide?: boolean;
}

/** Shown at most 25% above its drawn size, so text stays the size it was drawn for. */
function maxWidth(svg: string): number {
  const width = Number(/^<svg[^>]*\swidth="(\d+(?:\.\d+)?)"/.exec(svg)?.[1] ?? 480);
  return Math.round(width * 1.25);
}

/** One figure: heading, a "Download SVG" button that saves exactly the SVG shown, the figure, its caption. */
export function figureCard(figure: Figure): string {
  if (figure.svg === undefined)
    return (
      `<figure class="figure table-figure${figure.wide ? ' wide' : ''}" id="${escapeHtml(figure.id)}">` +
      `<div class="figure-head"><h4>${escapeHtml(figure.title)}</h4></div>` +
      `<div class="figure-table">${figure.html ?? ''}</div>` +
      `<figcaption>${figure.caption}</figcaption>` +
      '</figure>'
    );
  return (
    `<figure class="figure${figure.wide ? ' wide' : ''}" id="${escapeHtml(figure.id)}" data-figure="${escapeHtml(figure.id)}">` +
    `<div class="figure-head"><h4>${escapeHtml(figure.title)}</h4>` +
    `<button type="button" class="download-svg" data-file="${escapeHtml(figure.id)}.svg" title="Save this figure as an SVG file (vector, for papers)">Download SVG</button></div>` +
    `<div class="figure-body" style="max-width:${maxWidth(figure.svg)}px">${figure.svg}</div>` +
    `<figcaption>${figure.caption}</figcaption>` +
    '</figure>'
  );
}

/** Figures in a responsive grid. */
export function figureGrid(figures: Figure[]): string {
  return `<div class="figures">${figures.map(figureCard).join('')}</div>`;
}
