import type { Estimate } from './resultSchema.js';

/** What the predicted change is set beside: a rerun detailed simulation (neurons) or the network itself (language models). */
export type ObservedChange = 'simulated' | 'actual';

/** The miss rule in words, as every result file and summary states it. `floor` is an extra absolute margin (in the response's unit). */
export function missRule(missFraction: number, versus: ObservedChange = 'simulated', floor?: { value: number; unit: string }): string {
  const resolved = versus === 'simulated' ? 'the trials resolve' : 'the prompts resolve';
  return (
    `an intervention's prediction misses when the interval of (predicted − ${versus} change) excludes 0 AND |predicted − ${versus}| > ` +
    `${missFraction} × max(|predicted|, |${versus}|)${floor ? ` AND |predicted − ${versus}| > ${floor.value} (${floor.unit})` : ''}: ` +
    `a difference ${resolved} and that is large beside the effect itself ` +
    `(a wrong sign, or a change off by more than a factor ${(1 / (1 - missFraction)).toPrecision(2)})`
  );
}

/** A change with its sign; tiny changes in exponent form so that 4e-6 does not print as +0.0000. */
export function signedChange(v: number | null): string {
  if (v === null) return '—';
  const s = Math.abs(v) < 1e-3 && v !== 0 ? v.toExponential(2) : v.toFixed(4);
  return v > 0 ? `+${s}` : s;
}

/**
 * One intervention's line: predicted change beside the observed one and their difference, then the verdict.
 * A prediction under a tenth of the observed change is called "(almost) no change", not a wrong sign: a reduced
 * model whose atoms an intervention does not touch predicts ~0 and its sign is noise.
 */
export function outcomeLine(
  name: string,
  predicted: Estimate,
  observed: Estimate | null,
  diff: Estimate | null,
  miss: boolean | null,
  p: { predChange: number; observedChange: number },
  versus: ObservedChange,
): string {
  const e = (x: Estimate) => `${signedChange(x.estimate)}${x.low !== null && x.high !== null ? ` [${signedChange(x.low)}, ${signedChange(x.high)}]` : ''}`;
  const head = `${name}: predicted change ${e(predicted)}`;
  if (!observed || !diff) return `${head}; no simulation given`;
  const body = `${head}, ${versus} ${e(observed)}; predicted − ${versus} ${e(diff)}`;
  if (!miss) return `${body}: the reduction predicts this intervention`;
  const ratio = p.predChange / p.observedChange;
  const why =
    Math.abs(p.predChange) < 0.1 * Math.abs(p.observedChange)
      ? `predicts (almost) no change (predicted/${versus} ${ratio.toFixed(2)}): the intervention moves nothing the reduced model reads`
      : p.predChange * p.observedChange < 0
        ? 'predicts a change of the wrong sign'
        : Math.abs(p.predChange) < Math.abs(p.observedChange)
          ? `under-predicts the change (predicted/${versus} ${ratio.toFixed(2)})`
          : `over-predicts the change (predicted/${versus} ${ratio.toFixed(2)})`;
  return `${body}: MISS — the reduction ${why}`;
}

/**
 * The slope's spread over which interventions were run: recomputed leaving each one out. The trial bootstrap holds
 * the set of interventions fixed, so when one large intervention dominates the slope its interval is narrow while
 * the slope rests on that one point; this says so (null with fewer than three interventions).
 */
export function slopeLeavingOneOut(xs: number[], ys: number[], names: string[]): SlopeLeaveOneOut | null {
  if (xs.length < 3) return null;
  const point = slopeThroughOrigin(xs, ys);
  const largest = Math.max(...xs.map(Math.abs));
  let min = Infinity;
  let max = -Infinity;
  let most = -1;
  let mostSlope: number | null = null;
  for (let k = 0; k < xs.length; k++) {
    const rx = xs.filter((_, i) => i !== k);
    // Predicted changes that are all tiny beside the largest make a slope of noise over noise: undefined, and the
    // one left out is the point the slope rests on.
    const s =
      Math.max(...rx.map(Math.abs)) < NEGLIGIBLE * largest
        ? NaN
        : slopeThroughOrigin(
            rx,
            ys.filter((_, i) => i !== k),
          );
    if (!Number.isFinite(s)) {
      most = k;
      mostSlope = null;
      continue;
    }
    min = Math.min(min, s);
    max = Math.max(max, s);
    if (mostSlope !== null || most < 0) {
      if (most < 0 || Math.abs(s - point) > Math.abs(mostSlope! - point)) {
        most = k;
        mostSlope = s;
      }
    }
  }
  if (most < 0) return null;
  return { min: Number.isFinite(min) ? min : null, max: Number.isFinite(max) ? max : null, mostInfluential: names[most], slopeWithout: mostSlope };
}

/** A predicted change below this fraction of the largest one counts as none when the slope is recomputed. */
const NEGLIGIBLE = 0.01;

export interface SlopeLeaveOneOut {
  /** Range of the defined leave-one-out slopes (null when none is defined). */
  min: number | null;
  max: number | null;
  /** The intervention whose removal moves the slope most, and the slope without it (null: the rest predict almost no change). */
  mostInfluential: string;
  slopeWithout: number | null;
}

/** The leave-one-out spread in words, beside the slope's interval. */
export function leaveOneOutText(l: SlopeLeaveOneOut | null | undefined): string {
  if (!l) return '';
  if (l.slopeWithout === null)
    return `; the slope rests on '${l.mostInfluential}' alone: without it the other interventions predict almost no change (under ${NEGLIGIBLE * 100} % of its)`;
  return `; leaving one intervention out the slope ranges ${l.min!.toFixed(2)}–${l.max!.toFixed(2)} (without '${l.mostInfluential}': ${l.slopeWithout.toFixed(2)})`;
}

/** Observed change regressed on predicted change through the origin (1: the reduction predicts the right size). */
export function slopeThroughOrigin(xs: number[], ys: number[]): number {
  let xy = 0;
  let xx = 0;
  for (let i = 0; i < xs.length; i++) {
    xy += xs[i] * ys[i];
    xx += xs[i] * xs[i];
  }
  return xs.length >= 2 && xx > 0 ? xy / xx : NaN;
}

/** Pearson correlation of predicted and observed changes across interventions (NaN below 3 or without spread). */
export function pearson(xs: number[], ys: number[]): number {
  const n = xs.length;
  if (n < 3) return NaN;
  const mx = xs.reduce((s, v) => s + v, 0) / n;
  const my = ys.reduce((s, v) => s + v, 0) / n;
  let sxy = 0;
  let sxx = 0;
  let syy = 0;
  for (let i = 0; i < n; i++) {
    sxy += (xs[i] - mx) * (ys[i] - my);
    sxx += (xs[i] - mx) ** 2;
    syy += (ys[i] - my) ** 2;
  }
  return sxx > 0 && syy > 0 ? sxy / Math.sqrt(sxx * syy) : NaN;
}
