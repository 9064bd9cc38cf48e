import { OccamError } from '@occam/core';
import { readdir, stat } from 'node:fs/promises';
import { basename, join, relative, sep } from 'node:path';
import { fileSystemError } from '../text/inputError.js';

/** One simulation trial of an ISF run directory: `simulation_run%04d_synapses.csv` and its neighbours. */
export interface IsfTrialFiles {
  /** NN of `simulation_runNNNN`: the trial's index within its run directory and its `Vm run NN` column. */
  run: number;
  synapsesFile: string;
  /** `simulation_run%04d_presynaptic_cells.csv`, when present. */
  presynapticCellsFile: string | undefined;
}

/** A directory written by one ISF simulation process. */
export interface IsfRunDirectory {
  dir: string;
  /** The directory's path relative to the root (its own name when the root itself is a run directory). */
  label: string;
  trials: IsfTrialFiles[];
  /** `*_vm_all_traces.csv`, when present (spikes are then detected from the soma voltage). */
  traceFile: string | undefined;
  /** `*_spike_times.csv` (or `spike_times.csv`), when present. */
  spikeTimesFile: string | undefined;
}

const SYNAPSES = /^simulation_run(\d+)_synapses\.csv$/;
const PRESYNAPTIC = /^simulation_run(\d+)_presynaptic_cells\.csv$/;
const TRACES = /_vm_all_traces\.csv$/;
const SPIKE_TIMES = /(^|_)spike_times\.csv$/;
const MAX_DEPTH = 8;

/**
 * Find ISF run directories under `root` (or `root` itself): every directory holding
 * `simulation_run%04d_synapses.csv` files. Directories are ordered by their path relative to the root,
 * trials within one by run index, so trial order is the same on every machine. Hidden directories
 * (leading `.`, e.g. half-written temp output) are skipped.
 */
export async function findIsfRunDirectories(root: string): Promise<IsfRunDirectory[]> {
  try {
    if (!(await stat(root)).isDirectory()) throw new OccamError(`${root}: not a directory; expected a folder of ISF run directories`, { file: root });
  } catch (error) {
    throw fileSystemError(root, error);
  }
  const found: IsfRunDirectory[] = [];
  await walk(root, root, 0, found);
  found.sort((a, b) => (a.label < b.label ? -1 : a.label > b.label ? 1 : 0));
  return found;
}

async function walk(root: string, dir: string, depth: number, found: IsfRunDirectory[]): Promise<void> {
  let entries;
  try {
    entries = await readdir(dir, { withFileTypes: true });
  } catch (error) {
    throw fileSystemError(dir, error);
  }
  const files: string[] = [];
  const subdirs: string[] = [];
  for (const e of entries) {
    let isFile = e.isFile();
    let isDir = e.isDirectory();
    if (e.isSymbolicLink()) {
      // Follow links (data folders are often linked in); a dangling link is skipped.
      const target = await stat(join(dir, e.name)).catch(() => undefined);
      isFile = target?.isFile() ?? false;
      isDir = target?.isDirectory() ?? false;
    }
    if (isFile) files.push(e.name);
    else if (isDir && !e.name.startsWith('.')) subdirs.push(e.name);
  }
  const run = describeRunDirectory(root, dir, files);
  if (run) found.push(run);
  if (depth >= MAX_DEPTH) return;
  subdirs.sort();
  for (const name of subdirs) await walk(root, join(dir, name), depth + 1, found);
}

function describeRunDirectory(root: string, dir: string, files: string[]): IsfRunDirectory | undefined {
  const presynaptic = new Map<number, string>();
  for (const f of files) {
    const m = PRESYNAPTIC.exec(f);
    if (m) presynaptic.set(Number(m[1]), join(dir, f));
  }
  const trials: IsfTrialFiles[] = [];
  for (const f of files) {
    const m = SYNAPSES.exec(f);
    if (!m) continue;
    const run = Number(m[1]);
    trials.push({ run, synapsesFile: join(dir, f), presynapticCellsFile: presynaptic.get(run) });
  }
  if (trials.length === 0) return undefined;
  trials.sort((a, b) => a.run - b.run);
  for (let i = 1; i < trials.length; i++) {
    if (trials[i].run === trials[i - 1].run) {
      throw new OccamError(
        `${dir}: two synapse files for run ${trials[i].run} (${basename(trials[i - 1].synapsesFile)}, ${basename(trials[i].synapsesFile)})`,
        { file: dir },
      );
    }
  }
  const traces = files.filter((f) => TRACES.test(f)).sort();
  const spikeTimes = files.filter((f) => SPIKE_TIMES.test(f)).sort();
  if (traces.length > 1)
    throw new OccamError(`${dir}: ${traces.length} voltage-trace files (${traces.join(', ')}); expected one *_vm_all_traces.csv per run directory`, {
      file: dir,
    });
  if (spikeTimes.length > 1)
    throw new OccamError(`${dir}: ${spikeTimes.length} spike-time files (${spikeTimes.join(', ')}); expected one *_spike_times.csv per run directory`, {
      file: dir,
    });
  const rel = relative(root, dir);
  const label = rel === '' ? basename(dir) : rel.split(sep).join('/');
  return {
    dir,
    label,
    trials,
    traceFile: traces.length ? join(dir, traces[0]) : undefined,
    spikeTimesFile: spikeTimes.length ? join(dir, spikeTimes[0]) : undefined,
  };
}

/** The id occam gives an ISF trial: `<run directory label>/run0003`. */
export function isfTrialId(directory: IsfRunDirectory, trial: IsfTrialFiles): string {
  return `${directory.label}/run${String(trial.run).padStart(4, '0')}`;
}
