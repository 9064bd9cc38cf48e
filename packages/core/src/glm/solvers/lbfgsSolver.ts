import type { Cholesky } from '../../linalg/cholesky.js';
import { axpy, dot, maxAbs } from '../../linalg/vector.js';
import { evaluateObjective, type GlmData } from '../objective.js';
import { applyPenalty } from '../penalty.js';
import { factorHessian } from './factorHessian.js';
import type { GlmFitSolver, GlmProblem, SolverResult } from './glmSolver.js';
import { backtrackingLineSearch } from './lineSearch.js';
import { gradientPassCost, hessianCost, preconditionerRows } from './passCosts.js';
import { subsample } from './subsample.js';

/** L-BFGS memory: pairs (s, y) kept for the two-loop recursion. */
const MEMORY = 10;

/**
 * When and from which rows preconditioned L-BFGS builds its Hessian: from the first step when that is cheap
 * next to a gradient pass, else only once plain L-BFGS shows it is struggling (see LbfgsSolver).
 */
interface PreconditionPlan {
  /** The rows the Hessian is summed over (made on first use: a fit that converges without one never pays). */
  rows: () => GlmData;
  fromStart: boolean;
  /** Steps after which a still-unconverged fit rebuilds the Hessian at its current β. */
  rebuildEvery: number;
}

/**
 * Preconditioned L-BFGS's Hessian: from a case-control subsample of hessianRows rows, or all rows when the
 * subsample would be most of them; built at the start when it costs at most 1.5 gradient passes; rebuilt
 * (if the fit has not converged) after as many steps as the Hessian costs gradient passes, at least 10 — so
 * Hessians take at most about half the time, and a fit whose curvature keeps changing (near-separation,
 * strongly correlated columns) still gets a recent one.
 */
function preconditionPlan(d: GlmData, hessianRows: number): PreconditionPlan {
  const subsampled = 2 * hessianRows < d.n;
  let rows: GlmData | null = subsampled ? null : d;
  const cost = hessianCost(subsampled ? hessianRows : d.n, d.p) / gradientPassCost(d.n, d.p);
  return { rows: () => (rows ??= subsample(d, hessianRows)), fromStart: cost <= 1.5, rebuildEvery: Math.max(10, Math.ceil(cost)) };
}

/**
 * L-BFGS: two-loop recursion, memory 10, Armijo backtracking from t = 1; one gradient pass per step when
 * the step is accepted (the usual case). Preconditioned, the initial inverse Hessian is a Newton Hessian's
 * inverse instead of a scaled identity: the Hessian fixes the scale and correlation of the columns —
 * raised-cosine bases overlap, so their columns are strongly correlated and plain L-BFGS needs hundreds of
 * steps — and the L-BFGS pairs correct what a subsampled or stale Hessian gets wrong, so it needs neither all
 * rows nor a refresh every step.
 *
 * When the Hessian costs more than a gradient pass, it is built only if plain L-BFGS has not nearly
 * converged by step 8 (on well-conditioned designs it is within ~1e-6 of the optimum by then; on basis
 * designs it is still making percent-size moves) or by step 20. A Hessian built at the start (β = constant
 * rate, far from the optimum) is rebuilt once, after the first big steps.
 */
export class LbfgsSolver implements GlmFitSolver {
  readonly defaults = { tol: 1e-14, gradTol: 1e-9, maxIter: 5000, refitMaxIter: 300 };
  readonly warningName = 'L-BFGS';
  private prob!: GlmProblem;
  private plan: PreconditionPlan | null = null;
  private precond: Cholesky | null = null;
  private rebuildAfterFirstSteps = false;
  /** The step after which the preconditioner was last built (0: at the start, or never). */
  private builtAt = 0;
  private beta!: Float64Array;
  private f = 0;
  private g!: Float64Array;
  private maxAbsEta = 0;
  private change = Infinity;
  private S: Float64Array[] = [];
  private Y: Float64Array[] = [];
  private rho: number[] = [];
  private dir!: Float64Array;
  private slope = 0;

  constructor(private readonly preconditioned: boolean) {}

  get name(): 'lbfgs' | 'preconditionedLbfgs' {
    return this.precond ? 'preconditionedLbfgs' : 'lbfgs';
  }

  private evaluate(b: Float64Array): { v: number; g: Float64Array; maxAbsEta: number } {
    const e = this.prob.passes.evaluate(b, false);
    const v = e.value + applyPenalty(this.prob.pen, b, e.grad);
    return { v, g: e.grad, maxAbsEta: e.maxAbsEta };
  }

  /** Cholesky factor of the penalised Hessian at beta, summed over the plan's rows (a weighted subsample or all rows). */
  private buildPreconditioner(plan: PreconditionPlan, beta: Float64Array): Cholesky {
    const { prob } = this;
    const rows = plan.rows();
    const hess = rows === prob.d ? prob.passes.evaluate(beta, true).hess! : evaluateObjective(rows, prob.fam, beta, true).hess!;
    applyPenalty(prob.pen, beta, undefined, hess);
    return factorHessian(hess, prob.d.p + 1, prob.flags);
  }

  setup(problem: GlmProblem, start: Float64Array): void {
    this.prob = problem;
    const { d } = problem;
    this.plan = this.preconditioned ? preconditionPlan(d, problem.hessianRows ?? preconditionerRows(d.n, d.p)) : null;
    this.S = [];
    this.Y = [];
    this.rho = [];
    this.dir = new Float64Array(d.p + 1);
    this.beta = start;
    this.change = Infinity;
    ({ v: this.f, g: this.g, maxAbsEta: this.maxAbsEta } = this.evaluate(start));
    this.precond = this.plan?.fromStart ? this.buildPreconditioner(this.plan, start) : null;
    this.rebuildAfterFirstSteps = this.precond !== null;
    this.builtAt = 0;
  }

  /** Builds or rebuilds the preconditioner (the only Hessian L-BFGS has) when the plan says so, judged after the previous step. */
  updateGradientHessian(iteration: number): void {
    const { plan, precond } = this;
    const done = iteration - 1;
    if (plan === null || done === 0) return;
    const build = precond
      ? (this.rebuildAfterFirstSteps && (this.change < 1e-3 || done >= 4)) || done - this.builtAt >= plan.rebuildEvery
      : done >= 8 && (this.change > 1e-4 || done >= 20);
    if (build) {
      this.precond = this.buildPreconditioner(plan, this.beta);
      this.rebuildAfterFirstSteps = false;
      this.builtAt = done;
    }
  }

  /** Two-loop recursion: dir = −H·g with H the L-BFGS inverse-Hessian estimate. */
  innerSolve(): 'step' {
    const { S, Y, rho, dir, g } = this;
    const q = dir.length;
    const alpha = new Float64Array(MEMORY);
    for (let i = 0; i < q; i++) dir[i] = -g[i];
    for (let k = S.length - 1; k >= 0; k--) {
      alpha[k] = rho[k] * dot(S[k], dir);
      axpy(-alpha[k], Y[k], dir);
    }
    if (this.precond) {
      dir.set(this.precond.solve(dir));
    } else if (S.length > 0) {
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
    this.slope = dot(g, dir);
    if (this.slope >= 0) {
      // Not a descent direction (curvature information went stale): restart from steepest descent.
      S.length = 0;
      Y.length = 0;
      rho.length = 0;
      for (let i = 0; i < q; i++) dir[i] = -g[i] / Math.max(1, Math.sqrt(dot(g, g)));
      this.slope = dot(g, dir);
    }
    return 'step';
  }

  /** Armijo backtracking (fraction 1e-4) with a gradient at every trial: the accepted trial's is the next step's. */
  lineSearch(): boolean {
    const { beta, dir, g } = this;
    const q = dir.length;
    const next = new Float64Array(q);
    let res = { v: Infinity, g, maxAbsEta: this.maxAbsEta };
    backtrackingLineSearch(this.f, this.slope, { armijo: 1e-4, maxTrials: 50 }, (t) => {
      for (let i = 0; i < q; i++) next[i] = beta[i] + t * dir[i];
      res = this.evaluate(next);
      return res.v;
    });
    const s = new Float64Array(q);
    const yv = new Float64Array(q);
    for (let i = 0; i < q; i++) {
      s[i] = next[i] - beta[i];
      yv[i] = res.g[i] - g[i];
    }
    const sy = dot(s, yv);
    // Keep the pair only with positive curvature along the step: the inverse-Hessian estimate stays positive definite.
    if (sy > 1e-12 * Math.sqrt(dot(s, s) * dot(yv, yv))) {
      if (this.S.length === MEMORY) {
        this.S.shift();
        this.Y.shift();
        this.rho.shift();
      }
      this.S.push(s);
      this.Y.push(yv);
      this.rho.push(1 / sy);
    }
    this.change = Math.abs(this.f - res.v) / (Math.abs(res.v) + 0.1);
    this.beta = next;
    this.f = res.v;
    this.g = res.g;
    this.maxAbsEta = res.maxAbsEta;
    return true;
  }

  checkConvergence(): boolean {
    const { prob } = this;
    return maxAbs(this.g) / prob.sumW < (prob.gradTol ?? this.defaults.gradTol) || this.change < (prob.tol ?? this.defaults.tol);
  }

  finalize({ converged, iterations }: { converged: boolean; iterations: number }): SolverResult {
    return { beta: this.beta, objective: this.f, iterations, converged, solver: this.name, maxAbsEta: this.maxAbsEta };
  }
}
