/**
 * Worker-thread entry for CandidatePool: rebuilds the Dataset over the shared arrays it was started with
 * (no copy) and scores the specs it is sent, one at a time.
 */
import { parentPort, workerData } from 'node:worker_threads';
import type { Dataset } from '../dataset/dataset.js';
import type { Spec } from '../spec/schema.js';
import type { CandidateIntervalOptions } from './candidateIntervals.js';
import type { CandidateWorkerData } from './candidatePool.js';
import { scoreCandidate } from './scoreCandidate.js';

const data = workerData as CandidateWorkerData;
function view(a: CandidateWorkerData['inputs']): Dataset['inputs'] {
  if (a.dtype === 'uint8') return new Uint8Array(a.buffer);
  return a.dtype === 'uint16' ? new Uint16Array(a.buffer) : new Float32Array(a.buffer);
}
const ds: Dataset = {
  manifest: data.manifest,
  inputs: view(data.inputs),
  target: view(data.target),
  scored: new Uint8Array(data.scored),
};
parentPort!.on('message', (msg: { id: number; spec: Spec; intervals?: CandidateIntervalOptions }) => {
  try {
    parentPort!.postMessage({ id: msg.id, score: scoreCandidate(ds, msg.spec, msg.intervals) });
  } catch (error) {
    parentPort!.postMessage({ id: msg.id, error: error instanceof Error ? error.message : String(error) });
  }
});
parentPort!.postMessage({ ready: true });
