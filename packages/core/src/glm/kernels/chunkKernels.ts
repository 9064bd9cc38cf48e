import type { FamilyOps } from '../families.js';
import { JsChunkKernels } from './jsChunkKernels.js';
import { glmKernelModule, WasmChunkKernels } from './wasmChunkKernels.js';

/**
 * The arithmetic of one pass over the design rows, one chunk of rows at a time. Two engines implement it:
 * WebAssembly SIMD (wasmChunkKernels.ts, used wherever it compiles) and plain JavaScript (jsChunkKernels.ts:
 * the fallback, and the reference the tests hold the SIMD engine to): the O(m·p) and O(m·p²) loops and the
 * per-row family terms (η → value, gradient weight r, Hessian weight h).
 *
 * Usage per pass: setCoefficients(β) once; per chunk: load → (caller fills eta with β₀ + offset) → addXbeta →
 * rowTerms → accumulateGradient [→ accumulateHessian]; at the end flushInto(grad, hess).
 */
export interface ChunkKernels {
  readonly engine: 'wasm-simd' | 'js';
  /** The most rows one chunk may hold. */
  readonly maxRows: number;
  /** Per-row vectors of the current chunk (index 0 = first row of the chunk): η, r = ∂nll/∂η·w, h = w·Var. */
  readonly eta: Float64Array;
  readonly r: Float64Array;
  readonly h: Float64Array;
  /** β (index 0, the intercept, is not used here): the coefficients addXbeta applies. */
  setCoefficients(beta: Float64Array): void;
  /** Make rows [r0, r0 + m) of X (column-major n × p float32) the current chunk; m ≤ maxRows. */
  load(X: Float32Array, n: number, r0: number, m: number): void;
  /** eta[i] += Σ_c β_{c+1}·x_c[i] for the current chunk. */
  addXbeta(): void;
  /**
   * From eta, the family's per-row terms of the chunk (rows r0 … r0+m−1 of y and weights): fills r and h
   * (when wantGrad) and adds Σ w·nll, max |η|, Σ r, Σ h into terms (slots in rowTerms.ts).
   */
  rowTerms(fam: FamilyOps, y: Float64Array, weights: Float64Array | undefined, r0: number, m: number, wantGrad: boolean, terms: Float64Array): void;
  /** Gradient accumulator: g[c] += Σ_i x_c[i]·r[i]. */
  accumulateGradient(): void;
  /** Hessian accumulators: Σ_i x_c[i]·h[i] (the intercept row) and Σ_i x_a[i]·h[i]·x_b[i] (b ≥ a). */
  accumulateHessian(): void;
  /**
   * Adds the accumulated sums into grad[1 … p] and into hess (row-major (p+1)², upper triangle: row 0 and the
   * p × p block), then zeroes the accumulators. Entries below hess's diagonal are not meaningful.
   */
  flushInto(grad: Float64Array, hess?: Float64Array): void;
  /** Hands the engine's scratch memory back (the WebAssembly engine reuses one instance per thread). */
  release(): void;
}

/**
 * Rows per chunk: about 4 MiB of float32 design (p = 100: 10 484 rows, p = 500: 2 096). A pass reads each
 * chunk from memory once (Xβ) and again from cache (Xᵀr, Xᵀh); what limits the first read is how long each
 * column's piece is — the hardware prefetchers follow a few long streams, not hundreds of short ones. Measured
 * on 200 MB at p = 500 (bench/glm/README.md): 262-row chunks (512 KiB, sized for L2) 56 ms per pass of both
 * kernels, 2 096-row chunks 30 ms. Even, so the SIMD lanes need no tail.
 */
export function chunkRows(p: number): number {
  const cols = Math.max(4, Math.ceil(p / 4) * 4);
  const rows = Math.min(16_384, Math.max(64, Math.floor(2 ** 20 / cols)));
  return rows - (rows % 2);
}

/** The fastest engine this runtime has: WebAssembly SIMD, else JavaScript. */
export function createChunkKernels(p: number, maxRows: number, withHessian: boolean): ChunkKernels {
  return glmKernelModule() ? new WasmChunkKernels(p, maxRows, withHessian) : new JsChunkKernels(p, maxRows, withHessian);
}
