import type { Family } from '../spec/schema.js';

/**
 * Observation models with their canonical links. For a canonical link the Hessian weight of a row
 * equals the variance of its mean, so one `variance` serves both IRLS weights and Fisher information.
 */
export interface FamilyOps {
  /** What code branches on (a family's behaviour, never its printed name). */
  kind: Family;
  /** The family as written in a spec (today the same word as `kind`; printed, not compared). */
  name: Family;
  mean(eta: number): number;
  /** Negative log-likelihood of one bin up to terms that depend on y only (what the solver minimises). */
  nll(y: number, eta: number): number;
  variance(mu: number): number;
  /** Full log-likelihood of one bin (for reporting); gaussian uses the given noise variance. */
  logLik(y: number, mu: number, sigma2: number): number;
  /** Unit deviance 2[ℓ(y; y) − ℓ(y; μ)]. */
  deviance(y: number, mu: number): number;
  /** Link of a mean, for the constant-rate starting point. */
  link(mu: number): number;
}

const EPS = 1e-12;

function softplus(x: number): number {
  return x > 0 ? x + Math.log1p(Math.exp(-x)) : Math.log1p(Math.exp(x));
}

function logFactorial(k: number): number {
  let s = 0;
  for (let i = 2; i <= k; i++) s += Math.log(i);
  return s;
}

export const bernoulli: FamilyOps = {
  kind: 'bernoulli',
  name: 'bernoulli',
  mean: (eta) => (eta >= 0 ? 1 / (1 + Math.exp(-eta)) : Math.exp(eta) / (1 + Math.exp(eta))),
  nll: (y, eta) => softplus(eta) - y * eta,
  variance: (mu) => mu * (1 - mu),
  logLik: (y, mu) => {
    const m = Math.min(Math.max(mu, EPS), 1 - EPS);
    return y * Math.log(m) + (1 - y) * Math.log(1 - m);
  },
  deviance: (y, mu) => -2 * bernoulli.logLik(y, mu, 1),
  link: (mu) => Math.log(mu / (1 - mu)),
};

export const poisson: FamilyOps = {
  kind: 'poisson',
  name: 'poisson',
  mean: (eta) => Math.exp(Math.min(eta, 700)),
  nll: (y, eta) => Math.exp(Math.min(eta, 700)) - y * eta,
  variance: (mu) => mu,
  logLik: (y, mu) => y * Math.log(Math.max(mu, EPS)) - mu - logFactorial(y),
  deviance: (y, mu) => 2 * ((y > 0 ? y * Math.log(y / Math.max(mu, EPS)) : 0) - (y - mu)),
  link: (mu) => Math.log(mu),
};

export const gaussian: FamilyOps = {
  kind: 'gaussian',
  name: 'gaussian',
  mean: (eta) => eta,
  nll: (y, eta) => 0.5 * (y - eta) * (y - eta),
  variance: () => 1,
  logLik: (y, mu, sigma2) => -0.5 * Math.log(2 * Math.PI * sigma2) - ((y - mu) * (y - mu)) / (2 * sigma2),
  deviance: (y, mu) => (y - mu) * (y - mu),
  link: (mu) => mu,
};

const BY_KIND: Record<Family, FamilyOps> = { bernoulli, poisson, gaussian };

export function familyOps(kind: Family): FamilyOps {
  return BY_KIND[kind];
}
