import { inputError } from '../text/inputError.js';
import { parseDecimal, quote } from '../text/numbers.js';
import { readTextLines } from '../text/readTextLines.js';
import { buildMorphology, type Morphology, type MorphologyOptions } from './morphology.js';

/** One SWC sample point: `id type x y z radius parent` (parent −1 for a root). */
export interface SwcPoint {
  id: number;
  /** SWC structure type: 0 undefined, 1 soma, 2 axon, 3 basal dendrite, 4 apical dendrite, 5+ custom. */
  type: number;
  x: number;
  y: number;
  z: number;
  radius: number;
  /** Parent id, or −1 for a root. */
  parentId: number;
  /** 1-based line in the file. */
  line: number;
}

const INTEGER = /^[+-]?\d+$/;

/**
 * Read an SWC morphology (standard 7 columns, `#` comments, whitespace-separated) and derive the soma, the
 * path distance of every point from it, and unbranched sections. See {@link buildMorphology} for the rules.
 */
export async function readSwc(file: string, options: MorphologyOptions = {}): Promise<Morphology> {
  const lines = await readTextLines(file);
  return buildMorphology(parseSwcPoints(lines, file), file, options);
}

/** Parse the lines of an SWC file into points (file order), checking every field. */
export function parseSwcPoints(lines: string[], file: string): SwcPoint[] {
  const points: SwcPoint[] = [];
  for (let i = 0; i < lines.length; i++) {
    const text = lines[i].trim();
    if (text === '' || text.startsWith('#')) continue;
    const line = i + 1;
    const f = text.split(/\s+/);
    if (f.length < 7) throw inputError(file, line, `expected 7 whitespace-separated fields (id type x y z radius parent), found ${f.length}`);
    const id = integer(f[0], 'id', file, line);
    if (id < 0) throw inputError(file, line, `id ${id} is negative; expected a point number ≥ 0`);
    const type = integer(f[1], 'type', file, line);
    if (type < 0) throw inputError(file, line, `type ${type} is negative; expected 0 undefined, 1 soma, 2 axon, 3 basal, 4 apical, 5+ custom`);
    const [x, y, z, radius] = [2, 3, 4, 5].map((k) => {
      const v = parseDecimal(f[k]);
      if (!Number.isFinite(v)) throw inputError(file, line, `${['x', 'y', 'z', 'radius'][k - 2]} ${quote(f[k])} is not a finite number`);
      return v;
    });
    if (radius < 0) throw inputError(file, line, `radius ${radius} is negative`);
    let parentId = integer(f[6], 'parent', file, line);
    if (parentId < 0) parentId = -1;
    if (parentId === id) throw inputError(file, line, `point ${id} is its own parent`);
    points.push({ id, type, x, y, z, radius, parentId, line });
  }
  if (points.length === 0) throw inputError(file, undefined, 'no points; expected lines of id type x y z radius parent');
  return points;
}

function integer(text: string, what: string, file: string, line: number): number {
  if (!INTEGER.test(text)) throw inputError(file, line, `${what} ${quote(text)} is not an integer`);
  return Number(text);
}
