import { availableParallelism, loadavg } from 'node:os';
import { Worker } from 'node:worker_threads';
import type { Family } from '../../spec/schema.js';
import { moduleWorkerSource } from '../../threads/moduleWorkerSource.js';
import type { GlmData, PartialSums, PassKind } from '../objective.js';

/**
 * A worker thread that sums one fixed row segment of a design, pass after pass, while the calling thread sums
 * the other (the machines we target have two cores, and the design's rows split evenly). fitGlm is
 * synchronous, so the threads meet on a SharedArrayBuffer with Atomics.wait/notify instead of messages: the
 * caller posts β and the pass kind, sums its own segment, then waits for the worker's sums. Sums are added
 * in segment order, so the result is the same as one thread summing both segments, whoever finishes first.
 * If the worker fails to start or dies, collect() returns null and the caller sums the segment itself.
 */
export class SegmentWorker {
  private sequence = 0;
  private running = true;

  private constructor(
    private readonly worker: Worker,
    private readonly control: Int32Array,
    private readonly io: Float64Array,
    private readonly q: number,
  ) {}

  /**
   * Whether a second thread is worth starting for passes of this cost: they must be long (starting one takes
   * ~0.1–0.3 s) and a core must be idle — on a busy machine Linux's autogroup scheduler gives a process the
   * same CPU share however many threads it runs (measured: no gain at load 10 on 2 cores). The result is
   * the same either way; only the speed differs.
   */
  static worthwhile(passNanoseconds: number): boolean {
    if (typeof process !== 'undefined' && process.env?.OCCAM_GLM_THREADS === '1') return false;
    const cores = availableParallelism();
    return passNanoseconds >= 2e7 && cores >= 2 && loadavg()[0] <= cores - 0.5;
  }

  /**
   * Starts a worker holding rows [rowStart, rowEnd) of d (copied, then moved to the worker) and waits until it
   * is ready; null if it could not start (no worker support, or not ready within 30 s).
   */
  static start(d: GlmData, family: Family, rowStart: number, rowEnd: number): SegmentWorker | null {
    const rows = rowEnd - rowStart;
    const q = d.p + 1;
    const X = new Float32Array(rows * d.p);
    for (let c = 0; c < d.p; c++) X.set(d.X.subarray(c * d.n + rowStart, c * d.n + rowEnd), c * rows);
    const data: SegmentWorkerData = {
      family,
      n: rows,
      p: d.p,
      X,
      y: d.y.slice(rowStart, rowEnd),
      weights: d.weights?.slice(rowStart, rowEnd),
      offset: d.offset?.slice(rowStart, rowEnd),
      control: new SharedArrayBuffer(CONTROL_SLOTS * 4),
      io: new SharedArrayBuffer(ioLayout(q).length * 8),
    };
    let worker: Worker;
    try {
      worker = new Worker(bootstrapCode(), { eval: true, workerData: data, transferList: [X.buffer] });
    } catch {
      return null;
    }
    worker.unref();
    worker.on('error', () => {}); // a failed worker is noticed through the control block (or its silence)
    const control = new Int32Array(data.control);
    const deadline = Date.now() + 30_000;
    while (Atomics.load(control, STATE) === STARTING && Date.now() < deadline) Atomics.wait(control, STATE, STARTING, 100);
    if (Atomics.load(control, STATE) !== READY) {
      void worker.terminate();
      return null;
    }
    return new SegmentWorker(worker, control, new Float64Array(data.io), q);
  }

  /** False once the worker has failed or been closed (the caller then sums its segment itself). */
  get alive(): boolean {
    return this.running;
  }

  /** Starts the worker on a pass at beta. */
  dispatch(beta: Float64Array, kind: PassKind): void {
    if (!this.running) return;
    const layout = ioLayout(this.q);
    this.io.set(beta.subarray(0, this.q), layout.beta);
    Atomics.store(this.control, KIND, PASS_KINDS.indexOf(kind));
    this.sequence++;
    Atomics.store(this.control, COMMAND, this.sequence);
    Atomics.notify(this.control, COMMAND);
  }

  /** The worker's sums for the last dispatched pass, or null when it failed (it is then not used again). */
  collect(kind: PassKind): PartialSums | null {
    if (!this.running) return null;
    const deadline = Date.now() + 600_000;
    while (Atomics.load(this.control, DONE) !== this.sequence) {
      if (Atomics.load(this.control, STATE) !== READY || Date.now() > deadline) {
        this.close();
        return null;
      }
      Atomics.wait(this.control, DONE, this.sequence - 1, 1000);
    }
    const layout = ioLayout(this.q);
    return {
      value: this.io[layout.value],
      maxAbsEta: this.io[layout.maxAbsEta],
      grad: this.io.slice(layout.grad, layout.grad + this.q),
      hess: kind === 'hessian' ? this.io.slice(layout.hess, layout.hess + this.q * this.q) : undefined,
    };
  }

  close(): void {
    if (!this.running) return;
    this.running = false;
    Atomics.store(this.control, STATE, QUIT);
    Atomics.notify(this.control, COMMAND);
    void this.worker.terminate();
  }
}

/**
 * The worker's first code: imports rowPassWorker and, if that fails, marks the control block FAILED so the
 * caller stops waiting at once.
 */
function bootstrapCode(): string {
  return moduleWorkerSource(
    import.meta.url,
    'rowPassWorker',
    `const { workerData } = require('node:worker_threads');
     const control = new Int32Array(workerData.control);
     Atomics.store(control, ${STATE}, ${FAILED});
     Atomics.notify(control, ${STATE});`,
  );
}

/** What the worker is started with. */
export interface SegmentWorkerData {
  family: Family;
  n: number;
  p: number;
  X: Float32Array;
  y: Float64Array;
  weights?: Float64Array;
  offset?: Float64Array;
  control: SharedArrayBuffer;
  io: SharedArrayBuffer;
}

/** Slots of the control block (Int32Array): command sequence number, last finished one, pass kind, state. */
export const COMMAND = 0;
export const DONE = 1;
export const KIND = 2;
export const STATE = 3;
const CONTROL_SLOTS = 4;
export const STARTING = 0;
export const READY = 1;
export const FAILED = 2;
export const QUIT = 3;
export const PASS_KINDS: PassKind[] = ['value', 'gradient', 'hessian'];

/** Float64 offsets in the io block: β in, then the sums out (value, max |η|, gradient, Hessian upper triangle). */
export function ioLayout(q: number) {
  const beta = 0;
  const value = q;
  const maxAbsEta = q + 1;
  const grad = q + 2;
  const hess = grad + q;
  return { beta, value, maxAbsEta, grad, hess, length: hess + q * q };
}
