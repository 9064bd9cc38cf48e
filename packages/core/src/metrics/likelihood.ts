import type { FamilyOps } from '../glm/families.js';

/** Σ log-likelihood over rows. */
export function logLikelihood(fam: FamilyOps, y: ArrayLike<number>, mu: ArrayLike<number>, rows: ArrayLike<number>, sigma2 = 1): number {
  let s = 0;
  for (let k = 0; k < rows.length; k++) s += fam.logLik(y[rows[k]], mu[rows[k]], sigma2);
  return s;
}

export function deviance(fam: FamilyOps, y: ArrayLike<number>, mu: ArrayLike<number>, rows: ArrayLike<number>): number {
  let s = 0;
  for (let k = 0; k < rows.length; k++) s += fam.deviance(y[rows[k]], mu[rows[k]]);
  return s;
}

/** Deviance pseudo-R² = (D_null − D_model) / D_null, with the null given per row (constant rate from training). */
export function pseudoR2(fam: FamilyOps, y: ArrayLike<number>, mu: ArrayLike<number>, muNull: ArrayLike<number>, rows: ArrayLike<number>): number {
  const dNull = deviance(fam, y, muNull, rows);
  const dModel = deviance(fam, y, mu, rows);
  return dNull === 0 ? NaN : (dNull - dModel) / dNull;
}

/** Mean squared error of probabilities against 0/1 outcomes. */
export function brierScore(y: ArrayLike<number>, p: ArrayLike<number>, rows: ArrayLike<number>): number {
  let s = 0;
  for (let k = 0; k < rows.length; k++) {
    const yi = y[rows[k]] > 0 ? 1 : 0;
    s += (p[rows[k]] - yi) ** 2;
  }
  return rows.length === 0 ? NaN : s / rows.length;
}

/** Best accuracy over all thresholds on the score (a bin is "predicted event" when score > threshold). */
export function bestThresholdAccuracy(scores: ArrayLike<number>, labels: ArrayLike<number>, rows: ArrayLike<number>): number {
  const idx = Array.from(rows).sort((a, b) => scores[b] - scores[a]);
  let nPos = 0;
  for (const i of idx) if (labels[i] > 0) nPos++;
  const n = idx.length;
  // Threshold above everything: all predicted negative.
  let best = n - nPos;
  let correct = n - nPos;
  for (let k = 0; k < n; k++) {
    correct += labels[idx[k]] > 0 ? 1 : -1;
    const lastOfTie = k + 1 === n || scores[idx[k + 1]] !== scores[idx[k]];
    if (lastOfTie && correct > best) best = correct;
  }
  return n === 0 ? NaN : best / n;
}
