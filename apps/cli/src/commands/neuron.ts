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
import { isfToDataset } from '@occam/neuron';
import { UsageError, numberOption, requireString, type Command, type Io } from '../cli.js';
import { summaryTable } from '../summaryTable.js';
import { readJsonFile } from './fit.js';

const repoRoot = fileURLToPath(new URL('../../../../', import.meta.url));
export const PUBLISHED_SPEC = join(repoRoot, 'examples/published-neuron.spec.json');

const importOptions = {
  isf: { type: 'string' },
  stimulus: { type: 'string' },
  window: { type: 'string' },
  't-start': { type: 'string' },
  't-end': { type: 'string' },
  'refractory-exclusion': { type: 'string' },
} as const;

/** The import options that name files or folders the import reads. */
const IMPORT_PATH_OPTIONS = ['isf', 'spikes', 'cell-types', 'morphology'];

async function importIsf(values: Record<string, unknown>, io: Io): Promise<Dataset> {
  const root = requireString(values, 'isf');
  const stimulusMs = numberOption(values, 'stimulus');
  const tStartMs = numberOption(values, 't-start');
  const tEndMs = numberOption(values, 't-end');
  const refractoryExclusionMs = numberOption(values, 'refractory-exclusion');
  let scoredWindowMs: [number, number] | undefined;
  if (typeof values.window === 'string') {
    const parts = values.window.split(',').map(Number);
    if (parts.length !== 2 || parts.some((x) => !Number.isFinite(x))) throw new UsageError(`--window must be FROM,TO in ms, got '${values.window}'`);
    scoredWindowMs = [parts[0], parts[1]];
  }
  const tick = io.progress('reading trials');
  return isfToDataset({
    root,
    ...(stimulusMs !== undefined ? { stimulusMs } : {}),
    ...(scoredWindowMs ? { scoredWindowMs } : {}),
    ...(tStartMs !== undefined ? { tStartMs } : {}),
    ...(tEndMs !== undefined ? { tEndMs } : {}),
    ...(refractoryExclusionMs !== undefined ? { refractoryExclusionMs } : {}),
    onProgress: tick,
  });
}

export const neuronImportCommand: Command = {
  name: 'neuron import',
  summary: 'read in_silico_framework (ISF) simulation output into a Dataset (E/I × 50 µm distance bins, 1 ms bins)',
  usage: 'occam neuron import --isf DIR --out DATASET [--stimulus 245] [--window 245,300] [--t-start 150] [--t-end MS] [--refractory-exclusion MS] [--compress]',
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
  usage: 'occam neuron reduce (--isf DIR | --data DATASET) [--spec FILE] --out MODEL [--ablations] [--json]',
  example: 'occam neuron reduce --data data/neuron/L5PT-a --out L5PT-a.model.json --ablations',
  options: { ...importOptions, data: { type: 'string' }, spec: { type: 'string' }, out: { type: 'string' }, ablations: { type: 'boolean' } },
  outputs: [{ option: 'out', kind: 'file' }],
  inputs: (v) => [v.isf as string, v.data as string, v.spec as string],
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
    if (io.json) io.out(JSON.stringify({ model: out, metrics: model.metrics, ablations: values.ablations ? rows : undefined }));
    else if (!io.quiet) io.out(`${summaryTable(model)}\n\n${values.ablations ? ablationTable(rows) + '\n\n' : ''}wrote ${out}`);
  },
};
