import { OccamError } from '../errors.js';
import type { Family } from '../spec/schema.js';
import { familyOps, type FamilyOps } from './families.js';
import { evaluateObjective, linearPredictor, RowPasses, type GlmData } from './objective.js';
import { applyPenalty, ridgePenalty, type Penalty } from './penalty.js';
import { Cholesky } from './kernels/cholesky.js';
import { SegmentWorker } from './kernels/segmentWorker.js';

export interface GlmFitOptions {
  family: Family;
  penalty: Penalty;
  /**
   * 'newton': exact Hessian every iteration (Cholesky). 'subsampledNewton': full gradient, Hessian from a
   * case-control subset of rows (Byrd et al. 2011; Roosta-Khorasani & Mahoney 2016), refreshed while steps
   * are large. 'lbfgs': gradient only. 'preconditionedLbfgs': L-BFGS whose initial inverse Hessian is a
   * subsampled Newton Hessian's, built when plain L-BFGS would be slow (see lbfgs in fitGlm.ts).
   * 'auto' (default): newton when an exact Hessian pass costs about as much as two gradient passes or the
   * problem is small; otherwise preconditionedLbfgs — the O(n·p²) Hessian pass is what dominates large fits.
   */
  solver?: 'auto' | 'newton' | 'subsampledNewton' | 'lbfgs' | 'preconditionedLbfgs';
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
  solver: 'newton' | 'subsampledNewton' | 'lbfgs' | 'preconditionedLbfgs';
  warnings: string[];
}

/** A solver's result; maxAbsEta is that of its last evaluation (for the separation check). */
type SolverResult = Omit<GlmFit, 'warnings'> & { maxAbsEta: number };

/** Set by factorHessian when a Hessian needed a diagonal jitter to factor: the end-of-fit rank check runs then. */
interface FactorFlags {
  jittered: boolean;
}

interface Problem {
  d: GlmData;
  fam: FamilyOps;
  /** Passes over d's rows (value, gradient, Hessian), set up once for the fit. */
  passes: RowPasses;
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
    throw new OccamError('target is all zero in the fitted bins: there is no event to predict (check the scored window and the target file)', {
      field: 'target',
    });
  }
  if (family === 'bernoulli' && allOne) throw new OccamError('target is 1 in every fitted bin: there is nothing to discriminate', { field: 'target' });
  return { mean: sy / sw };
}

function penalisedValue(prob: Problem, beta: Float64Array): number {
  return prob.passes.value(beta) + applyPenalty(prob.pen, beta);
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
  const prob: Problem = { d, fam, passes: new RowPasses(d, fam, { workerThread }), pen: options.penalty, sumW: totalWeight(d) };
  try {
    return fitProblem(prob, beta, options);
  } finally {
    prob.passes.close();
  }
}

function fitProblem(prob: Problem, beta: Float64Array, options: GlmFitOptions): GlmFit {
  const { d } = prob;
  const q = d.p + 1;
  const solver = options.solver && options.solver !== 'auto' ? options.solver : autoSolver(d.n, d.p);
  const minimumRows = Math.min(30_000, Math.max(20 * q, 4_000));
  const hessianRows =
    options.hessianRows ??
    (solver === 'preconditionedLbfgs' ? Math.max(minimumRows, Math.floor(gradientPassCost(d.n, d.p) / gramCostPerRow(d.p))) : minimumRows);
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
  const flags: FactorFlags = { jittered: false };
  const fit = solve(prob, beta, options, solver, hessianRows, warnings, flags);
  const { maxAbsEta, ...result } = fit;
  if (flags.jittered) {
    const singular = singularAtOptimum(prob, result.beta);
    if (singular) warnings.push(singular);
  }
  if (options.family === 'bernoulli' && options.checkSeparation !== false) {
    const pushed = separationCheck(prob, result.beta, maxAbsEta, options, solver, hessianRows);
    if (pushed) warnings.push(pushed);
  }
  return { ...result, warnings };
}

function solve(
  prob: Problem,
  beta: Float64Array,
  options: GlmFitOptions,
  solver: GlmFit['solver'],
  hessianRows: number,
  warnings: string[],
  flags: FactorFlags,
): SolverResult {
  const { d } = prob;
  return solver === 'lbfgs'
    ? lbfgs(prob, beta, options, warnings, null, flags)
    : solver === 'preconditionedLbfgs'
      ? lbfgs(prob, beta, options, warnings, preconditionPlan(d, hessianRows), flags)
      : newton(prob, beta, options, warnings, solver === 'subsampledNewton' && hessianRows < d.n ? subsample(d, hessianRows) : null, flags);
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
function separationCheck(
  prob: Problem,
  beta: Float64Array,
  maxAbsEta: number,
  options: GlmFitOptions,
  solver: GlmFit['solver'],
  hessianRows: number,
): string | null {
  const { d } = prob;
  const penalised = prob.pen.P.some((v) => v !== 0);
  const eta = linearPredictor(d, beta);
  const wrongEnd = (i: number, e: number) => (d.y[i] > 0 ? e < -CONFIDENT_ETA : e > CONFIDENT_ETA);
  if (penalised) {
    let suspicious = false;
    for (let i = 0; i < d.n && !suspicious; i++) if (wrongEnd(i, eta[i])) suspicious = true;
    if (!suspicious) return null;
  } else if (!(maxAbsEta > SUSPICIOUS_ETA)) return null;
  const [e0, e1, e2] = separationLadder(prob, beta, eta, options, solver, hessianRows);
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
function separationLadder(
  prob: Problem,
  fitted: Float64Array,
  eta: Float64Array,
  options: GlmFitOptions,
  solver: GlmFit['solver'],
  hessianRows: number,
): [Float64Array, Float64Array, Float64Array] {
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
    const capped: GlmFitOptions = { ...options, tol: 1e-15, gradTol: 1e-14, maxIter: solver === 'newton' || solver === 'subsampledNewton' ? 50 : 300 };
    beta = solve({ ...prob, pen }, beta.slice(), capped, solver, hessianRows, [], { jittered: false }).beta;
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
function singularAtOptimum(prob: Problem, beta: Float64Array): string | null {
  const q = prob.d.p + 1;
  const hess = prob.passes.evaluate(beta, true).hess!;
  applyPenalty(prob.pen, beta, undefined, hess);
  for (let a = 1; a < q; a++) if (hess[a * q + a] === 0) hess[a * q + a] = 1;
  const chol = Cholesky.factor(hess, q);
  if (chol && chol.smallestPivotRatio() >= 1e-13) return null;
  return 'rank-deficient or collinear design: the penalised Hessian is singular at the optimum, so the coefficients are not unique (collinear columns share their weight arbitrarily) — add regularization.ridge > 0';
}

/**
 * Rough costs in nanoseconds on one core, from bench/glm/passes.mjs (WebAssembly SIMD kernels): only their
 * ratios steer the solver. A gradient pass is 2·n·p multiply-adds at ~0.5 ns plus ~40 ns of exp/log per row;
 * the Gram is ~0.2 ns per multiply-add (n·p²/2 of them), the Cholesky factorisation ~1 ns per q³/6.
 */
function gradientPassCost(n: number, p: number): number {
  return n * (p + 40);
}

function hessianCost(rows: number, p: number): number {
  return rows * gramCostPerRow(p) + (p + 1) ** 3 / 6;
}

function gramCostPerRow(p: number): number {
  return 0.1 * p * p;
}

/**
 * Exact Newton converges in ~6–10 steps, each a gradient and a Hessian pass; preconditioned L-BFGS in ~10–25
 * gradient passes plus one or two Hessians on a subsample. Newton wins while its Hessian costs at most about two
 * gradient passes (p ≲ 40), and for small problems, where it is fast either way and the most robust.
 */
function autoSolver(n: number, p: number): 'newton' | 'preconditionedLbfgs' {
  if (hessianCost(n, p) <= 2 * gradientPassCost(n, p) || hessianCost(n, p) <= 2e7) return 'newton';
  return 'preconditionedLbfgs';
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

/**
 * Rows for the Hessian estimate, as a standalone GlmData whose weights are inverse inclusion
 * probabilities so the subset's Hessian estimates the full one. With rare events most Hessian weight
 * sits near the events, so rows with y > 0 are kept (up to half the budget) and the rest are evenly
 * spaced among the other rows (case-control subsampling, Fithian & Hastie 2014). Deterministic.
 */
function subsample(d: GlmData, rows: number): GlmData {
  const { n, p, y, weights } = d;
  let eventCount = 0;
  let otherCount = 0;
  for (let i = 0; i < n; i++) {
    if (weights && weights[i] === 0) continue;
    if (y[i] > 0) eventCount++;
    else otherCount++;
  }
  const nEvents = Math.min(eventCount, Math.floor(rows / 2));
  const nOthers = Math.min(otherCount, rows - nEvents);
  // The k-th of M picks among a class's N members is member ⌊k·N/M⌋: one walk over the rows picks them in row
  // order, so the gather below reads each column front to back.
  const picked = new Int32Array(nEvents + nOthers);
  const inclusion = new Float64Array(nEvents + nOthers);
  let m = 0;
  let events = 0;
  let others = 0;
  let eventPicks = 0;
  let otherPicks = 0;
  for (let i = 0; i < n; i++) {
    if (weights && weights[i] === 0) continue;
    if (y[i] > 0) {
      if (eventPicks < nEvents && events === Math.floor((eventPicks * eventCount) / nEvents)) {
        picked[m] = i;
        inclusion[m++] = eventCount / nEvents;
        eventPicks++;
      }
      events++;
    } else {
      if (otherPicks < nOthers && others === Math.floor((otherPicks * otherCount) / nOthers)) {
        picked[m] = i;
        inclusion[m++] = otherCount / nOthers;
        otherPicks++;
      }
      others++;
    }
  }
  const X = new Float32Array(m * p);
  for (let c = 0; c < p; c++) {
    const column = d.X.subarray(c * n, (c + 1) * n);
    const out = c * m;
    for (let k = 0; k < m; k++) X[out + k] = column[picked[k]];
  }
  return {
    X,
    n: m,
    p,
    y: Float64Array.from(picked, (i) => y[i]),
    weights: Float64Array.from(picked, (i, k) => (weights ? weights[i] : 1) * inclusion[k]),
    offset: d.offset ? Float64Array.from(picked, (i) => d.offset![i]) : undefined,
  };
}

/** Value and gradient on all rows; Hessian on all rows (exact) or on the subsample. */
function evaluateNewton(prob: Problem, beta: Float64Array, sub: GlmData | null, withHessian: boolean) {
  const ev = prob.passes.evaluate(beta, withHessian && !sub);
  if (withHessian && sub) ev.hess = evaluateObjective(sub, prob.fam, beta, true).hess;
  const value = ev.value + applyPenalty(prob.pen, beta, ev.grad, ev.hess);
  return { ev, value };
}

function newton(prob: Problem, beta: Float64Array, options: GlmFitOptions, warnings: string[], sub: GlmData | null, flags: FactorFlags): SolverResult {
  const tol = options.tol ?? 1e-10;
  const gradTol = options.gradTol ?? 1e-8;
  const maxIter = options.maxIter ?? 100;
  const q = prob.d.p + 1;
  const solverName = sub ? 'subsampledNewton' : 'newton';
  let refresh = true;
  let frozen: Float64Array | undefined;
  const first = evaluateNewton(prob, beta, sub, true);
  let ev = first.ev;
  let f = first.value;
  for (let iter = 1; iter <= maxIter; iter++) {
    if (!ev.hess) ev.hess = frozen!.slice();
    const hess = ev.hess;
    if (sub && refresh) frozen = hess.slice();
    const chol = factorHessian(hess, q, flags);
    const step = chol.solve(ev.grad).map((g) => -g);
    // Step halving on the penalised objective keeps every iteration a descent step.
    let t = 1;
    let next = new Float64Array(q);
    let nextEv = ev;
    let fNext = Infinity;
    for (let halving = 0; halving < 40; halving++) {
      for (let i = 0; i < q; i++) next[i] = beta[i] + t * step[i];
      if (halving === 0) {
        ({ ev: nextEv, value: fNext } = evaluateNewton(prob, next, sub, refresh));
      } else {
        fNext = penalisedValue(prob, next);
      }
      if (fNext <= f + 1e-12 * Math.abs(f)) break;
      t /= 2;
    }
    if (t < 1) ({ ev: nextEv, value: fNext } = evaluateNewton(prob, next, sub, refresh));
    const change = Math.abs(f - fNext) / (Math.abs(fNext) + 0.1);
    // A subsampled Hessian only needs to be roughly right: refresh it for the first big steps only.
    if (sub && refresh && (change < 1e-3 || iter >= 3)) refresh = false;
    beta = next;
    next = new Float64Array(q);
    ev = nextEv;
    f = fNext;
    const gmax = maxAbs(ev.grad) / prob.sumW;
    // A frozen Hessian converges linearly: judge it by the gradient, not by a small objective change.
    if ((change < tol && (!sub || refresh)) || gmax < gradTol)
      return { beta, objective: f, iterations: iter, converged: true, solver: solverName, maxAbsEta: ev.maxAbsEta };
  }
  warnings.push(`${solverName} did not converge in ${maxIter} iterations; results may be inaccurate`);
  return { beta, objective: f, iterations: maxIter, converged: false, solver: solverName, maxAbsEta: ev.maxAbsEta };
}

/**
 * When and from which rows preconditionedLbfgs builds its Hessian: from the first step when that is cheap
 * next to a gradient pass, else only once plain L-BFGS shows it is struggling (see lbfgs).
 */
interface PreconditionPlan {
  /** The rows the Hessian is summed over (made on first use: a fit that converges without one never pays). */
  rows: () => GlmData;
  fromStart: boolean;
  /** Steps after which a still-unconverged fit rebuilds the Hessian at its current β. */
  rebuildEvery: number;
}

/** Cholesky factor of the penalised Hessian at beta, summed over `rows` (a weighted subsample or all rows). */
function hessianPreconditioner(prob: Problem, rows: GlmData, beta: Float64Array, flags: FactorFlags): Cholesky {
  const hess = rows === prob.d ? prob.passes.evaluate(beta, true).hess! : evaluateObjective(rows, prob.fam, beta, true).hess!;
  applyPenalty(prob.pen, beta, undefined, hess);
  return factorHessian(hess, prob.d.p + 1, flags);
}

/**
 * L-BFGS: two-loop recursion, memory 10, Armijo backtracking from t = 1; one gradient pass per step when
 * the step is accepted (the usual case). With a plan (preconditioned L-BFGS) the initial inverse Hessian is
 * a Newton Hessian's inverse instead of a scaled identity: the Hessian fixes the scale and correlation of the
 * columns — raised-cosine bases overlap, so their columns are strongly correlated and plain L-BFGS needs
 * hundreds of steps — and the L-BFGS pairs correct what a subsampled or stale Hessian gets wrong, so it needs
 * neither all rows nor a refresh every step.
 *
 * When the Hessian costs more than a gradient pass, it is built only if plain L-BFGS has not nearly
 * converged by step 8 (on well-conditioned designs it is within ~1e-6 of the optimum by then; on basis
 * designs it is still making percent-size moves) or by step 20. A Hessian built at the start (β = constant
 * rate, far from the optimum) is rebuilt once, after the first big steps.
 */
function lbfgs(prob: Problem, beta: Float64Array, options: GlmFitOptions, warnings: string[], plan: PreconditionPlan | null, flags: FactorFlags): SolverResult {
  const gradTol = options.gradTol ?? 1e-9;
  const tol = options.tol ?? 1e-14;
  const maxIter = options.maxIter ?? 5000;
  const q = prob.d.p + 1;
  const m = 10;
  const S: Float64Array[] = [];
  const Y: Float64Array[] = [];
  const rho: number[] = [];
  const evalAt = (b: Float64Array) => {
    const e = prob.passes.evaluate(b, false);
    const v = e.value + applyPenalty(prob.pen, b, e.grad);
    return { v, g: e.grad, maxAbsEta: e.maxAbsEta };
  };
  let { v: f, g, maxAbsEta } = evalAt(beta);
  let precond = plan?.fromStart ? hessianPreconditioner(prob, plan.rows(), beta, flags) : null;
  let rebuildAfterFirstSteps = precond !== null;
  let builtAt = 0;
  const solverName = () => (precond ? 'preconditionedLbfgs' : 'lbfgs');
  const dir = new Float64Array(q);
  const alpha = new Float64Array(m);
  for (let iter = 1; iter <= maxIter; iter++) {
    // Two-loop recursion: dir = −H·g with H the L-BFGS inverse-Hessian estimate.
    for (let i = 0; i < q; i++) dir[i] = -g[i];
    for (let k = S.length - 1; k >= 0; k--) {
      alpha[k] = rho[k] * dot(S[k], dir);
      axpy(-alpha[k], Y[k], dir);
    }
    if (precond) {
      dir.set(precond.solve(dir));
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
    let res = { v: Infinity, g, maxAbsEta };
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
    maxAbsEta = res.maxAbsEta;
    if (maxAbs(g) / prob.sumW < gradTol || change < tol) {
      return { beta, objective: f, iterations: iter, converged: true, solver: solverName(), maxAbsEta };
    }
    const build =
      plan !== null &&
      (precond ? (rebuildAfterFirstSteps && (change < 1e-3 || iter >= 4)) || iter - builtAt >= plan.rebuildEvery : iter >= 8 && (change > 1e-4 || iter >= 20));
    if (build) {
      precond = hessianPreconditioner(prob, plan!.rows(), beta, flags);
      rebuildAfterFirstSteps = false;
      builtAt = iter;
    }
  }
  warnings.push(`L-BFGS did not converge in ${maxIter} iterations; results may be inaccurate`);
  return { beta, objective: f, iterations: maxIter, converged: false, solver: solverName(), maxAbsEta };
}

/**
 * Cholesky factor of a (penalised) Hessian, made solvable: columns that are zero everywhere have zero
 * Hessian rows, so they are pinned to 1; a singular or nearly singular matrix (collinear columns, no ridge;
 * or a subsampled Hessian early in a fit) gets a small diagonal jitter (1e-8 of the mean diagonal) and sets
 * flags.jittered, so the fit checks at its end whether the singularity is real (singularAtOptimum). Modifies hess.
 */
function factorHessian(hess: Float64Array, q: number, flags: FactorFlags): Cholesky {
  for (let a = 1; a < q; a++) if (hess[a * q + a] === 0) hess[a * q + a] = 1;
  let chol = Cholesky.factor(hess, q);
  if (!chol || chol.smallestPivotRatio() < 1e-13) {
    flags.jittered = true;
    let trace = 0;
    for (let a = 0; a < q; a++) trace += hess[a * q + a];
    for (let scale = 1e-8; ; scale *= 100) {
      for (let a = 0; a < q; a++) hess[a * q + a] += (scale * trace) / q;
      chol = Cholesky.factor(hess, q);
      if (chol) break;
      if (scale > 1e-2 || !Number.isFinite(trace)) {
        throw new OccamError('the Hessian cannot be factored even with a diagonal jitter: the design or target has non-finite values', { field: 'design' });
      }
    }
  }
  return chol;
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
