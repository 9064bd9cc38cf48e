import type { FamilyOps } from '../families.js';
import type { GlmData, RowPasses } from '../objective.js';
import type { Penalty } from '../penalty.js';
import type { FactorFlags } from './factorHessian.js';

/**
 * An iterative solver in the shape of scikit-learn's NewtonSolver (sklearn/linear_model/_glm/_newton_solver.py):
 * runSolver calls setup once, then per iteration updateGradientHessian → innerSolve → lineSearch →
 * checkConvergence, and finalize at the end. Implementations keep their state between the calls (the
 * current coefficients, gradient, Hessian or its stand-in, the step), so each phase reads as one idea and
 * the solvers share the loop, the line search (lineSearch.ts) and the dense linear algebra (linalg/).
 * `Problem` is what the solver minimises; `Result` what finalize reports.
 */
export interface GlmSolver<Problem = GlmProblem, Result = SolverResult> {
  /** The name a fit reports (GlmFit.solver); may depend on the problem, so read it after setup. */
  readonly name: string;
  /** Evaluate the objective at `start`; reset every piece of state from an earlier run. */
  setup(problem: Problem, start: Float64Array): void;
  /** The gradient and the Hessian (or what stands in for it: a subsample's, a preconditioner, none) at the current point. */
  updateGradientHessian(iteration: number): void;
  /** The search direction. 'converged' when no descent direction is left (the step itself is below tolerance). */
  innerSolve(): 'step' | 'converged';
  /** Move along the direction (backtrackingLineSearch); false when no step could be taken (stop, unconverged). */
  lineSearch(): boolean;
  checkConvergence(): boolean;
  finalize(outcome: { converged: boolean; iterations: number }): Result;
}

/** What a GLM solver minimises: Σ w·nll over the rows of d plus ½βᵀPβ, and how to stop. */
export interface GlmProblem {
  d: GlmData;
  fam: FamilyOps;
  /** Passes over d's rows (value, gradient, Hessian), set up once for the fit. */
  passes: RowPasses;
  pen: Penalty;
  /** Σ of the row weights: the gradient tolerance is per unit of it. */
  sumW: number;
  /** Relative change of the penalised objective at which to stop (the solver's default when undefined). */
  tol?: number;
  /** Max |gradient| per unit of row weight at which to stop (the solver's default when undefined). */
  gradTol?: number;
  /** Rows for a subsampled Hessian (the solver's default when undefined). */
  hessianRows?: number;
  /** A solver that had to jitter a Hessian to factor it sets flags.jittered (see factorHessian). */
  flags: FactorFlags;
}

/** A GLM solver's result; maxAbsEta is that of its last evaluation (for the separation check). */
export interface SolverResult {
  /** Index 0 is the intercept. */
  beta: Float64Array;
  /** Penalised objective at beta. */
  objective: number;
  iterations: number;
  converged: boolean;
  solver: string;
  maxAbsEta: number;
}

/** A GLM solver with its stopping defaults, as fitGlm uses it; a caller may pass its own (GlmFitOptions.solver). */
export interface GlmFitSolver extends GlmSolver<GlmProblem, SolverResult> {
  readonly defaults: {
    tol: number;
    gradTol: number;
    maxIter: number;
    /** Iteration cap for refits at tolerances far below the fit's own (the separation ladder): what bounds their cost. */
    refitMaxIter: number;
  };
  /** How a non-convergence warning names the solver (read after a run). */
  readonly warningName: string;
}

/** scikit-learn's NewtonSolver.solve loop: iterations counted from 1; maxIter reached leaves the fit unconverged. */
export function runSolver<Problem, Result>(solver: GlmSolver<Problem, Result>, problem: Problem, start: Float64Array, maxIter: number): Result {
  solver.setup(problem, start);
  for (let iteration = 1; iteration <= maxIter; iteration++) {
    solver.updateGradientHessian(iteration);
    if (solver.innerSolve() === 'converged') return solver.finalize({ converged: true, iterations: iteration });
    if (!solver.lineSearch()) return solver.finalize({ converged: false, iterations: iteration });
    if (solver.checkConvergence()) return solver.finalize({ converged: true, iterations: iteration });
  }
  return solver.finalize({ converged: false, iterations: maxIter });
}
