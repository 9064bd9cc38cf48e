import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { bernoulli, evaluateObjective, linearPredictor, mulberry32, poisson, type GlmData } from '@occam/core';
import type { ChunkKernels } from '../src/glm/kernels/chunkKernels.js';
import { JsChunkKernels } from '../src/glm/kernels/jsChunkKernels.js';
import { glmKernelModule, WasmChunkKernels } from '../src/glm/kernels/wasmChunkKernels.js';
import { wasmBase64 } from '../src/glm/kernels/glmKernelsWasm.js';

const kernelDir = new URL('../src/glm/kernels/', import.meta.url);

function hasWabt(): boolean {
  try {
    createRequire(import.meta.url).resolve('wabt');
    return true;
  } catch {
    return false;
  }
}

describe('WebAssembly kernel bytes', () => {
  it.skipIf(!hasWabt())('rebuilding glmKernels.wat reproduces the committed glmKernelsWasm.ts', async () => {
    const build = await import('../../../tools/wasm-kernels/build.mjs');
    const bytes = await build.compileWat('glmKernels.wat', readFileSync(new URL('glmKernels.wat', kernelDir), 'utf8'));
    expect(build.moduleText('glmKernels.wat', bytes)).toBe(readFileSync(new URL('glmKernelsWasm.ts', kernelDir), 'utf8'));
  });

  it('compile here (Node has WebAssembly SIMD), so fits use them', () => {
    expect(atob(wasmBase64).length).toBeGreaterThan(0);
    expect(glmKernelModule()).not.toBeNull();
  });
});

/** Runs one whole pass of chunk kernels over X and returns η (every row), gradient and Hessian sums. */
function runKernels(kernels: ChunkKernels, X: Float32Array, n: number, p: number, beta: Float64Array, rowWeight: (i: number) => number) {
  const q = p + 1;
  const grad = new Float64Array(q);
  const hess = new Float64Array(q * q);
  const eta = new Float64Array(n);
  kernels.setCoefficients(beta);
  for (let r0 = 0; r0 < n; r0 += kernels.maxRows) {
    const m = Math.min(n, r0 + kernels.maxRows) - r0;
    kernels.load(X, n, r0, m);
    kernels.eta.fill(beta[0], 0, m);
    kernels.addXbeta();
    for (let i = 0; i < m; i++) {
      eta[r0 + i] = kernels.eta[i];
      kernels.r[i] = Math.sin(kernels.eta[i]);
      kernels.h[i] = rowWeight(r0 + i);
    }
    kernels.accumulateGradient();
    kernels.accumulateHessian();
  }
  kernels.flushInto(grad, hess);
  kernels.release();
  return { eta, grad, hess };
}

/** max |a − b| over the entries, relative to max |b| (the upper triangle only where `upper` is given). */
function relDiff(a: Float64Array, b: Float64Array, upper?: number): number {
  let diff = 0;
  let scale = 0;
  for (let k = 0; k < a.length; k++) {
    if (upper !== undefined && k % upper < Math.floor(k / upper)) continue;
    diff = Math.max(diff, Math.abs(a[k] - b[k]));
    scale = Math.max(scale, Math.abs(b[k]));
  }
  return diff / scale;
}

describe('WebAssembly SIMD kernels equal the JavaScript reference', () => {
  // Odd row counts and chunk sizes (a padded tail row), p not a multiple of 4 (padded columns), p < 4.
  const cases: Array<[n: number, p: number, rows: number]> = [
    [1, 1, 16],
    [7, 3, 4],
    [101, 5, 33],
    [257, 13, 64],
    [1000, 37, 250],
    [999, 64, 17],
    [333, 130, 32],
  ];
  for (const [n, p, rows] of cases) {
    it(`n=${n} p=${p} chunk=${rows}: η, Xᵀr, Xᵀh and XᵀHX to 1e-12 relative`, () => {
      const rand = mulberry32(n * 131 + p);
      const X = Float32Array.from({ length: n * p }, () => rand() * 4 - 2);
      const beta = Float64Array.from({ length: p + 1 }, () => rand() - 0.5);
      beta[Math.min(p, 2)] = 0; // a zero coefficient (the JS engine skips it)
      const weight = (i: number) => (i % 7 === 3 ? 0 : 0.1 + ((i * 0.618) % 1));
      const js = runKernels(new JsChunkKernels(p, rows, true), X, n, p, beta, weight);
      const wasm = runKernels(new WasmChunkKernels(p, rows, true), X, n, p, beta, weight);
      expect(relDiff(wasm.eta, js.eta)).toBeLessThan(1e-12);
      expect(relDiff(wasm.grad, js.grad)).toBeLessThan(1e-12);
      expect(relDiff(wasm.hess, js.hess, p + 1)).toBeLessThan(1e-12);
    });
  }

  it('η is bit-identical (both add the columns in the same order)', () => {
    const n = 515,
      p = 11;
    const rand = mulberry32(5);
    const X = Float32Array.from({ length: n * p }, () => rand() - 0.5);
    const beta = Float64Array.from({ length: p + 1 }, () => rand() * 3);
    const js = runKernels(new JsChunkKernels(p, 128, true), X, n, p, beta, () => 1);
    const wasm = runKernels(new WasmChunkKernels(p, 128, true), X, n, p, beta, () => 1);
    expect(Array.from(wasm.eta)).toEqual(Array.from(js.eta));
  });
});

describe('Bernoulli row terms (WebAssembly exp/log1p polynomials) against the JavaScript formulas', () => {
  it('r, h to 1e-14 relative and the sums to 1e-13, over |η| up to 800, with zero weights and an odd chunk', () => {
    const m = 999;
    const rand = mulberry32(17);
    const etaValues = Float64Array.from({ length: m }, (_, i) => {
      if (i < 12) return [0, -0, 1e-300, -1e-20, 700, -700, 708.5, -708.5, 745, -745, 800, -800][i];
      return i % 3 === 0 ? (rand() - 0.5) * 80 : (rand() - 0.5) * 12 - 4;
    });
    const y = Float64Array.from({ length: m }, () => (rand() < 0.3 ? 1 : 0));
    const weights = Float64Array.from({ length: m }, (_, i) => (i % 11 === 5 ? 0 : 0.5 + rand()));
    const X = new Float32Array(m);
    const run = (kernels: ChunkKernels) => {
      const terms = new Float64Array(4);
      kernels.setCoefficients(new Float64Array(2));
      kernels.load(X, m, 0, m);
      kernels.eta.set(etaValues);
      kernels.rowTerms(bernoulli, y, weights, 0, m, true, terms);
      const out = { r: kernels.r.slice(0, m), h: kernels.h.slice(0, m), terms };
      kernels.release();
      return out;
    };
    const js = run(new JsChunkKernels(1, 1024, false));
    const wasm = run(new WasmChunkKernels(1, 1024, false));
    // Absolute floor 1e-300: the kernel's exp stops at exp(−708) ≈ 3e-308 where Math.exp goes on to 0.
    for (let i = 0; i < m; i++) {
      expect(Math.abs(wasm.r[i] - js.r[i])).toBeLessThanOrEqual(1e-14 * Math.abs(js.r[i]) + 1e-300);
      expect(Math.abs(wasm.h[i] - js.h[i])).toBeLessThanOrEqual(1e-14 * Math.abs(js.h[i]) + 1e-300);
    }
    for (const k of [0, 2, 3]) expect(Math.abs(wasm.terms[k] - js.terms[k])).toBeLessThan(1e-13 * Math.abs(js.terms[k]));
    expect(wasm.terms[1]).toBe(js.terms[1]);
  });
});

describe('evaluateObjective and linearPredictor against a direct computation', () => {
  for (const [family, fam] of [
    ['bernoulli', bernoulli],
    ['poisson', poisson],
  ] as const) {
    it(`${family}: value, gradient, Hessian with weights and offset`, () => {
      const n = 2001,
        p = 7;
      const rand = mulberry32(11);
      const X = Float32Array.from({ length: n * p }, () => rand() * 2 - 1);
      const y = Float64Array.from({ length: n }, () => (rand() < 0.1 ? 1 : 0));
      const weights = Float64Array.from({ length: n }, (_, i) => (i % 5 === 0 ? 0 : 1 + (i % 3)));
      const offset = Float64Array.from({ length: n }, () => rand() * 0.2);
      const beta = Float64Array.from({ length: p + 1 }, (_, c) => (c === 0 ? -2 : rand() - 0.5));
      const d: GlmData = { X, n, p, y, weights, offset };
      const q = p + 1;
      let value = 0;
      const grad = new Float64Array(q);
      const hess = new Float64Array(q * q);
      const x = (c: number, i: number) => (c === 0 ? 1 : X[(c - 1) * n + i]);
      for (let i = 0; i < n; i++) {
        let eta = beta[0] + offset[i];
        for (let c = 1; c < q; c++) eta += beta[c] * x(c, i);
        const mu = fam.mean(eta);
        value += weights[i] * fam.nll(y[i], eta);
        for (let a = 0; a < q; a++) {
          grad[a] += weights[i] * (mu - y[i]) * x(a, i);
          for (let b = 0; b < q; b++) hess[a * q + b] += weights[i] * fam.variance(mu) * x(a, i) * x(b, i);
        }
      }
      const ev = evaluateObjective(d, fam, beta, true);
      expect(Math.abs(ev.value - value) / value).toBeLessThan(1e-12);
      expect(relDiff(ev.grad, grad)).toBeLessThan(1e-12);
      expect(relDiff(ev.hess!, hess)).toBeLessThan(1e-12);
      const eta = linearPredictor(d, beta);
      for (const i of [0, 1, 1000, n - 1]) {
        let e = beta[0] + offset[i];
        for (let c = 1; c < q; c++) e += beta[c] * x(c, i);
        expect(Math.abs(eta[i] - e)).toBeLessThan(1e-12);
      }
    });
  }
});
