import { describe, expect, it, vi } from 'vitest';
import { evaluateObjective, familyOps, fitGlm, mulberry32, ridgePenalty, type GlmData } from '@occam/core';
import { RowPasses } from '../src/glm/objective.js';

/** A Bernoulli design of n rows (more than one chunk of rows), p columns, with row weights 0/1 like a fold's. */
function design(n: number, p: number, seed: number): GlmData {
  const rand = mulberry32(seed);
  const X = new Float32Array(n * p);
  for (let i = 0; i < X.length; i++) X[i] = rand() < 0.1 ? rand() * 3 : 0;
  const y = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let eta = -3;
    for (let c = 0; c < p; c++) eta += (c % 3 === 0 ? 0.8 : -0.3) * X[c * n + i];
    y[i] = rand() < 1 / (1 + Math.exp(-eta)) ? 1 : 0;
  }
  const weights = Float64Array.from({ length: n }, (_, i) => (i % 3 === 2 ? 0 : 1));
  return { X, n, p, y, weights };
}

describe('exact Newton defers the Hessian where it expects to stop', () => {
  it('a gradient pass gives the same value, gradient and max |η| as a Hessian pass, to the bit', () => {
    // What the deferral rests on: the fit keeps the gradient pass's numbers and sums the Hessian in a later pass.
    const d = design(40_000, 12, 1);
    const beta = Float64Array.from({ length: 13 }, (_, c) => (c === 0 ? -2.5 : 0.05 * c - 0.3));
    const fam = familyOps('bernoulli');
    const withHessian = evaluateObjective(d, fam, beta, true);
    const without = evaluateObjective(d, fam, beta, false);
    expect(without.hess).toBeUndefined();
    expect(Object.is(without.value, withHessian.value)).toBe(true);
    expect(without.maxAbsEta).toBe(withHessian.maxAbsEta);
    expect(Array.from(without.grad)).toEqual(Array.from(withHessian.grad));
  });

  it('sums one Hessian per step taken, none at the point it stops at, and still reaches the optimum', () => {
    const d = design(20_000, 10, 2);
    const spy = vi.spyOn(RowPasses.prototype, 'evaluate');
    try {
      const fit = fitGlm(d, { family: 'bernoulli', penalty: ridgePenalty(10, 1), solver: 'newton', checkSeparation: false });
      const hessianPasses = spy.mock.calls.filter(([, wantHessian]) => wantHessian).length;
      expect(fit.converged).toBe(true);
      // setup's Hessian serves step 1, each later step's comes with the point before it; the last point's is skipped.
      expect(hessianPasses).toBe(fit.iterations);
      // Penalised score equation at the optimum: Xᵀ(μ − y)w + ridge·β = 0 (intercept unpenalised).
      const ev = evaluateObjective(d, familyOps('bernoulli'), fit.beta, false);
      for (let c = 1; c <= 10; c++) ev.grad[c] += fit.beta[c];
      const sumW = d.weights!.reduce((s, w) => s + w, 0);
      for (const g of ev.grad) expect(Math.abs(g) / sumW).toBeLessThan(1e-6);
    } finally {
      spy.mockRestore();
    }
  });
});
