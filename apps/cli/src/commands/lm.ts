import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { checkOutputPath, fitReducedModel, readDataset, SpecSchema, writeReducedModel, zodProblem } from '@occam/core';
import { LanguageModel, runLmExtract } from '@occam/transformer';
import { UsageError, inputsOf, requireString, type Command, type Io } from '../cli.js';
import { summaryTable } from '../summaryTable.js';
import { readJsonFile } from './fit.js';

const repoRoot = fileURLToPath(new URL('../../../../', import.meta.url));
const LM_SPEC = join(repoRoot, 'examples/lm-induction.spec.json');

const extractOptions = {
  model: { type: 'string' },
  condition: { type: 'string' },
  behaviour: { type: 'string' },
  'batch-size': { type: 'string' },
  padding: { type: 'string' },
  'allow-remote': { type: 'boolean' },
  compress: { type: 'boolean' },
} as const;

async function extract(values: Record<string, unknown>, out: string, io: Io) {
  const padding = values.padding;
  if (padding !== undefined && padding !== 'left' && padding !== 'right') throw new UsageError(`--padding must be left or right`);
  const batch = values['batch-size'] === undefined ? undefined : Number(values['batch-size']);
  if (batch !== undefined && !(Number.isInteger(batch) && batch > 0)) throw new UsageError(`--batch-size must be a positive integer`);
  const tick = io.progress('extracting');
  return runLmExtract({
    model: requireString(values, 'model'),
    condition: requireString(values, 'condition'),
    behaviour: requireString(values, 'behaviour'),
    out,
    batchSize: batch,
    padding: padding as 'left' | 'right' | undefined,
    allowRemote: values['allow-remote'] === true,
    compress: values.compress === true,
    force: values.force === true,
    onProgress: tick,
  });
}

export const lmHooksCommand: Command = {
  name: 'lm hooks',
  summary: 'list the TransformerLens-style hook points found in an ONNX language model, with shapes',
  usage: 'occam lm hooks MODEL_DIR [--json]',
  example: 'occam lm hooks data/models/induction-2l-s1',
  options: {},
  async run({ positionals, io }) {
    const dir = positionals[0];
    if (!dir) throw new UsageError('give the model directory (config.json, tokenizer.json, onnx/model.onnx)');
    const model = await LanguageModel.load(dir, { threads: 1 });
    try {
      const shapes = await model.hookShapes();
      if (io.json) io.out(JSON.stringify(shapes));
      else io.out(shapes.map((s) => `${s.name.padEnd(34)} [${s.dims.join(', ')}]   ${s.tensor}`).join('\n'));
    } finally {
      await model.dispose();
    }
  },
};

export const lmExtractCommand: Command = {
  name: 'lm extract',
  summary: 'run a language model under a prompt condition and write per-token atoms and a behaviour as a Dataset',
  usage: 'occam lm extract --model DIR --condition FILE --behaviour B --out DATASET [--batch-size 32] [--padding left|right] [--compress]',
  example: 'occam lm extract --model data/models/induction-2l-s1 --condition examples/repeated-random.condition.json --behaviour next-token-correct --out out/lm-dataset',
  options: { ...extractOptions, out: { type: 'string' } },
  outputs: [{ option: 'out', kind: 'directory' }],
  inputs: (v) => [v.model as string, v.condition as string],
  async run({ values, io }) {
    const out = requireString(values, 'out');
    const result = await extract(values, out, io);
    if (io.json) io.out(JSON.stringify(result));
    else if (!io.quiet) io.out(`wrote ${out}: ${JSON.stringify(result)}`);
  },
};

export const lmReduceCommand: Command = {
  name: 'lm reduce',
  summary: 'extract a behaviour under a condition and reduce it (extract → fit → summary)',
  usage: 'occam lm reduce --model DIR --condition FILE --behaviour B --out MODEL [--spec FILE] [--dataset DIR]',
  example: 'occam lm reduce --model data/models/induction-2l-s1 --condition examples/repeated-random.condition.json --behaviour next-token-correct --out lm.model.json',
  options: { ...extractOptions, out: { type: 'string' }, spec: { type: 'string' }, dataset: { type: 'string' } },
  outputs: [{ option: 'out', kind: 'file' }],
  inputs: (v) => [v.model as string, v.condition as string, v.spec as string],
  async run({ values, positionals, io }) {
    const out = requireString(values, 'out');
    const datasetDir = typeof values.dataset === 'string' ? values.dataset : out.replace(/\.json$/, '') + '.dataset';
    await checkOutputPath({ path: datasetDir, kind: 'directory', label: '--dataset', inputs: inputsOf(lmReduceCommand, values, positionals), force: values.force === true });
    await extract(values, datasetDir, io);
    const ds = await readDataset(datasetDir);
    const specPath = typeof values.spec === 'string' ? values.spec : LM_SPEC;
    const parsed = SpecSchema.safeParse(await readJsonFile(specPath));
    if (!parsed.success) throw zodProblem(specPath, parsed.error);
    const model = fitReducedModel(ds, parsed.data, { datasetPath: datasetDir, specFile: specPath });
    await writeReducedModel(out, model);
    if (io.json) io.out(JSON.stringify({ model: out, dataset: datasetDir, metrics: model.metrics }));
    else if (!io.quiet) io.out(`${summaryTable(model)}\n\ndataset: ${datasetDir}\nmodel:   ${out}`);
  },
};
