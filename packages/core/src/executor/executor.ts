import type { JsonValue } from './schema.js';
import type { TaskSpec } from './workFolder.js';

/**
 * Runs a fan-out: a list of named, idempotent tasks whose results are files written atomically into a work
 * folder. `run` returns once every task's result exists, the values in task order; tasks already done in
 * that folder are not run again, and a failed task is retried alone. Same tasks, same results, whatever
 * the executor: the merge that follows cannot tell where a task ran.
 */
export interface Executor {
  readonly kind: 'local' | 'slurm';
  run(work: string, tasks: TaskSpec[], options?: { onProgress?: (done: number, total: number) => void }): Promise<JsonValue[]>;
}
