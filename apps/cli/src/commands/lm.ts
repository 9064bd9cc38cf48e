import { rm } from 'node:fs/promises';
import { checkOutputPath, readSpecFile, writeReducedModel } from '@occam/core';
import type { ControlChoice, LmExtractArgs } from '@occam/transformer';

// The transformer adapter (onnxruntime) is loaded only by the commands that run a model: every other
// command starts without it (half the CLI's start-up time).
const transformer = () => import('@occam/transformer');
import { UsageError, inputsOf, numberOption, requireString, type Command, type Io } from '../cli.js';
import type { OptionSpec, OptionTable } from '../options.js';
import { STDOUT, writeModelOutput } from '../stdoutOutput.js';
import { controlText } from '../controlText.js';
import { fitWarningLines, summaryTable } from '../summaryTable.js';
import { LM_SPEC } from '../bundledFiles.js';
import { executorFrom, executorOptions, wantsExecutor } from './task.js';

const extractOptions = {
  model: {
    type: 'string',
    value: 'DIR',
    path: 'directory',
    required: true,
    description: 'the model folder: config.json, tokenizer.json and onnx/model.onnx (a hub id only with --allow-remote)',
  },
  condition: {
    type: 'string',
    value: 'FILE',
    path: 'file',
    required: true,
    description: 'the prompt condition: a JSONL prompts file or a generating condition (JSON), e.g. examples/repeated-random.condition.json',
  },
  behaviour: {
    type: 'string',
    value: 'B',
    aliases: ['behavior'],
    required: true,
    description: 'what is predicted at each token: next-token-correct, target-top1:TOKEN, logit-diff:A,B, unit-above:HOOK:UNIT:THRESHOLD, or a JSON object',
  },
  'batch-size': {
    type: 'string',
    value: 'N',
    default: 'batches of about 1536 tokens',
    description: 'prompts per forward pass (results do not depend on it; memory does)',
  },
  padding: {
    type: 'string',
    value: 'SIDE',
    choices: ['left', 'right'],
    default: 'right',
    description: 'padding side of each batch (results do not depend on it)',
  },
  'allow-remote': { type: 'boolean', description: 'let --model name a Hugging Face hub id that is downloaded (off: local folders only)' },
  compress: { type: 'boolean', description: 'write the Dataset arrays gzip-compressed (.npy.gz)' },
} as const satisfies OptionTable;

const readoutAtomsOption = {
  type: 'boolean',
  description: "add atoms that project onto the behaviour's own readout (direct effects): they decompose the answer, so they predict it whatever the weights",
} as const satisfies OptionSpec;

/** The extraction arguments every lm command shares, checked. */
function extractArgs(values: Record<string, unknown>, out: string): LmExtractArgs {
  const padding = values.padding;
  const batch = values['batch-size'] === undefined ? undefined : Number(values['batch-size']);
  if (batch !== undefined && !(Number.isInteger(batch) && batch > 0)) throw new UsageError(`--batch-size must be a positive integer`);
  return {
    model: requireString(values, 'model'),
    condition: requireString(values, 'condition'),
    behaviour: requireString(values, 'behaviour'),
    out,
    batchSize: batch,
    padding: padding as 'left' | 'right' | undefined,
    allowRemote: values['allow-remote'] === true,
    compress: values.compress === true,
    force: values.force === true,
    ...(values['include-readout-atoms'] === true ? { atoms: { includeReadoutAtoms: true } } : {}),
  };
}

async function extract(values: Record<string, unknown>, out: string, io: Io) {
  return (await transformer()).runLmExtract({ ...extractArgs(values, out), onProgress: io.progress('extracting') });
}

/** The extraction as prompt shards on an executor when asked (--shards, --executor slurm, --work-dir), else whole. */
async function shardedOrWhole(values: Record<string, unknown>, out: string, io: Io) {
  const slurm = values.executor === 'slurm';
  const shards = numberOption(values, 'shards', slurm ? 8 : 1)!;
  if (!(Number.isInteger(shards) && shards >= 1)) throw new UsageError(`--shards must be a whole number ≥ 1, got ${values.shards}`);
  if (!wantsExecutor(values) && shards === 1) return extract(values, out, io);
  const { executor, work, temporary } = executorFrom(values, out, io);
  const result = await (await transformer()).runShardedExtract({ ...extractArgs(values, out), executor, work, shards, onProgress: io.progress('shards') });
  if (temporary) await rm(work, { recursive: true, force: true });
  // Shards are whole forward passes: a condition with fewer passes than --shards gets fewer shards.
  if (result.shards < shards && !io.quiet && !io.json)
    io.err(
      `note: ${result.prompts} prompts make ${result.batches} forward pass${result.batches === 1 ? '' : 'es'}, so ${result.shards} shard${result.shards === 1 ? '' : 's'} instead of ${shards} (a smaller --batch-size cuts more passes)`,
    );
  return result;
}

export const lmHooksCommand: Command = {
  name: 'lm hooks',
  summary: 'list the TransformerLens-style hook points found in an ONNX language model, with shapes',
  example: 'occam lm hooks data/models/induction-2l-s1',
  options: {},
  positionals: { name: 'MODEL_DIR', path: 'directory', description: 'the model folder (config.json, tokenizer.json, onnx/model.onnx)' },
  common: ['help', 'json'],
  async run({ positionals, io }) {
    const dir = positionals[0];
    const model = await (await transformer()).LanguageModel.load(dir, { threads: 1 });
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
  example:
    'occam lm extract --model data/models/induction-2l-s1 --condition examples/repeated-random.condition.json --behaviour next-token-correct --out out/lm-dataset',
  options: {
    ...extractOptions,
    out: { type: 'string', value: 'DIR', path: 'directory', required: true, description: 'where to write the Dataset (a new folder)' },
    'include-readout-atoms': readoutAtomsOption,
    shards: {
      type: 'string',
      value: 'N',
      default: '1 (8 with --executor slurm)',
      description: 'split the prompts into N shards of whole forward passes, extracted as tasks of --executor and merged (the same Dataset, byte for byte)',
    },
    ...executorOptions,
  },
  outputs: [
    { option: 'out', kind: 'directory' },
    { option: 'work-dir', kind: 'work-folder' },
  ],
  inputs: (v) => [v.model as string, v.condition as string],
  async run({ values, io }) {
    const out = requireString(values, 'out');
    const result = await shardedOrWhole(values, out, io);
    if (result.readoutNote && !io.json) io.err(`note: ${result.readoutNote}`);
    if (io.json) io.out(JSON.stringify(result));
    else if (!io.quiet) {
      const events = result.events === null ? '' : `, ${result.events} with the behaviour`;
      io.out(
        [
          `wrote ${out}: ${result.prompts} prompt${result.prompts === 1 ? '' : 's'} × ${result.bins} positions, ${result.atoms} atoms, ${result.scoredBins} scored positions${events}`,
          `  condition ${result.condition}; behaviour ${result.behaviour}; ${result.batches} forward batches, ${result.seconds.toFixed(1)} s, peak RSS ${Math.round(result.peakRssBytes / 2 ** 20)} MiB (--json for every field)`,
          ...result.atomNotes.map((n) => `  note: ${n}`),
        ].join('\n'),
      );
    }
  },
};

export const lmReduceCommand: Command = {
  name: 'lm reduce',
  summary: 'extract a behaviour under a condition and reduce it beside a random-weights control (extract → fit → selectivity)',
  example:
    'occam lm reduce --model data/models/copy-l6-s1 --condition examples/stochastic-copy.condition.json --behaviour next-token-correct --out copy.model.json',
  options: {
    ...extractOptions,
    out: {
      type: 'string',
      value: 'FILE',
      path: 'file',
      stdout: true,
      required: true,
      description:
        "where to write the reduced model (JSON); the dataset and the control's files are named after it (NAME.dataset, NAME.control.*). '-' writes the model to stdout and the summary to stderr, and needs --dataset",
    },
    spec: { type: 'string', value: 'FILE', path: 'file', default: 'examples/lm-default.spec.json', description: 'the model spec (JSON)' },
    dataset: { type: 'string', value: 'DIR', path: 'directory', default: 'NAME.dataset beside --out', description: 'where to write the extracted Dataset' },
    control: {
      type: 'string',
      value: 'random|none|DIR',
      path: 'directory',
      suggestions: ['random', 'none'],
      default: 'random',
      description:
        "what the model is compared with: random = the same network with random weights (same shapes and scales), none = no control, or a control model's folder",
    },
    'control-seed': { type: 'string', value: 'N', default: '0', description: 'seed of the random-weights control' },
    'include-readout-atoms': readoutAtomsOption,
    resamples: { type: 'string', value: 'N', default: '1000', description: 'bootstrap resamples of the held-out prompts for the selectivity intervals' },
  },
  outputs: [{ option: 'out', kind: 'file' }],
  inputs: (v) => [
    v.model as string,
    v.condition as string,
    v.spec as string,
    ...(typeof v.control === 'string' && !['random', 'none'].includes(v.control) ? [v.control] : []),
  ],
  async run({ values, positionals, io }) {
    const out = requireString(values, 'out');
    if (out === STDOUT && typeof values.dataset !== 'string') {
      throw new UsageError("--out - writes the model to stdout; give --dataset DIR for the extracted Dataset (the control's files are named after it)");
    }
    // The files beside the model are named after it, or after the dataset when the model goes to stdout.
    const stem = out === STDOUT ? (values.dataset as string).replace(/\.dataset\/?$/, '') : out.replace(/\.json$/, '');
    const datasetDir = typeof values.dataset === 'string' ? values.dataset : `${stem}.dataset`;
    const controlArg = (values.control as string | undefined) ?? 'random';
    const controlSeed = numberOption(values, 'control-seed', 0)!;
    if (!Number.isInteger(controlSeed)) throw new UsageError(`--control-seed must be a whole number, got ${controlSeed}`);
    const control: ControlChoice | null = controlArg === 'none' ? null : controlArg === 'random' ? { kind: 'random-weights', seed: controlSeed } : controlArg;
    const controlOut = `${stem}.control.dataset`;
    const controlModelOut = `${stem}.control.model`;
    const controlJson = `${stem}.control.json`;
    const resamples = numberOption(values, 'resamples', 1000)!;
    if (!(Number.isInteger(resamples) && resamples >= 1)) throw new UsageError(`--resamples must be a whole number ≥ 1, got ${resamples}`);
    const inputs = inputsOf(lmReduceCommand, values, positionals);
    const force = values.force === true;
    await checkOutputPath({ path: datasetDir, kind: 'directory', label: '--dataset', inputs, force });
    if (control) {
      await checkOutputPath({ path: controlOut, kind: 'directory', label: 'control dataset', inputs, force });
      await checkOutputPath({ path: controlJson, kind: 'file', label: 'control model', inputs, force });
      if (typeof control !== 'string') await checkOutputPath({ path: controlModelOut, kind: 'directory', label: 'control network', inputs, force });
    }
    const specPath = typeof values.spec === 'string' ? values.spec : LM_SPEC;
    const read = await readSpecFile(specPath);
    const includeReadout = values['include-readout-atoms'] === true;
    const spec = includeReadout ? { ...read, includeReadoutAtoms: true } : read;
    const tick = io.progress(control ? 'extracting (model and control)' : 'extracting');
    const r = await (await transformer()).reduceLanguageModel({
      ...extractArgs(values, datasetDir),
      onProgress: tick,
      atoms: includeReadout ? { includeReadoutAtoms: true } : undefined,
      spec,
      specFile: specPath,
      control,
      controlOut,
      controlModelOut,
      bootstrap: { resamples },
    });
    await writeModelOutput(out, r.model);
    if (r.controlModel) await writeReducedModel(controlJson, r.controlModel);
    if (r.model.control?.warning && !io.json) io.err(`warning: ${r.model.control.warning}`);
    if (includeReadout && !io.json)
      io.err(
        "note: --include-readout-atoms: the direct-effect atoms project onto the behaviour's own readout — they decompose the answer, so they predict it whatever the weights",
      );
    if (!io.quiet) for (const line of fitWarningLines(r.model)) io.err(line);
    if (io.json)
      io.out(
        JSON.stringify({
          model: out,
          dataset: datasetDir,
          metrics: r.model.metrics,
          control: r.model.control ?? null,
          controlModel: r.controlModel ? controlJson : null,
          controlNote: r.controlNote,
        }),
      );
    else if (!io.quiet) {
      const written = [
        `dataset: ${datasetDir}`,
        `model:   ${out === STDOUT ? 'stdout' : out}`,
        ...(r.controlModel ? [`control: ${controlJson} (dataset ${controlOut})`] : []),
      ];
      io.out(`${summaryTable(r.model)}\n\n${controlText(r.model, r.controlNote)}\n\n${written.join('\n')}`);
    }
  },
};
