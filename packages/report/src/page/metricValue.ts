import type { Interval } from '../input/selectivity.js';
import { formatNumber, formatSignificant } from '../svg/format.js';

/**
 * A score as result files carry it: a plain number, null, or (where the scoring computed one) an estimate
 * with its interval. Read loosely so that models written before or after intervals were added both report.
 */
export type MetricValue = number | null | undefined | Interval;

export function isInterval(v: unknown): v is Interval {
  return typeof v === 'object' && v !== null && 'estimate' in v;
}

/** The point estimate of a score, or null. */
export function estimateOf(v: unknown): number | null {
  if (typeof v === 'number') return Number.isFinite(v) ? v : null;
  if (isInterval(v)) return typeof v.estimate === 'number' && Number.isFinite(v.estimate) ? v.estimate : null;
  return null;
}

/** "0.964" or, with an interval, "0.964 [0.951, 0.975]"; "—" when missing. */
export function formatMetric(v: unknown, digits = 3): string {
  if (isInterval(v)) {
    const point = formatNumber(v.estimate, digits);
    return v.low !== null && v.high !== null && Number.isFinite(v.low) && Number.isFinite(v.high)
      ? `${point} [${formatNumber(v.low, digits)}, ${formatNumber(v.high, digits)}]`
      : point;
  }
  return formatNumber(typeof v === 'number' ? v : null, digits);
}

/** "+0.0556 [+0.0536, +0.0575]"-style, in significant digits: for changes of any size (3.87e−6 or 0.596). */
export function formatSignificantInterval(v: { estimate: number | null; low: number | null; high: number | null } | null, digits = 3): string {
  if (v === null) return '—';
  const point = formatSignificant(v.estimate, digits);
  return v.low !== null && v.high !== null ? `${point} [${formatSignificant(v.low, digits)}, ${formatSignificant(v.high, digits)}]` : point;
}

/**
 * A score with the bootstrap interval its block carries (`block.intervals[column][figure]`, a [low, high]
 * pair, in model files that have one), else the score as it is.
 */
export function withBlockInterval(block: unknown, column: 'model' | 'psth' | 'modelMinusPsth', figure: string, value: unknown): unknown {
  const pair = optionalField(optionalField(optionalField(block, 'intervals'), column), figure);
  if (!Array.isArray(pair) || pair.length !== 2 || isInterval(value)) return value;
  const [low, high] = pair as unknown[];
  if (typeof low !== 'number' || typeof high !== 'number') return value;
  return { estimate: estimateOf(value), low, high };
}

/** A field of a result object that an older or newer schema may lack. */
export function optionalField(object: unknown, name: string): unknown {
  return typeof object === 'object' && object !== null ? (object as Record<string, unknown>)[name] : undefined;
}
