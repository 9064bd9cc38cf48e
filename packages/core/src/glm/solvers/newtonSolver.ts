import type { Cholesky } from '../../linalg/cholesky.js';
import { dot, maxAbs } from '../../linalg/vector.js';
import { evaluateObjective, type Evaluation, type GlmData } from '../objective.js';
import { applyPenalty } from '../penalty.js';
import { factorHessian } from './factorHessian.js';
import type { GlmFitSolver, GlmProblem, SolverResult } from './glmSolver.js';
import { backtrackingLineSearch } from './lineSearch.js';
import { subsampledNewtonRows } from './passCosts.js';
import { subsample } from './subsample.js';

/**
 * Newton–IRLS: the exact Hessian every iteration, its Cholesky factor, step halving on the penalised
 * objective. Subsampled (Byrd et al. 2011; Roosta-Khorasani & Mahoney 2016): full gradient, Hessian from a
 * case-control subset of rows (subsample.ts), refreshed only for the first big steps and frozen after —
 * a Newton step needs a roughly right Hessian, not an exact one. With hessianRows ≥ n it is exact Newton.
 */
export class NewtonSolver implements GlmFitSolver {
  readonly defaults = { tol: 1e-10, gradTol: 1e-8, maxIter: 100, refitMaxIter: 50 };
  private prob!: GlmProblem;
  /** The Hessian's rows when subsampled; null for exact Newton. */
  private sub: GlmData | null = null;
  private beta!: Float64Array;
  private ev!: Evaluation;
  /** Penalised objective at beta. */
  private f = 0;
  private iteration = 0;
  /** Whether the subsampled Hessian is still re-summed at each new point (else the frozen one is reused). */
  private refresh = true;
  private frozen: Float64Array | undefined;
  private chol!: Cholesky;
  private step!: Float64Array;
  private change = Infinity;

  constructor(private readonly subsampled: boolean) {}

  get name(): 'newton' | 'subsampledNewton' {
    return this.sub ? 'subsampledNewton' : 'newton';
  }

  get warningName(): string {
    return this.name;
  }

  setup(problem: GlmProblem, start: Float64Array): void {
    this.prob = problem;
    const hessianRows = problem.hessianRows ?? subsampledNewtonRows(problem.d.p);
    this.sub = this.subsampled && hessianRows < problem.d.n ? subsample(problem.d, hessianRows) : null;
    this.beta = start;
    this.refresh = true;
    this.frozen = undefined;
    this.change = Infinity;
    ({ ev: this.ev, value: this.f } = this.evaluate(start, true));
  }

  /** Value and gradient on all rows; Hessian on all rows (exact) or on the subsample. */
  private evaluate(beta: Float64Array, withHessian: boolean): { ev: Evaluation; value: number } {
    const { prob, sub } = this;
    const ev = prob.passes.evaluate(beta, withHessian && !sub);
    if (withHessian && sub) ev.hess = evaluateObjective(sub, prob.fam, beta, true).hess;
    const value = ev.value + applyPenalty(prob.pen, beta, ev.grad, ev.hess);
    return { ev, value };
  }

  /**
   * Exact Newton's Hessian at the accepted point, summed now because the point's evaluation left it out
   * (lineSearch expected the fit to stop there). Same rows, same kernels, same order as the evaluation that
   * would have carried it, so the fit takes the same steps to the bit.
   */
  private deferredHessian(): Float64Array {
    const hess = this.prob.passes.evaluate(this.beta, true).hess!;
    applyPenalty(this.prob.pen, this.beta, undefined, hess);
    return hess;
  }

  /**
   * The Hessian came with the last accepted point's evaluation (one row pass for value, gradient and Hessian),
   * unless lineSearch deferred it; a subsampled one may be the frozen copy.
   */
  updateGradientHessian(iteration: number): void {
    this.iteration = iteration;
    const { ev } = this;
    if (!ev.hess) ev.hess = this.sub ? this.frozen!.slice() : this.deferredHessian();
    const hess = ev.hess;
    if (this.sub && this.refresh) this.frozen = hess.slice();
    this.chol = factorHessian(hess, this.prob.d.p + 1, this.prob.flags);
  }

  innerSolve(): 'step' {
    this.step = this.chol.solve(this.ev.grad).map((g) => -g);
    return 'step';
  }

  /**
   * Step halving from the full Newton step, accepting any decrease of the penalised objective (up to
   * rounding, 1e-12 of it), so every iteration is a descent step. The first trial sums value, gradient and
   * the Hessian in one pass (the full step is accepted nearly always); later trials sum values only, and the
   * accepted point is evaluated in full afterwards. If 40 halvings find no decrease, the last tiny step is taken.
   */
  lineSearch(): boolean {
    const { prob, beta, step } = this;
    const q = prob.d.p + 1;
    const next = new Float64Array(q);
    let nextEv = this.ev;
    const slope = dot(this.ev.grad, step);
    // Exact Newton: when this step's own predicted decrease (half the Newton decrement) already meets the
    // stopping rule, the fit almost surely stops at the next point and a Hessian summed there would be thrown
    // away — in a search most fits are warm-started alternation steps that stop after one or two iterations,
    // and the O(n·p²) Hessian is most of a pass. It is left out and summed later only if the fit goes on
    // (updateGradientHessian): a wrong guess costs one gradient pass, never a different step.
    const tol = prob.tol ?? this.defaults.tol;
    const stopsNext = !this.sub && (0.5 * Math.abs(slope)) / (Math.abs(this.f) + 0.1) < tol;
    const withHessian = this.refresh && !stopsNext;
    const search = backtrackingLineSearch(this.f, slope, { armijo: 0, slack: 1e-12 * Math.abs(this.f), maxTrials: 40 }, (t) => {
      for (let i = 0; i < q; i++) next[i] = beta[i] + t * step[i];
      if (t === 1) {
        const full = this.evaluate(next, withHessian);
        nextEv = full.ev;
        return full.value;
      }
      return prob.passes.value(next) + applyPenalty(prob.pen, next);
    });
    let fNext = search.value;
    if (search.step < 1) ({ ev: nextEv, value: fNext } = this.evaluate(next, withHessian));
    this.change = Math.abs(this.f - fNext) / (Math.abs(fNext) + 0.1);
    // A subsampled Hessian only needs to be roughly right: refresh it for the first big steps only.
    if (this.sub && this.refresh && (this.change < 1e-3 || this.iteration >= 3)) this.refresh = false;
    this.beta = next;
    this.ev = nextEv;
    this.f = fNext;
    return true;
  }

  checkConvergence(): boolean {
    const { prob } = this;
    const gmax = maxAbs(this.ev.grad) / prob.sumW;
    // A frozen Hessian converges linearly: judge it by the gradient, not by a small objective change.
    return (this.change < (prob.tol ?? this.defaults.tol) && (!this.sub || this.refresh)) || gmax < (prob.gradTol ?? this.defaults.gradTol);
  }

  finalize({ converged, iterations }: { converged: boolean; iterations: number }): SolverResult {
    return { beta: this.beta, objective: this.f, iterations, converged, solver: this.name, maxAbsEta: this.ev.maxAbsEta };
  }
}
