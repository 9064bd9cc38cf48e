import { createHash } from 'node:crypto';
import { mkdir, readFile, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { OccamError, zodProblem } from '../errors.js';
import { writeFileAtomic } from '../io/atomicWrite.js';
import { checkOutputPath } from '../io/outputPath.js';
import { type JsonValue, type TaskFile, TaskFileSchema, type TaskFailure, TaskFailureSchema, type TaskResult, TaskResultSchema } from './schema.js';
import { FIT_REVISION } from '../version.js';

/** A task as a fan-out describes it: a unique name, a kind a handler knows, and JSON parameters. */
export interface TaskSpec {
  name: string;
  kind: string;
  params: JsonValue;
}

/**
 * Layout of a shared work folder (it must be on a filesystem every node sees):
 *   tasks/<i>.json      what task i is
 *   results/<i>.json    its result, written atomically last (present = done)
 *   failures/<i>.json   why its last attempt failed
 *   outputs/<name>/     files a task writes besides its result (e.g. a shard's Dataset)
 *   slurm/              the array script and the job logs
 */
export const workPaths = {
  task: (work: string, i: number) => join(work, 'tasks', `${i}.json`),
  result: (work: string, i: number) => join(work, 'results', `${i}.json`),
  failure: (work: string, i: number) => join(work, 'failures', `${i}.json`),
  outputs: (work: string, name: string) => join(work, 'outputs', name),
  slurm: (work: string) => join(work, 'slurm'),
};

/** The file that marks a folder as an occam work folder: a rerun may reuse it; no other non-empty folder is written into. */
export const WORK_FOLDER_MARK = '.occam-work';

/**
 * A work folder a user names (--work-dir), checked before any work like every output: never an input, inside one
 * or holding one, never the working folder, its parents, home or /; an existing non-empty folder only when an
 * earlier run marked it as occam's (or with --force) — task files replace stale ones and their results, so a
 * folder of someone else's files must never be one. Marked here, so that a rerun may reuse it.
 */
export async function claimWorkFolder(path: string, check: { inputs: (string | undefined)[]; force: boolean; label?: string }): Promise<void> {
  const mark = join(path, WORK_FOLDER_MARK);
  const marked = await stat(mark).then(
    (s) => s.isFile(),
    () => false,
  );
  await checkOutputPath({
    path,
    kind: 'directory',
    label: check.label ?? '--work-dir',
    inputs: check.inputs.filter((i): i is string => i !== undefined),
    force: check.force || marked,
  });
  if (marked) return;
  await mkdir(path, { recursive: true });
  await writeFileAtomic(mark, 'occam work folder: the task files, results and job logs of one fan-out; safe to delete once its output is written\n');
}

export function taskKey(kind: string, params: JsonValue): string {
  return createHash('sha256')
    .update(JSON.stringify([kind, FIT_REVISION, params]))
    .digest('hex');
}

/** Names a task may carry: they become folder names under outputs/. */
const TASK_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,199}$/;

/**
 * Write the task files of `tasks` into `work` (index = position). A task file already there with the same
 * content is left alone; one for other work is replaced, and its stale result removed with it.
 */
export async function writeTaskFiles(work: string, tasks: TaskSpec[]): Promise<TaskFile[]> {
  const names = new Set<string>();
  const files: TaskFile[] = [];
  await mkdir(join(work, 'tasks'), { recursive: true });
  for (const [index, t] of tasks.entries()) {
    if (!TASK_NAME.test(t.name)) throw new OccamError(`task name '${t.name}': use letters, digits, '.', '_' and '-' only`, { field: 'name' });
    if (names.has(t.name)) throw new OccamError(`task name '${t.name}' is given twice: every task of a run needs its own name`, { field: 'name' });
    names.add(t.name);
    const file: TaskFile = { format: 'occam.task', version: 1, index, name: t.name, kind: t.kind, key: taskKey(t.kind, t.params), params: t.params };
    const text = JSON.stringify(file) + '\n';
    const path = workPaths.task(work, index);
    const old = await readFile(path, 'utf8').catch(() => null);
    if (old !== text) {
      await rm(workPaths.result(work, index), { force: true });
      await writeFileAtomic(path, text);
    }
    files.push(file);
  }
  return files;
}

async function readValidated<T>(
  path: string,
  parse: (v: unknown) => { success: true; data: T } | { success: false; error: import('zod').ZodError },
): Promise<T | null> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch {
    return null;
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (error) {
    throw new OccamError(`${path}: not valid JSON (${(error as Error).message}) — remove it and run again`, { file: path });
  }
  const parsed = parse(raw);
  if (!parsed.success) throw zodProblem(path, parsed.error);
  return parsed.data;
}

/** Task `index` of a work folder, checked against its schema. */
export async function readTaskFile(work: string, index: number): Promise<TaskFile> {
  const path = workPaths.task(work, index);
  const file = await readValidated(path, (v) => TaskFileSchema.safeParse(v));
  if (!file) throw new OccamError(`${path}: no such task file — is --work the folder the run wrote, and --index below its task count?`, { file: path });
  if (file.index !== index) throw new OccamError(`${path}: says it is task ${file.index}, expected ${index}`, { file: path, field: 'index' });
  return file;
}

/** The result of a task when it is done (present, valid, and for this task's key); null otherwise. */
export async function readTaskResult(work: string, task: TaskFile): Promise<TaskResult | null> {
  const result = await readValidated(workPaths.result(work, task.index), (v) => TaskResultSchema.safeParse(v));
  return result && result.key === task.key ? result : null;
}

export async function readTaskFailure(work: string, task: TaskFile): Promise<TaskFailure | null> {
  const failure = await readValidated(workPaths.failure(work, task.index), (v) => TaskFailureSchema.safeParse(v)).catch(() => null);
  return failure && failure.key === task.key ? failure : null;
}

export async function writeTaskResult(work: string, task: TaskFile, value: JsonValue): Promise<void> {
  const result: TaskResult = { format: 'occam.task-result', version: 1, index: task.index, name: task.name, key: task.key, value };
  await writeFileAtomic(workPaths.result(work, task.index), JSON.stringify(result) + '\n');
  await rm(workPaths.failure(work, task.index), { force: true });
}

export async function writeTaskFailure(work: string, task: TaskFile, message: string): Promise<void> {
  const failure: TaskFailure = { format: 'occam.task-failure', version: 1, index: task.index, name: task.name, key: task.key, message };
  await writeFileAtomic(workPaths.failure(work, task.index), JSON.stringify(failure) + '\n');
}
