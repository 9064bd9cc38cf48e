import { CholeskyDecomposition, Matrix } from 'ml-matrix';
import { OccamError } from '../errors.js';
import type { Family } from '../spec/schema.js';
import { familyOps, type FamilyOps } from './families.js';
import { evaluateObjective, objectiveValue, type GlmData } from './objective.js';
import { applyPenalty, type Penalty } from './penalty.js';

export interface GlmFitOptions {
  family: Family;
  penalty: Penalty;
  /** 'auto' picks Newton (exact Hessian, Cholesky) unless an n·p² Hessian pass would dominate, then L-BFGS. */
  solver?: 'auto' | 'newton' | 'lbfgs';
  /** Relative change of the penalised objective at which to stop. */
  tol?: number;
  /** Stop when the max |gradient| per unit of total row weight falls below this. */
  gradTol?: number;
  maxIter?: number;
  init?: Float64Array;
}

export interface GlmFit {
  /** Index 0 is the intercept. */
  beta: Float64Array;
  /** Penalised objective Σ w·nll + ½βᵀPβ at beta. */
  objective: number;
  iterations: number;
  converged: boolean;
  solver: 'newton' | 'lbfgs';
  warnings: string[];
}

interface Problem {
  d: GlmData;
  fam: FamilyOps;
  pen: Penalty;
  sumW: number;
}

function totalWeight(d: GlmData): number {
  if (!d.weights) return d.n;
  let s = 0;
  for (let i = 0; i < d.n; i++) s += d.weights[i];
  return s;
}

function checkTarget(d: GlmData, family: Family): { mean: number } {
  let sw = 0;
  let sy = 0;
  let allOne = true;
  for (let i = 0; i < d.n; i++) {
    const w = d.weights ? d.weights[i] : 1;
    if (w === 0) continue;
    const y = d.y[i];
    if (!Number.isFinite(y)) throw new OccamError(`target has a non-finite value at design row ${i}`, { field: 'target' });
    if (family !== 'gaussian' && y < 0) throw new OccamError(`target is negative (${y}) at design row ${i}; ${family} needs y ≥ 0`, { field: 'target' });
    if (family === 'bernoulli' && y !== 0 && y !== 1) throw new OccamError(`bernoulli target must be 0/1, found ${y} at design row ${i}`, { field: 'target' });
    if (y !== 1) allOne = false;
    sw += w;
    sy += w * y;
  }
  if (sw === 0) throw new OccamError('no rows to fit: every scored bin has weight 0 (empty training set)', { field: 'scored' });
  if (family !== 'gaussian' && sy === 0) {
    throw new OccamError(
      'target is all zero in the fitted bins: there is no event to predict (check the scored window and the target file)',
      { field: 'target' },
    );
  }
  if (family === 'bernoulli' && allOne) throw new OccamError('target is 1 in every fitted bin: there is nothing to discriminate', { field: 'target' });
  return { mean: sy / sw };
}

function penalisedValue(prob: Problem, beta: Float64Array): number {
  return objectiveValue(prob.d, prob.fam, beta) + applyPenalty(prob.pen, beta);
}

/**
 * Fit a penalised GLM: minimise Σ wᵢ·nll(yᵢ; β₀ + offsetᵢ + xᵢβ) + ½βᵀPβ.
 * Warnings (not errors) for separation, rank deficiency and non-convergence; an all-zero target is an error.
 */
export function fitGlm(d: GlmData, options: GlmFitOptions): GlmFit {
  const fam = familyOps(options.family);
  const { mean } = checkTarget(d, options.family);
  const q = d.p + 1;
  const beta = new Float64Array(q);
  if (options.init) beta.set(options.init);
  else beta[0] = options.family === 'gaussian' ? mean : fam.link(Math.min(Math.max(mean, 1e-9), 1 - 1e-9));
  const prob: Problem = { d, fam, pen: options.penalty, sumW: totalWeight(d) };
  const solver = options.solver && options.solver !== 'auto' ? options.solver : d.n * q * q > 4e9 ? 'lbfgs' : 'newton';
  const warnings: string[] = [];
  const zeroCols = zeroColumns(d);
  if (zeroCols.length > 0) {
    warnings.push(`${zeroCols.length} design column(s) are zero in every fitted bin (empty group or lag range); their weights stay 0`);
  }
  const fit = solver === 'newton' ? newton(prob, beta, options, warnings) : lbfgs(prob, beta, options, warnings);
  // Separation: without a penalty the likelihood keeps rising as |β| grows; the fitted η runs off.
  if (options.family === 'bernoulli') {
    const e = evaluateObjective(d, fam, fit.beta, false);
    if (e.maxAbsEta > 30) {
      warnings.push(
        `possible (quasi-)complete separation: some bins are predicted with probability ≈ 0 or 1 (|η| up to ${e.maxAbsEta.toFixed(0)}); ` +
          'coefficients are not identifiable without a penalty — increase regularization.ridge',
      );
    }
  }
  return { ...fit, warnings };
}

function zeroColumns(d: GlmData): number[] {
  const out: number[] = [];
  for (let c = 0; c < d.p; c++) {
    let any = false;
    const base = c * d.n;
    for (let i = 0; i < d.n; i++) {
      if (d.X[base + i] !== 0 && (!d.weights || d.weights[i] !== 0)) {
        any = true;
        break;
      }
    }
    if (!any) out.push(c);
  }
  return out;
}

function newton(prob: Problem, beta: Float64Array, options: GlmFitOptions, warnings: string[]): Omit<GlmFit, 'warnings'> {
  const tol = options.tol ?? 1e-10;
  const gradTol = options.gradTol ?? 1e-8;
  const maxIter = options.maxIter ?? 100;
  const q = prob.d.p + 1;
  let ev = evaluateObjective(prob.d, prob.fam, beta, true);
  let f = ev.value + applyPenalty(prob.pen, beta, ev.grad, ev.hess);
  let rankWarned = false;
  for (let iter = 1; iter <= maxIter; iter++) {
    const hess = ev.hess!;
    // Columns that are zero everywhere have zero Hessian rows; pin them so the solve stays defined.
    for (let a = 1; a < q; a++) if (hess[a * q + a] === 0) hess[a * q + a] = 1;
    let chol = new CholeskyDecomposition(new Matrix(toRows(hess, q)));
    if (!chol.isPositiveDefinite() || smallestPivotRatio(chol) < 1e-13) {
      if (!rankWarned) {
        warnings.push('rank-deficient or collinear design: the Hessian is singular; coefficients are not unique — add regularization.ridge > 0');
        rankWarned = true;
      }
      let trace = 0;
      for (let a = 0; a < q; a++) trace += hess[a * q + a];
      const jitter = (1e-8 * trace) / q;
      for (let a = 0; a < q; a++) hess[a * q + a] += jitter;
      chol = new CholeskyDecomposition(new Matrix(toRows(hess, q)));
    }
    const step = chol.solve(Matrix.columnVector(Array.from(ev.grad, (g) => -g))).to1DArray();
    // Step halving on the penalised objective keeps every iteration a descent step.
    let t = 1;
    let next = new Float64Array(q);
    let nextEv = ev;
    let fNext = Infinity;
    for (let halving = 0; halving < 40; halving++) {
      for (let i = 0; i < q; i++) next[i] = beta[i] + t * step[i];
      if (halving === 0) {
        nextEv = evaluateObjective(prob.d, prob.fam, next, true);
        fNext = nextEv.value + applyPenalty(prob.pen, next, nextEv.grad, nextEv.hess);
      } else {
        fNext = penalisedValue(prob, next);
      }
      if (fNext <= f + 1e-12 * Math.abs(f)) break;
      t /= 2;
    }
    if (t < 1) {
      nextEv = evaluateObjective(prob.d, prob.fam, next, true);
      fNext = nextEv.value + applyPenalty(prob.pen, next, nextEv.grad, nextEv.hess);
    }
    const change = Math.abs(f - fNext) / (Math.abs(fNext) + 0.1);
    beta = next;
    next = new Float64Array(q);
    ev = nextEv;
    f = fNext;
    const gmax = maxAbs(ev.grad) / prob.sumW;
    if (change < tol || gmax < gradTol) return { beta, objective: f, iterations: iter, converged: true, solver: 'newton' };
  }
  warnings.push(`Newton did not converge in ${maxIter} iterations; results may be inaccurate`);
  return { beta, objective: f, iterations: maxIter, converged: false, solver: 'newton' };
}

function lbfgs(prob: Problem, beta: Float64Array, options: GlmFitOptions, warnings: string[]): Omit<GlmFit, 'warnings'> {
  const gradTol = options.gradTol ?? 1e-9;
  const tol = options.tol ?? 1e-14;
  const maxIter = options.maxIter ?? 5000;
  const q = prob.d.p + 1;
  const m = 10;
  const S: Float64Array[] = [];
  const Y: Float64Array[] = [];
  const rho: number[] = [];
  const evalAt = (b: Float64Array) => {
    const e = evaluateObjective(prob.d, prob.fam, b, false);
    const v = e.value + applyPenalty(prob.pen, b, e.grad);
    return { v, g: e.grad };
  };
  let { v: f, g } = evalAt(beta);
  const dir = new Float64Array(q);
  const alpha = new Float64Array(m);
  for (let iter = 1; iter <= maxIter; iter++) {
    // Two-loop recursion: dir = −H·g with H the L-BFGS inverse-Hessian estimate.
    for (let i = 0; i < q; i++) dir[i] = -g[i];
    for (let k = S.length - 1; k >= 0; k--) {
      alpha[k] = rho[k] * dot(S[k], dir);
      axpy(-alpha[k], Y[k], dir);
    }
    if (S.length > 0) {
      const k = S.length - 1;
      const gamma = dot(S[k], Y[k]) / dot(Y[k], Y[k]);
      for (let i = 0; i < q; i++) dir[i] *= gamma;
    } else {
      const scale = 1 / Math.max(1, Math.sqrt(dot(g, g)));
      for (let i = 0; i < q; i++) dir[i] *= scale;
    }
    for (let k = 0; k < S.length; k++) {
      const b = rho[k] * dot(Y[k], dir);
      axpy(alpha[k] - b, S[k], dir);
    }
    let slope = dot(g, dir);
    if (slope >= 0) {
      // Not a descent direction (curvature information went stale): restart from steepest descent.
      S.length = 0;
      Y.length = 0;
      rho.length = 0;
      for (let i = 0; i < q; i++) dir[i] = -g[i] / Math.max(1, Math.sqrt(dot(g, g)));
      slope = dot(g, dir);
    }
    // Backtracking Armijo line search.
    let t = 1;
    const next = new Float64Array(q);
    let res = { v: Infinity, g };
    for (let k = 0; k < 50; k++) {
      for (let i = 0; i < q; i++) next[i] = beta[i] + t * dir[i];
      res = evalAt(next);
      if (res.v <= f + 1e-4 * t * slope) break;
      t *= 0.5;
    }
    const s = new Float64Array(q);
    const yv = new Float64Array(q);
    for (let i = 0; i < q; i++) {
      s[i] = next[i] - beta[i];
      yv[i] = res.g[i] - g[i];
    }
    const sy = dot(s, yv);
    if (sy > 1e-12 * Math.sqrt(dot(s, s) * dot(yv, yv))) {
      if (S.length === m) {
        S.shift();
        Y.shift();
        rho.shift();
      }
      S.push(s);
      Y.push(yv);
      rho.push(1 / sy);
    }
    const change = Math.abs(f - res.v) / (Math.abs(res.v) + 0.1);
    beta = next;
    f = res.v;
    g = res.g;
    if (maxAbs(g) / prob.sumW < gradTol || change < tol) {
      return { beta, objective: f, iterations: iter, converged: true, solver: 'lbfgs' };
    }
  }
  warnings.push(`L-BFGS did not converge in ${maxIter} iterations; results may be inaccurate`);
  return { beta, objective: f, iterations: maxIter, converged: false, solver: 'lbfgs' };
}

function toRows(a: Float64Array, q: number): number[][] {
  const rows: number[][] = [];
  for (let i = 0; i < q; i++) rows.push(Array.from(a.subarray(i * q, (i + 1) * q)));
  return rows;
}

function smallestPivotRatio(chol: CholeskyDecomposition): number {
  const L = chol.lowerTriangularMatrix;
  let lo = Infinity;
  let hi = 0;
  for (let i = 0; i < L.rows; i++) {
    const v = L.get(i, i) ** 2;
    lo = Math.min(lo, v);
    hi = Math.max(hi, v);
  }
  return hi === 0 ? 0 : lo / hi;
}

function dot(a: Float64Array, b: Float64Array): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i] * b[i];
  return s;
}

function axpy(alpha: number, x: Float64Array, y: Float64Array): void {
  for (let i = 0; i < x.length; i++) y[i] += alpha * x[i];
}

function maxAbs(a: Float64Array): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]));
  return m;
}
