/**
 * Strict number parsing for input files. `Number()` accepts '' (as 0), ' ', '0x1f' and 'Infinity'; input
 * files written by Python or NumPy contain plain decimals, so anything else is a malformed value.
 */
const DECIMAL = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;
const INTEGER = /^[+-]?\d+$/;

/** A finite decimal number, or NaN when `text` is not one (callers turn NaN into a located error). */
export function parseDecimal(text: string): number {
  const trimmed = text.trim();
  return DECIMAL.test(trimmed) ? Number(trimmed) : Number.NaN;
}

/** A non-negative integer (IDs, indices), or NaN. */
export function parseIndex(text: string): number {
  const trimmed = text.trim();
  if (!INTEGER.test(trimmed)) return Number.NaN;
  const value = Number(trimmed);
  return value >= 0 && Number.isSafeInteger(value) ? value : Number.NaN;
}

/** A short, quoted rendering of an offending value for error messages. */
export function quote(text: string): string {
  const shown = text.length > 40 ? `${text.slice(0, 37)}...` : text;
  return `'${shown}'`;
}
