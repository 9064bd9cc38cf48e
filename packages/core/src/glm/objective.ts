import type { FamilyOps } from './families.js';
import { chunkRows, createChunkKernels } from './kernels/chunkKernels.js';
import { G0, H00, MAX_ABS_ETA, TERMS, VALUE } from './kernels/rowTerms.js';
import { SegmentWorker } from './kernels/segmentWorker.js';

/**
 * The data a GLM is fitted to. X is column-major float32 (n × p, no intercept column);
 * weights (0 drops a row: that is how cross-validation folds select trials without copying X)
 * and offset are optional.
 */
export interface GlmData {
  X: Float32Array;
  n: number;
  p: number;
  y: Float64Array;
  weights?: Float64Array;
  offset?: Float64Array;
}

export interface Evaluation {
  /** Σ w·nll (unpenalised). */
  value: number;
  /** Gradient, index 0 = intercept. */
  grad: Float64Array;
  /** Hessian (row-major, (p+1)²), only when asked. */
  hess?: Float64Array;
  /** max |η| over rows with weight > 0: a separation signal for bernoulli. */
  maxAbsEta: number;
}

/** η = β₀ + offset + Xβ for every row. */
export function linearPredictor(d: GlmData, beta: Float64Array): Float64Array {
  const { X, n, p, offset } = d;
  const out = new Float64Array(n);
  const kernels = createChunkKernels(p, chunkRows(p), false);
  try {
    kernels.setCoefficients(beta);
    const { eta } = kernels;
    for (let r0 = 0; r0 < n; r0 += kernels.maxRows) {
      const m = Math.min(n, r0 + kernels.maxRows) - r0;
      kernels.load(X, n, r0, m);
      if (offset) for (let i = 0; i < m; i++) eta[i] = beta[0] + offset[r0 + i];
      else eta.fill(beta[0], 0, m);
      kernels.addXbeta();
      out.set(eta.subarray(0, m), r0);
    }
  } finally {
    kernels.release();
  }
  return out;
}

/** What one pass over the rows computes. */
export type PassKind = 'value' | 'gradient' | 'hessian';

/** Sums over a range of rows: value, max |η|, gradient (length p+1), Hessian upper triangle ((p+1)², row-major). */
export interface PartialSums {
  value: number;
  maxAbsEta: number;
  grad: Float64Array;
  hess?: Float64Array;
}

/**
 * One pass over rows [rowStart, rowEnd), chunk by chunk: η = β₀ + offset + Xβ, the per-row family terms
 * (value, r, h), then Xᵀr and, for a Hessian pass, Xᵀh and the O(m·p²) Gram XᵀHX — all in the chunk kernels
 * (WebAssembly SIMD where available). Chunks start at rowStart, so a range's sums do not depend on what else
 * is in the design.
 */
export function sumRows(d: GlmData, fam: FamilyOps, beta: Float64Array, kind: PassKind, rowStart: number, rowEnd: number): PartialSums {
  const { X, n, p, y, weights, offset } = d;
  const q = p + 1;
  const wantGrad = kind !== 'value';
  const wantHess = kind === 'hessian';
  const grad = new Float64Array(q);
  const hess = wantHess ? new Float64Array(q * q) : undefined;
  const terms = new Float64Array(TERMS);
  const kernels = createChunkKernels(p, chunkRows(p), wantHess);
  try {
    kernels.setCoefficients(beta);
    const { eta } = kernels;
    const b0 = beta[0];
    for (let r0 = rowStart; r0 < rowEnd; r0 += kernels.maxRows) {
      const m = Math.min(rowEnd, r0 + kernels.maxRows) - r0;
      kernels.load(X, n, r0, m);
      if (offset) for (let i = 0; i < m; i++) eta[i] = b0 + offset[r0 + i];
      else eta.fill(b0, 0, m);
      kernels.addXbeta();
      kernels.rowTerms(fam, y, weights, r0, m, wantGrad, terms);
      if (wantGrad) kernels.accumulateGradient();
      if (wantHess) kernels.accumulateHessian();
    }
    kernels.flushInto(grad, hess);
  } finally {
    kernels.release();
  }
  grad[0] = terms[G0];
  if (hess) hess[0] = terms[H00];
  return { value: terms[VALUE], maxAbsEta: terms[MAX_ABS_ETA], grad, hess };
}

/**
 * The fixed row segments of a pass over n rows: one, or two halves (split at an even row) when the design
 * is large enough that a second thread may sum the second half. Passes add segment sums in this order, so a
 * result depends on the data alone — not on whether a worker thread took part or which finished first.
 */
export function rowSegments(n: number, p: number): Array<[number, number]> {
  if (n < 4096 || n * p < 2 ** 21) return [[0, n]];
  const half = Math.floor(n / 4) * 2;
  return [
    [0, half],
    [half, n],
  ];
}

/** Adds b's sums into a (segment order: a holds the earlier segments). */
export function addSums(a: PartialSums, b: PartialSums): PartialSums {
  a.value += b.value;
  a.maxAbsEta = Math.max(a.maxAbsEta, b.maxAbsEta);
  for (let i = 0; i < a.grad.length; i++) a.grad[i] += b.grad[i];
  if (a.hess && b.hess) for (let i = 0; i < a.hess.length; i++) a.hess[i] += b.hess[i];
  return a;
}

/** The full Hessian from its upper triangle. */
function mirrorUpper(hess: Float64Array, q: number): void {
  for (let a = 0; a < q; a++) for (let b = 0; b < a; b++) hess[a * q + b] = hess[b * q + a];
}

function toEvaluation(sums: PartialSums, p: number): Evaluation {
  if (sums.hess) mirrorUpper(sums.hess, p + 1);
  return { value: sums.value, grad: sums.grad, hess: sums.hess, maxAbsEta: sums.maxAbsEta };
}

/**
 * Value, gradient and (optionally) the Hessian XᵀWX of Σ w·nll in one pass over the rows. The Hessian is
 * the O(n·p²) part.
 */
export function evaluateObjective(d: GlmData, fam: FamilyOps, beta: Float64Array, wantHessian: boolean): Evaluation {
  const kind = wantHessian ? 'hessian' : 'gradient';
  const [first, ...rest] = rowSegments(d.n, d.p).map(([r0, r1]) => sumRows(d, fam, beta, kind, r0, r1));
  return toEvaluation(rest.reduce(addSums, first), d.p);
}

/**
 * Passes over one design for the length of a fit: the same numbers as evaluateObjective. With `workerThread`
 * (designs split into two row segments, see rowSegments) a worker thread holds a copy of the second segment
 * and sums it while this thread sums the first. close() stops the worker.
 */
export class RowPasses {
  private worker: SegmentWorker | null = null;
  private readonly segments: Array<[number, number]>;

  constructor(
    readonly d: GlmData,
    readonly fam: FamilyOps,
    options: { workerThread?: boolean } = {},
  ) {
    this.segments = rowSegments(d.n, d.p);
    if (options.workerThread && this.segments.length === 2) {
      const [r0, r1] = this.segments[1];
      this.worker = SegmentWorker.start(d, fam.kind, r0, r1);
    }
  }

  /** Threads summing the rows: 2 while a worker thread is running. */
  get threads(): number {
    return this.worker?.alive ? 2 : 1;
  }

  private sumSegment(beta: Float64Array, kind: PassKind, k: number): PartialSums {
    const [r0, r1] = this.segments[k];
    return sumRows(this.d, this.fam, beta, kind, r0, r1);
  }

  private sums(beta: Float64Array, kind: PassKind): PartialSums {
    if (this.worker) {
      this.worker.dispatch(beta, kind);
      const first = this.sumSegment(beta, kind, 0);
      const second = this.worker.collect(kind) ?? this.sumSegment(beta, kind, 1);
      return addSums(first, second);
    }
    const [first, ...rest] = this.segments.map((_, k) => this.sumSegment(beta, kind, k));
    return rest.reduce(addSums, first);
  }

  evaluate(beta: Float64Array, wantHessian: boolean): Evaluation {
    return toEvaluation(this.sums(beta, wantHessian ? 'hessian' : 'gradient'), this.d.p);
  }

  value(beta: Float64Array): number {
    return this.sums(beta, 'value').value;
  }

  close(): void {
    this.worker?.close();
    this.worker = null;
  }
}
