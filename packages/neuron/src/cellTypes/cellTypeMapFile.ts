import { zodProblem } from '@occam/core';
import { stat } from 'node:fs/promises';
import { fileSystemError, inputError } from '../text/inputError.js';
import { readTextLines } from '../text/readTextLines.js';
import { CellTypeSignsSchema, SynapseSignSchema, type CellTypeSigns, type SynapseSign } from './cellTypeSigns.js';

/** A cell-type map is a handful of lines; anything this large is the wrong file. */
export const MAX_CELL_TYPE_MAP_BYTES = 1 << 20;

const HEADER = /^(cell[ _-]?)?(synapse[ _-]?)?type\b/i;

/**
 * Read a cell-type map: which presynaptic cell types (or full synapse types such as `L5tt_C2`) are
 * excitatory and which inhibitory, laid over the defaults. Two forms:
 * - JSON (a `.json` file, or text starting with `{`): `{ "L7x": "excitatory", "Martinotti": "inhibitory" }`;
 * - a table (TSV): one `type<TAB>sign` per line (a comma or spaces also separate), `#` comments, an optional
 *   header line starting with `type` or `cell type`.
 * The type `*` gives the sign of every type neither the map nor the defaults name. Signs are `excitatory`
 * or `inhibitory` (any case). Every problem names the file and, for a table, the line.
 */
export async function readCellTypeMap(file: string): Promise<CellTypeSigns> {
  let size: number;
  try {
    const s = await stat(file);
    if (!s.isFile()) throw inputError(file, undefined, 'not a regular file; expected a cell-type map (JSON or TSV)');
    size = s.size;
  } catch (error) {
    throw fileSystemError(file, error);
  }
  if (size > MAX_CELL_TYPE_MAP_BYTES) {
    throw inputError(file, undefined, `${size} bytes is too large for a cell-type map (limit ${MAX_CELL_TYPE_MAP_BYTES} bytes); is this the right file?`);
  }
  const lines = await readTextLines(file);
  const text = lines.join('\n');
  if (text.trim() === '')
    throw inputError(
      file,
      undefined,
      `empty file${size === 0 ? ' (0 bytes)' : ''}; expected a cell-type map such as {"L7x": "excitatory"} or lines 'L7x<TAB>excitatory'`,
    );
  return file.toLowerCase().endsWith('.json') || text.trimStart().startsWith('{') ? parseJsonMap(text, file) : parseTableMap(lines, file);
}

function parseJsonMap(text: string, file: string): CellTypeSigns {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw inputError(file, undefined, `not valid JSON (${(error as Error).message}); expected an object such as {"L7x": "excitatory", "*": "inhibitory"}`);
  }
  if (typeof json !== 'object' || json === null || Array.isArray(json)) {
    throw inputError(
      file,
      undefined,
      `expected a JSON object mapping cell types to "excitatory" or "inhibitory", found ${Array.isArray(json) ? 'an array' : json === null ? 'null' : typeof json}`,
    );
  }
  const lowered = Object.fromEntries(Object.entries(json).map(([k, v]) => [k, typeof v === 'string' ? v.toLowerCase() : v]));
  const parsed = CellTypeSignsSchema.safeParse(lowered);
  if (!parsed.success) throw zodProblem(file, parsed.error);
  if (Object.keys(parsed.data).length === 0) throw inputError(file, undefined, 'the map is empty; expected at least one entry such as {"L7x": "excitatory"}');
  return parsed.data;
}

function parseTableMap(lines: string[], file: string): CellTypeSigns {
  const signs: CellTypeSigns = {};
  const lineOf = new Map<string, number>();
  let seenData = false;
  for (let i = 0; i < lines.length; i++) {
    const text = lines[i].trim();
    if (text === '' || text.startsWith('#')) continue;
    const line = i + 1;
    if (!seenData && HEADER.test(text)) {
      seenData = true;
      continue;
    }
    seenData = true;
    const fields = text.split(/[\t,]\s*|\s+/).filter((f) => f !== '');
    if (fields.length !== 2) {
      throw inputError(file, line, `expected 2 fields (cell type, excitatory|inhibitory) separated by a tab, found ${fields.length}`);
    }
    const [type, raw] = fields;
    const sign = SynapseSignSchema.safeParse(raw.toLowerCase());
    if (!sign.success) throw inputError(file, line, `sign '${raw}' of type '${type}': expected excitatory or inhibitory`);
    const before = lineOf.get(type);
    if (before !== undefined && signs[type] !== sign.data) {
      throw inputError(file, line, `type '${type}' is ${sign.data} here but ${signs[type]} at line ${before}`);
    }
    signs[type] = sign.data as SynapseSign;
    lineOf.set(type, line);
  }
  if (lineOf.size === 0) throw inputError(file, undefined, "no entries; expected lines such as 'L7x<TAB>excitatory'");
  return signs;
}
