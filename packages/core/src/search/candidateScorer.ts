import { createHash } from 'node:crypto';
import { join } from 'node:path';
import type { Dataset } from '../dataset/dataset.js';
import type { Executor } from '../executor/executor.js';
import type { Spec } from '../spec/schema.js';
import type { CandidateIntervalOptions } from './candidateIntervals.js';
import { candidateScoreOf, candidateTasks, datasetDigest, lendDataset } from './candidateTasks.js';
import type { CandidateScore } from './scoreCandidate.js';

/** What scores a search's candidates: the worker-thread pool, or an executor's tasks. */
export interface CandidateScorer {
  score(spec: Spec, intervals?: CandidateIntervalOptions): Promise<CandidateScore>;
  close(): Promise<void>;
}

/** A search's candidates as executor tasks: where they run, their work folder, and the folder the Dataset was read from. */
export interface SearchExecutor {
  executor: Executor;
  work: string;
  dataset: string;
}

interface Waiting {
  spec: Spec;
  intervals?: CandidateIntervalOptions;
  resolve: (s: CandidateScore) => void;
  reject: (e: Error) => void;
}

/**
 * Scores candidates as executor tasks. The specs asked for before the search next waits (one batch a strategy
 * proposed) become one fan-out — one SLURM job array — in a folder of the work folder named by a hash of its
 * tasks, so a rerun with the same work folder finds every batch done before, whatever ran between. Each task
 * runs scoreCandidate, the code the pool runs, so the search's result does not depend on where it ran.
 */
export function executorScorer(ds: Dataset, on: SearchExecutor): CandidateScorer {
  const digest = datasetDigest(ds);
  const lent = lendDataset(on.dataset, ds, digest);
  let waiting: Waiting[] = [];

  async function flush(): Promise<void> {
    const batch = waiting;
    waiting = [];
    try {
      const tasks = candidateTasks(on.dataset, digest, batch);
      const folder = join(on.work, `batch-${createHash('sha256').update(JSON.stringify(tasks)).digest('hex').slice(0, 16)}`);
      const values = await on.executor.run(folder, tasks);
      // Every result checked before any is handed on: a damaged one fails the batch rather than leave its candidate unanswered.
      const scores = values.map((v, i) => candidateScoreOf(v, `${folder}: result of task ${i}`));
      batch.forEach((w, i) => w.resolve(scores[i]));
    } catch (error) {
      // The search awaits its batch in order and stops at the first failure: only that one is rejected, so
      // that the others (never awaited) are not reported as unhandled rejections.
      batch[0].reject(error as Error);
    }
  }

  return {
    score(spec, intervals) {
      return new Promise((resolve, reject) => {
        if (waiting.length === 0) queueMicrotask(() => void flush());
        waiting.push({ spec, intervals, resolve, reject });
      });
    },
    async close() {
      lent.forget();
    },
  };
}
