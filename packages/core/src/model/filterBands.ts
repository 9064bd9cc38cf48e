import { coefficientIndex, historyColumn, inputColumn, type DesignLayout } from '../design/layout.js';
import { familyOps } from '../glm/families.js';
import { separableHessian, separableParameterIndex } from '../glm/fitSeparable.js';
import { evaluateObjective, type GlmData } from '../glm/objective.js';
import { applyPenalty } from '../glm/penalty.js';
import { Cholesky } from '../linalg/cholesky.js';
import { gaussianSampler, mulberry32 } from '../random/rng.js';
import type { Spec } from '../spec/schema.js';
import { designPenalty } from './designPenalty.js';
import { leadingRankOne, alignRankOne, rankOneReference, sampledHistory, sampledSpatial, sampledTemporal } from './sampleFilters.js';
import type { ReducedModel } from './schema.js';

type Filters = ReducedModel['filters'];
type Band = { low: number[]; high: number[] };

/** Draws from the Laplace posterior per band: the 2.5 % tail then rests on 25 draws. */
export const FILTER_BAND_DRAWS = 1000;
export const FILTER_BAND_LEVEL = 0.95;

export interface FilterBands {
  groups: { spatial: Band; temporal: Band }[];
  history: Band | null;
  draws: number;
  seed: number;
}

/**
 * Pointwise bands of the sampled filters from the Laplace approximation: the parameters' posterior is taken
 * as Gaussian at the fitted optimum with covariance the inverse of the penalised objective's Hessian there
 * (× the residual variance for a gaussian target, whose nll is ½(y − η)²), and every filter is sampled
 * exactly as the model file samples it — rank-1 factors through the same normalisation, full filters through
 * their leading singular pair — for `draws` seeded draws; the band is their 2.5 and 97.5 percentiles.
 * Draws rather than the delta method because the normalisation divides by the spatial filter at its
 * reference point: a ratio whose spread is skewed where that value is uncertain.
 *
 * The scale of a rank-1 pair is fixed where the fitted filter fixes it (rankOneReference of the fit, the same
 * point in every draw), so the band at that point is exactly [1, 1]: the spatial filters are shapes relative
 * to it, and their uncertainty about scale shows in the temporal filters. Along each group's scale direction
 * v = (s_g, −u_g) the likelihood is flat; at the optimum v is an eigenvector of the Hessian with eigenvalue
 * 2·ridge (the bilinear cross term gives ridge, the penalty ridge), so with a small ridge the draws would
 * wander far along the straight line v, off the curve of equivalent pairs (s·c, u/c), and shrink the
 * normalised temporal filter by a second-order amount (c·(2 − c) < 1). Draws are therefore projected onto
 * v's orthogonal complement — for an eigenvector, exactly the Gaussian on the gauge-fixed slice, the same
 * first-order variance of every normalised filter. Without a ridge v gets unit curvature first, so that the
 * Hessian can be factored.
 *
 * Returns null when the Hessian is not positive definite (a fit that did not reach an optimum).
 */
export function filterBands(
  layout: DesignLayout,
  spec: Spec,
  data: GlmData,
  fit: { beta: Float64Array; separable: { spatial: Float64Array[]; temporal: Float64Array[] } | null },
  options: { sigma2: number; seed: number; draws?: number },
): FilterBands | null {
  const sampled = filterDraws(layout, spec, data, fit, options);
  if (!sampled) return null;
  const { draws } = sampled;
  // Point-major order of one curve's draws: the same values, sorted per point, as the band always read.
  const band = (curve: Float64Array[]): Band => {
    const low: number[] = [];
    const high: number[] = [];
    const points = curve.length > 0 ? curve[0].length : 0;
    const column = new Float64Array(draws);
    for (let i = 0; i < points; i++) {
      for (let d = 0; d < draws; d++) column[d] = curve[d][i];
      const sorted = column.slice().sort();
      low.push(quantile(sorted, (1 - FILTER_BAND_LEVEL) / 2));
      high.push(quantile(sorted, (1 + FILTER_BAND_LEVEL) / 2));
    }
    return { low, high };
  };
  return {
    groups: sampled.groups.map((g) => ({ spatial: band(g.spatial), temporal: band(g.temporal) })),
    history: sampled.history ? band(sampled.history) : null,
    draws,
    seed: options.seed,
  };
}

/** Every draw's sampled filters (index [draw]), from which the bands and anything else about the filters' uncertainty follow. */
export interface FilterDraws {
  draws: number;
  seed: number;
  groups: {
    /** Normalised as the model file's filters are (spatial 1 at the fit's reference point). */
    spatial: Float64Array[];
    temporal: Float64Array[];
    /**
     * The full filter (spatial value-major, as `full.z.flat()`), kept only when asked for and the fit is not
     * separable: a separable draw's full filter is spatial ⊗ temporal.
     */
    full: Float64Array[] | null;
  }[];
  history: Float64Array[] | null;
}

/**
 * The draws behind filterBands (see there): `draws` seeded draws from the Laplace posterior at the fit, each
 * pushed through the model file's sampling and normalisation. `full` keeps a non-separable fit's full filters
 * too (nS × nT numbers per draw and group). Null when the Hessian is not positive definite.
 */
export function filterDraws(
  layout: DesignLayout,
  spec: Spec,
  data: GlmData,
  fit: { beta: Float64Array; separable: { spatial: Float64Array[]; temporal: Float64Array[] } | null },
  options: { sigma2: number; seed: number; draws?: number; full?: boolean },
): FilterDraws | null {
  const draws = options.draws ?? FILTER_BAND_DRAWS;
  const { G } = layout;
  const sep = fit.separable;
  const fitted = sep
    ? sep.spatial.map((s) => sampledSpatial(layout, s))
    : Array.from({ length: G }, (_, g) => leadingRankOne(fullFilterFast(layout, fit.beta, g)).spatial);
  // Each draw's split is aligned with the fitted spatial filter as the model file shows it (normaliseRankOne).
  const targets = fitted.map((s, g) => {
    const reference = rankOneReference(s, g === 0);
    return reference === null ? null : s.map((v) => v / s[reference]);
  });

  let q: number;
  let hess: Float64Array;
  let centre: Float64Array;
  if (sep) {
    ({ q, hess } = separableHessian(
      data,
      layout,
      { beta: fit.beta, spatial: sep.spatial, temporal: sep.temporal },
      {
        family: spec.family,
        ridge: spec.regularization.ridge,
        smoothness: spec.regularization.smoothness,
        spatialOrdered: layout.spatial.ordered,
        temporalOrdered: layout.temporal.ordered,
      },
    ));
    const at = separableParameterIndex(layout);
    centre = new Float64Array(q);
    centre[0] = fit.beta[0];
    for (let g = 0; g < G; g++) {
      for (let k = 0; k < layout.K; k++) centre[at.spatial(g, k)] = sep.spatial[g][k];
      for (let j = 0; j < layout.J; j++) centre[at.temporal(g, j)] = sep.temporal[g][j];
    }
    for (let h = 0; h < layout.H; h++) centre[at.history(h)] = fit.beta[coefficientIndex(historyColumn(layout, h))];
    if (spec.regularization.ridge === 0)
      for (const v of scaleDirections(layout, centre, q))
        for (let a = 0; a < q; a++) if (v[a] !== 0) for (let b = 0; b < q; b++) hess[a * q + b] += v[a] * v[b];
  } else {
    q = fit.beta.length;
    hess = evaluateObjective(data, familyOps(spec.family), fit.beta, true).hess!;
    applyPenalty(designPenalty(spec, layout), fit.beta, undefined, hess);
    centre = fit.beta;
  }
  const chol = Cholesky.factor(hess, q);
  if (!chol) return null;

  const normal = gaussianSampler(mulberry32(options.seed));
  const scale = Math.sqrt(spec.family === 'gaussian' ? options.sigma2 : 1);
  const nH = layout.history ? layout.history.points.length : 0;
  const keepFull = options.full === true && !sep;
  const out: FilterDraws = {
    draws,
    seed: options.seed,
    groups: Array.from({ length: G }, () => ({ spatial: [], temporal: [], full: keepFull ? [] : null })),
    history: nH > 0 ? [] : null,
  };
  const z = new Float64Array(q);
  const theta = new Float64Array(q);
  const at = sep ? separableParameterIndex(layout) : null;
  const gauge = sep ? scaleDirections(layout, centre, q) : [];
  for (let d = 0; d < draws; d++) {
    for (let i = 0; i < q; i++) z[i] = normal() * scale;
    backSubstitute(chol, z, theta);
    for (const v of gauge) {
      let along = 0;
      for (let i = 0; i < q; i++) along += theta[i] * v[i];
      for (let i = 0; i < q; i++) theta[i] -= along * v[i];
    }
    for (let i = 0; i < q; i++) theta[i] += centre[i];
    const historyBeta = new Float64Array(1 + layout.p);
    for (let g = 0; g < G; g++) {
      let spatial: number[];
      let temporal: number[];
      if (at) {
        spatial = sampledSpatial(
          layout,
          Array.from({ length: layout.K }, (_, k) => theta[at.spatial(g, k)]),
        );
        temporal = sampledTemporal(
          layout,
          Array.from({ length: layout.J }, (_, j) => theta[at.temporal(g, j)]),
        );
      } else {
        const full = fullFilterFast(layout, theta, g);
        ({ spatial, temporal } = leadingRankOne(full));
        if (keepFull) out.groups[g].full!.push(Float64Array.from(full.flat()));
      }
      const target = targets[g];
      if (target !== null) alignRankOne(spatial, temporal, target);
      out.groups[g].spatial.push(Float64Array.from(spatial));
      out.groups[g].temporal.push(Float64Array.from(temporal));
    }
    if (nH > 0) {
      for (let h = 0; h < layout.H; h++)
        historyBeta[coefficientIndex(historyColumn(layout, h))] = at ? theta[at.history(h)] : theta[coefficientIndex(historyColumn(layout, h))];
      out.history!.push(Float64Array.from(sampledHistory(layout, historyBeta)));
    }
  }
  return out;
}

/** The sampled filters with their bands beside them (`band` after `x` and `y`), and how the bands were made. */
export function withBands(filters: Filters, bands: FilterBands): Filters {
  return {
    ...filters,
    groups: filters.groups.map((g, i) => ({
      ...g,
      spatial: { ...g.spatial, band: bands.groups[i].spatial },
      temporal: { ...g.temporal, band: bands.groups[i].temporal },
    })),
    history: filters.history && bands.history ? { ...filters.history, band: bands.history } : filters.history,
    bands: { method: 'laplace', level: FILTER_BAND_LEVEL, draws: bands.draws, seed: bands.seed },
  };
}

/** x with Lᵀx = z (H = L·Lᵀ): x ~ N(0, H⁻¹) when z ~ N(0, I). */
function backSubstitute(chol: Cholesky, z: Float64Array, x: Float64Array): void {
  const { L, q } = chol;
  for (let i = q - 1; i >= 0; i--) {
    let s = z[i];
    for (let k = i + 1; k < q; k++) s -= L[k * q + i] * x[k];
    x[i] = s / L[i * q + i];
  }
}

/** Linear interpolation between order statistics (numpy's default). */
function quantile(sorted: Float64Array, p: number): number {
  const h = (sorted.length - 1) * p;
  const lo = Math.floor(h);
  const hi = Math.min(lo + 1, sorted.length - 1);
  return sorted[lo] + (h - lo) * (sorted[hi] - sorted[lo]);
}

/** Each group's scale direction (s_g, −u_g) in θ, unit length (none for an all-zero pair). */
function scaleDirections(layout: DesignLayout, theta: Float64Array, q: number): Float64Array[] {
  const at = separableParameterIndex(layout);
  const out: Float64Array[] = [];
  for (let g = 0; g < layout.G; g++) {
    const v = new Float64Array(q);
    for (let k = 0; k < layout.K; k++) v[at.spatial(g, k)] = theta[at.spatial(g, k)];
    for (let j = 0; j < layout.J; j++) v[at.temporal(g, j)] = -theta[at.temporal(g, j)];
    const norm = Math.hypot(...v);
    if (norm === 0) continue;
    for (let i = 0; i < q; i++) v[i] /= norm;
    out.push(v);
  }
  return out;
}

/** Group g's full filter as (B ᵀ W) T with W the K × J weights: the same values as fullFilter, fewer operations per draw. */
function fullFilterFast(layout: DesignLayout, beta: ArrayLike<number>, g: number): number[][] {
  const { K, J } = layout;
  const B = layout.spatial.matrix;
  const T = layout.temporal.matrix;
  const nT = layout.temporal.points.length;
  const WT = Array.from({ length: K }, (_, k) => {
    const row = new Float64Array(nT);
    for (let j = 0; j < J; j++) {
      const w = beta[coefficientIndex(inputColumn(layout, g, k, j))];
      if (w === 0) continue;
      const t = T[j];
      for (let l = 0; l < nT; l++) row[l] += w * t[l];
    }
    return row;
  });
  return Array.from(layout.spatialValues, (_, i) => {
    const out = new Array<number>(nT).fill(0);
    for (let k = 0; k < K; k++) {
      const bk = B[k][i];
      if (bk === 0) continue;
      for (let l = 0; l < nT; l++) out[l] += bk * WT[k][l];
    }
    return out;
  });
}
