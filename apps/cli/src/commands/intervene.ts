import {
  DEFAULT_CHECK_OPTIONS,
  interventionCheck,
  readDataset,
  readInterventionFile,
  readReducedModel,
  checkModelForDataset,
  type InterventionResult,
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
  summary: "causal check: predict each intervention's change in spike probability with the reduced model, beside the simulated change",
  example:
    "occam intervene --model v1.model.json --data data/neuron/v1-C2 --interventions interventions.json --simulated 'no inhibition=v1-C2-no-inhibition' --out intervene.json",
  details:
    'For each intervention in the list (silence, shift or scale the inputs of atoms chosen by their attributes) the reduced model is run forward ' +
    "on the data's inputs and on the intervened inputs, with its own sampled spikes as history (under an intervention the system's spikes are " +
    'unknown, so they cannot be held at the recorded ones). The response is the mean spike probability per scored bin. With --simulated, the ' +
    'same intervention applied to the detailed system (tools/neuron-sim --interventions, imported with occam neuron import) gives the simulated ' +
    'change on the same trials, matched by trial id. Intervals resample trials, paired across arms. Across interventions: the slope of simulated ' +
    'on predicted change (through the origin; 1 = right size) and their correlation. A line per intervention says whether the prediction misses.',
  options: {
    model: { type: 'string', value: 'FILE', path: 'file', required: true, description: 'the reduced model (JSON from occam fit, neuron reduce or search)' },
    data: {
      type: 'string',
      value: 'DIR',
      path: 'directory',
      required: true,
      description: 'the Dataset of the unintervened system (the inputs the interventions change, and its own output)',
    },
    interventions: {
      type: 'string',
      value: 'FILE',
      path: 'file',
      required: true,
      description:
        "the intervention list (JSON, schemas/intervention-list.schema.json): { system: 'neuron', interventions: [{ name, silence | shift | scale }] }",
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
      description: 'a miss needs predicted − simulated to exclude 0 and to exceed this fraction of the larger change',
    },
  },
  outputs: [{ option: 'out', kind: 'file' }],
  inputs: (v) => [
    v.model as string,
    v.data as string,
    v.interventions as string,
    ...((v.simulated as string[] | undefined) ?? []).map((s) => s.slice(s.lastIndexOf('=') + 1)),
  ],
  async run({ values, io }) {
    const modelPath = requireString(values, 'model');
    const dataDir = requireString(values, 'data');
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

/** The table a person reads: one row per intervention, then the slope and correlation, then the misses. */
export function interveneSummary(r: InterventionResult): string {
  const f = (x: { estimate: number | null; low: number | null; high: number | null } | null | undefined) =>
    !x || x.estimate === null ? '—' : `${x.estimate.toFixed(4)}${x.low !== null && x.high !== null ? ` [${x.low.toFixed(4)}, ${x.high.toFixed(4)}]` : ''}`;
  const lines = [
    `${r.measure.description}; ${r.measure.trials} trials (paired by ${r.measure.pairedBy}), ${(r.bootstrap.level * 100).toFixed(0)} % intervals over ${r.bootstrap.resamples} trial resamples`,
    `baseline: predicted ${f(r.baseline.predicted)}, observed ${f(r.baseline.observed)}`,
    '',
    ...r.interventions.map((i) => `${i.miss ? 'MISS ' : i.miss === false ? 'ok   ' : '     '}${i.line}`),
    '',
    `across ${r.acrossInterventions.count} simulated intervention(s): slope (simulated on predicted) ${f(r.acrossInterventions.slope)}, correlation ${f(r.acrossInterventions.correlation)}`,
  ];
  if (r.misses.length) lines.push(`${r.misses.length} miss(es); rule: ${r.missRule}`);
  return lines.join('\n');
}
