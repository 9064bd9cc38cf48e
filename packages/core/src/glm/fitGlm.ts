import { OccamError } from '../errors.js';
import type { Family } from '../spec/schema.js';
import { familyOps } from './families.js';
import { linearPredictor, RowPasses, type GlmData } from './objective.js';
import { applyPenalty, ridgePenalty, type Penalty } from './penalty.js';
import { Cholesky } from '../linalg/cholesky.js';
import { SegmentWorker } from './kernels/segmentWorker.js';
import { runSolver, type GlmFitSolver, type GlmProblem, type SolverResult } from './solvers/glmSolver.js';
import { gradientPassCost } from './solvers/passCosts.js';
import { automaticSolver, glmSolvers, type GlmSolverName } from './solvers/solverRegistry.js';

export interface GlmFitOptions {
  family: Family;
  penalty: Penalty;
  /**
   * 'newton': exact Hessian every iteration (Cholesky). 'subsampledNewton': full gradient, Hessian from a
   * case-control subset of rows (Byrd et al. 2011; Roosta-Khorasani & Mahoney 2016), refreshed while steps
   * are large. 'lbfgs': gradient only. 'preconditionedLbfgs': L-BFGS whose initial inverse Hessian is a
   * subsampled Newton Hessian's, built when plain L-BFGS would be slow (see solvers/lbfgsSolver.ts).
   * 'auto' (default): newton when an exact Hessian pass costs about as much as two gradient passes or the
   * problem is small; otherwise preconditionedLbfgs — the O(n·p²) Hessian pass is what dominates large fits.
   * Names come from the registry (solvers/solverRegistry.ts); a caller may instead pass its own solver object
   * (the GlmSolver interface, solvers/glmSolver.ts), which the fit and its separation refits then use.
   */
  solver?: 'auto' | GlmSolverName | GlmFitSolver;
  /**
   * Rows used for a subsampled Hessian. Default for subsampledNewton: 20·p, at least 4 000, at most 30 000;
   * for preconditionedLbfgs: as many as a Hessian costing one gradient pass can take, at least that.
   */
  hessianRows?: number;
  /** Relative change of the penalised objective at which to stop. */
  tol?: number;
  /** Stop when the max |gradient| per unit of total row weight falls below this. */
  gradTol?: number;
  maxIter?: number;
  init?: Float64Array;
  /**
   * Sum large designs on two threads: a worker thread takes the second half of the rows (same result either
   * way; see rowSegments). Default: when a gradient pass takes ≳ 20 ms and a core is idle (1-minute load
   * average ≤ cores − 0.5; on a busy machine a second thread measured no faster).
   * OCCAM_GLM_THREADS=1 in the environment turns it off.
   */
  parallel?: boolean;
  /**
   * Warn about columns that are zero in every fitted bin (default true; see judgeZeroColumns). The inner
   * fits of an alternation turn it off: their contracted columns are the full design's, already judged.
   */
  checkEmptyColumns?: boolean;
  /**
   * Bernoulli: when some |η| is large, check whether the penalised optimum is pushed toward the boundary
   * (separationLadder; refits, so it costs up to two fits). Default true. Off for cross-validation folds,
   * search candidates and the inner fits of an alternation (fitSeparable checks its final factors itself).
   */
  checkSeparation?: boolean;
  /**
   * Judges the columns that are zero in every fitted bin: returns the warning, or null when their emptiness
   * is expected (a caller that knows the design's structure, e.g. model/zeroColumnWarning). Without it any
   * empty column is warned about.
   */
  judgeZeroColumns?: (columns: number[]) => string | null;
}

export interface GlmFit {
  /** Index 0 is the intercept. */
  beta: Float64Array;
  /** Penalised objective Σ w·nll + ½βᵀPβ at beta. */
  objective: number;
  iterations: number;
  converged: boolean;
  /** The solver that ran: a built-in name (a subsampled or preconditioned one may report the plain variant it ended as), or a custom solver's name. */
  solver: GlmSolverName | (string & {});
  warnings: string[];
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
    throw new OccamError('target is all zero in the fitted bins: there is no event to predict (check the scored window and the target file)', {
      field: 'target',
    });
  }
  if (family === 'bernoulli' && allOne) throw new OccamError('target is 1 in every fitted bin: there is nothing to discriminate', { field: 'target' });
  return { mean: sy / sw };
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
  const workerThread = options.parallel ?? SegmentWorker.worthwhile(gradientPassCost(d.n, d.p));
  const problem: GlmProblem = {
    d,
    fam,
    passes: new RowPasses(d, fam, { workerThread }),
    pen: options.penalty,
    sumW: totalWeight(d),
    tol: options.tol,
    gradTol: options.gradTol,
    hessianRows: options.hessianRows,
    flags: { jittered: false },
  };
  try {
    return fitProblem(problem, beta, options);
  } finally {
    problem.passes.close();
  }
}

/** The solver object for options.solver: the caller's own, or a fresh one from the registry ('auto' by the problem's size). */
function solverFor(d: GlmData, choice: GlmFitOptions['solver']): GlmFitSolver {
  if (typeof choice === 'object') return choice;
  const name = choice && choice !== 'auto' ? choice : automaticSolver(d.n, d.p);
  // Typed callers cannot get here with another name; a JavaScript caller can.
  if (!Object.hasOwn(glmSolvers, name)) {
    const known = Object.keys(glmSolvers).map((k) => `'${k}'`);
    throw new OccamError(`unknown GLM solver '${name}': expected 'auto', ${known.join(', ')} or a solver object`, { field: 'solver' });
  }
  return glmSolvers[name]();
}

function fitProblem(problem: GlmProblem, beta: Float64Array, options: GlmFitOptions): GlmFit {
  const { d } = problem;
  const solver = solverFor(d, options.solver);
  const warnings: string[] = [];
  if (options.checkEmptyColumns !== false) {
    const empty = zeroColumns(d);
    if (empty.length > 0) {
      const warning = options.judgeZeroColumns
        ? options.judgeZeroColumns(empty)
        : `${empty.length} design column(s) are zero in every fitted bin (empty group or lag range); their weights stay 0`;
      if (warning) warnings.push(warning);
    }
  }
  const fit = solve(solver, problem, beta, options.maxIter ?? solver.defaults.maxIter, warnings);
  const { maxAbsEta, ...result } = fit;
  if (problem.flags.jittered) {
    const singular = singularAtOptimum(problem, result.beta);
    if (singular) warnings.push(singular);
  }
  if (options.family === 'bernoulli' && options.checkSeparation !== false) {
    const pushed = separationCheck(problem, result.beta, maxAbsEta, solver);
    if (pushed) warnings.push(pushed);
  }
  return { ...result, warnings };
}

/** One run of the solver from start; a run that stops unconverged leaves a warning. */
function solve(solver: GlmFitSolver, problem: GlmProblem, start: Float64Array, maxIter: number, warnings: string[]): SolverResult {
  const result = runSolver(solver, problem, start, maxIter);
  if (!result.converged) warnings.push(`${solver.warningName} did not converge in ${result.iterations} iterations; results may be inaccurate`);
  return result;
}

/** |η| beyond which an unpenalised fit's bins are at probability 0 or 1 for all practical purposes. */
const SUSPICIOUS_ETA = 30;
/** |η| beyond which a bin is predicted with probability within 1e-6 of 0 or 1. */
const CONFIDENT_ETA = 13.8;

/**
 * Separation, reported only when the penalised optimum is pushed toward the boundary where it does harm.
 * Large |η| alone is no sign of trouble: strong inhibition predicts p ≈ 0 where y = 0 in every bin, and the
 * refractory bins after a spike never hold one — the unpenalised optimum is at infinity there, and the
 * penalised one predicts the same. What is worth a warning, with a penalty: bins that hold the other class
 * (an event predicted at p < 10⁻⁶, or a silent bin at p > 1 − 10⁻⁶), fitted or not — rows of weight 0 are
 * the held-out trials when fitReducedModel fits a split — and pushed further that way as the penalty shrinks
 * (separationLadder). Without a penalty, any fitted bin the ladder keeps pushing toward 0 or 1. Cheap when
 * nothing is suspicious: one pass for η, no refit.
 */
function separationCheck(prob: GlmProblem, beta: Float64Array, maxAbsEta: number, solver: GlmFitSolver): string | null {
  const { d } = prob;
  const penalised = prob.pen.P.some((v) => v !== 0);
  const eta = linearPredictor(d, beta);
  const wrongEnd = (i: number, e: number) => (d.y[i] > 0 ? e < -CONFIDENT_ETA : e > CONFIDENT_ETA);
  if (penalised) {
    let suspicious = false;
    for (let i = 0; i < d.n && !suspicious; i++) if (wrongEnd(i, eta[i])) suspicious = true;
    if (!suspicious) return null;
  } else if (!(maxAbsEta > SUSPICIOUS_ETA)) return null;
  const [e0, e1, e2] = separationLadder(prob, beta, eta, solver);
  // Pushed: both steps move η outward, by > 1 and the second by more than half the first — the signature of
  // an optimum at infinity (β grows like log 1/λ), where a finite one's moves shrink in proportion to λ.
  const pushed = (i: number) => {
    const d1 = e1[i] - e0[i];
    const d2 = e2[i] - e1[i];
    return Math.sign(d1) === Math.sign(d2) && Math.sign(d2) === Math.sign(e2[i]) && Math.abs(d1) > 1 && Math.abs(d2) > 0.5 * Math.abs(d1);
  };
  let count = 0;
  let fitted = 0;
  let heldOut = 0;
  for (let i = 0; i < d.n; i++) {
    const inFit = !d.weights || d.weights[i] !== 0;
    if (penalised ? wrongEnd(i, e0[i]) && pushed(i) : inFit && pushed(i) && Math.abs(prob.fam.mean(e2[i]) - prob.fam.mean(e0[i])) > 0.01) {
      count++;
      if (inFit) fitted++;
      else heldOut++;
    }
  }
  if (count === 0) return null;
  if (!penalised) {
    return `quasi-complete separation: without a penalty the optimum is at infinity — ${count} fitted bins go on toward probability 0 or 1 as a ridge shrinks; the coefficients are not determined by the data — set regularization.ridge > 0`;
  }
  return (
    `quasi-complete separation: ${count} bins that hold the other class (${fitted} fitted, ${heldOut} not fitted: held out) are predicted within 10⁻⁶ of the wrong end, ` +
    'and shrinking the penalty pushes them further — the penalty alone holds those coefficients and they generalise badly; ' +
    'increase regularization.ridge, or drop the inputs that separate the training classes'
  );
}

/**
 * The fit refitted with its penalty shrunk 100× and 10 000× (warm starts; without a penalty, ridges 1, 0.01
 * and 10⁻⁴ stand in): the linear predictor on every row at each step, starting from the fit's own (eta).
 */
function separationLadder(prob: GlmProblem, fitted: Float64Array, eta: Float64Array, solver: GlmFitSolver): [Float64Array, Float64Array, Float64Array] {
  const { d } = prob;
  const penalised = prob.pen.P.some((v) => v !== 0);
  const scales = penalised ? [1e-2, 1e-4] : [1, 1e-2, 1e-4];
  const base = penalised ? prob.pen : ridgePenalty(d.p, 1);
  const etas: Float64Array[] = penalised ? [eta] : [];
  let beta = fitted;
  for (const scale of scales) {
    const pen: Penalty = { p: base.p, P: base.P.map((v) => v * scale) };
    // Tolerances far below the fit's own: near a separated optimum the gradient is tiny long before η stops
    // moving (8 events at η = 12 leave a gradient of 5·10⁻⁵), so the fit's stopping rule would stall every
    // step at the same η and hide the push. The iteration cap bounds the cost instead.
    const refit: GlmProblem = { ...prob, pen, tol: 1e-15, gradTol: 1e-14, flags: { jittered: false } };
    beta = solve(solver, refit, beta.slice(), solver.defaults.refitMaxIter, []).beta;
    etas.push(linearPredictor(d, beta));
  }
  const k = etas.length;
  return [etas[k - 3], etas[k - 2], etas[k - 1]];
}

/**
 * After a fit whose Hessian needed a jitter: is the penalised Hessian singular at the optimum itself?
 * Only then are the coefficients not unique, or so weakly determined that the jitter picked them; otherwise
 * the jitter merely steered the early steps (a subsampled Hessian, a start far from the optimum) and the
 * optimum is the one the penalty defines. A ridge of any useful size keeps it regular whatever the data.
 */
function singularAtOptimum(prob: GlmProblem, beta: Float64Array): string | null {
  const q = prob.d.p + 1;
  const hess = prob.passes.evaluate(beta, true).hess!;
  applyPenalty(prob.pen, beta, undefined, hess);
  for (let a = 1; a < q; a++) if (hess[a * q + a] === 0) hess[a * q + a] = 1;
  const chol = Cholesky.factor(hess, q);
  if (chol && chol.smallestPivotRatio() >= 1e-13) return null;
  return 'rank-deficient or collinear design: the penalised Hessian is singular at the optimum, so the coefficients are not unique (collinear columns share their weight arbitrarily) — add regularization.ridge > 0';
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
