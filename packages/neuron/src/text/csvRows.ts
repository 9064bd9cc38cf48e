import { inputError } from './inputError.js';
import { readLines } from './readLines.js';

export interface CsvRow {
  line: number;
  /** Field values by the column indices of {@link CsvColumns}. */
  fields: string[];
}

/** Where each named column sits; optional columns that are absent map to −1. */
export type CsvColumns<R extends string, O extends string> = Record<R, number> & Record<O, number>;

/**
 * Stream a simple comma-separated file with a header row naming its columns (any order, extra columns
 * ignored; no quoted fields). `#` lines and blank lines are skipped. Calls `onHeader` once, then `onRow` per
 * data line; a missing required column or a short row is an error naming the file and line.
 */
export async function scanCsv<R extends string, O extends string = never>(
  file: string,
  spec: { required: readonly R[]; optional?: readonly O[]; example: string },
  onRow: (row: CsvRow, columns: CsvColumns<R, O>) => void,
): Promise<void> {
  let columns: CsvColumns<R, O> | undefined;
  let width = 0;
  for await (const { text, line } of readLines(file)) {
    if (text.trim() === '' || text.trimStart().startsWith('#')) continue;
    const fields = text.split(',').map((f) => f.trim());
    if (!columns) {
      const index = new Map(fields.map((name, i) => [name, i] as const));
      const map: Record<string, number> = {};
      for (const name of spec.required) {
        const i = index.get(name);
        if (i === undefined) {
          throw inputError(file, line, `header has no column '${name}'; expected a header row like '${spec.example}' (found '${fields.join(',')}')`);
        }
        map[name] = i;
      }
      for (const name of spec.optional ?? []) map[name] = index.get(name) ?? -1;
      columns = map as CsvColumns<R, O>;
      width = fields.length;
      continue;
    }
    if (fields.length < width) {
      throw inputError(file, line, `expected ${width} comma-separated fields as in the header, found ${fields.length}`);
    }
    onRow({ line, fields }, columns);
  }
  if (!columns) throw inputError(file, 1, `empty file; expected a header row like '${spec.example}'`);
}
