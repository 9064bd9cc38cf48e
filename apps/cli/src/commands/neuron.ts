import { fitReducedModel, readDataset, readSpecFile, specAblations, writeDataset, type Dataset, type ReducedModel } from '@occam/core';
import { isfToDataset, MAX_SPIKE_THRESHOLD_MV, readCellTypeMap } from '@occam/neuron';
import { UsageError, requireString, type Command, type Io } from '../cli.js';
import type { OptionTable } from '../options.js';
import { writeModelOutput, wroteLine } from '../stdoutOutput.js';
import { fitWarningLines, summaryTable } from '../summaryTable.js';
import { PUBLISHED_SPEC } from '../bundledFiles.js';

const ISF_LAYOUT =
  'run folders holding simulation_run%04d_synapses.csv files, each with output spikes from its soma voltage (*_vm_all_traces.csv) or a spike-time file';

const importOptions = {
  isf: { type: 'string', value: 'DIR', path: 'directory', description: `the ISF simulation output to import: ${ISF_LAYOUT}` },
  spikes: {
    type: 'string',
    value: 'FILE',
    path: 'file',
    description:
      "one spike-time file for the whole data set: '# trial<TAB>spike times', then one line '<trial><TAB><t1>,<t2>,' per trial (nothing after the tab: no spikes). " +
      'Trials are numbered globally from 0: run folders in sorted order of their path under DIR, within a folder its trials by their simulation_run%04d index ' +
      "(folder a with runs 0000, 0001 and folder b with runs 0000, 0002: a/run0000 = 0, a/run0001 = 1, b/run0000 = 2, b/run0002 = 3); that is also the dataset's trial order",
  },
  'spike-source': {
    type: 'string',
    value: 'S',
    choices: ['auto', 'traces', 'file'],
    default: 'auto',
    description:
      "auto: traces where a run folder has them, else the spike-time file (--spikes, else the folder's own *_spike_times.csv); traces: traces only; file: spike-time files only",
  },
  'spike-threshold': {
    type: 'string',
    value: 'MV',
    default: '0 mV',
    description:
      'spikes are upward crossings of this voltage in the traces (-200 … 200; write a negative one as --spike-threshold=-20 or --spike-threshold -20)',
  },
  'cell-types': {
    type: 'string',
    value: 'FILE',
    path: 'file',
    description:
      'presynaptic cell type -> excitatory|inhibitory, over the built-in barrel-cortex types: JSON {"L7x": "excitatory"} or TSV lines \'L7x<TAB>inhibitory\'; ' +
      'the type "*" maps every type not named otherwise (without it an unknown type is an error listing them all)',
  },
  morphology: {
    type: 'string',
    value: 'SWC',
    path: 'file',
    description: "soma distances from this morphology at each synapse's (section ID, section pt ID), checked against the file's own distances",
  },
  'morphology-tolerance': {
    type: 'string',
    value: 'UM',
    default: '1 µm',
    description: "how far the morphology and the file's own soma distances may differ (with --morphology)",
  },
  'allow-empty-trials': {
    type: 'boolean',
    description:
      'accept 0-byte synapse files as trials without input (counted in a warning); by default they are an error, as ISF always writes a header (a header-only file is a trial without active synapses either way)',
  },
  stimulus: { type: 'string', value: 'MS', default: '245 ms', description: 'stimulus time in simulation time' },
  window: { type: 'string', value: 'FROM,TO', default: 'stimulus … stimulus + 55 ms', description: 'the scored window: bins starting in [FROM, TO) ms' },
  't-start': { type: 'string', value: 'MS', default: '150 ms', description: 'start of bin 0 in simulation time; earlier input is dropped' },
  't-end': { type: 'string', value: 'MS', default: 'the trial length', description: 'end of the last bin in simulation time' },
  'refractory-exclusion': {
    type: 'string',
    value: 'MS',
    default: '0 ms, every bin scored',
    description: 'leave bins starting within this many ms after an output spike unscored',
  },
} as const satisfies OptionTable;

/** The import options that name files or folders the import reads. */
const IMPORT_PATH_OPTIONS = ['isf', 'spikes', 'cell-types', 'morphology'];

/** A number option in a range, or a usage error naming the option, the range and the unit. */
function rangedOption(
  values: Record<string, unknown>,
  name: string,
  range: { min?: number; max?: number; unit: string; minExclusive?: boolean },
): number | undefined {
  const raw = values[name];
  if (raw === undefined) return undefined;
  const text = String(raw).trim();
  const n = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(text) ? Number(text) : Number.NaN;
  if (!Number.isFinite(n)) throw new UsageError(`--${name} must be a number (${range.unit}), got '${String(raw)}'`);
  const low = range.min !== undefined && (range.minExclusive ? n <= range.min : n < range.min);
  if (low || (range.max !== undefined && n > range.max)) {
    const lo = range.min === undefined ? '' : `${range.minExclusive ? '>' : '≥'} ${range.min}`;
    const hi = range.max === undefined ? '' : `≤ ${range.max}`;
    throw new UsageError(`--${name} must be ${[lo, hi].filter(Boolean).join(' and ')} ${range.unit}, got ${text}`);
  }
  return n;
}

function spikeSourceOption(values: Record<string, unknown>): 'auto' | 'traces' | 'file' {
  return (values['spike-source'] as 'auto' | 'traces' | 'file' | undefined) ?? 'auto';
}

async function importIsf(values: Record<string, unknown>, io: Io): Promise<Dataset> {
  const root = requireString(values, 'isf');
  const stimulusMs = rangedOption(values, 'stimulus', { unit: 'ms' });
  const tStartMs = rangedOption(values, 't-start', { unit: 'ms' });
  const tEndMs = rangedOption(values, 't-end', { unit: 'ms', ...(tStartMs !== undefined ? { min: tStartMs, minExclusive: true } : {}) });
  const refractoryExclusionMs = rangedOption(values, 'refractory-exclusion', { min: 0, unit: 'ms' });
  const spikeThresholdMv = rangedOption(values, 'spike-threshold', { min: -MAX_SPIKE_THRESHOLD_MV, max: MAX_SPIKE_THRESHOLD_MV, unit: 'mV' });
  const morphologyToleranceUm = rangedOption(values, 'morphology-tolerance', { min: 0, unit: 'µm' });
  const spikeSource = spikeSourceOption(values);
  const spikesFile = optionalPath(values, 'spikes');
  const morphology = optionalPath(values, 'morphology');
  const cellTypesFile = optionalPath(values, 'cell-types');
  if (spikeSource === 'traces' && spikesFile !== undefined)
    throw new UsageError('--spikes gives spike times from a file, but --spike-source traces reads only voltage traces; drop one of them');
  if (spikeSource === 'file' && spikeThresholdMv !== undefined)
    throw new UsageError('--spike-threshold applies to voltage traces, but --spike-source file reads only spike-time files; drop one of them');
  if (morphologyToleranceUm !== undefined && morphology === undefined) throw new UsageError('--morphology-tolerance needs --morphology SWC');
  let scoredWindowMs: [number, number] | undefined;
  if (values.window !== undefined) {
    const text = String(values.window);
    const parts = text.split(',').map((p) => p.trim());
    const nums = parts.map((p) => (/^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(p) ? Number(p) : Number.NaN));
    if (nums.length !== 2 || nums.some((x) => !Number.isFinite(x))) throw new UsageError(`--window must be FROM,TO in ms, got '${text}'`);
    if (!(nums[1] > nums[0])) throw new UsageError(`--window FROM,TO must have FROM < TO, got '${text}'`);
    scoredWindowMs = [nums[0], nums[1]];
  }
  // The small inputs are read before any trial, so that a bad map fails at once.
  const cellTypes = cellTypesFile !== undefined ? await readCellTypeMap(cellTypesFile) : undefined;
  const tick = io.progress('reading trials');
  const ds = await isfToDataset({
    root,
    spikeSource,
    ...(spikesFile !== undefined ? { spikesFile } : {}),
    ...(spikeThresholdMv !== undefined ? { spikeThresholdMv } : {}),
    ...(cellTypes ? { cellTypes } : {}),
    ...(morphology !== undefined ? { morphology } : {}),
    ...(morphologyToleranceUm !== undefined ? { morphologyToleranceUm } : {}),
    allowEmptyTrials: values['allow-empty-trials'] === true,
    ...(stimulusMs !== undefined ? { stimulusMs } : {}),
    ...(scoredWindowMs ? { scoredWindowMs } : {}),
    ...(tStartMs !== undefined ? { tStartMs } : {}),
    ...(tEndMs !== undefined ? { tEndMs } : {}),
    ...(refractoryExclusionMs !== undefined ? { refractoryExclusionMs } : {}),
    onProgress: tick,
    onWarning: (message) => io.err(`warning: ${message}`),
  });
  const sources = ds.manifest.metadata.spikeSources as { traces: number } | undefined;
  if (spikeThresholdMv !== undefined && sources?.traces === 0) {
    io.err('warning: --spike-threshold had no effect: no trial took its spikes from voltage traces');
  }
  return ds;
}

function optionalPath(values: Record<string, unknown>, name: string): string | undefined {
  const v = values[name];
  if (v === undefined) return undefined;
  if (typeof v !== 'string' || v.trim() === '') throw new UsageError(`--${name} needs a file name`);
  return v;
}

export const neuronImportCommand: Command = {
  name: 'neuron import',
  summary: 'read in_silico_framework (ISF) simulation output into a Dataset (E/I × 50 µm distance bins, 1 ms bins)',
  example: 'occam neuron import --isf sim-out/L5PT-a/C2 --out data/L5PT-a --compress',
  options: {
    ...importOptions,
    isf: { ...importOptions.isf, required: true },
    out: { type: 'string', value: 'DIR', path: 'directory', required: true, description: 'where to write the Dataset (a new folder)' },
    compress: { type: 'boolean', description: 'write the Dataset arrays gzip-compressed (.npy.gz)' },
  },
  outputs: [{ option: 'out', kind: 'directory' }],
  inputs: (v) => IMPORT_PATH_OPTIONS.map((k) => v[k] as string | undefined),
  async run({ values, io }) {
    const out = requireString(values, 'out');
    const ds = await importIsf(values, io);
    await writeDataset(out, ds, { compress: values.compress === true, force: values.force === true });
    if (io.json) io.out(JSON.stringify({ dataset: out, trials: ds.manifest.nTrials, bins: ds.manifest.nBins, atoms: ds.manifest.atoms.length }));
    else if (!io.quiet) io.out(`wrote ${out}: ${ds.manifest.nTrials} trials × ${ds.manifest.nBins} bins × ${ds.manifest.atoms.length} atoms`);
  },
};

export interface AblationRow {
  name: string;
  parameters: number;
  testAuroc: number | null;
  testPsthAuroc: number | null;
  trialToTrialAuroc: number | null;
  bitsPerEventOverPsth: number | null;
}

function ablationRow(name: string, m: ReducedModel): AblationRow {
  const t = m.metrics.test;
  return {
    name,
    parameters: m.fit.parameters,
    testAuroc: t.model.auroc,
    testPsthAuroc: t.psth.auroc,
    trialToTrialAuroc: t.trialToTrialAuroc.model,
    bitsPerEventOverPsth: t.gainOverPsth.bitsPerEvent,
  };
}

function ablationTable(rows: AblationRow[]): string {
  const f = (v: number | null) => (v === null ? '—' : v.toFixed(3));
  const head = 'model'.padEnd(46) + 'params'.padStart(7) + 'AUROC'.padStart(8) + 'PSTH'.padStart(8) + 't2t AUROC'.padStart(11) + 'bits/ev'.padStart(9);
  return [
    head,
    ...rows.map(
      (r) =>
        r.name.padEnd(46) +
        String(r.parameters).padStart(7) +
        f(r.testAuroc).padStart(8) +
        f(r.testPsthAuroc).padStart(8) +
        f(r.trialToTrialAuroc).padStart(11) +
        f(r.bitsPerEventOverPsth).padStart(9),
    ),
  ].join('\n');
}

export const neuronReduceCommand: Command = {
  name: 'neuron reduce',
  summary: 'reduce a simulated neuron to the published three-feature model (import → fit → summary), with ablations',
  usage: 'occam neuron reduce (--isf DIR | --data DIR) --out FILE [options]',
  example: 'occam neuron reduce --data data/neuron/v1-C2 --out v1.model.json --ablations',
  options: {
    data: { type: 'string', value: 'DIR', path: 'directory', description: 'a Dataset already imported (instead of --isf)' },
    out: {
      type: 'string',
      value: 'FILE',
      path: 'file',
      stdout: true,
      required: true,
      description: "where to write the reduced model (JSON); '-' writes it to stdout and the summary to stderr",
    },
    spec: { type: 'string', value: 'FILE', path: 'file', default: 'examples/published-neuron.spec.json', description: 'the model spec (JSON)' },
    ablations: { type: 'boolean', description: 'also fit the published form with each part taken away, and print them side by side' },
    ...importOptions,
    isf: { ...importOptions.isf, description: `the ISF simulation output to import first (instead of --data): ${ISF_LAYOUT}` },
  },
  outputs: [{ option: 'out', kind: 'file' }],
  inputs: (v) => [...IMPORT_PATH_OPTIONS.map((k) => v[k] as string | undefined), v.data as string, v.spec as string],
  async run({ values, io }) {
    const out = requireString(values, 'out');
    if (!values.isf === !values.data) throw new UsageError('give exactly one of --isf DIR or --data DATASET');
    const ds = typeof values.data === 'string' ? await readDataset(values.data) : await importIsf(values, io);
    const specPath = typeof values.spec === 'string' ? values.spec : PUBLISHED_SPEC;
    const spec = await readSpecFile(specPath);
    const tick = io.progress('fitting');
    const model = fitReducedModel(ds, spec, {
      datasetPath: (values.data as string) ?? (values.isf as string),
      specFile: specPath,
      onProgress: (_s, d, n) => tick(d, n),
    });
    await writeModelOutput(out, model);
    const rows: AblationRow[] = [ablationRow('published form (E/I × distance × time + history)', model)];
    if (values.ablations) {
      const variants = specAblations(spec, ds.manifest.atoms);
      const t2 = io.progress('ablations');
      variants.forEach((v, i) => {
        t2(i, variants.length);
        rows.push(ablationRow(v.name, fitReducedModel(ds, v.spec)));
      });
      t2(variants.length, variants.length);
    }
    if (!io.quiet) for (const line of fitWarningLines(model)) io.err(line);
    if (io.json) io.out(JSON.stringify({ model: out, metrics: model.metrics, ablations: values.ablations ? rows : undefined }));
    else if (!io.quiet) io.out(`${summaryTable(model)}${values.ablations ? `\n\n${ablationTable(rows)}` : ''}${wroteLine(out)}`);
  },
};
