import { OccamError } from '../errors.js';
import type { Family } from '../spec/schema.js';
import { familyOps } from './families.js';
import { fitGlm } from './fitGlm.js';
import { RowPasses, type Evaluation, type GlmData } from './objective.js';
import { ridgePenalty } from './penalty.js';
import { spannedColumns } from '../linalg/spannedColumns.js';
import { runSolver } from './solvers/glmSolver.js';
import { ProximalNewtonGroupLasso, type SmoothEvaluation } from './solvers/proximalNewtonGroupLasso.js';

/** A penalised block of design columns. Columns in no group are unpenalised (they are always in). */
export interface ColumnGroup {
  name: string;
  columns: number[];
}

export interface GroupLassoPathOptions {
  family: Family;
  /** Decreasing λ values; default: `nLambda` values from λ_max (every group zero) down to λ_max·lambdaMinRatio. */
  lambdas?: number[];
  nLambda?: number;
  lambdaMinRatio?: number;
  /** End the path at the first λ where every group is non-zero (nothing left to select; glmnet stops early too). */
  stopWhenAllEntered?: boolean;
  /** Small ridge on the standardised coefficients: keeps collinear blocks (nested bins) well posed. */
  ridge?: number;
  maxIter?: number;
  /** Newton steps per λ at most. Stop a λ when the largest standardised coefficient change falls below tol. */
  tol?: number;
}

export interface GroupLassoPath {
  lambdas: number[];
  /** Per λ: coefficients on the original column scale, index 0 = intercept. */
  betas: Float64Array[];
  /** Per λ: ‖θ_g‖ (standardised coefficients) of every group, in the order given. */
  groupNorms: Float64Array[];
  /** Per group: the first λ index at which it is non-zero, or null if it never enters. */
  entry: (number | null)[];
  iterations: number[];
  converged: boolean[];
  /** Columns fixed at 0 because earlier columns span them (see dropCollinearColumns). */
  droppedColumns: number[];
}

/**
 * A group-lasso regularisation path for a GLM (Yuan & Lin 2006; Meier, van de Geer & Bühlmann 2008):
 * minimise (1/Σw)·Σ w·nll + ½·ridge·‖θ‖² + λ·Σ_g √|g|·‖θ_g‖ over θ, the coefficients of standardised columns
 * (so a group's size and its columns' units do not decide when it enters). Solved by proximal Newton (Lee,
 * Sun & Saunders 2014; glmnet's outer loop): each step minimises a quadratic model of the likelihood plus the
 * penalty by block coordinate descent on the small q × q model (block soft-thresholding per group), then a
 * backtracking line search on the true objective; warm-started from one λ to the next. First-order steps on
 * the n-row design itself were measured ~4× slower on rare-event data (thousands of passes). The unpenalised
 * columns and the intercept are first fitted exactly (Newton) so λ_max is exact: the smallest λ at which every
 * group stays zero.
 */
export function fitGroupLassoPath(d: GlmData, groups: ColumnGroup[], options: GroupLassoPathOptions): GroupLassoPath {
  const { n, p, X } = d;
  const fam = familyOps(options.family);
  const ridge = options.ridge ?? 1e-4;
  const maxIter = options.maxIter ?? 50;
  const tol = options.tol ?? 1e-5;
  const inGroup = new Int32Array(p).fill(-1);
  groups.forEach((g, k) =>
    g.columns.forEach((c) => {
      if (c < 0 || c >= p) throw new OccamError(`group '${g.name}': column ${c} is outside the design (p = ${p})`);
      if (inGroup[c] >= 0) throw new OccamError(`column ${c} is in groups '${groups[inGroup[c]].name}' and '${g.name}'`);
      inGroup[c] = k;
    }),
  );
  // Column scales over the weighted rows; a constant column (an empty group) gets scale 0 and stays 0.
  let sumW = 0;
  for (let i = 0; i < n; i++) sumW += d.weights ? d.weights[i] : 1;
  const scale = new Float64Array(p);
  for (let c = 0; c < p; c++) {
    let s = 0;
    let s2 = 0;
    for (let i = 0; i < n; i++) {
      const wi = d.weights ? d.weights[i] : 1;
      if (wi === 0) continue;
      const x = X[c * n + i];
      s += wi * x;
      s2 += wi * x * x;
    }
    const variance = s2 / sumW - (s / sumW) ** 2;
    scale[c] = variance > 1e-12 * Math.max(1, s2 / sumW) ? Math.sqrt(variance) : 0;
  }
  if (!(sumW > 0)) throw new OccamError('group lasso: no rows with weight > 0');
  const free = [...Array(p).keys()].filter((c) => inGroup[c] < 0 && scale[c] > 0);

  // Exact start: intercept + unpenalised columns (with the same small ridge).
  const theta = new Float64Array(p + 1); // index 0 = intercept (not standardised)
  {
    const Xf = new Float32Array(n * free.length);
    free.forEach((c, k) => Xf.set(X.subarray(c * n, (c + 1) * n), k * n));
    const fit = fitGlm({ ...d, X: Xf, p: free.length }, { family: options.family, penalty: ridgePenalty(free.length, 0), solver: 'newton' });
    theta[0] = fit.beta[0];
    free.forEach((c, k) => (theta[c + 1] = fit.beta[k + 1] * scale[c]));
  }

  const passes = new RowPasses(d, fam);
  const toBeta = (t: Float64Array): Float64Array => {
    const b = new Float64Array(p + 1);
    b[0] = t[0];
    for (let c = 0; c < p; c++) b[c + 1] = scale[c] > 0 ? t[c + 1] / scale[c] : 0;
    return b;
  };
  const q = p + 1;
  const thetaScale = Float64Array.from({ length: q }, (_, c) => (c === 0 ? 1 : scale[c - 1]));
  /**
   * An evaluation on the column scale (entries at positions `pos`, Hessian rows `stride` long) as value, gradient
   * and Hessian in θ: entry k is coefficient idx[k]; coefficients not listed keep gradient and Hessian 0.
   */
  const inTheta = (ev: Evaluation, t: Float64Array, idx: number[], pos: number[], stride: number): SmoothEvaluation => {
    let reg = 0;
    for (let c = 1; c <= p; c++) reg += t[c] * t[c];
    const g = new Float64Array(q);
    const H = new Float64Array(q * q);
    for (let a = 0; a < idx.length; a++) {
      const A = idx[a];
      g[A] = ev.grad[pos[a]] / sumW / thetaScale[A] + (A > 0 ? ridge * t[A] : 0);
      for (let c = 0; c < idx.length; c++) H[A * q + idx[c]] = ev.hess![pos[a] * stride + pos[c]] / sumW / (thetaScale[A] * thetaScale[idx[c]]);
      if (A > 0) H[A * q + A] += ridge;
    }
    return { value: ev.value / sumW + 0.5 * ridge * reg, grad: g, hess: H };
  };
  // Smooth part: mean nll + ½·ridge·‖θ‖² (intercept excluded), with its gradient and Hessian in θ.
  const smooth = (t: Float64Array, want: 'value' | 'hessian'): SmoothEvaluation => {
    const b = toBeta(t);
    if (want === 'value') {
      let reg = 0;
      for (let c = 1; c <= p; c++) reg += t[c] * t[c];
      return { value: passes.value(b) / sumW + 0.5 * ridge * reg };
    }
    const kept = [...Array(q).keys()].filter((a) => thetaScale[a] !== 0);
    return inTheta(passes.evaluate(b, true), t, kept, kept, q);
  };
  // The start's Hessian serves the collinearity check, λ_max and the first λ's first Newton step: one pass.
  let cached: { at: Float64Array; ev: SmoothEvaluation } | null = null;
  const hessianAt = (t: Float64Array) => {
    if (!cached || cached.at.some((v, c) => v !== t[c])) cached = { at: Float64Array.from(t), ev: smooth(t, 'hessian') };
    return cached.ev;
  };
  const droppedColumns = dropCollinearColumns();
  const weight = groups.map((g) => Math.sqrt(g.columns.filter((c) => scale[c] > 0).length));
  const groupNorm = (t: Float64Array, k: number): number => Math.sqrt(groups[k].columns.reduce((s, c) => s + t[c + 1] ** 2, 0));

  /**
   * Columns that earlier columns (in design order) already span, exactly or to 1e-6 of their weighted
   * variance, are fixed at 0: nested designs (coarse bins, then fine bins; a split that another split
   * implies) have such directions, and there block coordinate descent crawls at the pace of the tiny ridge
   * (measured: 50 Newton steps per λ that never converged, instead of a handful). A pivot-free Cholesky of
   * the weighted Gram matrix (the Hessian at the start, ridge removed) in column order decides.
   */
  function dropCollinearColumns(): number[] {
    const { hess } = hessianAt(theta);
    const candidates = [...Array(q).keys()].filter((c) => c === 0 || scale[c - 1] !== 0);
    const ridgeless = (c: number) => hess![c * q + c] - (c > 0 ? ridge : 0);
    const out = spannedColumns(hess!, q, candidates, ridgeless, (c) => c > 0, 1e-6).map((c) => c - 1);
    for (const c of out) {
      scale[c] = 0;
      thetaScale[c + 1] = 0;
      theta[c + 1] = 0;
    }
    // A dropped column's θ, gradient and Hessian row and column are now 0, as smooth() would compute them.
    const ev = cached!.ev;
    for (const c of out) {
      ev.grad![c + 1] = 0;
      for (let k = 0; k < q; k++) ev.hess![(c + 1) * q + k] = ev.hess![k * q + c + 1] = 0;
    }
    cached!.at.set(theta);
    if (out.some((c) => free.includes(c))) cached = null; // a free column moved the fit: evaluate again
    return out;
  }

  let lambdas = options.lambdas;
  if (!lambdas) {
    const { grad } = hessianAt(theta);
    let lmax = 0;
    groups.forEach((g, k) => {
      if (weight[k] === 0) return;
      lmax = Math.max(lmax, Math.sqrt(g.columns.reduce((s, c) => s + grad![c + 1] ** 2, 0)) / weight[k]);
    });
    const count = options.nLambda ?? 20;
    const ratio = options.lambdaMinRatio ?? 0.01;
    lambdas = Array.from({ length: count }, (_, i) => lmax * Math.pow(ratio, i / Math.max(1, count - 1)));
  }

  const penaltyValue = (t: Float64Array, lambda: number) => groups.reduce((s, _, k) => s + lambda * weight[k] * groupNorm(t, k), 0);
  // θ indices (0 = intercept) of the quadratic model's blocks; zero-scale columns stay out (and at 0).
  const modelBlocks = groups
    .map((gr, k) => ({ columns: gr.columns.filter((c) => scale[c] > 0).map((c) => c + 1), weight: weight[k] }))
    .filter((b) => b.columns.length > 0);
  const modelFree = [0, ...free.filter((c) => scale[c] > 0).map((c) => c + 1)];
  const modelBlocksOf = groups.map((gr) => gr.columns.filter((c) => scale[c] > 0).length);
  const result: GroupLassoPath = { lambdas, betas: [], groupNorms: [], entry: groups.map(() => null), iterations: [], converged: [], droppedColumns };

  // Working set (strong rules, Tibshirani et al. 2012; glmnet): a λ's Newton steps sum the Hessian over the
  // unpenalised columns and the blocks that may be non-zero only — the others are held at exactly 0, so their
  // rows and columns of the model are 0 and block coordinate descent leaves them there. A block outside the set
  // that the optimality (KKT) condition ‖∇_b‖ ≤ λ·w_b says should move joins it and the λ is solved again, so
  // the path is the full problem's; early in the path, with a few small blocks in, a Hessian pass costs a small
  // fraction of one over every column (measured on v1-C2's 350-column route: see bench/search/README.md).
  const inSet = new Uint8Array(modelBlocks.length);
  modelBlocks.forEach((b, k) => (inSet[k] = b.columns.some((c) => theta[c] !== 0) ? 1 : 0));
  const working: { key: string; passes: RowPasses | null; thetaIndex: number[] } = { key: '', passes: null, thetaIndex: [] };
  let workingCached: { at: Float64Array; ev: SmoothEvaluation } | null = null;
  const setColumns = (): number[] => [...modelFree.slice(1), ...modelBlocks.flatMap((b, k) => (inSet[k] ? b.columns : []))].sort((a, c) => a - c);
  const workingHessianAt = (t: Float64Array): SmoothEvaluation => {
    const columns = setColumns();
    const key = columns.join(',');
    // Most of the design in the set: the whole design's pass (no copy of the columns).
    if (columns.length > 0.6 * p) return hessianAt(t);
    if (!working.passes || working.key !== key) {
      working.passes?.close();
      const Xw = new Float32Array(n * columns.length);
      columns.forEach((c, k) => Xw.set(X.subarray((c - 1) * n, c * n), k * n));
      Object.assign(working, { key, passes: new RowPasses({ ...d, X: Xw, p: columns.length }, fam), thetaIndex: columns });
      workingCached = null;
    }
    if (workingCached && !workingCached.at.some((v, c) => v !== t[c])) return workingCached.ev;
    const idx = [0, ...working.thetaIndex];
    const b = toBeta(t);
    const ev = working.passes!.evaluate(
      Float64Array.from(idx, (c) => b[c]),
      true,
    );
    workingCached = { at: Float64Array.from(t), ev: inTheta(ev, t, idx, [...idx.keys()], idx.length) };
    return workingCached.ev;
  };
  /** The smooth part's gradient in θ over every column: what the KKT check and the strong rule read. */
  const fullGradient = (t: Float64Array): Float64Array => {
    if (cached && !cached.at.some((v, c) => v !== t[c])) return cached.ev.grad!;
    const ev = passes.evaluate(toBeta(t), false);
    return Float64Array.from({ length: q }, (_, a) => (thetaScale[a] === 0 ? 0 : ev.grad[a] / sumW / thetaScale[a] + (a > 0 ? ridge * t[a] : 0)));
  };
  const blockNorm = (v: Float64Array, k: number) => Math.sqrt(modelBlocks[k].columns.reduce((s, c) => s + v[c] ** 2, 0));

  const solver = new ProximalNewtonGroupLasso();
  try {
    let gradient = fullGradient(theta);
    let previousLambda = lambdas[0];
    for (const [li, lambda] of lambdas.entries()) {
      modelBlocks.forEach((b, k) => {
        if (!inSet[k] && blockNorm(gradient, k) >= b.weight * (2 * lambda - previousLambda)) inSet[k] = 1;
      });
      let iterations = 0;
      let converged = false;
      for (;;) {
        // Proximal Newton (as glmnet's outer IRLS loop), warm-started from the previous λ's θ (updated in place).
        const run = runSolver(
          solver,
          {
            q,
            lambda,
            smoothValue: (t) => smooth(t, 'value').value,
            smoothHessian: workingHessianAt,
            penaltyValue: (t) => penaltyValue(t, lambda),
            blocks: modelBlocks.filter((_, k) => inSet[k]),
            free: modelFree,
            tol,
          },
          theta,
          maxIter,
        );
        iterations += run.iterations;
        converged = run.converged;
        gradient = fullGradient(theta);
        let violated = false;
        modelBlocks.forEach((b, k) => {
          if (!inSet[k] && blockNorm(gradient, k) > lambda * b.weight) {
            inSet[k] = 1;
            violated = true;
          }
        });
        if (!violated) break;
      }
      previousLambda = lambda;
      result.betas.push(toBeta(theta));
      const norms = Float64Array.from(groups, (_, k) => groupNorm(theta, k));
      result.groupNorms.push(norms);
      norms.forEach((v, k) => {
        if (v > 0 && result.entry[k] === null) result.entry[k] = li;
      });
      result.iterations.push(iterations);
      result.converged.push(converged);
      if (options.stopWhenAllEntered && result.entry.every((e, k) => e !== null || modelBlocksOf[k] === 0)) {
        result.lambdas = lambdas.slice(0, li + 1);
        break;
      }
    }
  } finally {
    passes.close();
    working.passes?.close();
  }
  return result;
}
