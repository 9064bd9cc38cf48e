import type { Band } from '../svg/marks.js';
import { optionalField } from '../page/metricValue.js';

/**
 * A sampled filter's pointwise 95 % band (`{ x, y, band: { low, high } }`), read loosely: model files written
 * before bands existed have none, and a band that does not match its curve point for point is not drawn
 * (files read through `parseResult` are checked for that at the edge, with an error naming the field).
 */
export function bandOf(sampled: unknown): Band | null {
  const band = optionalField(sampled, 'band');
  const y = optionalField(sampled, 'y');
  const low = optionalField(band, 'low');
  const high = optionalField(band, 'high');
  if (!Array.isArray(y) || !Array.isArray(low) || !Array.isArray(high)) return null;
  if (low.length !== y.length || high.length !== y.length) return null;
  if (!low.every((v) => typeof v === 'number') || !high.every((v) => typeof v === 'number')) return null;
  return { low: low as number[], high: high as number[] };
}

/** The band at the given indices of its curve (a curve drawn at a subset of its points). */
export function bandAt(band: Band | null, indices: readonly number[]): Band | null {
  return band ? { low: indices.map((i) => band.low[i]), high: indices.map((i) => band.high[i]) } : null;
}

/** How a model's filter bands were made, in words for a legend and a caption (`filters.bands`, when recorded). */
export interface BandWording {
  /** Legend entry: "95 % band". */
  legend: string;
  /** Caption clause: "pointwise 95 % band (Laplace approximation at the fit, 200 seeded draws)". */
  clause: string;
}

export function bandWording(model: unknown): BandWording {
  const about = optionalField(optionalField(model, 'filters'), 'bands');
  const level = optionalField(about, 'level');
  const method = optionalField(about, 'method');
  const draws = optionalField(about, 'draws');
  const pct = typeof level === 'number' && level > 0 && level < 1 ? `${Math.round(level * 100)} %` : '95 %';
  const how =
    method === 'laplace'
      ? ` (Laplace approximation at the fit${typeof draws === 'number' ? `, ${draws} seeded draws` : ''}: the uncertainty of the fitted weights, not of a refit on other trials)`
      : typeof method === 'string'
        ? ` (${method})`
        : '';
  return { legend: `${pct} band`, clause: `pointwise ${pct} band${how}` };
}
