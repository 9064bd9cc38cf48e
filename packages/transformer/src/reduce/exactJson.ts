import type { JsonValue } from '@occam/core';

/**
 * A value as JSON that gives back every number it held: JSON has no NaN, ±Infinity or −0 (it writes null, null
 * and 0), so those are written as `{ "$number": "NaN" }` etc. A checkpoint's reduction crosses a process (a SLURM
 * task) this way, and the dynamics computed from it in the merging process then equal the serial run's to the bit.
 * Properties holding `undefined` are left out, as JSON.stringify leaves them out.
 */
export function toExactJson(value: unknown): JsonValue {
  if (typeof value === 'number') {
    if (Number.isNaN(value)) return { $number: 'NaN' };
    if (value === Infinity) return { $number: 'Infinity' };
    if (value === -Infinity) return { $number: '-Infinity' };
    if (Object.is(value, -0)) return { $number: '-0' };
    return value;
  }
  if (value === null || typeof value === 'string' || typeof value === 'boolean') return value;
  if (Array.isArray(value)) return value.map((v) => (v === undefined ? null : toExactJson(v)));
  if (typeof value === 'object') {
    const out: { [key: string]: JsonValue } = {};
    for (const [k, v] of Object.entries(value)) if (v !== undefined) out[k] = toExactJson(v);
    return out;
  }
  throw new TypeError(`toExactJson: a ${typeof value} has no JSON form`);
}

const SPECIAL: Record<string, number> = { NaN: NaN, Infinity: Infinity, '-Infinity': -Infinity, '-0': -0 };

/** The value `toExactJson` was given (its numbers back as they were). */
export function fromExactJson(value: JsonValue): unknown {
  if (Array.isArray(value)) return value.map(fromExactJson);
  if (value !== null && typeof value === 'object') {
    const keys = Object.keys(value);
    if (keys.length === 1 && keys[0] === '$number' && typeof value.$number === 'string' && value.$number in SPECIAL) return SPECIAL[value.$number];
    return Object.fromEntries(keys.map((k) => [k, fromExactJson(value[k])]));
  }
  return value;
}
