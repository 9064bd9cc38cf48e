/** Escape text for XML / HTML content and attribute values. */
export function escapeXml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

/** A coordinate rounded to 0.01 px: keeps files small and output byte-stable. */
export function px(v: number): string {
  const r = Math.round(v * 100) / 100;
  return Object.is(r, -0) ? '0' : String(r);
}

export type Attributes = Record<string, string | number | boolean | null | undefined>;

function attributes(attrs: Attributes): string {
  let out = '';
  for (const [name, value] of Object.entries(attrs)) {
    if (value === null || value === undefined || value === false) continue;
    if (value === true) out += ` ${name}`;
    else out += ` ${name}="${escapeXml(typeof value === 'number' ? px(value) : value)}"`;
  }
  return out;
}

/** One element as markup. Children are markup already (escape text with `escapeXml` or use `text`). */
export function el(tag: string, attrs: Attributes = {}, ...children: (string | null | undefined | false)[]): string {
  const inner = children.filter((c): c is string => typeof c === 'string' && c.length > 0).join('');
  return inner.length > 0 ? `<${tag}${attributes(attrs)}>${inner}</${tag}>` : `<${tag}${attributes(attrs)}/>`;
}

/** An SVG <text> element with escaped content. */
export function text(content: string, attrs: Attributes = {}): string {
  return `<text${attributes(attrs)}>${escapeXml(content)}</text>`;
}

/** A hover tooltip for an SVG element (also read by screen readers). */
export function tooltip(content: string): string {
  return `<title>${escapeXml(content)}</title>`;
}
