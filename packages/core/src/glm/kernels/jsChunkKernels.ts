import type { FamilyOps } from '../families.js';
import type { ChunkKernels } from './chunkKernels.js';
import { bernoulliRowTerms, familyRowTerms } from './rowTerms.js';

/**
 * Plain-JavaScript chunk kernels: the fallback where WebAssembly SIMD is unavailable and the reference the
 * SIMD engine is tested against. Reads the design in place (no copy); sums in float64 in row order.
 */
export class JsChunkKernels implements ChunkKernels {
  readonly engine = 'js' as const;
  readonly eta: Float64Array;
  readonly r: Float64Array;
  readonly h: Float64Array;
  private beta: Float64Array = new Float64Array(0);
  private X: Float32Array = new Float32Array(0);
  private n = 0;
  private r0 = 0;
  private m = 0;
  private readonly grad: Float64Array;
  private readonly hessRow: Float64Array;
  private readonly gram: Float64Array | null;
  /** Up to gramRows rows of the chunk's columns as contiguous float64, so the O(p²·m) Gram loop runs in cache. */
  private readonly block: Float64Array | null;
  private readonly gramRows: number;
  private readonly hx: Float64Array;

  constructor(
    private readonly p: number,
    readonly maxRows: number,
    withHessian: boolean,
  ) {
    this.eta = new Float64Array(maxRows);
    this.r = new Float64Array(maxRows);
    this.h = new Float64Array(maxRows);
    this.hx = new Float64Array(maxRows);
    this.grad = new Float64Array(p);
    this.hessRow = new Float64Array(p);
    this.gram = withHessian ? new Float64Array(p * p) : null;
    this.gramRows = Math.min(maxRows, Math.max(16, Math.floor(32_768 / Math.max(p, 1))));
    this.block = withHessian ? new Float64Array(this.gramRows * p) : null;
  }

  setCoefficients(beta: Float64Array): void {
    this.beta = beta;
  }

  load(X: Float32Array, n: number, r0: number, m: number): void {
    this.X = X;
    this.n = n;
    this.r0 = r0;
    this.m = m;
  }

  addXbeta(): void {
    const { X, n, p, r0, m, eta, beta } = this;
    for (let c = 0; c < p; c++) {
      const bc = beta[c + 1];
      if (bc === 0) continue;
      const base = c * n + r0;
      for (let i = 0; i < m; i++) eta[i] += bc * X[base + i];
    }
  }

  rowTerms(fam: FamilyOps, y: Float64Array, weights: Float64Array | undefined, r0: number, m: number, wantGrad: boolean, terms: Float64Array): void {
    if (fam.kind === 'bernoulli') bernoulliRowTerms(this.eta, y, weights, r0, m, this.r, this.h, wantGrad, terms);
    else familyRowTerms(fam, this.eta, y, weights, r0, m, this.r, this.h, wantGrad, terms);
  }

  accumulateGradient(): void {
    columnDots(this.X, this.n, this.p, this.r0, this.m, this.r, this.grad);
  }

  accumulateHessian(): void {
    const { X, n, p, r0, m, h } = this;
    columnDots(X, n, p, r0, m, h, this.hessRow);
    const block = this.block!;
    for (let s = 0; s < m; s += this.gramRows) {
      const rows = Math.min(this.gramRows, m - s);
      for (let c = 0; c < p; c++) {
        const src = c * n + r0 + s;
        const dst = c * rows;
        for (let i = 0; i < rows; i++) block[dst + i] = X[src + i];
      }
      addGram(block, rows, p, h.subarray(s, s + rows), this.hx, this.gram!);
    }
  }

  flushInto(grad: Float64Array, hess?: Float64Array): void {
    const { p } = this;
    const q = p + 1;
    for (let c = 0; c < p; c++) grad[c + 1] += this.grad[c];
    this.grad.fill(0);
    if (hess && this.gram) {
      for (let c = 0; c < p; c++) hess[c + 1] += this.hessRow[c];
      for (let a = 0; a < p; a++) for (let b = a; b < p; b++) hess[(a + 1) * q + b + 1] += this.gram[a * p + b];
      this.hessRow.fill(0);
      this.gram.fill(0);
    }
  }

  release(): void {}
}

/** out[c] += Σ_i X[c·n + r0 + i]·v[i], i < m. */
function columnDots(X: Float32Array, n: number, p: number, r0: number, m: number, v: Float64Array, out: Float64Array): void {
  for (let c = 0; c < p; c++) {
    const base = c * n + r0;
    let s = 0;
    for (let i = 0; i < m; i++) s += X[base + i] * v[i];
    out[c] += s;
  }
}

/**
 * gram[a·p + b] += Σ_i (h[i]·block[a][i])·block[b][i] for b ≥ a; four columns share each pass over the weighted
 * column. Its own function so V8 optimises it alone.
 */
function addGram(block: Float64Array, m: number, p: number, h: Float64Array, hx: Float64Array, gram: Float64Array): void {
  for (let a = 0; a < p; a++) {
    const baseA = a * m;
    for (let i = 0; i < m; i++) hx[i] = h[i] * block[baseA + i];
    const rowOff = a * p;
    let b = a;
    for (; b + 3 < p; b += 4) {
      const b0 = b * m;
      const b1 = b0 + m;
      const b2 = b1 + m;
      const b3 = b2 + m;
      let s0 = 0;
      let s1 = 0;
      let s2 = 0;
      let s3 = 0;
      for (let i = 0; i < m; i++) {
        const v = hx[i];
        s0 += v * block[b0 + i];
        s1 += v * block[b1 + i];
        s2 += v * block[b2 + i];
        s3 += v * block[b3 + i];
      }
      gram[rowOff + b] += s0;
      gram[rowOff + b + 1] += s1;
      gram[rowOff + b + 2] += s2;
      gram[rowOff + b + 3] += s3;
    }
    for (; b < p; b++) {
      const bb = b * m;
      let s = 0;
      for (let i = 0; i < m; i++) s += hx[i] * block[bb + i];
      gram[rowOff + b] += s;
    }
  }
}
