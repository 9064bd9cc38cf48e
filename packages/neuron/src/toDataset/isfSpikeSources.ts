import { OccamError } from '@occam/core';
import { readdir } from 'node:fs/promises';
import { basename, join } from 'node:path';
import type { NumberedIsfTrial } from '../isf/globalTrialNumbers.js';
import type { IsfRunDirectory } from '../isf/runDirectories.js';
import { readIsfSpikeTimes, type IsfSpikeTimes } from '../isf/spikeTimesFile.js';
import { readIsfTraceSpikes } from '../isf/voltageTracesFile.js';
import { inputError } from '../text/inputError.js';

/**
 * Where a run directory's output spikes come from: `auto` — its voltage traces where it has them, else the
 * spike-time file (the global `spikesFile` when given, else the directory's own `*_spike_times.csv`);
 * `traces` — voltage traces only; `file` — spike-time files only (`spikeTimes` is the older name of `file`).
 */
export type SpikeSourceChoice = 'auto' | 'traces' | 'file' | 'spikeTimes';

/** What each trial's spikes were read from. */
export type TrialSpikeSource = 'traces' | 'runSpikeFile' | 'globalSpikeFile';

export interface IsfSpikes {
  /** Spike times (ms) per global trial. */
  times: number[][];
  source: TrialSpikeSource[];
  /** The file (and line, for a spike-time file) each trial's spikes were read from. */
  origin: { file: string; line?: number }[];
  /** Last voltage sample of the trial's trace (ms), where its spikes came from traces. */
  traceEndMs: (number | undefined)[];
  /** Trials per source, for the dataset's metadata. */
  counts: Record<TrialSpikeSource, number>;
}

/**
 * Read every trial's output spikes from the source `choice` picks for its run directory. Every trial needs
 * one: run directories without a usable source are listed together in one error; a spike-time file must
 * have a line for every trial that takes its spikes from it and none for a trial that does not exist.
 */
export async function readIsfSpikes(options: {
  root: string;
  directories: readonly IsfRunDirectory[];
  trials: readonly NumberedIsfTrial[];
  choice: SpikeSourceChoice;
  spikesFile: string | undefined;
  thresholdMv: number;
}): Promise<IsfSpikes> {
  const { directories, trials, spikesFile, thresholdMv } = options;
  const choice = options.choice === 'spikeTimes' ? 'file' : options.choice;
  const plan = new Map<IsfRunDirectory, TrialSpikeSource>();
  const lacking: IsfRunDirectory[] = [];
  for (const d of directories) {
    const fromFile: TrialSpikeSource | undefined = spikesFile !== undefined ? 'globalSpikeFile' : d.spikeTimesFile ? 'runSpikeFile' : undefined;
    const source = choice === 'traces' ? (d.traceFile ? 'traces' : undefined) : choice === 'file' ? fromFile : d.traceFile ? 'traces' : fromFile;
    if (source) plan.set(d, source);
    else lacking.push(d);
  }
  if (lacking.length > 0) throw await noSpikeSource(options.root, lacking, directories.length, choice, spikesFile);

  const n = trials.length;
  const times: number[][] = new Array(n);
  const source: TrialSpikeSource[] = new Array(n);
  const origin: { file: string; line?: number }[] = new Array(n);
  const traceEndMs: (number | undefined)[] = new Array(n).fill(undefined);
  const byDirectory = new Map<IsfRunDirectory, NumberedIsfTrial[]>();
  for (const t of trials) {
    const list = byDirectory.get(t.directory) ?? [];
    list.push(t);
    byDirectory.set(t.directory, list);
  }

  for (const d of directories) {
    const own = byDirectory.get(d) ?? [];
    const s = plan.get(d)!;
    if (s === 'traces') {
      const { byRun, tLast } = await readTraceSpikes(d, thresholdMv);
      for (const t of own) {
        times[t.global] = byRun.get(t.files.run)!;
        traceEndMs[t.global] = tLast;
        origin[t.global] = { file: d.traceFile! };
      }
    } else if (s === 'runSpikeFile') {
      const spikes = await readRunSpikeFile(d);
      for (const t of own) {
        times[t.global] = spikes.trials.get(t.files.run)!;
        origin[t.global] = { file: spikes.file, line: spikes.lines.get(t.files.run) };
      }
    }
    for (const t of own) source[t.global] = s;
  }

  const fromGlobal = trials.filter((t) => source[t.global] === 'globalSpikeFile');
  if (spikesFile !== undefined && fromGlobal.length > 0) {
    const spikes = await readGlobalSpikeFile(spikesFile, trials, fromGlobal);
    for (const t of fromGlobal) {
      times[t.global] = spikes.trials.get(t.global)!;
      origin[t.global] = { file: spikesFile, line: spikes.lines.get(t.global) };
    }
  }
  const counts: Record<TrialSpikeSource, number> = { traces: 0, runSpikeFile: 0, globalSpikeFile: 0 };
  for (const s of source) counts[s]++;
  return { times, source, origin, traceEndMs, counts };
}

async function noSpikeSource(
  root: string,
  lacking: IsfRunDirectory[],
  total: number,
  choice: 'auto' | 'traces' | 'file',
  spikesFile: string | undefined,
): Promise<OccamError> {
  const shown = lacking.slice(0, 8).map((d) => d.dir);
  const more = lacking.length > shown.length ? `, … (${lacking.length - shown.length} more)` : '';
  const what =
    choice === 'traces'
      ? 'no *_vm_all_traces.csv (spike source: traces)'
      : choice === 'file'
        ? 'no *_spike_times.csv and no --spikes file (spike source: file)'
        : 'neither a *_vm_all_traces.csv (soma voltage) nor a *_spike_times.csv';
  let hint: string;
  if (choice === 'traces') hint = 'Use --spike-source auto to take spikes from spike-time files where there are no traces.';
  else if (choice === 'file' && lacking.some((d) => d.traceFile))
    hint = 'They have voltage traces: use --spike-source auto (or traces), or give --spikes FILE.';
  else {
    const topLevel = spikesFile === undefined ? await spikeFilesIn(root) : [];
    hint =
      topLevel.length > 0
        ? `${join(root, topLevel[0])} looks like a spike-time file for the whole data set: if it is numbered by global trial, pass --spikes ${join(root, topLevel[0])}.`
        : 'Give their output spikes with --spikes FILE (one spike-time file numbered by global trial; see --help), or add voltage traces.';
  }
  const first = lacking[0].dir;
  return new OccamError(
    `${first}: no output spikes for ${lacking.length} of ${total} run director${total === 1 ? 'y' : 'ies'} (${what}): ${shown.join(', ')}${more}. ${hint}`,
    { file: first },
  );
}

async function spikeFilesIn(root: string): Promise<string[]> {
  const entries = await readdir(root).catch(() => [] as string[]);
  return entries.filter((f) => /(^|_)spike_times\.(csv|tsv|txt)$/.test(f)).sort();
}

async function readTraceSpikes(d: IsfRunDirectory, thresholdMv: number): Promise<{ byRun: Map<number, number[]>; tLast: number }> {
  const file = d.traceFile!;
  const traces = await readIsfTraceSpikes(file, { thresholdMv });
  const byRun = new Map<number, number[]>();
  traces.runs.forEach((r, k) => byRun.set(r, traces.spikeTimes[k]));
  for (const t of d.trials) {
    if (!byRun.has(t.run)) {
      throw inputError(
        file,
        1,
        `no column 'Vm run ${String(t.run).padStart(2, '0')}' for ${basename(t.synapsesFile)}; the header lists runs ${describeRuns(traces.runs)}`,
      );
    }
  }
  checkNoOrphans(d, traces.runs, (r) => `${file}:1: column 'Vm run ${String(r).padStart(2, '0')}' has no simulation_run${pad(r)}_synapses.csv in ${d.dir}`);
  return { byRun, tLast: traces.tLast };
}

async function readRunSpikeFile(d: IsfRunDirectory): Promise<IsfSpikeTimes> {
  const file = d.spikeTimesFile!;
  const spikes = await readIsfSpikeTimes(file);
  for (const t of d.trials) {
    if (!spikes.trials.has(t.run)) {
      throw inputError(
        file,
        spikes.lineCount + 1,
        `no line for trial ${t.run}, whose synapses are in ${basename(t.synapsesFile)}; expected one line '<trial><TAB><t1>,<t2>,' per trial (nothing after the tab for a trial without spikes)`,
      );
    }
  }
  checkNoOrphans(
    d,
    [...spikes.trials.keys()],
    (r) => `${file}:${spikes.lines.get(r)}: trial ${r} has spike times but no simulation_run${pad(r)}_synapses.csv in ${d.dir}`,
  );
  return spikes;
}

/**
 * Check a global spike-time file against the data: every number must be a trial (0 … n − 1), every trial
 * that takes its spikes from the file must have a line. Lines for trials whose spikes come from traces are
 * allowed and not used.
 */
async function readGlobalSpikeFile(file: string, all: readonly NumberedIsfTrial[], needed: readonly NumberedIsfTrial[]): Promise<IsfSpikeTimes> {
  const spikes = await readIsfSpikeTimes(file);
  const n = all.length;
  const listed = [...spikes.trials.keys()];
  const numbering = "global trial numbers run from 0 over the run directories in sorted order, each directory's trials by their simulation_run%04d index";
  const unknown = listed.filter((g) => g >= n).sort((a, b) => a - b);
  if (unknown.length > 0) {
    const g = unknown[0];
    const oneBased = !spikes.trials.has(0) && listed.length === n && Math.max(...listed) === n;
    throw inputError(
      file,
      spikes.lines.get(g),
      `trial ${g} is not a trial of the data: the ${describeDirectories(all)} hold ${n} trial${n === 1 ? '' : 's'}, numbered 0 … ${n - 1} ` +
        `(${numbering}); the file lists ${listed.length} trial${listed.length === 1 ? '' : 's'}` +
        (unknown.length > 1 ? `, ${unknown.length} of them beyond ${n - 1}` : '') +
        (oneBased ? '. The numbers look 1-based: occam numbers trials from 0' : ''),
    );
  }
  const missing = needed.filter((t) => !spikes.trials.has(t.global));
  if (missing.length > 0) {
    const shown = missing.slice(0, 3).map((t) => `${t.global} (${`${t.directory.label}/${basename(t.files.synapsesFile)}`})`);
    throw inputError(
      file,
      spikes.lineCount + 1,
      `no line${missing.length === 1 ? '' : 's'} for trial${missing.length === 1 ? '' : 's'} ${shown.join(', ')}${missing.length > 3 ? `, … (${missing.length} in all)` : ''}: ` +
        `the file lists ${listed.length} trial${listed.length === 1 ? '' : 's'}, ${needed.length} of the data's ${n} take their spikes from it ` +
        `(${numbering}). Expected one line '<trial><TAB><t1>,<t2>,' per trial, nothing after the tab for a trial without spikes`,
    );
  }
  return spikes;
}

function describeDirectories(all: readonly NumberedIsfTrial[]): string {
  const k = new Set(all.map((t) => t.directory)).size;
  return `${k} run director${k === 1 ? 'y' : 'ies'}`;
}

function checkNoOrphans(d: IsfRunDirectory, spikeRuns: number[], message: (r: number) => string): void {
  const have = new Set(d.trials.map((t) => t.run));
  for (const r of spikeRuns) {
    if (!have.has(r)) throw new OccamError(`${message(r)}; a synapse file is missing`, { file: d.dir });
  }
}

function pad(r: number): string {
  return String(r).padStart(4, '0');
}

function describeRuns(runs: number[]): string {
  if (runs.length === 0) return '(none)';
  const sorted = [...runs].sort((a, b) => a - b);
  return sorted.length > 6 ? `${sorted.slice(0, 3).join(', ')}, …, ${sorted[sorted.length - 1]}` : sorted.join(', ');
}
