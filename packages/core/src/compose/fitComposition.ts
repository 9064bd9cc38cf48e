import { inputColumnCount } from '../design/layout.js';
import { fitGlm } from '../glm/fitGlm.js';
import { ridgePenalty, type Penalty } from '../glm/penalty.js';
import type { GlmData } from '../glm/objective.js';
import { designPenalty } from '../model/designPenalty.js';
import type { ConditionStack } from './conditionStack.js';
import { compositeColumns, type CompositeColumns, type Composition } from './composition.js';

/** Alternations of a gains fit: filters with gains fixed, then gains and intercepts with filters fixed. */
const GAIN_ALTERNATIONS = 4;
/**
 * Ridge on offsets and gains: they are few and well determined, so practically unpenalised; the tiny value only
 * keeps a condition without a single training event from driving its intercept to −∞.
 */
const NUISANCE_RIDGE = 1e-6;

/** A composition fitted on some trials: its coefficients, and what it predicts for any row under any condition. */
export interface FittedComposition {
  composition: Composition;
  columns: CompositeColumns;
  /** Intercept first, then the composite columns. */
  beta: Float64Array;
  /** gains[c][g]: condition c's gain on input group g's shared filter (condition 0's are 1); null without gains. */
  gains: number[][] | null;
  /** Linear predictor of each listed row, as if the row came from condition as[k] (the labelled one or another). */
  eta(rows: ArrayLike<number>, as: ArrayLike<number>): Float64Array;
}

function groupOfColumn(stack: ConditionStack): Int32Array {
  const { K, J } = stack.layout;
  const inputs = inputColumnCount(stack.layout);
  return Int32Array.from({ length: stack.layout.p }, (_, s) => (s < inputs ? Math.floor(s / (K * J)) : -1));
}

/** The spec's penalty (ridge + smoothness) on each copy of a filter separately; nothing couples two copies. */
function compositePenalty(stack: ConditionStack, cols: CompositeColumns): Penalty {
  const base = designPenalty(stack.spec, stack.layout);
  const p = cols.source.length;
  const P = new Float64Array(p * p);
  for (let a = 0; a < p; a++) {
    const sa = cols.source[a];
    if (sa < 0) {
      P[a * p + a] = NUISANCE_RIDGE;
      continue;
    }
    for (let b = 0; b < p; b++) {
      const sb = cols.source[b];
      if (sb >= 0 && cols.copy[a] === cols.copy[b]) P[a * p + b] = base.P[sa * base.p + sb];
    }
  }
  return { p, P };
}

/** The composite design (every row; training rows selected by weight), input columns scaled by the condition's gains. */
function compositeData(stack: ConditionStack, cols: CompositeColumns, gains: number[][] | null, weights: Float64Array): GlmData {
  const { n, X: Xb } = stack.design;
  const { condition } = stack;
  const group = groupOfColumn(stack);
  const p = cols.source.length;
  const X = new Float32Array(n * p);
  for (let a = 0; a < p; a++) {
    const s = cols.source[a];
    const c0 = cols.copy[a];
    const out = a * n;
    if (s < 0) {
      for (let r = 0; r < n; r++) if (condition[r] === c0) X[out + r] = 1;
      continue;
    }
    const src = s * n;
    const g = group[s];
    for (let r = 0; r < n; r++) {
      const c = condition[r];
      if (c0 >= 0 && c !== c0) continue;
      X[out + r] = gains && g >= 0 ? Xb[src + r] * gains[c][g] : Xb[src + r];
    }
  }
  return { X, n, p, y: stack.y, weights };
}

function makeEta(stack: ConditionStack, cols: CompositeColumns, beta: Float64Array, gains: number[][] | null): FittedComposition['eta'] {
  const { n, X: Xb, p } = stack.design;
  const group = groupOfColumn(stack);
  return (rows, as) => {
    const out = new Float64Array(rows.length);
    for (let k = 0; k < rows.length; k++) {
      const c = as[k];
      out[k] = beta[0] + (c > 0 && cols.indicator[c] !== undefined && cols.indicator[c] >= 0 ? beta[1 + cols.indicator[c]] : 0);
    }
    for (let s = 0; s < p; s++) {
      const src = s * n;
      const g = group[s];
      const col = cols.columnOf[s];
      for (let k = 0; k < rows.length; k++) {
        const x = Xb[src + rows[k]];
        if (x === 0) continue;
        const c = as[k];
        out[k] += x * beta[1 + col[c]] * (gains && g >= 0 ? gains[c][g] : 1);
      }
    }
    return out;
  };
}

/** Fit one composition on the rows with weight 1 (warm-started from `init` when given). */
export function fitComposition(stack: ConditionStack, comp: Composition, weights: Float64Array, init?: Float64Array): FittedComposition {
  const cols = compositeColumns(stack, comp);
  const penalty = compositePenalty(stack, cols);
  const glm = (data: GlmData, pen: Penalty, start?: Float64Array) =>
    fitGlm(data, { family: stack.spec.family, penalty: pen, init: start, checkEmptyColumns: false, checkSeparation: false }).beta;
  if (!comp.gains) {
    const beta = glm(compositeData(stack, cols, null, weights), penalty, init);
    return { composition: comp, columns: cols, beta, gains: null, eta: makeEta(stack, cols, beta, null) };
  }
  // A gain on a shared filter makes η bilinear (gain × filter). Alternating two convex fits — the filters with
  // the gains fixed (input columns scaled per condition), then the gains and intercepts with the filters fixed
  // (each group's drive as one column per condition) — climbs the same penalised likelihood; per-condition
  // copies of the filter would instead let the shapes differ, which is what the 'specific:' candidates test.
  const C = stack.names.length;
  const G = stack.layout.groups.length;
  const group = groupOfColumn(stack);
  let gains = Array.from({ length: C }, () => new Array<number>(G).fill(1));
  let beta = glm(compositeData(stack, cols, gains, weights), penalty, init);
  const { n, X: Xb, p } = stack.design;
  for (let round = 0; round < GAIN_ALTERNATIONS; round++) {
    const drive = Array.from({ length: G }, () => new Float64Array(n));
    const offset = new Float64Array(n);
    for (let s = 0; s < p; s++) {
      const w = beta[1 + cols.columnOf[s][0]];
      if (w === 0) continue;
      const target = group[s] >= 0 ? drive[group[s]] : offset;
      for (let r = 0; r < n; r++) target[r] += Xb[s * n + r] * w;
    }
    const q = C * G + (C - 1);
    const X = new Float32Array(n * q);
    for (let r = 0; r < n; r++) {
      const c = stack.condition[r];
      for (let g = 0; g < G; g++) X[(c * G + g) * n + r] = drive[g][r];
      if (c > 0) X[(C * G + c - 1) * n + r] = 1;
    }
    const start = new Float64Array(q + 1);
    start[0] = beta[0];
    for (let c = 0; c < C; c++) for (let g = 0; g < G; g++) start[1 + c * G + g] = gains[c][g];
    for (let c = 1; c < C; c++) start[1 + C * G + c - 1] = beta[1 + cols.indicator[c]];
    const b = glm({ X, n, p: q, y: stack.y, weights, offset }, ridgePenalty(q, NUISANCE_RIDGE), start);
    gains = Array.from({ length: C }, (_, c) => Array.from({ length: G }, (_, g) => b[1 + c * G + g]));
    // The scale lives in the filter: condition 0's gains are 1, the others relative to it.
    const next = Float64Array.from(beta);
    next[0] = b[0];
    for (let c = 1; c < C; c++) next[1 + cols.indicator[c]] = b[1 + C * G + c - 1];
    for (let g = 0; g < G; g++) {
      const g0 = gains[0][g];
      if (Math.abs(g0) < 1e-9) continue;
      for (let c = 0; c < C; c++) gains[c][g] /= g0;
      for (let s = 0; s < p; s++) if (group[s] === g) next[1 + cols.columnOf[s][0]] *= g0;
    }
    beta = glm(compositeData(stack, cols, gains, weights), penalty, next);
  }
  return { composition: comp, columns: cols, beta, gains, eta: makeEta(stack, cols, beta, gains) };
}
