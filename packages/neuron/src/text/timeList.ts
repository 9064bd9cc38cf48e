import { inputError } from './inputError.js';
import { parseDecimal, quote } from './numbers.js';

/**
 * Parse an ISF time list: each value followed by a comma (`12.5,80.25,`), so the field ends with a comma;
 * an empty field is an empty list. Empty entries are skipped, as ISF's own readers do.
 */
export function parseTimeList(field: string, file: string, line: number, what: string): number[] {
  const times: number[] = [];
  if (field.trim() === '') return times;
  for (const entry of field.split(',')) {
    if (entry.trim() === '') continue;
    const value = parseDecimal(entry);
    if (!Number.isFinite(value)) {
      throw inputError(file, line, `${what}: ${quote(entry)} is not a number; expected times in ms, each followed by a comma (e.g. 12.5,80.25,)`);
    }
    times.push(value);
  }
  return times;
}
