import type { FamilyOps } from '../families.js';

/**
 * Per-row family terms in JavaScript: the JS engine's, and the WebAssembly engine's for families it has no
 * kernel for. From η they give the row's contribution to the value, r = w·(μ − y) (gradient weight) and
 * h = w·Var(μ) (Hessian weight: for a canonical link the variance of the mean), and add the chunk's sums to
 * `terms`.
 */

/** Slots of the per-pass scalar sums the row-term loops add to. */
export const VALUE = 0;
export const MAX_ABS_ETA = 1;
export const G0 = 2;
export const H00 = 3;
export const TERMS = 4;

/**
 * Per-row terms for any family: value += w·nll, r = w·(μ − y), h = w·Var(μ) (the canonical-link Hessian
 * weight). Rows with weight 0 get r = h = 0 so they drop out of every sum.
 */
export function familyRowTerms(
  fam: FamilyOps,
  eta: Float64Array,
  y: Float64Array,
  weights: Float64Array | undefined,
  r0: number,
  m: number,
  r: Float64Array,
  h: Float64Array,
  wantGrad: boolean,
  terms: Float64Array,
): void {
  let value = 0;
  let maxAbsEta = terms[MAX_ABS_ETA];
  let g0 = 0;
  let h00 = 0;
  for (let i = 0; i < m; i++) {
    const w = weights ? weights[r0 + i] : 1;
    if (w === 0) {
      r[i] = 0;
      h[i] = 0;
      continue;
    }
    const e = eta[i];
    const yi = y[r0 + i];
    value += w * fam.nll(yi, e);
    const ae = e < 0 ? -e : e;
    if (ae > maxAbsEta) maxAbsEta = ae;
    if (!wantGrad) continue;
    const mu = fam.mean(e);
    r[i] = w * (mu - yi);
    h[i] = w * fam.variance(mu);
    g0 += r[i];
    h00 += h[i];
  }
  terms[VALUE] += value;
  terms[MAX_ABS_ETA] = maxAbsEta;
  terms[G0] += g0;
  terms[H00] += h00;
}

/**
 * familyRowTerms for the Bernoulli/logit family, inlined: one exp(−|η|) serves both the mean and the
 * softplus in the nll (the generic path calls exp twice and log1p once through the family object), which is
 * a third of a gradient pass at p = 100. Same formulas as families.ts, so the same bits.
 */
export function bernoulliRowTerms(
  eta: Float64Array,
  y: Float64Array,
  weights: Float64Array | undefined,
  r0: number,
  m: number,
  r: Float64Array,
  h: Float64Array,
  wantGrad: boolean,
  terms: Float64Array,
): void {
  let value = 0;
  let maxAbsEta = terms[MAX_ABS_ETA];
  let g0 = 0;
  let h00 = 0;
  for (let i = 0; i < m; i++) {
    const w = weights ? weights[r0 + i] : 1;
    if (w === 0) {
      r[i] = 0;
      h[i] = 0;
      continue;
    }
    const e = eta[i];
    const yi = y[r0 + i];
    const ae = e < 0 ? -e : e;
    if (ae > maxAbsEta) maxAbsEta = ae;
    const t = Math.exp(-ae);
    // softplus(η) = max(η, 0) + log1p(exp(−|η|)); nll = softplus(η) − y·η.
    value += w * ((e > 0 ? e : 0) + Math.log1p(t) - yi * e);
    if (!wantGrad) continue;
    const mu = e >= 0 ? 1 / (1 + t) : t / (1 + t);
    const ri = w * (mu - yi);
    const hi = w * (mu * (1 - mu));
    r[i] = ri;
    h[i] = hi;
    g0 += ri;
    h00 += hi;
  }
  terms[VALUE] += value;
  terms[MAX_ABS_ETA] = maxAbsEta;
  terms[G0] += g0;
  terms[H00] += h00;
}
