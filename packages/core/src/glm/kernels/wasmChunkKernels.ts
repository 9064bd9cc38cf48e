import type { FamilyOps } from '../families.js';
import type { ChunkKernels } from './chunkKernels.js';
import { familyRowTerms, G0, H00, MAX_ABS_ETA, VALUE } from './rowTerms.js';
import { wasmBase64 } from './glmKernelsWasm.js';

/**
 * The slice of the WebAssembly JS API used here, declared locally: the workspace compiles against ES2023 +
 * Node typings, which do not declare the WebAssembly global.
 */
interface WasmMemory {
  readonly buffer: ArrayBuffer;
  grow(pages: number): number;
}
export type WasmModule = object;
interface WasmApi {
  validate(bytes: Uint8Array): boolean;
  Module: new (bytes: Uint8Array) => WasmModule;
  Instance: new (module: WasmModule) => { exports: unknown };
}
const wasmApi = (globalThis as { WebAssembly?: WasmApi }).WebAssembly;

/** The exports of glmKernels.wat (pointers are byte offsets into memory). */
interface KernelExports {
  memory: WasmMemory;
  addXbeta(x: number, ld: number, m: number, p: number, beta: number, eta: number): void;
  addXtv(x: number, ld: number, m: number, p: number, v: number, out: number): void;
  promote(x: number, ld: number, m: number, p: number, h: number, b: number): void;
  addGram(b: number, m: number, p: number, gram: number, ldg: number): void;
  bernoulliTerms(eta: number, y: number, w: number, m: number, r: number, h: number, out: number): void;
}

let compiled: WasmModule | null | undefined;

/**
 * The compiled SIMD kernels, or null where this runtime has no WebAssembly SIMD (then the JS kernels run).
 * OCCAM_GLM_KERNELS=js in the environment forces the JavaScript engine (for comparisons).
 */
export function glmKernelModule(): WasmModule | null {
  if (compiled === undefined) {
    compiled = null;
    const forcedJs = typeof process !== 'undefined' && process.env?.OCCAM_GLM_KERNELS === 'js';
    if (!forcedJs && wasmApi) {
      try {
        const bytes = Uint8Array.from(atob(wasmBase64), (ch) => ch.charCodeAt(0));
        if (wasmApi.validate(bytes)) compiled = new wasmApi.Module(bytes);
      } catch {
        compiled = null;
      }
    }
  }
  return compiled;
}

const PAGE = 65_536;

/** An instance of the kernels with its own memory; a pass holds it (busy) while it runs. */
class KernelInstance {
  readonly k: KernelExports;
  busy = false;
  constructor() {
    this.k = new wasmApi!.Instance(glmKernelModule()!).exports as KernelExports;
  }
  /** Grows the memory to at least `bytes` (growing detaches earlier views: make views after this). */
  reserve(bytes: number): ArrayBuffer {
    const { memory } = this.k;
    if (memory.buffer.byteLength < bytes) memory.grow(Math.ceil((bytes - memory.buffer.byteLength) / PAGE));
    return memory.buffer;
  }
}

/**
 * One instance per thread serves passes whose rows are copied in chunk by chunk. It is reused: WebAssembly
 * memories reserve large address ranges, so one per pass would strain the address space before the GC
 * noticed. A pass started while it is busy (none is, today) gets a private one.
 */
let shared: KernelInstance | null = null;

function acquireShared(): KernelInstance {
  shared ??= new KernelInstance();
  return shared.busy ? new KernelInstance() : shared;
}

function paddedColumns(p: number): number {
  return Math.max(4, Math.ceil(p / 4) * 4);
}

/**
 * The WebAssembly SIMD engine. Each chunk's rows are copied into the module's memory (column-major float32,
 * padded with zeros to an even row count and a multiple of four columns, so the kernels need no tails);
 * accumulators live there too and are read once per pass by flushInto.
 */
export class WasmChunkKernels implements ChunkKernels {
  readonly engine = 'wasm-simd' as const;
  readonly maxRows: number;
  readonly eta: Float64Array;
  readonly r: Float64Array;
  readonly h: Float64Array;
  private readonly instance: KernelInstance;
  private readonly k: KernelExports;
  private readonly pp: number;
  /** Rows of the Gram's f64 blocks (x and h·x): the Gram re-reads them p/2 times, so ~512 KiB stays in L2. */
  private readonly gramRows: number;
  /** Rows of the current chunk after padding to even: also its column stride in the chunk buffer. */
  private mPad = 0;
  private readonly x32: Float32Array;
  private readonly betaView: Float64Array;
  private readonly gradView: Float64Array;
  private readonly hessRowView: Float64Array;
  private readonly gramView: Float64Array | null;
  private readonly yView: Float64Array;
  private readonly wView: Float64Array;
  private readonly termsView: Float64Array;
  private readonly off: {
    chunk: number;
    b: number;
    eta: number;
    r: number;
    h: number;
    y: number;
    w: number;
    terms: number;
    beta: number;
    grad: number;
    hessRow: number;
    gram: number;
  };

  constructor(
    private readonly p: number,
    maxRows: number,
    withHessian: boolean,
  ) {
    this.maxRows = maxRows + (maxRows % 2);
    const cap = this.maxRows;
    const pp = (this.pp = paddedColumns(p));
    this.gramRows = Math.min(cap, Math.max(16, Math.floor(32_768 / pp) & ~1));
    this.instance = acquireShared();
    this.instance.busy = true;
    this.k = this.instance.k;
    // Byte offsets; every size is a multiple of 16 (cap and gramRows even, pp a multiple of 4), so all stay aligned.
    let at = 0;
    const take = (bytes: number) => ((at += bytes), at - bytes);
    const chunk = take(4 * cap * pp);
    const b = withHessian ? take(2 * 8 * this.gramRows * pp) : -1;
    const eta = take(8 * cap);
    const r = take(8 * cap);
    const h = take(8 * cap);
    const y = take(8 * cap);
    const w = take(8 * cap);
    const terms = take(8 * 4);
    const beta = take(8 * pp);
    const grad = take(8 * pp);
    const hessRow = take(8 * pp);
    const gram = withHessian ? take(8 * pp * pp) : -1;
    this.off = { chunk, b, eta, r, h, y, w, terms, beta, grad, hessRow, gram };
    const buf = this.instance.reserve(at);
    this.x32 = new Float32Array(buf, chunk, cap * pp);
    this.eta = new Float64Array(buf, eta, cap);
    this.r = new Float64Array(buf, r, cap);
    this.h = new Float64Array(buf, h, cap);
    this.yView = new Float64Array(buf, y, cap);
    this.wView = new Float64Array(buf, w, cap);
    this.termsView = new Float64Array(buf, terms, 4);
    this.betaView = new Float64Array(buf, beta, pp);
    this.gradView = new Float64Array(buf, grad, pp);
    this.hessRowView = new Float64Array(buf, hessRow, pp);
    this.gramView = withHessian ? new Float64Array(buf, gram, pp * pp) : null;
    // The memory is reused: clear what is read before it is written (padding and accumulators).
    this.betaView.fill(0);
    this.gradView.fill(0);
    this.hessRowView.fill(0);
    this.gramView?.fill(0);
  }

  setCoefficients(beta: Float64Array): void {
    this.betaView.set(beta.subarray(1, this.p + 1));
  }

  load(X: Float32Array, n: number, r0: number, m: number): void {
    const mPad = (this.mPad = m + (m % 2));
    if (mPad !== m) {
      this.eta[m] = 0;
      this.r[m] = 0;
      this.h[m] = 0;
    }
    const { p, pp, x32 } = this;
    for (let c = 0; c < p; c++) {
      const src = c * n + r0;
      x32.set(X.subarray(src, src + m), c * mPad);
    }
    if (mPad !== m) for (let c = 0; c < p; c++) x32[c * mPad + m] = 0;
    if (pp !== p) x32.fill(0, p * mPad, pp * mPad);
  }

  addXbeta(): void {
    this.k.addXbeta(this.off.chunk, this.mPad, this.mPad, this.pp, this.off.beta, this.off.eta);
  }

  rowTerms(fam: FamilyOps, y: Float64Array, weights: Float64Array | undefined, r0: number, m: number, wantGrad: boolean, terms: Float64Array): void {
    if (fam.kind !== 'bernoulli') {
      familyRowTerms(fam, this.eta, y, weights, r0, m, this.r, this.h, wantGrad, terms);
      return;
    }
    const { yView, wView, termsView, off, mPad } = this;
    yView.set(y.subarray(r0, r0 + m));
    if (weights) wView.set(weights.subarray(r0, r0 + m));
    else wView.fill(1, 0, m);
    if (mPad !== m) {
      yView[m] = 0;
      wView[m] = 0;
    }
    this.k.bernoulliTerms(off.eta, off.y, off.w, mPad, off.r, off.h, off.terms);
    terms[VALUE] += termsView[0];
    terms[MAX_ABS_ETA] = Math.max(terms[MAX_ABS_ETA], termsView[1]);
    terms[G0] += termsView[2];
    terms[H00] += termsView[3];
  }

  accumulateGradient(): void {
    this.k.addXtv(this.off.chunk, this.mPad, this.mPad, this.pp, this.off.r, this.off.grad);
  }

  accumulateHessian(): void {
    const { k, off, mPad, pp, gramRows } = this;
    k.addXtv(off.chunk, mPad, mPad, pp, off.h, off.hessRow);
    for (let s = 0; s < mPad; s += gramRows) {
      const rows = Math.min(gramRows, mPad - s);
      k.promote(off.chunk + 4 * s, mPad, rows, pp, off.h + 8 * s, off.b);
      k.addGram(off.b, rows, pp, off.gram, pp);
    }
  }

  flushInto(grad: Float64Array, hess?: Float64Array): void {
    const { p, pp, gradView, hessRowView, gramView } = this;
    const q = p + 1;
    for (let c = 0; c < p; c++) grad[c + 1] += gradView[c];
    gradView.fill(0);
    if (hess && gramView) {
      for (let c = 0; c < p; c++) hess[c + 1] += hessRowView[c];
      for (let a = 0; a < p; a++) for (let b = a; b < p; b++) hess[(a + 1) * q + b + 1] += gramView[a * pp + b];
      hessRowView.fill(0);
      gramView.fill(0);
    }
  }

  release(): void {
    this.instance.busy = false;
  }
}
