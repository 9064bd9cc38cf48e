import { describe, expect, it } from 'vitest';
import { Matrix, solve } from 'ml-matrix';
import { fitGlm, ridgePenalty, mulberry32, evaluateObjective, bernoulli, poisson, OccamError, type GlmData } from '@occam/core';

function randomDesign(n: number, p: number, seed: number) {
  const rand = mulberry32(seed);
  const X = new Float32Array(n * p);
  for (let i = 0; i < X.length; i++) X[i] = rand() * 2 - 1;
  return { X, rand };
}

function simulateY(X: Float32Array, n: number, p: number, beta: number[], family: 'bernoulli' | 'poisson' | 'gaussian', rand: () => number) {
  const y = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let eta = beta[0];
    for (let c = 0; c < p; c++) eta += beta[c + 1] * X[c * n + i];
    if (family === 'bernoulli') y[i] = rand() < 1 / (1 + Math.exp(-eta)) ? 1 : 0;
    else if (family === 'poisson') {
      const L = Math.exp(-Math.exp(eta));
      let k = 0,
        q = 1;
      do {
        k++;
        q *= rand();
      } while (q > L);
      y[i] = k - 1;
    } else y[i] = eta + (rand() - 0.5);
  }
  return y;
}

describe('fitGlm', () => {
  it('gaussian ridge equals the closed form (XᵀX + λI)β = Xᵀy with an unpenalised intercept', () => {
    const n = 500,
      p = 4,
      lambda = 3;
    const { X, rand } = randomDesign(n, p, 1);
    const y = simulateY(X, n, p, [0.5, 1, -2, 0.3, 0], 'gaussian', rand);
    const fit = fitGlm({ X, n, p, y }, { family: 'gaussian', penalty: ridgePenalty(p, lambda) });
    const A = Matrix.zeros(p + 1, p + 1);
    const b = Matrix.zeros(p + 1, 1);
    for (let i = 0; i < n; i++) {
      const row = [1, ...Array.from({ length: p }, (_, c) => X[c * n + i])];
      for (let a = 0; a <= p; a++) {
        b.set(a, 0, b.get(a, 0) + row[a] * y[i]);
        for (let c = 0; c <= p; c++) A.set(a, c, A.get(a, c) + row[a] * row[c]);
      }
    }
    for (let a = 1; a <= p; a++) A.set(a, a, A.get(a, a) + lambda);
    const exact = solve(A, b).to1DArray();
    exact.forEach((v, i) => expect(fit.beta[i]).toBeCloseTo(v, 8));
    expect(fit.converged).toBe(true);
  });

  for (const family of ['bernoulli', 'poisson'] as const) {
    it(`${family}: the penalised score equation holds at the optimum and Newton and L-BFGS agree`, () => {
      const n = family === 'bernoulli' ? 20000 : 4000,
        p = 6;
      const { X, rand } = randomDesign(n, p, 2);
      const truth = [family === 'bernoulli' ? -3 : -1, 0.8, -0.5, 0.3, 0, 0.2, -0.1];
      const y = simulateY(X, n, p, truth, family, rand);
      const d: GlmData = { X, n, p, y };
      const newton = fitGlm(d, { family, penalty: ridgePenalty(p, 0.5), solver: 'newton' });
      const lbfgs = fitGlm(d, { family, penalty: ridgePenalty(p, 0.5), solver: 'lbfgs' });
      for (let i = 0; i <= p; i++) expect(Math.abs(newton.beta[i] - lbfgs.beta[i])).toBeLessThan(1e-5);
      // Xᵀ(y − μ) = λβ (and Σ(y − μ) = 0 for the intercept)
      const ev = evaluateObjective(d, family === 'bernoulli' ? bernoulli : poisson, newton.beta, false);
      expect(Math.abs(ev.grad[0]) / n).toBeLessThan(1e-7);
      for (let c = 1; c <= p; c++) expect(Math.abs(ev.grad[c] + 0.5 * newton.beta[c]) / n).toBeLessThan(1e-7);
      // and the truth is recovered at this n
      for (let c = 1; c <= p; c++) expect(Math.abs(newton.beta[c] - truth[c])).toBeLessThan(0.15);
    });
  }

  it('rare events (~1 %) fit without NaN and recover the intercept', () => {
    const n = 20000,
      p = 3;
    const { X, rand } = randomDesign(n, p, 3);
    const y = simulateY(X, n, p, [-4.6, 0.5, 0, 0], 'bernoulli', rand);
    const fit = fitGlm({ X, n, p, y }, { family: 'bernoulli', penalty: ridgePenalty(p, 1) });
    expect(fit.beta.every(Number.isFinite)).toBe(true);
    expect(Math.abs(fit.beta[0] + 4.6)).toBeLessThan(0.2);
  });

  it('perfect separation: warns without a penalty, stays finite, and is tamed by ridge', () => {
    const n = 200,
      p = 1;
    const X = new Float32Array(n);
    const y = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      X[i] = i / n - 0.5;
      y[i] = X[i] > 0 ? 1 : 0;
    }
    const raw = fitGlm({ X, n, p, y }, { family: 'bernoulli', penalty: ridgePenalty(p, 0), maxIter: 60 });
    expect(raw.beta.every(Number.isFinite)).toBe(true);
    expect(raw.warnings.join(' ')).toMatch(/separation/);
    const ridged = fitGlm({ X, n, p, y }, { family: 'bernoulli', penalty: ridgePenalty(p, 1) });
    expect(ridged.warnings.join(' ')).not.toMatch(/separation/);
    expect(ridged.converged).toBe(true);
  });

  it('collinear columns: a rank-deficiency warning without ridge; with ridge the weight is shared equally', () => {
    const n = 3000,
      p = 3;
    const { X, rand } = randomDesign(n, p, 4);
    for (let i = 0; i < n; i++) X[2 * n + i] = X[i]; // column 2 duplicates column 0
    const y = simulateY(X, n, p, [-1, 1, 0.5, 0], 'bernoulli', rand);
    const raw = fitGlm({ X, n, p, y }, { family: 'bernoulli', penalty: ridgePenalty(p, 0) });
    expect(raw.warnings.join(' ')).toMatch(/rank-deficient|collinear/);
    expect(raw.beta.every(Number.isFinite)).toBe(true);
    const ridged = fitGlm({ X, n, p, y }, { family: 'bernoulli', penalty: ridgePenalty(p, 1) });
    expect(ridged.beta[1]).toBeCloseTo(ridged.beta[3], 6);
  });

  it('an all-zero target is a clear error, not NaN', () => {
    const n = 50,
      p = 2;
    const { X } = randomDesign(n, p, 5);
    expect(() => fitGlm({ X, n, p, y: new Float64Array(n) }, { family: 'bernoulli', penalty: ridgePenalty(p, 1) })).toThrow(OccamError);
    expect(() => fitGlm({ X, n, p, y: new Float64Array(n) }, { family: 'poisson', penalty: ridgePenalty(p, 1) })).toThrow(/all zero/);
  });

  it('an empty (all-zero) column is reported and keeps weight 0', () => {
    const n = 500,
      p = 2;
    const { X, rand } = randomDesign(n, p, 6);
    X.fill(0, n, 2 * n);
    const y = simulateY(X, n, p, [-1, 1, 0], 'bernoulli', rand);
    const fit = fitGlm({ X, n, p, y }, { family: 'bernoulli', penalty: ridgePenalty(p, 0) });
    expect(fit.warnings.join(' ')).toMatch(/zero in every fitted bin/);
    expect(fit.beta[2]).toBe(0);
  });
});

describe('subsampled Newton', () => {
  it('reaches the exact Newton optimum (the Hessian only steers; the gradient is exact)', () => {
    const n = 30000,
      p = 8;
    const { X, rand } = randomDesign(n, p, 9);
    const y = simulateY(X, n, p, [-3.5, 0.8, -0.5, 0.3, 0, 0.2, -0.1, 0.4, 0], 'bernoulli', rand);
    const d: GlmData = { X, n, p, y };
    const exact = fitGlm(d, { family: 'bernoulli', penalty: ridgePenalty(p, 1), solver: 'newton' });
    const sub = fitGlm(d, { family: 'bernoulli', penalty: ridgePenalty(p, 1), solver: 'subsampledNewton', hessianRows: 2000, gradTol: 1e-11 });
    expect(sub.solver).toBe('subsampledNewton');
    expect(sub.converged).toBe(true);
    const scale = Math.max(...Array.from(exact.beta, Math.abs));
    for (let i = 0; i <= p; i++) expect(Math.abs(sub.beta[i] - exact.beta[i]) / scale).toBeLessThan(1e-6);
  });
});
