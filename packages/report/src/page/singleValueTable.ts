import { formatSignificant } from '../svg/format.js';
import { escapeHtml } from './html.js';

/** A group whose filter has one value (an MLP neuron sum at one offset): its weight, and its control's. */
export interface SingleValueRow {
  name: string;
  label: string;
  colour: string;
  atoms: number;
  /** Where the value sits on the axis, as the reader should see it (e.g. "−1 (none)"). */
  at: string;
  weight: number;
  /** The weight's 95 % interval, when the file carries the filter's band. */
  interval?: [number, number] | null;
  /** The control's weight of the same group at the same value; null: the control has no such group. */
  control: number | null | undefined;
}

/**
 * Groups read at a single axis value as a table of weights: a panel with one point on a line axis shows
 * nothing a number does not show better.
 */
export function singleValueTable(rows: readonly SingleValueRow[], options: { atHeader: string; weightHeader: string; controlLabel: string | null }): string {
  const head = ['group', 'atoms', options.atHeader, options.weightHeader, ...(options.controlLabel ? [`weight, ${options.controlLabel}`] : [])];
  const body = rows.map(
    (r) =>
      `<tr><th scope="row" title="${escapeHtml(r.label)}"><span class="swatch" style="background:${escapeHtml(r.colour)}"></span>${escapeHtml(r.name)}</th>` +
      `<td class="num">${r.atoms}</td><td class="num">${escapeHtml(r.at)}</td><td class="num">${formatSignificant(r.weight)}${r.interval ? ` [${formatSignificant(r.interval[0])}, ${formatSignificant(r.interval[1])}]` : ''}</td>` +
      (options.controlLabel ? `<td class="num">${r.control === undefined || r.control === null ? '—' : formatSignificant(r.control)}</td>` : '') +
      '</tr>',
  );
  return `<table class="metrics single-values"><thead><tr>${head.map((h) => `<th>${escapeHtml(h)}</th>`).join('')}</tr></thead><tbody>${body.join('')}</tbody></table>`;
}
