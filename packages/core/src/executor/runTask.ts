import { mkdir } from 'node:fs/promises';
import { OccamError } from '../errors.js';
import type { JsonValue, TaskFile } from './schema.js';
import { readTaskFile, readTaskResult, workPaths, writeTaskFailure, writeTaskResult } from './workFolder.js';

/**
 * What runs one kind of task: it validates its own params (they come from a file), writes any files under
 * `outputDir` atomically, and returns the JSON value that becomes the task's result.
 */
export type TaskHandler = (params: JsonValue, context: { work: string; outputDir: string; task: TaskFile }) => Promise<JsonValue>;
export type TaskHandlers = Record<string, TaskHandler>;

/**
 * Run task `index` of a work folder unless its result is already there (a rerun of a done task does
 * nothing). A failure is recorded in failures/<index>.json and rethrown; no result is written then.
 */
export async function runTaskAt(work: string, index: number, handlers: TaskHandlers): Promise<{ task: TaskFile; value: JsonValue; ran: boolean }> {
  const task = await readTaskFile(work, index);
  const done = await readTaskResult(work, task);
  if (done) return { task, value: done.value, ran: false };
  const handler = handlers[task.kind];
  if (!handler) {
    const error = new OccamError(`${workPaths.task(work, index)}: unknown task kind '${task.kind}' (known: ${Object.keys(handlers).join(', ')})`, {
      field: 'kind',
    });
    await writeTaskFailure(work, task, error.message);
    throw error;
  }
  try {
    const outputDir = workPaths.outputs(work, task.name);
    await mkdir(outputDir, { recursive: true });
    const value = await handler(task.params, { work, outputDir, task });
    await writeTaskResult(work, task, value);
    return { task, value, ran: true };
  } catch (error) {
    await writeTaskFailure(work, task, (error as Error).message ?? String(error));
    throw error;
  }
}
