/**
 * Worker-thread entry for SegmentWorker: holds a copy of one row segment of a design and sums
 * it whenever the calling thread posts a pass (see segmentWorker.ts for the protocol).
 */
import { workerData } from 'node:worker_threads';
import { familyOps } from '../families.js';
import { sumRows, type GlmData } from '../objective.js';
import { COMMAND, DONE, FAILED, ioLayout, KIND, PASS_KINDS, QUIT, READY, STATE, type SegmentWorkerData } from './segmentWorker.js';

const data = workerData as SegmentWorkerData;
const control = new Int32Array(data.control);
const io = new Float64Array(data.io);
const q = data.p + 1;
const layout = ioLayout(q);
const d: GlmData = { X: data.X, n: data.n, p: data.p, y: data.y, weights: data.weights, offset: data.offset };
const fam = familyOps(data.family);
Atomics.store(control, STATE, READY);
Atomics.notify(control, STATE);

let seen = 0;
while (Atomics.load(control, STATE) === READY) {
  Atomics.wait(control, COMMAND, seen);
  if (Atomics.load(control, STATE) === QUIT) break;
  const command = Atomics.load(control, COMMAND);
  if (command === seen) continue;
  seen = command;
  try {
    const kind = PASS_KINDS[Atomics.load(control, KIND)];
    const sums = sumRows(d, fam, io.subarray(layout.beta, layout.beta + q), kind, 0, d.n);
    io[layout.value] = sums.value;
    io[layout.maxAbsEta] = sums.maxAbsEta;
    io.set(sums.grad, layout.grad);
    if (sums.hess) io.set(sums.hess, layout.hess);
    Atomics.store(control, DONE, command);
  } catch {
    Atomics.store(control, STATE, FAILED);
  }
  Atomics.notify(control, DONE);
}
