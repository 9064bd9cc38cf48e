import { escapeXml } from './markup.js';

export const FONT_FAMILY = "'DejaVu Sans', Helvetica, Arial, sans-serif";

/**
 * A standalone SVG document: namespace, size, fonts and colours inline (no page CSS), so the markup in the
 * page is exactly what "download SVG" saves and what a paper's figure editor opens.
 */
export function svgDocument(width: number, height: number, title: string, content: string[]): string {
  return (
    `<svg xmlns="http://www.w3.org/2000/svg" version="1.1" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}"` +
    ` font-family="${escapeXml(FONT_FAMILY)}" font-size="12" role="img" aria-label="${escapeXml(title)}">` +
    `<title>${escapeXml(title)}</title>` +
    content.join('') +
    '</svg>'
  );
}
