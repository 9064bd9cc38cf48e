/** A map from data values to pixels, with the ticks an axis should draw. */
export interface Scale {
  (value: number): number;
  readonly kind: 'linear' | 'log';
  readonly domain: readonly [number, number];
  readonly range: readonly [number, number];
  ticks(count?: number): number[];
}

/** Round tick positions: steps of 1, 2 or 5 × 10ⁿ covering [min, max]. */
export function niceTicks(min: number, max: number, count = 5): number[] {
  if (!Number.isFinite(min) || !Number.isFinite(max)) return [];
  if (min === max) return [min];
  const raw = (max - min) / Math.max(1, count);
  const mag = 10 ** Math.floor(Math.log10(raw));
  const norm = raw / mag;
  const step = (norm < 1.5 ? 1 : norm < 3 ? 2 : norm < 7 ? 5 : 10) * mag;
  const first = Math.ceil(min / step - 1e-9) * step;
  const out: number[] = [];
  for (let i = 0; ; i++) {
    const v = first + i * step;
    if (v > max + step * 1e-9) break;
    out.push(Math.abs(v) < step * 1e-9 ? 0 : Number(v.toPrecision(12)));
  }
  return out;
}

/** The step between neighbouring ticks (for choosing how many decimals to print). */
export function tickStep(ticks: number[]): number {
  return ticks.length > 1 ? Math.abs(ticks[1] - ticks[0]) : Math.abs(ticks[0] ?? 1) || 1;
}

export function linearScale(domain: readonly [number, number], range: readonly [number, number]): Scale {
  const [d0, d1] = domain;
  const [r0, r1] = range;
  const span = d1 - d0 || 1;
  const f = ((v: number) => r0 + ((v - d0) / span) * (r1 - r0)) as Scale;
  return Object.assign(f, { kind: 'linear' as const, domain, range, ticks: (count = 5) => niceTicks(Math.min(d0, d1), Math.max(d0, d1), count) });
}

/** Log₁₀ scale; ticks at 1, 2, 5 × 10ⁿ (or only powers of ten over a wide domain). Domain must be positive. */
export function logScale(domain: readonly [number, number], range: readonly [number, number]): Scale {
  const [d0, d1] = domain;
  const [r0, r1] = range;
  const l0 = Math.log10(d0);
  const span = Math.log10(d1) - l0 || 1;
  const f = ((v: number) => r0 + ((Math.log10(v) - l0) / span) * (r1 - r0)) as Scale;
  const ticks = () => {
    const out: number[] = [];
    const decades = Math.log10(d1) - l0;
    const mult = decades > 3 ? [1] : decades > 1.5 ? [1, 3] : [1, 2, 5];
    for (let e = Math.floor(l0); e <= Math.ceil(Math.log10(d1)); e++)
      for (const m of mult) {
        const v = Number((m * 10 ** e).toPrecision(12));
        if (v >= d0 * (1 - 1e-9) && v <= d1 * (1 + 1e-9)) out.push(v);
      }
    return out;
  };
  return Object.assign(f, { kind: 'log' as const, domain, range, ticks });
}

/**
 * The [min, max] of finite values, padded by a fraction of the span, optionally forced to include 0.
 * A degenerate or empty extent widens to a unit interval around the value.
 */
export function extent(values: Iterable<number>, options: { includeZero?: boolean; pad?: number } = {}): [number, number] {
  let min = Infinity;
  let max = -Infinity;
  for (const v of values) {
    if (!Number.isFinite(v)) continue;
    if (v < min) min = v;
    if (v > max) max = v;
  }
  if (options.includeZero) {
    min = Math.min(min, 0);
    max = Math.max(max, 0);
  }
  if (min === Infinity) return [0, 1];
  if (min === max) {
    const d = Math.abs(min) > 0 ? Math.abs(min) * 0.1 : 1;
    return [min - d, max + d];
  }
  const pad = (max - min) * (options.pad ?? 0.05);
  return [options.includeZero && min === 0 ? 0 : min - pad, options.includeZero && max === 0 ? 0 : max + pad];
}
