import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import type { Dataset } from '../dataset/dataset.js';
import type { DatasetManifest } from '../dataset/schema.js';
import { OccamError } from '../errors.js';
import type { Spec } from '../spec/schema.js';
import { moduleWorkerSource } from '../threads/moduleWorkerSource.js';
import type { CandidateIntervalOptions } from './candidateIntervals.js';
import { scoreCandidate, type CandidateScore } from './scoreCandidate.js';

type Dtype = 'uint8' | 'uint16' | 'float32';

/** What a candidate worker is started with: the dataset's arrays in shared memory (one copy for all workers). */
export interface CandidateWorkerData {
  manifest: DatasetManifest;
  inputs: { dtype: Dtype; buffer: SharedArrayBuffer };
  target: { dtype: Dtype; buffer: SharedArrayBuffer };
  scored: SharedArrayBuffer;
}

function dtypeOf(a: Uint8Array | Uint16Array | Float32Array): Dtype {
  return a instanceof Uint8Array ? 'uint8' : a instanceof Uint16Array ? 'uint16' : 'float32';
}

function shared(a: Uint8Array | Uint16Array | Float32Array): SharedArrayBuffer {
  const buffer = new SharedArrayBuffer(a.byteLength);
  new Uint8Array(buffer).set(new Uint8Array(a.buffer, a.byteOffset, a.byteLength));
  return buffer;
}

/** The worker's first code: imports candidateWorker, reporting a failed import as a message. */
function bootstrapCode(): string {
  return moduleWorkerSource(
    import.meta.url,
    'candidateWorker',
    "require('node:worker_threads').parentPort.postMessage({ failed: String((e && e.message) || e) });",
  );
}

interface Job {
  id: number;
  spec: Spec;
  intervals?: CandidateIntervalOptions;
  resolve: (s: CandidateScore) => void;
  reject: (e: Error) => void;
}

interface Slot {
  worker: Worker;
  job: Job | null;
}

/**
 * Scores candidate specs on worker threads, one candidate per thread at a time (a candidate's k folds are one
 * job: that keeps each thread's memory to one design). Each thread runs its GLM passes on one thread only
 * (OCCAM_GLM_THREADS=1): the pool already keeps every core busy. Results do not depend on the number of
 * threads — each candidate is scored by the same deterministic code wherever it runs. If a worker cannot
 * start or dies, its jobs are scored on the calling thread instead.
 */
export class CandidatePool {
  private readonly queue: Job[] = [];
  private nextId = 0;

  private constructor(
    private readonly ds: Dataset,
    private readonly slots: Slot[],
  ) {}

  /** Default thread count: one per core. */
  static defaultThreads(): number {
    return Math.max(1, availableParallelism());
  }

  static async start(ds: Dataset, threads = CandidatePool.defaultThreads()): Promise<CandidatePool> {
    if (threads <= 1) return new CandidatePool(ds, []);
    const data: CandidateWorkerData = {
      manifest: ds.manifest,
      inputs: { dtype: dtypeOf(ds.inputs), buffer: shared(ds.inputs) },
      target: { dtype: dtypeOf(ds.target), buffer: shared(ds.target) },
      scored: shared(ds.scored),
    };
    const started = await Promise.all(
      Array.from(
        { length: threads },
        () =>
          new Promise<Worker | null>((resolve) => {
            let worker: Worker;
            try {
              worker = new Worker(bootstrapCode(), { eval: true, workerData: data, env: { ...process.env, OCCAM_GLM_THREADS: '1' } });
            } catch {
              resolve(null);
              return;
            }
            const timer = setTimeout(() => {
              void worker.terminate();
              resolve(null);
            }, 60_000);
            worker.once('message', (m: { ready?: boolean }) => {
              clearTimeout(timer);
              if (m.ready) resolve(worker);
              else {
                void worker.terminate();
                resolve(null);
              }
            });
            worker.once('error', () => {
              clearTimeout(timer);
              resolve(null);
            });
          }),
      ),
    );
    const slots = started.filter((w): w is Worker => w !== null).map((worker) => ({ worker, job: null }));
    const pool = new CandidatePool(ds, slots);
    for (const slot of slots) pool.attach(slot);
    return pool;
  }

  /** Threads scoring candidates (1 = the calling thread). */
  get threads(): number {
    return Math.max(1, this.slots.length);
  }

  private attach(slot: Slot): void {
    slot.worker.on('message', (m: { id: number; score?: CandidateScore; error?: string }) => {
      const job = slot.job;
      if (!job || job.id !== m.id) return;
      slot.job = null;
      if (m.error !== undefined) job.reject(new OccamError(m.error));
      else job.resolve(m.score!);
      this.pump();
    });
    const lost = () => {
      const i = this.slots.indexOf(slot);
      if (i >= 0) this.slots.splice(i, 1);
      if (slot.job) this.queue.unshift(slot.job);
      slot.job = null;
      this.pump();
    };
    slot.worker.on('error', lost);
    slot.worker.on('exit', lost);
  }

  private pump(): void {
    if (this.slots.length === 0) {
      // No worker (one thread asked for, or all lost): score here, one job per turn of the event loop.
      const job = this.queue.shift();
      if (!job) return;
      setImmediate(() => {
        try {
          job.resolve(scoreCandidate(this.ds, job.spec, job.intervals));
        } catch (error) {
          job.reject(error as Error);
        }
        this.pump();
      });
      return;
    }
    for (const slot of this.slots) {
      if (slot.job) continue;
      const job = this.queue.shift();
      if (!job) return;
      slot.job = job;
      slot.worker.postMessage({ id: job.id, spec: job.spec, intervals: job.intervals });
    }
  }

  /** Scores one spec; with `intervals`, also its figures' bootstrap intervals (from the same predictions). */
  score(spec: Spec, intervals?: CandidateIntervalOptions): Promise<CandidateScore> {
    return new Promise((resolve, reject) => {
      this.queue.push({ id: this.nextId++, spec, intervals, resolve, reject });
      this.pump();
    });
  }

  async close(): Promise<void> {
    const slots = this.slots.splice(0);
    await Promise.all(slots.map((s) => s.worker.terminate()));
  }
}
