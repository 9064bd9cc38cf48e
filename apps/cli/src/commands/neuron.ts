import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  fitReducedModel,
  readDataset,
  specAblations,
  SpecSchema,
  writeDataset,
  writeReducedModel,
  zodProblem,
  type Dataset,
  type ReducedModel,
} from '@occam/core';
import { isfToDataset, MAX_SPIKE_THRESHOLD_MV, readCellTypeMap } from '@occam/neuron';
import { UsageError, requireString, type Command, type Io } from '../cli.js';
import { fitWarningLines, summaryTable } from '../summaryTable.js';
import { readJsonFile } from './fit.js';

const repoRoot = fileURLToPath(new URL('../../../../', import.meta.url));
export const PUBLISHED_SPEC = join(repoRoot, 'examples/published-neuron.spec.json');

const importOptions = {
  isf: { type: 'string' },
  spikes: { type: 'string' },
  'spike-source': { type: 'string' },
  'spike-threshold': { type: 'string' },
  'cell-types': { type: 'string' },
  morphology: { type: 'string' },
  'morphology-tolerance': { type: 'string' },
  'allow-empty-trials': { type: 'boolean' },
  stimulus: { type: 'string' },
  window: { type: 'string' },
  't-start': { type: 'string' },
  't-end': { type: 'string' },
  'refractory-exclusion': { type: 'string' },
} as const;

/** The import options that name files or folders the import reads. */
const IMPORT_PATH_OPTIONS = ['isf', 'spikes', 'cell-types', 'morphology'];

const IMPORT_USAGE =
  '[--spikes FILE] [--spike-source auto|traces|file] [--spike-threshold MV] [--cell-types FILE] [--morphology SWC [--morphology-tolerance UM]] ' +
  '[--allow-empty-trials] [--stimulus 245] [--window 245,300] [--t-start 150] [--t-end MS] [--refractory-exclusion MS]';

/** What the ISF options mean; shown under Usage by --help (kept beside the options so they cannot drift apart). */
const IMPORT_DETAILS = `

ISF input (--isf DIR): run folders under DIR holding simulation_run%04d_synapses.csv files, each with output
spikes from its soma voltage (*_vm_all_traces.csv) or a spike-time file.
  --spikes FILE            one spike-time file for the whole data set: '# trial<TAB>spike times', then one line
                           '<trial><TAB><t1>,<t2>,' per trial (nothing after the tab: no spikes). Trials are numbered
                           globally from 0: run folders in sorted order of their path under DIR, within a folder its
                           trials by their simulation_run%04d index; global trial g is the g-th trial in that order
                           (folder a with runs 0000, 0001 and folder b with runs 0000, 0002: a/run0000 = 0,
                           a/run0001 = 1, b/run0000 = 2, b/run0002 = 3). That is also the dataset's trial order.
  --spike-source S         auto (default): traces where a run folder has them, else the spike-time file (--spikes,
                           else the folder's own *_spike_times.csv); traces: traces only; file: spike-time files only
  --spike-threshold MV     spikes are upward crossings of this voltage in the traces (default 0 mV, -200 … 200;
                           write a negative one as --spike-threshold=-20)
  --cell-types FILE        presynaptic cell type -> excitatory|inhibitory, over the built-in barrel-cortex types:
                           JSON {"L7x": "excitatory"} or TSV lines 'L7x<TAB>inhibitory'; the type "*" maps every
                           type not named otherwise (without it an unknown type is an error listing them all)
  --morphology SWC         soma distances from this morphology at each synapse's (section ID, section pt ID), checked
                           against the file's own distances (--morphology-tolerance UM, default 1)
  --allow-empty-trials     accept 0-byte synapse files as trials without input (counted in a warning); by default
                           they are an error, as ISF always writes a header (a header-only file is a trial without
                           active synapses either way)`;

/** A number option in a range, or a usage error naming the option, the range and the unit. */
function rangedOption(values: Record<string, unknown>, name: string, range: { min?: number; max?: number; unit: string; minExclusive?: boolean }): number | undefined {
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
  const v = values['spike-source'];
  if (v === undefined) return 'auto';
  if (v === 'auto' || v === 'traces' || v === 'file') return v;
  throw new UsageError(`--spike-source must be auto, traces or file, got '${String(v)}'`);
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
  if (spikeSource === 'traces' && spikesFile !== undefined) throw new UsageError('--spikes gives spike times from a file, but --spike-source traces reads only voltage traces; drop one of them');
  if (spikeSource === 'file' && spikeThresholdMv !== undefined) throw new UsageError('--spike-threshold applies to voltage traces, but --spike-source file reads only spike-time files; drop one of them');
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
  usage: `occam neuron import --isf DIR --out DATASET ${IMPORT_USAGE} [--compress]${IMPORT_DETAILS}`,
  example: 'occam neuron import --isf sim-out/L5PT-a/C2 --out data/L5PT-a --compress',
  options: { ...importOptions, out: { type: 'string' }, compress: { type: 'boolean' } },
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
  return [head, ...rows.map((r) => r.name.padEnd(46) + String(r.parameters).padStart(7) + f(r.testAuroc).padStart(8) + f(r.testPsthAuroc).padStart(8) + f(r.trialToTrialAuroc).padStart(11) + f(r.bitsPerEventOverPsth).padStart(9))].join('\n');
}

export const neuronReduceCommand: Command = {
  name: 'neuron reduce',
  summary: "reduce a simulated neuron to the published three-feature model (import → fit → summary), with ablations",
  usage: `occam neuron reduce (--isf DIR | --data DATASET) [--spec FILE] --out MODEL [--ablations] [--json] ${IMPORT_USAGE}${IMPORT_DETAILS}`,
  example: 'occam neuron reduce --data data/neuron/L5PT-a --out L5PT-a.model.json --ablations',
  options: { ...importOptions, data: { type: 'string' }, spec: { type: 'string' }, out: { type: 'string' }, ablations: { type: 'boolean' } },
  outputs: [{ option: 'out', kind: 'file' }],
  inputs: (v) => [...IMPORT_PATH_OPTIONS.map((k) => v[k] as string | undefined), v.data as string, v.spec as string],
  async run({ values, io }) {
    const out = requireString(values, 'out');
    if (!values.isf === !values.data) throw new UsageError('give exactly one of --isf DIR or --data DATASET');
    const ds = typeof values.data === 'string' ? await readDataset(values.data) : await importIsf(values, io);
    const specPath = typeof values.spec === 'string' ? values.spec : PUBLISHED_SPEC;
    const parsed = SpecSchema.safeParse(await readJsonFile(specPath));
    if (!parsed.success) throw zodProblem(specPath, parsed.error);
    const tick = io.progress('fitting');
    const model = fitReducedModel(ds, parsed.data, { datasetPath: (values.data as string) ?? (values.isf as string), specFile: specPath, onProgress: (_s, d, n) => tick(d, n) });
    await writeReducedModel(out, model);
    const rows: AblationRow[] = [ablationRow('published form (E/I × distance × time + history)', model)];
    if (values.ablations) {
      const variants = specAblations(parsed.data, ds.manifest.atoms);
      const t2 = io.progress('ablations');
      variants.forEach((v, i) => {
        t2(i, variants.length);
        rows.push(ablationRow(v.name, fitReducedModel(ds, v.spec)));
      });
      t2(variants.length, variants.length);
    }
    if (!io.quiet) for (const line of fitWarningLines(model)) io.err(line);
    if (io.json) io.out(JSON.stringify({ model: out, metrics: model.metrics, ablations: values.ablations ? rows : undefined }));
    else if (!io.quiet) io.out(`${summaryTable(model)}\n\n${values.ablations ? ablationTable(rows) + '\n\n' : ''}wrote ${out}`);
  },
};
