import { describe, expect, it } from 'vitest';
import { mulberry32 } from '@occam/core';
import { minimiseQuadraticModel } from '../src/glm/solvers/proximalNewtonGroupLasso.js';

// A quadratic model like the search route's late path: one large group of strongly correlated columns (fine bins
// nested in coarser ones), two small groups and an unpenalised intercept. Majorized block steps alone converge
// only linearly there; the inner solve must still reach the model's optimality conditions.
function correlatedModel(seed: number) {
  const rand = mulberry32(seed);
  const gauss = () => Math.sqrt(-2 * Math.log(rand() + 1e-12)) * Math.cos(2 * Math.PI * rand());
  const q = 1 + 40 + 4 + 4;
  const rows = 400;
  const shared = Array.from({ length: rows }, gauss);
  const A = Array.from({ length: rows }, (_, i) => Array.from({ length: q }, (_, c) => (c === 0 ? 1 : c <= 40 ? shared[i] + 0.05 * gauss() : gauss())));
  const H = new Float64Array(q * q);
  for (let a = 0; a < q; a++) for (let c = 0; c < q; c++) H[a * q + c] = A.reduce((s, row) => s + row[a] * row[c], 0) / rows + (a === c && a > 0 ? 1e-4 : 0);
  const g = Float64Array.from({ length: q }, () => 0.3 * gauss());
  const theta = new Float64Array(q);
  const blocks = [
    { columns: Array.from({ length: 40 }, (_, k) => 1 + k), weight: Math.sqrt(40) },
    { columns: [41, 42, 43, 44], weight: 2 },
    { columns: [45, 46, 47, 48], weight: 2 },
  ];
  return { q, H, g, theta, blocks };
}

describe('minimiseQuadraticModel', () => {
  it('meets the quadratic model’s optimality conditions with a large correlated group', () => {
    const { q, H, g, theta, blocks } = correlatedModel(3);
    for (const lambda of [0.02, 0.005, 0.001]) {
      const z = minimiseQuadraticModel(theta, g, H, q, blocks, [0], lambda);
      const r = Float64Array.from({ length: q }, (_, a) => g[a] + H.subarray(a * q, (a + 1) * q).reduce((s, h, c) => s + h * (z[c] - theta[c]), 0));
      expect(Math.abs(r[0])).toBeLessThan(1e-8);
      let nonZero = 0;
      for (const b of blocks) {
        const norm = Math.hypot(...b.columns.map((c) => z[c]));
        if (norm === 0) expect(Math.hypot(...b.columns.map((c) => r[c]))).toBeLessThanOrEqual(lambda * b.weight * (1 + 1e-9));
        else {
          nonZero++;
          for (const c of b.columns) expect(Math.abs(r[c] + (lambda * b.weight * z[c]) / norm)).toBeLessThan(1e-8);
        }
      }
      expect(nonZero).toBeGreaterThan(0);
    }
  });
});
