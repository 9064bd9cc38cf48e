/** Tick label: as many decimals as the tick step needs, no trailing noise; thousands without separators. */
export function formatTick(v: number, step: number): string {
  if (v === 0) return '0';
  const abs = Math.abs(v);
  if (abs >= 1e5 || abs < 1e-4) return v.toExponential(Math.max(0, Math.min(3, -Math.floor(Math.log10(step / abs)) - 1))).replace('e+', 'e');
  const decimals = Math.max(0, Math.min(6, -Math.floor(Math.log10(step) + 1e-9)));
  return v.toFixed(decimals).replace('-', '−');
}

/** A figure in a table or legend: fixed digits, '—' for missing, minus sign as in print. */
export function formatNumber(v: number | null | undefined, digits = 3): string {
  if (v === null || v === undefined || !Number.isFinite(v)) return '—';
  return v.toFixed(digits).replace('-', '−');
}

/** Significant digits for values of unknown size (coefficients, rates). */
export function formatSignificant(v: number | null | undefined, digits = 3): string {
  if (v === null || v === undefined || !Number.isFinite(v)) return '—';
  if (v === 0) return '0';
  const abs = Math.abs(v);
  const s = abs >= 1e5 || abs < 1e-3 ? v.toExponential(digits - 1) : String(Number(v.toPrecision(digits)));
  return s.replace('-', '−');
}
