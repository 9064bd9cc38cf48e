import { escapeXml } from '../svg/markup.js';

/** Escape text for HTML. */
export const escapeHtml = escapeXml;

/** Ids unique within one page, readable: "model-1-spatial-filters". */
export class PageIds {
  private readonly used = new Set<string>();

  take(...parts: (string | number)[]): string {
    const base =
      parts
        .map((p) => String(p))
        .join('-')
        .toLowerCase()
        .normalize('NFKD')
        .replace(/[^a-z0-9]+/g, '-')
        .replace(/^-+|-+$/g, '') || 'item';
    let id = base;
    for (let n = 2; this.used.has(id); n++) id = `${base}-${n}`;
    this.used.add(id);
    return id;
  }
}

/** A contents entry: link text and the section id. */
export interface TocEntry {
  id: string;
  title: string;
}
