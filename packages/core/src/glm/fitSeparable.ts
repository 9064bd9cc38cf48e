import { Matrix, SingularValueDecomposition } from 'ml-matrix';
import { coefficientIndex, designColumnCount, historyColumn, inputColumn, type ColumnShape } from '../design/layout.js';
import { addSecondDifferencePenalty } from '../design/smoothnessPenalty.js';
import type { Family } from '../spec/schema.js';
import { familyOps } from './families.js';
import { fitGlm, type GlmFit } from './fitGlm.js';
import { evaluateObjective, type GlmData } from './objective.js';
import { applyPenalty, type Penalty } from './penalty.js';

/** The design's G, K, J, H: a separable fit's factors are K and J long per group. */
export type SeparableShape = ColumnShape;

export interface SeparableFit {
  /** Full-layout coefficients (index 0 intercept) equal to spatial ⊗ temporal per group, then history. */
  beta: Float64Array;
  spatial: Float64Array[];
  temporal: Float64Array[];
  alternations: number;
  converged: boolean;
  warnings: string[];
}

/** Columns Σ_k s_gk·X(g,k,j) (mode 'temporal') or Σ_j u_gj·X(g,k,j) (mode 'spatial'), then the history columns. */
function contract(d: GlmData, shape: SeparableShape, fixed: Float64Array[], mode: 'temporal' | 'spatial'): GlmData {
  const { G, K, J, H } = shape;
  const free = mode === 'temporal' ? J : K;
  const p = G * free + H;
  const n = d.n;
  const Z = new Float32Array(n * p);
  const acc = new Float64Array(n);
  for (let g = 0; g < G; g++) {
    for (let f = 0; f < free; f++) {
      acc.fill(0);
      const other = mode === 'temporal' ? K : J;
      for (let o = 0; o < other; o++) {
        const w = fixed[g][o];
        if (w === 0) continue;
        const k = mode === 'temporal' ? o : f;
        const j = mode === 'temporal' ? f : o;
        const base = inputColumn(shape, g, k, j) * n;
        for (let i = 0; i < n; i++) acc[i] += w * d.X[base + i];
      }
      const out = (g * free + f) * n;
      for (let i = 0; i < n; i++) Z[out + i] = acc[i];
    }
  }
  const hIn = historyColumn(shape, 0) * n;
  Z.set(d.X.subarray(hIn, hIn + H * n), G * free * n);
  return { X: Z, n, p, y: d.y, weights: d.weights, offset: d.offset };
}

function factorPenalty(shape: SeparableShape, free: number, ridge: number, smooth: number, smoothFree: boolean, smoothHistory: boolean): Penalty {
  const { G, H } = shape;
  const p = G * free + H;
  const P = new Float64Array(p * p);
  for (let i = 0; i < p; i++) P[i * p + i] = ridge;
  if (smooth > 0) {
    if (smoothFree)
      for (let g = 0; g < G; g++)
        addSecondDifferencePenalty(
          P,
          p,
          Array.from({ length: free }, (_, f) => g * free + f),
          smooth,
        );
    if (smoothHistory)
      addSecondDifferencePenalty(
        P,
        p,
        Array.from({ length: H }, (_, h) => G * free + h),
        smooth,
      );
  }
  return { p, P };
}

/**
 * Rank-1 (separable) fit per group: filter(g, k, j) = s_gk · u_gj. Alternates two convex GLM fits —
 * temporal weights with the spatial filter fixed, then spatial with temporal fixed — started from the
 * rank-1 SVD of a full fit, until the penalised objective changes by less than `tol` (relative).
 */
export function fitSeparable(
  d: GlmData,
  shape: SeparableShape,
  options: {
    family: Family;
    ridge: number;
    smoothness: number;
    spatialOrdered: boolean;
    temporalOrdered: boolean;
    fullFit: GlmFit;
    tol?: number;
    maxAlternations?: number;
    /**
     * Check the fitted rank-1 model for separation (default true): the ladder of fitGlm on each factor's
     * final convex problem, the other factor fixed. The full fit's check would not do — a full filter with
     * G·K·J weights can separate rare events that its rank-1 restriction cannot.
     */
    checkSeparation?: boolean;
  },
): SeparableFit {
  const { G, K, J, H } = shape;
  const tol = options.tol ?? 1e-6;
  const maxAlt = options.maxAlternations ?? 30;
  const warnings: string[] = [];
  const spatial: Float64Array[] = [];
  const temporal: Float64Array[] = [];
  const full = options.fullFit.beta;
  for (let g = 0; g < G; g++) {
    const W = new Matrix(K, J);
    for (let k = 0; k < K; k++) for (let j = 0; j < J; j++) W.set(k, j, full[coefficientIndex(inputColumn(shape, g, k, j))]);
    const svd = new SingularValueDecomposition(W, { autoTranspose: true });
    const sigma = svd.diagonal[0] ?? 0;
    const root = Math.sqrt(Math.max(sigma, 1e-12));
    const a = svd.leftSingularVectors.getColumn(0);
    const b = svd.rightSingularVectors.getColumn(0);
    spatial.push(Float64Array.from(a, (v) => v * root));
    temporal.push(Float64Array.from(b, (v) => v * root));
  }
  let intercept = full[0];
  let history = full.slice(coefficientIndex(historyColumn(shape, 0)));
  let previous = Infinity;
  let alternations = 0;
  let converged = false;
  const penT = factorPenalty(shape, J, options.ridge, options.smoothness, options.temporalOrdered, true);
  const penS = factorPenalty(shape, K, options.ridge, options.smoothness, options.spatialOrdered, true);
  let objective = Infinity;
  for (let it = 1; it <= maxAlt; it++) {
    alternations = it;
    // One convex GLM fit per factor: the free factor's weights (plus intercept and history) with the
    // other factor fixed, warm-started from the current values.
    const step = (mode: 'temporal' | 'spatial') => {
      const free = mode === 'temporal' ? temporal : spatial;
      const width = mode === 'temporal' ? J : K;
      const init = new Float64Array(1 + G * width + H);
      init[0] = intercept;
      free.forEach((w, g) => init.set(w, 1 + g * width));
      init.set(history, 1 + G * width);
      const fixed = mode === 'temporal' ? spatial : temporal;
      const fit = fitGlm(contract(d, shape, fixed, mode), {
        family: options.family,
        penalty: mode === 'temporal' ? penT : penS,
        init,
        solver: 'newton',
        checkEmptyColumns: false,
        checkSeparation: false,
      });
      for (let g = 0; g < G; g++) free[g] = fit.beta.slice(1 + g * width, 1 + (g + 1) * width);
      intercept = fit.beta[0];
      history = fit.beta.slice(1 + G * width);
      return fit;
    };
    const fT = step('temporal');
    const fS = step('spatial');
    // The product s⊗u is what the data see; with ridge on both factors the penalty is smallest when
    // ‖s‖ = ‖u‖. Rebalancing (which leaves the product unchanged) removes the slow drift along that
    // scale direction that otherwise keeps alternation from settling.
    for (let g = 0; g < G; g++) {
      const ns = Math.hypot(...spatial[g]);
      const nu = Math.hypot(...temporal[g]);
      if (ns > 0 && nu > 0) {
        const c = Math.sqrt(nu / ns);
        for (let k = 0; k < K; k++) spatial[g][k] *= c;
        for (let j = 0; j < J; j++) temporal[g][j] /= c;
      }
    }
    for (const w of [...fT.warnings, ...fS.warnings]) {
      const kind = w.split('(')[0];
      if (!warnings.some((x) => x.split('(')[0] === kind)) warnings.push(w);
    }
    objective = fS.objective;
    if (Math.abs(previous - objective) / (Math.abs(objective) + 0.1) < tol) {
      converged = true;
      break;
    }
    previous = objective;
  }
  if (!converged) warnings.push(`separable fit: alternation did not settle in ${maxAlt} rounds`);
  if (options.checkSeparation !== false && options.family === 'bernoulli') {
    // Started at the optimum, each fit stops at once unless some |η| is large; only then does the ladder run.
    for (const mode of ['temporal', 'spatial'] as const) {
      const width = mode === 'temporal' ? J : K;
      const init = new Float64Array(1 + G * width + H);
      init[0] = intercept;
      (mode === 'temporal' ? temporal : spatial).forEach((w, g) => init.set(w, 1 + g * width));
      init.set(history, 1 + G * width);
      const check = fitGlm(contract(d, shape, mode === 'temporal' ? spatial : temporal, mode), {
        family: options.family,
        penalty: mode === 'temporal' ? penT : penS,
        init,
        solver: 'newton',
        checkEmptyColumns: false,
      });
      const separation = check.warnings.find((w) => w.startsWith('quasi-complete separation'));
      if (separation) {
        warnings.push(separation);
        break;
      }
    }
  }
  const beta = separableBeta(shape, intercept, spatial, temporal, history);
  return { beta, spatial, temporal, alternations, converged, warnings };
}

/** The full-layout coefficient vector (intercept first) of rank-1 filters spatial[g] ⊗ temporal[g], then history. */
export function separableBeta(
  shape: SeparableShape,
  intercept: number,
  spatial: ArrayLike<number>[],
  temporal: ArrayLike<number>[],
  history: ArrayLike<number>,
): Float64Array {
  const { G, K, J } = shape;
  const beta = new Float64Array(1 + designColumnCount(shape));
  beta[0] = intercept;
  for (let g = 0; g < G; g++)
    for (let k = 0; k < K; k++) for (let j = 0; j < J; j++) beta[coefficientIndex(inputColumn(shape, g, k, j))] = spatial[g][k] * temporal[g][j];
  beta.set(Array.from(history), coefficientIndex(historyColumn(shape, 0)));
  return beta;
}

/**
 * Where each separable parameter sits in θ = (intercept, spatial factors s_g (K each), temporal factors u_g
 * (J each), history (H)): the parameterisation separableHessian is written in.
 */
export function separableParameterIndex(shape: SeparableShape): {
  spatial: (g: number, k: number) => number;
  temporal: (g: number, j: number) => number;
  history: (h: number) => number;
  count: number;
} {
  const { G, K, J, H } = shape;
  return {
    spatial: (g, k) => 1 + g * K + k,
    temporal: (g, j) => 1 + G * K + g * J + j,
    history: (h) => 1 + G * (K + J) + h,
    count: 1 + G * (K + J) + H,
  };
}

/**
 * The Hessian (row-major, q × q) of the separable fit's penalised objective in θ (separableParameterIndex) at
 * the fitted point, for the Laplace approximation of its uncertainty. The alternation's two convex problems
 * share one stationary point with Σ nll + ½ ridge (‖s‖² + ‖u‖² + ‖h‖²) plus each ordered factor's smoothness,
 * so that is the objective differentiated. η is bilinear in (s_g, u_g): ∂η/∂s_gk = Σ_j u_gj X_gkj and
 * ∂η/∂u_gj = Σ_k s_gk X_gkj give the Gauss–Newton part, and the second derivative ∂²η/∂s_gk∂u_gj = X_gkj adds
 * Σ_i r_i X_i,gkj — the full-layout gradient of the nll at that coefficient — to the (s_gk, u_gj) entries.
 */
export function separableHessian(
  d: GlmData,
  shape: SeparableShape,
  fit: { beta: Float64Array; spatial: Float64Array[]; temporal: Float64Array[] },
  options: { family: Family; ridge: number; smoothness: number; spatialOrdered: boolean; temporalOrdered: boolean },
): { q: number; hess: Float64Array } {
  const { G, K, J, H } = shape;
  const at = separableParameterIndex(shape);
  const q = at.count;
  const n = d.n;
  const bySpatial = contract(d, shape, fit.temporal, 'spatial');
  const byTemporal = contract(d, shape, fit.spatial, 'temporal');
  const Z = new Float32Array(n * (q - 1));
  Z.set(bySpatial.X.subarray(0, G * K * n), 0);
  Z.set(byTemporal.X.subarray(0, G * J * n), G * K * n);
  Z.set(bySpatial.X.subarray(G * K * n, (G * K + H) * n), G * (K + J) * n);
  // η once: the spatial columns carry the whole input drive, so the temporal coefficients are 0 here.
  const theta = new Float64Array(q);
  theta[0] = fit.beta[0];
  for (let g = 0; g < G; g++) for (let k = 0; k < K; k++) theta[at.spatial(g, k)] = fit.spatial[g][k];
  for (let h = 0; h < H; h++) theta[at.history(h)] = fit.beta[coefficientIndex(historyColumn(shape, h))];
  const fam = familyOps(options.family);
  const hess = evaluateObjective({ X: Z, n, p: q - 1, y: d.y, weights: d.weights, offset: d.offset }, fam, theta, true).hess!;
  const gradFull = evaluateObjective(d, fam, fit.beta, false).grad;
  for (let g = 0; g < G; g++)
    for (let k = 0; k < K; k++)
      for (let j = 0; j < J; j++) {
        const a = at.spatial(g, k);
        const b = at.temporal(g, j);
        const r = gradFull[coefficientIndex(inputColumn(shape, g, k, j))];
        hess[a * q + b] += r;
        hess[b * q + a] += r;
      }
  const p = q - 1;
  const P = new Float64Array(p * p);
  for (let i = 0; i < p; i++) P[i * p + i] = options.ridge;
  if (options.smoothness > 0) {
    const block = (count: number, index: (i: number) => number) => Array.from({ length: count }, (_, i) => index(i) - 1);
    for (let g = 0; g < G; g++) {
      if (options.spatialOrdered)
        addSecondDifferencePenalty(
          P,
          p,
          block(K, (k) => at.spatial(g, k)),
          options.smoothness,
        );
      if (options.temporalOrdered)
        addSecondDifferencePenalty(
          P,
          p,
          block(J, (j) => at.temporal(g, j)),
          options.smoothness,
        );
    }
    addSecondDifferencePenalty(P, p, block(H, at.history), options.smoothness);
  }
  applyPenalty({ p, P }, theta, undefined, hess);
  return { q, hess };
}
