import { describe, expect, it } from 'vitest';
import { evaluateObjective, bernoulli, fitGlm, fitGroupLassoPath, mulberry32, ridgePenalty, type ColumnGroup, type GlmData } from '@occam/core';

// Rare events (~3 %), three blocks with signal of decreasing strength, two null blocks, one unpenalised column,
// and a block whose columns are collinear with another's (nested bins do that in the search's design).
function problem(n: number, seed: number): { d: GlmData; groups: ColumnGroup[] } {
  const rand = mulberry32(seed);
  const gauss = () => Math.sqrt(-2 * Math.log(rand() + 1e-12)) * Math.cos(2 * Math.PI * rand());
  const p = 15;
  const X = new Float32Array(n * p);
  const y = new Float64Array(n);
  const truth = [0.8, 0.9, -0.7, 0.6, 0.4, -0.3, 0.25, 0.2, 0.1, 0, 0, 0, 0, 0, 0];
  for (let i = 0; i < n; i++) {
    let eta = -3.8;
    for (let c = 0; c < p; c++) {
      const x = c === 14 ? X[12 * n + i] + X[13 * n + i] : gauss() * (c % 3 === 0 ? 3 : 0.5); // mixed units
      X[c * n + i] = x;
      eta += (truth[c] * x) / (c % 3 === 0 ? 3 : 0.5);
    }
    y[i] = rand() < 1 / (1 + Math.exp(-eta)) ? 1 : 0;
  }
  const groups = [
    { name: 'strong', columns: [1, 2, 3] },
    { name: 'medium', columns: [4, 5, 6] },
    { name: 'weak', columns: [7, 8] },
    { name: 'null-a', columns: [9, 10, 11] },
    { name: 'null-b', columns: [12, 13, 14] },
  ];
  return { d: { X, n, p, y }, groups };
}

describe('fitGroupLassoPath', () => {
  const { d, groups } = problem(20_000, 5);
  const path = fitGroupLassoPath(d, groups, { family: 'bernoulli', nLambda: 25, lambdaMinRatio: 0.001 });

  it('starts with every group at zero and lets the signal in by strength, before any null group', () => {
    expect(path.entry[0]).toBe(1); // λ_max is exact: nothing at index 0, the strongest right after
    expect(path.groupNorms[0].every((v) => v === 0)).toBe(true);
    const [strong, medium, weak, nullA, nullB] = path.entry.map((e) => (e === null ? Infinity : e));
    expect(strong).toBeLessThan(medium);
    expect(medium).toBeLessThanOrEqual(weak);
    expect(weak).toBeLessThan(Math.min(nullA, nullB));
    expect(path.converged.every(Boolean)).toBe(true);
  });

  it('fixes a column that earlier columns span at 0, and no other', () => {
    expect(path.droppedColumns).toEqual([14]); // column 14 = column 12 + column 13
    expect(path.betas.every((b) => b[15] === 0)).toBe(true);
  });

  it('satisfies the group-lasso optimality (KKT) conditions at every λ', () => {
    // Standardised gradient of the mean nll (+ ridge): zero groups need ‖g_G‖ ≤ λ√|G|, non-zero ones
    // g_G = −λ√|G|·θ_G/‖θ_G‖; unpenalised coordinates have zero gradient.
    const n = d.n;
    const sd = Array.from({ length: d.p }, (_, c) => {
      let s = 0;
      let s2 = 0;
      for (let i = 0; i < n; i++) {
        s += d.X[c * n + i];
        s2 += d.X[c * n + i] ** 2;
      }
      return Math.sqrt(s2 / n - (s / n) ** 2);
    });
    path.lambdas.forEach((lambda, li) => {
      const beta = path.betas[li];
      const ev = evaluateObjective(d, bernoulli, beta, false);
      const g = (c: number) => ev.grad[c + 1] / n / sd[c] + 1e-4 * beta[c + 1] * sd[c];
      expect(Math.abs(ev.grad[0] / n)).toBeLessThan(1e-6);
      expect(Math.abs(g(0))).toBeLessThan(1e-6);
      for (const full of groups) {
        // the dropped column is implied by the others (its gradient is their sum): the group is its kept columns
        const group = { columns: full.columns.filter((c) => !path.droppedColumns.includes(c)) };
        const w = Math.sqrt(group.columns.length);
        const theta = group.columns.map((c) => beta[c + 1] * sd[c]);
        const norm = Math.hypot(...theta);
        const grad = group.columns.map(g);
        if (norm === 0) expect(Math.hypot(...grad)).toBeLessThanOrEqual(lambda * w * (1 + 1e-4));
        else grad.forEach((gc, k) => expect(gc).toBeCloseTo((-lambda * w * theta[k]) / norm, 5));
      }
    });
  });

  it('approaches the unpenalised maximum-likelihood fit as λ → 0 (non-collinear columns)', () => {
    const sub = groups.slice(0, 4).flatMap((g) => g.columns);
    const cols = [0, ...sub];
    const X = new Float32Array(d.n * cols.length);
    cols.forEach((c, k) => X.set(d.X.subarray(c * d.n, (c + 1) * d.n), k * d.n));
    const mle = fitGlm({ X, n: d.n, p: cols.length, y: d.y }, { family: 'bernoulli', penalty: ridgePenalty(cols.length, 0) });
    const small = fitGroupLassoPath(
      { X, n: d.n, p: cols.length, y: d.y },
      groups.slice(0, 4).map((g) => ({ name: g.name, columns: g.columns.map((c) => cols.indexOf(c)) })),
      {
        family: 'bernoulli',
        lambdas: [1e-7],
        ridge: 0,
      },
    );
    for (let c = 0; c <= cols.length; c++) expect(small.betas[0][c]).toBeCloseTo(mle.beta[c], 3);
  });
});
