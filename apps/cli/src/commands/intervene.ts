import { lstat, mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  checkOutputPath,
  currentVersionOf,
  DEFAULT_CHECK_OPTIONS,
  interventionCheck,
  leaveOneOutText,
  readDataset,
  readInterventionFile,
  readJsonFile,
  readReducedModel,
  checkModelForDataset,
  zodProblem,
  type InterventionResult,
  type ReducedModel,
  type SimulatedRun,
} from '@occam/core';
import { UsageError, numberOption, requireString, type Command } from '../cli.js';
import { writeTextOutput, wroteLine } from '../stdoutOutput.js';

/** NAME=DATASET: the name may itself contain '=' only if the dataset path does not; split at the last '='. */
function parseSimulated(word: string): { name: string; path: string } {
  const at = word.lastIndexOf('=');
  if (at <= 0 || at === word.length - 1)
    throw new UsageError(`--simulated takes NAME=DATASET (an intervention's name, then the intervened run's Dataset), got '${word}'`);
  return { name: word.slice(0, at), path: word.slice(at + 1) };
}

export const interveneCommand: Command = {
  name: 'intervene',
  summary:
    "causal check: predict each intervention's change (spike probability, or a language model's behaviour rate) with the reduced model, beside the system's own change",
  example:
    "occam intervene --model v1.model.json --data data/neuron/v1-C2 --interventions interventions.json --simulated 'no inhibition=v1-C2-no-inhibition' --out intervene.json",
  details:
    'For each intervention in the list (silence, shift or scale the inputs of atoms chosen by their attributes) the reduced model is run forward ' +
    "on the data's inputs and on the intervened inputs, with its own sampled spikes as history (under an intervention the system's spikes are " +
    'unknown, so they cannot be held at the recorded ones). The response is the mean spike probability per scored bin. With --simulated, the ' +
    'same intervention applied to the detailed system (tools/neuron-sim --interventions, imported with occam neuron import) gives the simulated ' +
    'change on the same trials, matched by trial id. Intervals resample trials, paired across arms. Across interventions: the slope of simulated ' +
    'on predicted change (through the origin; 1 = right size) and their correlation. A line per intervention says whether the prediction misses.\n\n' +
    "A list with system 'language-model' (ablate-head, ablate-mlp: zero or mean, written into a copy of the ONNX graph's weights; " +
    'resample-token at an offset) runs on the network itself: give --lm-model, --condition and --behaviour instead of --data. Each arm is ' +
    "extracted again, so the reduced model sees its own atoms as the intervention changed them; the actual change is the network's behaviour rate.",
  options: {
    model: { type: 'string', value: 'FILE', path: 'file', required: true, description: 'the reduced model (JSON from occam fit, neuron reduce or search)' },
    data: {
      type: 'string',
      value: 'DIR',
      path: 'directory',
      description: 'the Dataset of the unintervened system (the inputs the interventions change, and its own output; neuron lists)',
    },
    'lm-model': {
      type: 'string',
      value: 'DIR',
      path: 'directory',
      description: 'the language model folder the interventions act on (language-model lists)',
    },
    condition: { type: 'string', value: 'FILE', path: 'file', description: 'the prompt condition, as given to lm reduce (language-model lists)' },
    behaviour: {
      type: 'string',
      value: 'B',
      aliases: ['behavior'],
      description: 'the behaviour, as given to lm reduce (language-model lists)',
    },
    'include-readout-atoms': {
      type: 'boolean',
      description: 'extract the readout atoms too, for a reduced model fitted with them (language-model lists)',
    },
    'work-dir': {
      type: 'string',
      value: 'DIR',
      path: 'directory',
      description: 'where the ablated model copies are written (language-model lists; default: a temporary folder, removed afterwards)',
    },
    interventions: {
      type: 'string',
      value: 'FILE',
      path: 'file',
      required: true,
      description:
        "the intervention list (JSON): { system: 'neuron', interventions: [{ name, silence | shift | scale }] } (schemas/intervention-list.schema.json) " +
        "or { system: 'language-model', interventions: [{ kind: ablate-head | ablate-mlp | resample-token, … }] } (schemas/lm-intervention-list.schema.json)",
    },
    simulated: {
      type: 'string',
      value: 'NAME=DIR',
      multiple: true,
      description: "an intervention's name and the Dataset of the system rerun under it (the same trials); without one, only the prediction is reported",
    },
    out: {
      type: 'string',
      value: 'FILE',
      path: 'file',
      stdout: true,
      required: true,
      description: "where to write the result (JSON); '-' writes it to stdout",
    },
    samples: {
      type: 'string',
      value: 'N',
      default: String(DEFAULT_CHECK_OPTIONS.samples),
      description: 'forward runs of the reduced model per trial (its history makes each run random)',
    },
    seed: { type: 'string', value: 'N', default: String(DEFAULT_CHECK_OPTIONS.seed), description: "seed of the reduced model's forward runs" },
    resamples: { type: 'string', value: 'N', default: String(DEFAULT_CHECK_OPTIONS.resamples), description: 'bootstrap resamples of trials for the intervals' },
    'miss-fraction': {
      type: 'string',
      value: 'F',
      default: String(DEFAULT_CHECK_OPTIONS.missFraction),
      description:
        'a miss needs predicted − simulated (language models: − actual) to exclude 0 and to exceed this fraction of the larger change (language models: and 0.01 in rate)',
    },
  },
  outputs: [{ option: 'out', kind: 'file' }],
  inputs: (v) => [
    v.model as string,
    v.interventions as string,
    ...[v.data, v['lm-model'], v.condition].filter((x): x is string => typeof x === 'string'),
    ...((v.simulated as string[] | undefined) ?? []).map((s) => s.slice(s.lastIndexOf('=') + 1)),
  ],
  async run({ values, io }) {
    const modelPath = requireString(values, 'model');
    const listPath = requireString(values, 'interventions');
    const outPath = requireString(values, 'out');
    const whole = (name: string, min: number) => {
      const v = numberOption(values, name, (DEFAULT_CHECK_OPTIONS as unknown as Record<string, number>)[name])!;
      if (!(Number.isInteger(v) && v >= min)) throw new UsageError(`--${name} must be a whole number ≥ ${min}, got ${v}`);
      return v;
    };
    const samples = whole('samples', 1);
    const seed = whole('seed', 0);
    const resamples = whole('resamples', 1);
    const missFraction = numberOption(values, 'miss-fraction', DEFAULT_CHECK_OPTIONS.missFraction)!;
    if (!(missFraction >= 0 && missFraction < 1)) throw new UsageError(`--miss-fraction must be in [0, 1), got ${missFraction}`);
    const raw = await readJsonFile(listPath, { what: 'intervention list' });
    if (raw && typeof raw === 'object' && (raw as { system?: unknown }).system === 'language-model') {
      for (const neuronOnly of ['data', 'simulated'])
        if (values[neuronOnly] !== undefined)
          throw new UsageError(`--${neuronOnly} is for neuron lists; ${listPath} is a language-model list (the network itself gives the actual change)`);
      const model = await readReducedModel(modelPath);
      const result = await interveneOnLanguageModel(values, raw, model, {
        modelPath,
        listPath,
        samples,
        seed,
        resamples,
        missFraction,
        progress: io.progress('interventions'),
      });
      await writeTextOutput(outPath, JSON.stringify(result, null, 1) + '\n');
      if (io.json) io.out(JSON.stringify(result));
      else if (!io.quiet) io.out(`${interveneSummary(result)}${wroteLine(outPath)}`);
      return;
    }
    for (const lmOnly of ['lm-model', 'condition', 'behaviour', 'work-dir', 'include-readout-atoms'])
      if (values[lmOnly] !== undefined) throw new UsageError(`--${lmOnly} is for language-model lists; ${listPath} is not one`);
    const dataDir = requireString(values, 'data');
    const pairs = ((values.simulated as string[] | undefined) ?? []).map(parseSimulated);
    const repeated = pairs.find((p, i) => pairs.findIndex((q) => q.name === p.name) !== i);
    if (repeated) throw new UsageError(`--simulated names '${repeated.name}' twice; give one Dataset per intervention`);
    const list = await readInterventionFile(listPath);
    const model = await readReducedModel(modelPath);
    const ds = await readDataset(dataDir);
    checkModelForDataset(model, ds, { modelFile: modelPath, dataset: dataDir });
    const simulated: SimulatedRun[] = [];
    for (const p of pairs) simulated.push({ name: p.name, path: p.path, dataset: await readDataset(p.path) });
    const result = interventionCheck(
      model,
      ds,
      list,
      simulated,
      { model: modelPath, data: dataDir, interventions: listPath },
      {
        ...DEFAULT_CHECK_OPTIONS,
        samples,
        seed,
        resamples,
        missFraction,
      },
    );
    await writeTextOutput(outPath, JSON.stringify(result, null, 1) + '\n');
    if (io.json) io.out(JSON.stringify(result));
    else if (!io.quiet) io.out(`${interveneSummary(result)}${wroteLine(outPath)}`);
  },
};

/** The language-model path: the list validated by the transformer's schema, every arm extracted again from the network. */
async function interveneOnLanguageModel(
  values: Record<string, unknown>,
  raw: unknown,
  reducedModel: ReducedModel,
  o: {
    modelPath: string;
    listPath: string;
    samples: number;
    seed: number;
    resamples: number;
    missFraction: number;
    progress: (done: number, total: number) => void;
  },
) {
  const { LmInterventionListSchema, interveneLanguageModel } = await import('@occam/transformer');
  const parsed = LmInterventionListSchema.safeParse(raw);
  if (!parsed.success) throw zodProblem(o.listPath, parsed.error, LmInterventionListSchema);
  const lmModel = requireString(values, 'lm-model');
  const condition = requireString(values, 'condition');
  const behaviour = requireString(values, 'behaviour');
  const given = values['work-dir'] as string | undefined;
  if (given !== undefined) await checkWorkDir(given, [lmModel, condition, o.modelPath, o.listPath], values.force === true);
  const work = given ?? (await mkdtemp(join(tmpdir(), 'occam-intervene-')));
  try {
    return await interveneLanguageModel({
      modelDir: lmModel,
      condition,
      behaviour,
      reducedModel,
      ...(values['include-readout-atoms'] === true ? { atoms: { includeReadoutAtoms: true } } : {}),
      interventions: parsed.data.interventions,
      workDir: work,
      options: { samples: o.samples, seed: o.seed, resamples: o.resamples, missFraction: o.missFraction },
      // the library reports 'intervention k/n: name' before each arm
      onProgress: (line) => {
        const m = /^intervention (\d+)\/(\d+)/.exec(line);
        if (m) o.progress(Number(m[1]) - 1, Number(m[2]));
      },
    });
  } finally {
    if (given === undefined) await rm(work, { recursive: true, force: true });
  }
}

/**
 * --work-dir is an output like --out, checked before any work: never an input, inside one or holding one, never the
 * working folder or its parents; an existing folder may hold only the ablated copies an earlier run wrote there
 * (occam's versioned folder links and their version stores) unless --force.
 */
async function checkWorkDir(dir: string, inputs: string[], force: boolean): Promise<void> {
  const entries = await readdir(dir).catch(() => [] as string[]);
  let ours = true;
  for (const e of entries) {
    const at = join(dir, e);
    const isLink = (await lstat(at)).isSymbolicLink();
    if (!(e.endsWith('.occam-versions') || (isLink && (await currentVersionOf(at)) !== null))) ours = false;
  }
  await checkOutputPath({ path: dir, kind: 'directory', label: '--work-dir', inputs, force: force || ours });
}

/** What the summary reads of a result; neuron and language-model results both have it. */
type SummaryInput = Pick<InterventionResult, 'measure' | 'bootstrap' | 'baseline' | 'acrossInterventions' | 'missRule' | 'misses'> & {
  system: 'neuron' | 'language-model';
  interventions: { miss: boolean | null; line: string }[];
};

/** The table a person reads: one row per intervention, then the slope and correlation, then the misses. */
export function interveneSummary(r: SummaryInput): string {
  const f = (x: { estimate: number | null; low: number | null; high: number | null } | null | undefined) =>
    !x || x.estimate === null ? '—' : `${x.estimate.toFixed(4)}${x.low !== null && x.high !== null ? ` [${x.low.toFixed(4)}, ${x.high.toFixed(4)}]` : ''}`;
  const lines = [
    `${r.measure.description}; ${r.measure.trials} trials (paired by ${r.measure.pairedBy}), ${(r.bootstrap.level * 100).toFixed(0)} % intervals over ${r.bootstrap.resamples} trial resamples`,
    `baseline: predicted ${f(r.baseline.predicted)}, observed ${f(r.baseline.observed)}`,
    '',
    ...r.interventions.map((i) => `${i.miss ? 'MISS ' : i.miss === false ? 'ok   ' : '     '}${i.line}`),
    '',
    r.system === 'language-model'
      ? `across ${r.acrossInterventions.count} intervention(s): slope (actual on predicted) ${f(r.acrossInterventions.slope)}, correlation ${f(r.acrossInterventions.correlation)}${leaveOneOutText(r.acrossInterventions.slopeLeaveOneOut)}`
      : `across ${r.acrossInterventions.count} simulated intervention(s): slope (simulated on predicted) ${f(r.acrossInterventions.slope)}, correlation ${f(r.acrossInterventions.correlation)}${leaveOneOutText(r.acrossInterventions.slopeLeaveOneOut)}`,
  ];
  if (r.misses.length) lines.push(`${r.misses.length} miss(es); rule: ${r.missRule}`);
  return lines.join('\n');
}
