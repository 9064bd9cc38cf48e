import { execFile } from 'node:child_process';
import { mkdir, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { OccamError } from '../errors.js';
import type { Executor } from './executor.js';
import type { JsonValue, TaskFile } from './schema.js';
import { readTaskFailure, readTaskResult, workPaths, writeTaskFiles } from './workFolder.js';

export interface SlurmOptions {
  /** The occam CLI entry script the array tasks run (`node <cli> task --work DIR --index $SLURM_ARRAY_TASK_ID`). */
  cli: string;
  /** The node binary on the compute nodes (default: this process's, which a shared filesystem makes the same path). */
  node?: string;
  /** Extra sbatch options passed through as given, e.g. ['--partition=short', '--time=00:30:00', '--mem=4G']. */
  sbatchOptions?: string[];
  /** How many more times a failed array task is resubmitted (alone, with the other failed ones) before giving up. */
  retries?: number;
  /** How often squeue and the result files are looked at (default 2 s). */
  pollMs?: number;
  /** The folder the tasks run in (default: this process's), so relative paths in task parameters mean the same there. */
  cwd?: string;
  /** Where the commands are looked up (tests); default PATH. */
  env?: NodeJS.ProcessEnv;
  log?: (line: string) => void;
}

const TRY_LOCAL = 'run tools/slurm/start-local-cluster.sh (as root) to try a single-node cluster, or use --executor local';

interface CommandResult {
  code: number;
  stdout: string;
  stderr: string;
}

function runCommand(cmd: string, args: string[], env: NodeJS.ProcessEnv | undefined): Promise<CommandResult> {
  return new Promise((done, fail) => {
    execFile(cmd, args, { env: env ?? process.env, maxBuffer: 16 << 20 }, (error, stdout, stderr) => {
      if (error && (error as NodeJS.ErrnoException).code === 'ENOENT') {
        fail(new OccamError(`--executor slurm: '${cmd}' was not found on PATH — install SLURM's client commands (Debian: slurm-client) or ${TRY_LOCAL}`));
        return;
      }
      const code = error ? (typeof error.code === 'number' ? error.code : 1) : 0;
      done({ code, stdout: String(stdout), stderr: String(stderr) });
    });
  });
}

/** `0-9` or `3,7-8`: the indices as a SLURM --array list. */
export function arraySpec(indices: number[]): string {
  const sorted = [...indices].sort((a, b) => a - b);
  const parts: string[] = [];
  for (let i = 0; i < sorted.length; ) {
    let j = i;
    while (j + 1 < sorted.length && sorted[j + 1] === sorted[j] + 1) j++;
    parts.push(i === j ? `${sorted[i]}` : `${sorted[i]}-${sorted[j]}`);
    i = j + 1;
  }
  return parts.join(',');
}

const shellQuote = (s: string) => `'${s.replaceAll("'", `'\\''`)}'`;

/**
 * Runs the tasks as ONE sbatch job array per attempt: the task files go into the shared work folder, each
 * array task runs `occam task` on its index, and the executor waits until the job has left the queue. The
 * tasks without a result then (failed, killed, timed out, node lost) are resubmitted alone, as a new array of
 * just those indices, up to `retries` times. The work folder must be on a filesystem the compute nodes share.
 */
export function slurmExecutor(options: SlurmOptions): Executor {
  const retries = options.retries ?? 2;
  const pollMs = options.pollMs ?? 2000;
  const log = options.log ?? (() => {});
  return {
    kind: 'slurm',
    async run(workArg, tasks, runOptions = {}) {
      const work = resolve(workArg);
      const files = await writeTaskFiles(work, tasks);
      const logs = workPaths.slurm(work);
      await mkdir(logs, { recursive: true });
      const script = join(logs, 'array.sh');
      const node = options.node ?? process.execPath;
      await writeFile(
        script,
        [
          '#!/bin/sh',
          '# one task of an occam work folder: written by occam --executor slurm, submitted with sbatch --array',
          `exec ${shellQuote(node)} ${shellQuote(resolve(options.cli))} task --work ${shellQuote(work)} --index "$SLURM_ARRAY_TASK_ID"`,
          '',
        ].join('\n'),
        { mode: 0o755 },
      );
      const pending = async () => {
        const missing: TaskFile[] = [];
        for (const t of files) if (!(await readTaskResult(work, t))) missing.push(t);
        return missing;
      };
      let missing = await pending();
      runOptions.onProgress?.(files.length - missing.length, files.length);
      for (let attempt = 0; missing.length > 0; attempt++) {
        if (attempt > retries) {
          const lines = await Promise.all(
            missing.slice(0, 10).map(async (t) => {
              const f = await readTaskFailure(work, t);
              return `  task ${t.index} (${t.name}): ${f ? f.message.split('\n')[0] : `no result and no failure recorded — killed? see ${join(logs, `*_${t.index}.out`)}`}`;
            }),
          );
          throw new OccamError(
            `--executor slurm: ${missing.length} of ${files.length} tasks failed ${retries + 1} times:\n${lines.join('\n')}${missing.length > 10 ? `\n  … and ${missing.length - 10} more` : ''}\nThe done tasks' results are kept in ${work}: fix the cause and run the same command with the same --work-dir to run only the rest.`,
          );
        }
        const indices = missing.map((t) => t.index);
        const jobId = await submit(work, script, indices, attempt);
        log(`submitted SLURM job ${jobId}: array ${arraySpec(indices)} (attempt ${attempt + 1} of ${retries + 1})`);
        await waitForJob(jobId, async () => {
          const left = await pending();
          runOptions.onProgress?.(files.length - left.length, files.length);
          return left.length === 0;
        });
        missing = await pending();
        if (missing.length) log(`SLURM job ${jobId}: ${missing.length} task(s) without a result: ${arraySpec(missing.map((t) => t.index))}`);
      }
      const values: JsonValue[] = [];
      for (const t of files) values.push((await readTaskResult(work, t))!.value);
      return values;
    },
  };

  async function submit(work: string, script: string, indices: number[], attempt: number): Promise<string> {
    const args = [
      '--parsable',
      `--array=${arraySpec(indices)}`,
      `--job-name=occam-${attempt === 0 ? 'tasks' : `retry${attempt}`}`,
      `--output=${join(workPaths.slurm(work), '%A_%a.out')}`,
      `--chdir=${options.cwd ?? process.cwd()}`,
      ...(options.sbatchOptions ?? []),
      script,
    ];
    const r = await runCommand('sbatch', args, options.env);
    if (r.code !== 0) {
      const why = r.stderr.trim() || r.stdout.trim();
      const down = /contact|connect|controller|munge|Socket timed out/i.test(why);
      throw new OccamError(
        `--executor slurm: sbatch failed: ${why}\n${down ? `The SLURM controller did not answer: is the cluster up (sinfo)? Locally, ${TRY_LOCAL}.` : 'Check the --slurm-option values (partition, time, account) against `sinfo` and your site.'}`,
      );
    }
    const id = r.stdout.trim().split(';')[0];
    if (!/^\d+$/.test(id)) throw new OccamError(`--executor slurm: sbatch printed '${r.stdout.trim()}', expected a job id`);
    return id;
  }

  /** Until the job has left the queue (squeue no longer lists any of its tasks) or every result is there. */
  async function waitForJob(jobId: string, allDone: () => Promise<boolean>): Promise<void> {
    let failures = 0;
    for (;;) {
      await new Promise((r) => setTimeout(r, pollMs));
      if (await allDone()) return;
      const r = await runCommand('squeue', ['-h', '-j', jobId, '-o', '%i %T'], options.env);
      if (r.code === 0) {
        failures = 0;
        if (r.stdout.trim() === '') return;
        continue;
      }
      // A finished job that the controller has already purged is "Invalid job id".
      if (/Invalid job id/i.test(r.stderr)) return;
      if (++failures >= 15)
        throw new OccamError(
          `--executor slurm: squeue has failed ${failures} times in a row: ${r.stderr.trim()}\nIs the SLURM controller up (sinfo)? Job ${jobId} may still run; its results land in the work folder.`,
        );
    }
  }
}
