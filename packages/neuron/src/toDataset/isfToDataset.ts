import { OccamError, zodProblem, type Dataset } from '@occam/core';
import { basename } from 'node:path';
import { z } from 'zod';
import { resolveCellTypeSigns, synapseSign } from '../cellTypes/cellTypeSigns.js';
import { findIsfRunDirectories, isfTrialId, type IsfRunDirectory } from '../isf/runDirectories.js';
import { readIsfSpikeTimes } from '../isf/spikeTimesFile.js';
import { readIsfSynapseActivations } from '../isf/synapseActivationFile.js';
import { readIsfTraceSpikes } from '../isf/voltageTracesFile.js';
import { inputError } from '../text/inputError.js';
import { NeuronBinningSchema, timeGrid, type NeuronBinning, type ProgressCallback } from './binningOptions.js';
import { distanceAtoms } from './distanceAtoms.js';
import { NeuronDatasetBuilder } from './neuronDatasetBuilder.js';

export const IsfToDatasetOptionsSchema = NeuronBinningSchema.extend({
  /** A folder of ISF run directories (searched recursively), or one run directory. */
  root: z.string().min(1),
  /**
   * Where output spikes come from: `auto` (a `*_spike_times.csv` when the run directory has one, else the
   * soma voltage in `*_vm_all_traces.csv`), `traces` or `spikeTimes`.
   */
  spikeSource: z.enum(['auto', 'traces', 'spikeTimes']).default('auto'),
  /** Spike threshold for traces: upward crossings of this voltage (mV). */
  spikeThresholdMv: z.number().finite().default(0),
});
export type IsfToDatasetOptions = z.input<typeof IsfToDatasetOptionsSchema> & { onProgress?: ProgressCallback };

interface RunSpikes {
  /** Spike times by run index. */
  byRun: Map<number, number[]>;
  /** Last time the source could see (the last voltage sample), if known. */
  tLast: number | undefined;
  source: 'traces' | 'spikeTimes';
}

/**
 * Convert ISF simulation output to an occam Dataset: atoms = excitatory/inhibitory × soma-distance bins,
 * inputs = synapse activations per atom × trial × time bin, target = output spikes per bin. Trials are read
 * one at a time (directories ordered by path, trials by run index) and binned straight into compact arrays.
 */
export async function isfToDataset(options: IsfToDatasetOptions): Promise<Dataset> {
  const { onProgress, ...rest } = options;
  const parsed = IsfToDatasetOptionsSchema.safeParse(rest);
  if (!parsed.success) throw zodProblem('isfToDataset options', parsed.error);
  const opts = parsed.data;
  const binning: NeuronBinning = opts;
  const signs = resolveCellTypeSigns(opts.cellTypes);
  const atoms = distanceAtoms(binning.distanceBinUm, binning.maxDistanceUm);

  const runs = await findIsfRunDirectories(opts.root);
  if (runs.length === 0) {
    throw new OccamError(`${opts.root}: no ISF run directories found; expected folders holding simulation_run0000_synapses.csv, …`, { file: opts.root });
  }
  const total = runs.reduce((n, r) => n + r.trials.length, 0);

  // Spikes first (small): they also tell the trial length when traces are the source.
  const spikesByDir: RunSpikes[] = [];
  for (const run of runs) spikesByDir.push(await readRunSpikes(run, opts.spikeSource, opts.spikeThresholdMv));
  const tLasts = spikesByDir.map((s) => s.tLast).filter((t): t is number => t !== undefined);
  const trialLength = tLasts.length === spikesByDir.length && tLasts.length > 0 ? Math.min(...tLasts) : undefined;
  const grid = timeGrid(binning, trialLength, 'the run directories have spike-time files but no voltage traces');
  for (let k = 0; k < runs.length; k++) {
    const tLast = spikesByDir[k].tLast;
    if (tLast !== undefined && tLast < grid.tEndMs - 1e-9) {
      throw new OccamError(`${runs[k].traceFile}: the traces end at ${tLast} ms, before the dataset's end at ${grid.tEndMs} ms; lower tEndMs`, {
        file: runs[k].traceFile,
      });
    }
  }

  const builder = new NeuronDatasetBuilder(grid, atoms, total);
  const trialIds: string[] = [];
  let trial = 0;
  onProgress?.(0, total);
  for (let k = 0; k < runs.length; k++) {
    const run = runs[k];
    for (const files of run.trials) {
      const rows = await readIsfSynapseActivations(files.synapsesFile, { maxSomaDistanceUm: binning.maxSomaDistanceUm });
      for (const row of rows) {
        const sign = synapseSign(signs, row.cellType, row.type, { file: files.synapsesFile, line: row.line });
        builder.addActivations(trial, sign, row.somaDistance, row.activationTimes, row.cellType);
      }
      builder.addSpikes(trial, spikesByDir[k].byRun.get(files.run) ?? []);
      trialIds.push(isfTrialId(run, files));
      trial++;
      onProgress?.(trial, total);
    }
  }
  return builder.finish(binning, {
    trialIds,
    source: 'isf',
    extra: {
      root: opts.root,
      runDirectories: runs.map((r) => r.label),
      spikeSource: [...new Set(spikesByDir.map((s) => s.source))].join('+'),
      spikeThresholdMv: opts.spikeThresholdMv,
    },
  });
}

async function readRunSpikes(run: IsfRunDirectory, source: 'auto' | 'traces' | 'spikeTimes', thresholdMv: number): Promise<RunSpikes> {
  const useSpikeFile = source === 'spikeTimes' || (source === 'auto' && run.spikeTimesFile !== undefined);
  if (useSpikeFile) {
    if (!run.spikeTimesFile) {
      throw new OccamError(`${run.dir}: no spike-time file; expected a *_spike_times.csv (or use the voltage traces: spikeSource 'traces')`, { file: run.dir });
    }
    const file = run.spikeTimesFile;
    const spikes = await readIsfSpikeTimes(file);
    for (const t of run.trials) {
      if (!spikes.trials.has(t.run)) {
        throw inputError(
          file,
          spikes.lineCount + 1,
          `no line for trial ${t.run}, whose synapses are in ${basename(t.synapsesFile)}; expected one line '<trial><TAB><t1>,<t2>,' per trial (nothing after the tab for a trial without spikes)`,
        );
      }
    }
    checkNoOrphans(run, [...spikes.trials.keys()], (r) => `${file}:${spikes.lines.get(r)}: trial ${r} has spike times but no simulation_run${pad(r)}_synapses.csv in ${run.dir}`);
    return { byRun: spikes.trials, tLast: undefined, source: 'spikeTimes' };
  }
  if (!run.traceFile) {
    throw new OccamError(
      `${run.dir}: no output spikes for its ${run.trials.length} trials; expected a *_vm_all_traces.csv (soma voltage) or a *_spike_times.csv`,
      { file: run.dir },
    );
  }
  const file = run.traceFile;
  const traces = await readIsfTraceSpikes(file, { thresholdMv });
  const byRun = new Map<number, number[]>();
  traces.runs.forEach((r, k) => byRun.set(r, traces.spikeTimes[k]));
  for (const t of run.trials) {
    if (!byRun.has(t.run)) {
      throw inputError(
        file,
        1,
        `no column 'Vm run ${String(t.run).padStart(2, '0')}' for ${basename(t.synapsesFile)}; the header lists runs ${describeRuns(traces.runs)}`,
      );
    }
  }
  checkNoOrphans(run, traces.runs, (r) => `${file}:1: column 'Vm run ${String(r).padStart(2, '0')}' has no simulation_run${pad(r)}_synapses.csv in ${run.dir}`);
  return { byRun, tLast: traces.tLast, source: 'traces' };
}

function checkNoOrphans(run: IsfRunDirectory, spikeRuns: number[], message: (r: number) => string): void {
  const have = new Set(run.trials.map((t) => t.run));
  for (const r of spikeRuns) {
    if (!have.has(r)) throw new OccamError(`${message(r)}; a synapse file is missing`, { file: run.dir });
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
