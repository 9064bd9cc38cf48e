import { OccamError } from '../errors.js';
import type { Executor } from './executor.js';
import { runTaskAt, type TaskHandlers } from './runTask.js';
import type { JsonValue } from './schema.js';
import { readTaskResult, writeTaskFiles } from './workFolder.js';

/**
 * Runs every task in this process, one after another (what occam did before executors). `retries` reruns a
 * failed task that many more times; a task that still fails stops the run with its own error, the results of
 * the tasks done so far kept for the next run.
 */
export function localExecutor(handlers: TaskHandlers, options: { retries?: number } = {}): Executor {
  const retries = options.retries ?? 0;
  return {
    kind: 'local',
    async run(work, tasks, runOptions = {}) {
      const files = await writeTaskFiles(work, tasks);
      const values: JsonValue[] = [];
      for (const task of files) {
        const done = await readTaskResult(work, task);
        if (done) {
          values.push(done.value);
          runOptions.onProgress?.(values.length, files.length);
          continue;
        }
        for (let attempt = 0; ; attempt++) {
          try {
            values.push((await runTaskAt(work, task.index, handlers)).value);
            break;
          } catch (error) {
            if (attempt >= retries) {
              if (error instanceof OccamError) throw error;
              throw new OccamError(`task ${task.index} (${task.name}) failed: ${(error as Error).message}`);
            }
          }
        }
        runOptions.onProgress?.(values.length, files.length);
      }
      return values;
    },
  };
}
