import { OccamError, zodProblem, type Dataset } from '@occam/core';
import { z } from 'zod';
import { lookupSynapseSign, resolveCellTypeSigns } from '../cellTypes/cellTypeSigns.js';
import { numberIsfTrials } from '../isf/globalTrialNumbers.js';
import { findIsfRunDirectories, isfTrialId } from '../isf/runDirectories.js';
import { readIsfSynapseFile } from '../isf/synapseActivationFile.js';
import { readSwc } from '../swc/readSwc.js';
import { inputError } from '../text/inputError.js';
import { NeuronBinningSchema, timeGrid, type NeuronBinning, type ProgressCallback } from './binningOptions.js';
import { distanceAtoms } from './distanceAtoms.js';
import { readIsfSpikes } from './isfSpikeSources.js';
import { DEFAULT_MORPHOLOGY_TOLERANCE_UM, morphologySomaDistance } from './morphologyDistance.js';
import { NeuronDatasetBuilder, type EventPlace } from './neuronDatasetBuilder.js';

/** Thresholds beyond this (mV) are no membrane potential: a unit mix-up (volts) or a typo. */
export const MAX_SPIKE_THRESHOLD_MV = 200;

export const IsfToDatasetOptionsSchema = NeuronBinningSchema.extend({
  /** A folder of ISF run directories (searched recursively), or one run directory. */
  root: z.string().min(1),
  /**
   * Where output spikes come from, per run directory: `auto` — its soma voltage (`*_vm_all_traces.csv`)
   * where it has one, else the spike-time file; `traces` — voltage traces only; `file` — spike-time files
   * only (`spikeTimes` is the older name of `file`). The spike-time file is `spikesFile` when given (for every
   * directory), else the directory's own `*_spike_times.csv`.
   */
  spikeSource: z.enum(['auto', 'traces', 'file', 'spikeTimes']).default('auto'),
  /**
   * One spike-time file for the whole data set (`# trial<TAB>spike times`, `<trial><TAB><t1>,<t2>,`), its
   * trials numbered globally: 0, 1, … over the run directories in sorted order, each directory's trials by
   * their `simulation_run%04d` index (see numberIsfTrials) — the dataset's own trial order.
   */
  spikesFile: z.string().min(1).optional(),
  /** Spike threshold for traces: upward crossings of this voltage (mV). */
  spikeThresholdMv: z.number().finite().min(-MAX_SPIKE_THRESHOLD_MV).max(MAX_SPIKE_THRESHOLD_MV).default(0),
  /**
   * Accept 0-byte synapse files as trials without synaptic input (counted and warned about). By default such
   * a file is an error: ISF always writes the header, so an empty file is an unfinished one.
   */
  allowEmptyTrials: z.boolean().default(false),
  /**
   * An SWC morphology: soma distances are taken from it at each synapse's (section ID, section pt ID), and
   * checked against the file's own distances (see morphologySomaDistance).
   */
  morphology: z.string().min(1).optional(),
  /** Largest accepted disagreement (µm) between the file's and the morphology's soma distances. */
  morphologyToleranceUm: z.number().nonnegative().finite().default(DEFAULT_MORPHOLOGY_TOLERANCE_UM),
});
export type IsfToDatasetOptions = z.input<typeof IsfToDatasetOptionsSchema> & {
  onProgress?: ProgressCallback;
  /** Called with one line for each kind of data that was dropped or replaced (empty files, times outside the trial). */
  onWarning?: (message: string) => void;
};

interface UnknownType {
  cellType: string;
  synapseTypes: Set<string>;
  file: string;
  line: number;
  activations: number;
}

/**
 * Convert ISF simulation output to an occam Dataset: atoms = excitatory/inhibitory × soma-distance bins,
 * inputs = synapse activations per atom × trial × time bin, target = output spikes per bin. Trials are read
 * one at a time (directories ordered by path, trials by run index: the global trial numbering) and binned
 * straight into compact arrays.
 */
export async function isfToDataset(options: IsfToDatasetOptions): Promise<Dataset> {
  const { onProgress, onWarning, ...rest } = options;
  const parsed = IsfToDatasetOptionsSchema.safeParse(rest);
  if (!parsed.success) throw zodProblem('isfToDataset options', parsed.error);
  const opts = parsed.data;
  const binning: NeuronBinning = opts;
  const signs = resolveCellTypeSigns(opts.cellTypes);
  const atoms = distanceAtoms(binning.distanceBinUm, binning.maxDistanceUm);
  const morphology = opts.morphology !== undefined ? await readSwc(opts.morphology) : undefined;

  const directories = await findIsfRunDirectories(opts.root);
  if (directories.length === 0) {
    throw new OccamError(`${opts.root}: no ISF run directories found; expected folders holding simulation_run0000_synapses.csv, …`, { file: opts.root });
  }
  const trials = numberIsfTrials(directories);
  const total = trials.length;

  // Spikes first (small): they also tell the trial length when traces are the source.
  const spikes = await readIsfSpikes({
    root: opts.root,
    directories,
    trials,
    choice: opts.spikeSource,
    spikesFile: opts.spikesFile,
    thresholdMv: opts.spikeThresholdMv,
  });
  const traceEnds = spikes.traceEndMs.filter((t): t is number => t !== undefined);
  const trialLength = traceEnds.length > 0 ? Math.min(...traceEnds) : undefined;
  const grid = timeGrid(binning, trialLength, 'no run directory has voltage traces, only spike-time files');
  for (const t of trials) {
    const end = spikes.traceEndMs[t.global];
    if (end !== undefined && end < grid.tEndMs - 1e-9) {
      const file = t.directory.traceFile;
      throw new OccamError(`${file}: the traces end at ${end} ms, before the dataset's end at ${grid.tEndMs} ms; lower tEndMs (--t-end) to at most ${end}`, {
        file,
      });
    }
  }

  const builder = new NeuronDatasetBuilder(grid, atoms, total);
  const trialIds: string[] = [];
  const unknown = new Map<string, UnknownType>();
  const empty = { count: 0, example: undefined as string | undefined };
  onProgress?.(0, total);
  for (const t of trials) {
    const file = t.files.synapsesFile;
    const read = await readIsfSynapseFile(file, { maxSomaDistanceUm: binning.maxSomaDistanceUm, allowEmpty: opts.allowEmptyTrials });
    if (read.empty) {
      empty.count++;
      empty.example ??= file;
    }
    const trialEndMs = spikes.traceEndMs[t.global] ?? grid.tEndMs;
    for (const row of read.rows) {
      const sign = lookupSynapseSign(signs, row.cellType, row.type);
      if (!sign) {
        const u = unknown.get(row.cellType) ?? { cellType: row.cellType, synapseTypes: new Set(), file, line: row.line, activations: 0 };
        u.synapseTypes.add(row.type);
        u.activations += row.activationTimes.length;
        unknown.set(row.cellType, u);
        continue;
      }
      const distance = morphology ? morphologySomaDistance(morphology, row, file, opts.morphologyToleranceUm) : row.somaDistance;
      builder.addActivations(t.global, sign, distance, row.activationTimes, row.cellType, { trialEndMs, file, line: row.line });
    }
    builder.addSpikes(t.global, spikes.times[t.global], { trialEndMs, ...spikes.origin[t.global] });
    trialIds.push(isfTrialId(t.directory, t.files));
    onProgress?.(t.global + 1, total);
  }
  if (unknown.size > 0) throw unknownTypesError([...unknown.values()], signs);

  const tally = builder.tally;
  if (empty.count > 0) {
    onWarning?.(
      `${empty.count} of ${total} synapse files ${empty.count === 1 ? 'is' : 'are'} empty (0 bytes), e.g. ${empty.example}; ` +
        `${empty.count === 1 ? 'its trial is kept as a trial' : 'their trials are kept as trials'} without synaptic input (--allow-empty-trials)`,
    );
  }
  if (tally.outsideTrial > 0) {
    onWarning?.(describeOutside(tally.outsideTrial, 'synapse activation', tally.outsideTrialExample!));
  }
  if (builder.outputSpikesOutsideTrial > 0) {
    onWarning?.(describeOutside(builder.outputSpikesOutsideTrial, 'output spike', builder.outputSpikesOutsideTrialExample!));
  }
  return builder.finish(binning, {
    trialIds,
    source: 'isf',
    extra: {
      root: opts.root,
      runDirectories: directories.map((r) => r.label),
      spikeSource: (['traces', 'runSpikeFile', 'globalSpikeFile'] as const).filter((s) => spikes.counts[s] > 0).join('+'),
      spikeSources: spikes.counts,
      ...(opts.spikesFile !== undefined ? { spikesFile: opts.spikesFile } : {}),
      spikeThresholdMv: opts.spikeThresholdMv,
      emptySynapseFiles: empty.count,
      ...(morphology ? { morphology: opts.morphology, somaDistanceSource: 'morphology' } : {}),
    },
  });
}

function describeOutside(count: number, noun: string, e: EventPlace): string {
  const at = e.line === undefined ? e.file : `${e.file}:${e.line}`;
  const [verb, be] = count === 1 ? ['lies', 'is'] : ['lie', 'are'];
  return (
    `${count} ${noun}${count === 1 ? '' : 's'} ${verb} outside the simulated trial (before 0 ms or after its end at ${e.trialEndMs} ms) ` +
    `and ${be} not in the dataset, e.g. ${at} (t = ${e.timeMs} ms); check the time units`
  );
}

function unknownTypesError(unknown: UnknownType[], signs: Record<string, string>): OccamError {
  unknown.sort((a, b) => (a.cellType < b.cellType ? -1 : 1));
  const first = unknown[0];
  const list = unknown
    .map((u, i) => {
      const types =
        [...u.synapseTypes]
          .slice(0, 3)
          .map((t) => `'${t}'`)
          .join(', ') + (u.synapseTypes.size > 3 ? ', …' : '');
      const where = i === 0 ? '' : `; first at ${u.file}:${u.line}`;
      return `'${u.cellType}' (synapse type${u.synapseTypes.size === 1 ? '' : 's'} ${types}; ${u.activations} activation${u.activations === 1 ? '' : 's'}${where})`;
    })
    .join(', ');
  return inputError(
    first.file,
    first.line,
    `unknown presynaptic cell type${unknown.length === 1 ? '' : 's'} ${list}: occam does not know whether ${unknown.length === 1 ? 'it is' : 'they are'} excitatory or inhibitory. ` +
      `Map ${unknown.length === 1 ? 'it' : 'them'} with --cell-types FILE (or the cellTypes option): JSON {"${first.cellType}": "excitatory"} or TSV lines '${first.cellType}<TAB>inhibitory'; ` +
      `the type "*" maps every unknown type. Known types: ${Object.keys(signs).sort().join(', ')}`,
  );
}
