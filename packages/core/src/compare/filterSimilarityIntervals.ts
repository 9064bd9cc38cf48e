import type { Dataset } from '../dataset/dataset.js';
import { buildDesign } from '../design/buildDesign.js';
import { percentileInterval } from '../bootstrap/trialResampling.js';
import { familyOps } from '../glm/families.js';
import { linearPredictor } from '../glm/objective.js';
import { FILTER_BAND_DRAWS, filterDraws, type FilterDraws } from '../model/filterBands.js';
import { layoutForModel } from '../model/predict.js';
import type { ReducedModel } from '../model/schema.js';
import { cosineSimilarity } from './filterSimilarity.js';

export type FilterKind = 'spatial' | 'temporal' | 'full' | 'history';
type Interval = [number, number] | null;

/** A system's filter draws, or why it has none. */
export type SystemDraws = { draws: FilterDraws; groups: string[]; separable: boolean } | { reason: string };

/**
 * Draws from the Laplace posterior of a reduced model's filters, rebuilt from the model's coefficients and the
 * Dataset it was fitted on: the design on its training trials and the penalised Hessian at the stored optimum
 * (the fit is not redone), exactly as the fit's filter bands are made. `seed` is the draws' seed.
 */
export function modelFilterDraws(model: ReducedModel, ds: Dataset, seed: number, draws = FILTER_BAND_DRAWS): SystemDraws {
  const layout = layoutForModel(model, ds);
  const design = buildDesign(ds, layout);
  const y = model.spec.family === 'bernoulli' ? design.y.map((v) => (v > 0 ? 1 : 0)) : design.y;
  const train = new Set(model.provenance.trainTrials);
  const weights = new Float64Array(design.n);
  for (let r = 0; r < design.n; r++) if (train.has(design.trial[r])) weights[r] = 1;
  const beta = new Float64Array(1 + model.coefficients.beta.length);
  beta[0] = model.coefficients.intercept;
  beta.set(model.coefficients.beta, 1);
  const data = { X: design.X, n: design.n, p: design.p, y, weights };
  // A gaussian target's residual variance scales the posterior, as in the fit: mean squared training residual.
  let sigma2 = 1;
  if (model.spec.family === 'gaussian') {
    const fam = familyOps('gaussian');
    const eta = linearPredictor(data, beta);
    let s = 0;
    let n = 0;
    for (let r = 0; r < design.n; r++)
      if (weights[r] > 0) {
        s += (y[r] - fam.mean(eta[r])) ** 2;
        n++;
      }
    sigma2 = Math.max(s / Math.max(n, 1), 1e-12);
  }
  const sep = model.coefficients.separable;
  const result = filterDraws(
    layout,
    model.spec,
    data,
    { beta, separable: sep ? { spatial: sep.spatial.map((a) => Float64Array.from(a)), temporal: sep.temporal.map((a) => Float64Array.from(a)) } : null },
    { sigma2, seed, draws, full: true },
  );
  if (!result) return { reason: 'the penalised Hessian at its coefficients is not positive definite (the fit did not reach an optimum)' };
  return { draws: result, groups: layout.groups.map((g) => g.label), separable: sep !== null };
}

function norm(a: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i] * a[i];
  return Math.sqrt(s);
}

/** sᵀ Z t for Z stored spatial value-major (nS × nT). */
function bilinear(s: ArrayLike<number>, Z: ArrayLike<number>, t: ArrayLike<number>): number {
  const nT = t.length;
  let out = 0;
  for (let i = 0; i < s.length; i++) {
    let row = 0;
    for (let l = 0; l < nT; l++) row += Z[i * nT + l] * t[l];
    out += s[i] * row;
  }
  return out;
}

/** One draw's full filter: dense, or spatial ⊗ temporal for a separable fit (never materialised). */
type FullDraw = { dense: Float64Array } | { spatial: Float64Array; temporal: Float64Array };

function fullDraw(s: Extract<SystemDraws, { draws: FilterDraws }>, g: number, d: number): FullDraw {
  const group = s.draws.groups[g];
  return group.full ? { dense: group.full[d] } : { spatial: group.spatial[d], temporal: group.temporal[d] };
}

/** Cosine of two full filters; a rank-1 one as its factors: cos(a⊗b, c⊗d) = cos(a, c)·cos(b, d). */
function fullCosine(a: FullDraw, b: FullDraw): number | null {
  if ('dense' in a && 'dense' in b) return cosineSimilarity(Array.from(a.dense), Array.from(b.dense));
  if ('spatial' in a && 'spatial' in b) {
    const s = cosineSimilarity(Array.from(a.spatial), Array.from(b.spatial));
    const t = cosineSimilarity(Array.from(a.temporal), Array.from(b.temporal));
    return s === null || t === null ? null : s * t;
  }
  const [r, d] = 'spatial' in a ? [a, b as { dense: Float64Array }] : [b as { spatial: Float64Array; temporal: Float64Array }, a];
  const denominator = norm(r.spatial) * norm(r.temporal) * norm(d.dense);
  if (r.spatial.length * r.temporal.length !== d.dense.length || denominator === 0) return null;
  return bilinear(r.spatial, d.dense, r.temporal) / denominator;
}

function drawsOf(s: Extract<SystemDraws, { draws: FilterDraws }>, group: string, filter: Exclude<FilterKind, 'full'>): Float64Array[] | null {
  if (filter === 'history') return s.draws.history;
  const g = s.groups.indexOf(group);
  return g < 0 ? null : s.draws.groups[g][filter];
}

/**
 * Percentile intervals of one filter similarity matrix: draw d of the row system's filter against draw d of
 * the column's (independent posteriors, so pairing by index is an independent pairing), cosine per pair. The
 * diagonal is a filter against itself, 1 [1, 1]; a cell is null where either system has no draws or no such
 * filter, or the point similarity is undefined.
 */
export function similarityIntervals(systems: SystemDraws[], group: string, filter: FilterKind, matrix: (number | null)[][], level: number): Interval[][] {
  return systems.map((a, i) =>
    systems.map((b, j): Interval => {
      if (matrix[i][j] === null) return null;
      if (i === j) return [1, 1];
      if (!('draws' in a) || !('draws' in b)) return null;
      const n = Math.min(a.draws.draws, b.draws.draws);
      const cos = new Float64Array(n);
      if (filter === 'full') {
        const ga = a.groups.indexOf(group);
        const gb = b.groups.indexOf(group);
        if (ga < 0 || gb < 0) return null;
        for (let d = 0; d < n; d++) cos[d] = fullCosine(fullDraw(a, ga, d), fullDraw(b, gb, d)) ?? NaN;
      } else {
        const da = drawsOf(a, group, filter);
        const db = drawsOf(b, group, filter);
        if (!da || !db) return null;
        for (let d = 0; d < n; d++) cos[d] = cosineSimilarity(Array.from(da[d]), Array.from(db[d])) ?? NaN;
      }
      return percentileInterval(cos, level);
    }),
  );
}
