import { existsSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  crossPredictionColumnTask,
  CROSS_PREDICTION_TASK,
  type Executor,
  localExecutor,
  runTaskAt,
  SEARCH_CANDIDATE_TASK,
  searchCandidateTask,
  slurmExecutor,
  type TaskHandler,
  type TaskHandlers,
} from '@occam/core';
import { UsageError, numberOption, requireString, type Command, type Io } from '../cli.js';
import type { OptionTable } from '../options.js';

// The transformer adapter (onnxruntime) is loaded only when a task of its kind runs.
const extractShard: TaskHandler = async (params, context) => (await import('@occam/transformer')).extractShardTask(params, context);
const dynamicsCheckpoint: TaskHandler = async (params, context) => (await import('@occam/transformer')).dynamicsCheckpointTask(params, context);

/** Every kind of task a fan-out can hand to an executor, by kind: what `occam task` and the local executor run. */
export const taskHandlers: TaskHandlers = {
  [CROSS_PREDICTION_TASK]: crossPredictionColumnTask,
  'lm.dynamics-checkpoint': dynamicsCheckpoint,
  'lm.extract-shard': extractShard,
  [SEARCH_CANDIDATE_TASK]: searchCandidateTask,
};

/** The script SLURM's array tasks run: this CLI's own entry (bin/occam.js), found from this module. */
export function occamEntry(): string {
  return fileURLToPath(new URL('../../bin/occam.js', import.meta.url));
}

/** The options of a command whose fan-out can run on an executor. */
export const executorOptions = {
  executor: {
    type: 'string',
    value: 'E',
    choices: ['local', 'slurm'],
    default: 'local',
    description: 'where the fan-out runs: in this process, or as one SLURM job array (sbatch) whose tasks write into --work-dir',
  },
  'work-dir': {
    type: 'string',
    value: 'DIR',
    path: 'directory',
    default: 'a hidden folder beside --out, removed once the output is written',
    description: "the tasks' shared folder (on a filesystem every node sees); given, it is kept, and a rerun with it runs only the tasks not done",
  },
  'slurm-option': {
    type: 'string',
    value: 'OPT',
    multiple: true,
    description: 'an sbatch option passed through, written with = (e.g. --slurm-option=--partition=short --slurm-option=--time=00:30:00)',
  },
  'slurm-retries': { type: 'string', value: 'N', default: '2', description: 'how many times a failed array task is resubmitted (alone) before the run fails' },
} as const satisfies OptionTable;

export interface ExecutorChoice {
  executor: Executor;
  work: string;
  /** The work folder was made for this run (not given): remove it once the output is written. */
  temporary: boolean;
}

/**
 * Whether the command's fan-out goes to an executor (--executor slurm or a --work-dir); checked before any work,
 * so that SLURM options given without SLURM are an error rather than silently unused.
 */
export function wantsExecutor(values: Record<string, unknown>): boolean {
  const slurm = values.executor === 'slurm';
  if (!slurm && (values['slurm-option'] !== undefined || values['slurm-retries'] !== undefined))
    throw new UsageError('--slurm-option and --slurm-retries need --executor slurm');
  return slurm || values['work-dir'] !== undefined;
}

/** The executor and work folder from the options; `out` places the default work folder beside the output. */
export function executorFrom(values: Record<string, unknown>, out: string, io: Io): ExecutorChoice {
  const kind = (values.executor as string | undefined) ?? 'local';
  const given = values['work-dir'] as string | undefined;
  const slurmOptions = (values['slurm-option'] as string[] | undefined) ?? [];
  const retries = numberOption(values, 'slurm-retries', 2)!;
  if (!(Number.isInteger(retries) && retries >= 0)) throw new UsageError(`--slurm-retries must be a whole number ≥ 0, got ${values['slurm-retries']}`);
  if (!given && out === '-') throw new UsageError('give --work-dir DIR: with --out - there is no folder to put the work folder beside');
  const work = given ?? join(dirname(out), `.${basename(out)}.occam-work`);
  if (!given && existsSync(work)) io.err(`note: reusing the work folder ${work} of an interrupted run (its done tasks are not run again)`);
  const executor =
    kind === 'slurm'
      ? slurmExecutor({ cli: occamEntry(), sbatchOptions: slurmOptions, retries, log: (line) => io.quiet || io.json || io.err(line) })
      : localExecutor(taskHandlers);
  return { executor, work, temporary: !given };
}

export const taskCommand: Command = {
  name: 'task',
  internal: true,
  summary: '(internal) run one task of a work folder: what --executor slurm runs in each array task',
  example: 'occam task --work out/.compare.json.occam-work --index 0',
  options: {
    work: { type: 'string', value: 'DIR', path: 'directory', required: true, description: 'the work folder the fan-out wrote its task files into' },
    index: { type: 'string', value: 'N', required: true, description: 'the task to run (SLURM passes $SLURM_ARRAY_TASK_ID)' },
  },
  common: ['help', 'json', 'quiet'],
  async run({ values, io }) {
    const work = requireString(values, 'work');
    const index = Number(requireString(values, 'index'));
    if (!(Number.isInteger(index) && index >= 0)) throw new UsageError(`--index must be a whole number ≥ 0, got ${values.index}`);
    const { task, ran } = await runTaskAt(work, index, taskHandlers);
    if (io.json) io.out(JSON.stringify({ index, name: task.name, kind: task.kind, ran }));
    else if (!io.quiet) io.out(`task ${index} (${task.name}): ${ran ? 'done' : 'already done'}`);
  },
};
