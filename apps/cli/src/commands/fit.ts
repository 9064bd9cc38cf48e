import {
  checkSpecForDataset,
  compareWithControl,
  fitReducedModel,
  fitReducedModelWithPredictions,
  readDataset,
  readSpecFile,
  type ReducedModel,
} from '@occam/core';
import { UsageError, numberOption, requireString, type Command } from '../cli.js';
import { controlText } from '../controlText.js';
import { writeModelOutput, wroteLine } from '../stdoutOutput.js';
import { fitWarningLines, summaryTable } from '../summaryTable.js';

export const fitCommand: Command = {
  name: 'fit',
  summary: 'fit a reduced model (spec) to a dataset and score it against its baselines',
  example: 'occam fit --data data/neuron/v1-C2 --spec examples/published-neuron.spec.json --out model.json',
  options: {
    data: {
      type: 'string',
      value: 'DIR',
      path: 'directory',
      required: true,
      description: 'the Dataset to fit: a folder with manifest.json (from occam neuron import, lm extract or your own writer)',
    },
    spec: {
      type: 'string',
      value: 'FILE',
      path: 'file',
      required: true,
      description: 'the model spec (JSON): grouping, spatial and temporal bases, history, penalty, validation',
    },
    out: {
      type: 'string',
      value: 'FILE',
      path: 'file',
      stdout: true,
      required: true,
      description: "where to write the reduced model (JSON); '-' writes it to stdout and the summary to stderr",
    },
    'control-data': {
      type: 'string',
      value: 'DIR',
      path: 'directory',
      description:
        "a control system's Dataset of the same trials (e.g. lm reduce's <name>.control.dataset): the same spec is fitted there and the selectivity reported",
    },
    resamples: {
      type: 'string',
      value: 'N',
      default: '1000',
      description: 'bootstrap resamples of the held-out trials for the control comparison (with --control-data)',
    },
  },
  outputs: [{ option: 'out', kind: 'file' }],
  inputs: (v) => [v.data as string, v.spec as string, v['control-data'] as string],
  async run({ values, io }) {
    const dataDir = requireString(values, 'data');
    const specPath = requireString(values, 'spec');
    const outPath = requireString(values, 'out');
    if (values['control-data'] === undefined && values.resamples !== undefined)
      throw new UsageError("--resamples sets the control comparison's bootstrap; give --control-data DIR too");
    const spec = await readSpecFile(specPath);
    const ds = await readDataset(dataDir);
    checkSpecForDataset(spec, ds, { specFile: specPath, dataset: dataDir });
    const tick = io.progress('fitting');
    const controlDir = values['control-data'] as string | undefined;
    let model;
    if (controlDir === undefined) {
      model = fitReducedModel(ds, spec, { datasetPath: dataDir, specFile: specPath, onProgress: (_s, d, n) => tick(d, n) });
    } else {
      // The same spec on a control system's dataset (e.g. `lm reduce`'s <name>.control.dataset): same trials, same held-out split.
      const resamples = numberOption(values, 'resamples', 1000)!;
      if (!(Number.isInteger(resamples) && resamples >= 1)) throw new UsageError(`--resamples must be a whole number ≥ 1, got ${resamples}`);
      const cds = await readDataset(controlDir);
      checkSpecForDataset(spec, cds, { specFile: specPath, dataset: controlDir });
      const own = fitReducedModelWithPredictions(ds, spec, { datasetPath: dataDir, specFile: specPath, onProgress: (_s, d, n) => tick(d, n) });
      const ctl = fitReducedModelWithPredictions(cds, spec, { datasetPath: controlDir, specFile: specPath });
      const about = (cds.manifest.metadata.control as { kind?: string; source?: string; seed?: number } | undefined) ?? {};
      const comparison = compareWithControl(
        own.heldOut,
        ctl.heldOut,
        { kind: about.kind ?? 'control', source: about.source, seed: about.seed, dataset: controlDir },
        { resamples },
      );
      model = { ...own.model, control: comparison };
    }
    await writeModelOutput(outPath, model);
    if (model.control?.warning && !io.json) io.err(`warning: ${model.control.warning}`);
    if (!io.quiet) for (const line of fitWarningLines(model)) io.err(line);
    if (io.json) io.out(JSON.stringify(model));
    else if (!io.quiet) io.out(`${summaryTable(model)}${model.control ? `\n\n${controlText(model, null)}` : ''}${bandsLine(model)}${wroteLine(outPath)}`);
  },
};

/** Where the filters' uncertainty is: the report draws the bands; the summary only says they are there. */
function bandsLine(model: ReducedModel): string {
  const b = model.filters.bands;
  return b
    ? `\nfilters: pointwise ${Math.round(b.level * 100)} % bands stored beside each sampled filter (Laplace approximation, ${b.draws} draws, seed ${b.seed})`
    : '';
}
