import { describe, expect, it } from 'vitest';
import { bernoulli, evaluateObjective, fitGlm, mulberry32, poisson, ridgePenalty, type GlmData } from '@occam/core';
import { RowPasses, rowSegments } from '../src/glm/objective.js';

/** A design large enough to be split into two row segments (n·p ≥ 2²¹), with an odd row count. */
function design(seed: number): GlmData {
  const n = 60_001,
    p = 37;
  const rand = mulberry32(seed);
  const X = Float32Array.from({ length: n * p }, () => rand() * 2 - 1);
  const y = Float64Array.from({ length: n }, () => (rand() < 0.05 ? 1 : 0));
  const weights = Float64Array.from({ length: n }, (_, i) => (i % 13 === 0 ? 0 : 1));
  return { X, n, p, y, weights };
}

const identical = (a: Float64Array, b: Float64Array) => a.length === b.length && a.every((v, i) => Object.is(v, b[i]));

describe('row passes on two threads', () => {
  it('give bit-identical sums with a worker thread, without one, and from evaluateObjective', () => {
    const d = design(1);
    expect(rowSegments(d.n, d.p)).toHaveLength(2);
    const beta = Float64Array.from({ length: d.p + 1 }, (_, c) => (c === 0 ? -3 : Math.sin(c) * 0.2));
    const threaded = new RowPasses(d, bernoulli, { workerThread: true });
    const single = new RowPasses(d, bernoulli, { workerThread: false });
    try {
      expect(threaded.threads).toBe(2);
      expect(single.threads).toBe(1);
      const results = [threaded, single].map((passes) => passes.evaluate(beta, true));
      results.push(evaluateObjective(d, bernoulli, beta, true), threaded.evaluate(beta, true));
      for (const r of results.slice(1)) {
        expect(r.value).toBe(results[0].value);
        expect(identical(r.grad, results[0].grad)).toBe(true);
        expect(identical(r.hess!, results[0].hess!)).toBe(true);
      }
      expect(threaded.value(beta)).toBe(results[0].value);
      expect(threaded.threads).toBe(2); // the worker did the sums (a failed worker is replaced by this thread)
    } finally {
      threaded.close();
      single.close();
    }
  });

  it('fitGlm gives the same coefficients with and without the worker thread', () => {
    const d = design(2);
    for (const family of ['bernoulli', 'poisson'] as const) {
      const options = { family, penalty: ridgePenalty(d.p, 1), solver: 'lbfgs' as const };
      const two = fitGlm(d, { ...options, parallel: true });
      const one = fitGlm(d, { ...options, parallel: false });
      expect(identical(two.beta, one.beta)).toBe(true);
      expect(two.iterations).toBe(one.iterations);
    }
    expect(poisson.name).toBe('poisson');
  });
});
