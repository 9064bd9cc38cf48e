import { checkSpecForDataset, fitReducedModel, readDataset, readJsonFile, readSpecFile, writeReducedModel } from '@occam/core';
import { requireString, type Command } from '../cli.js';
import { summaryTable } from '../summaryTable.js';

export { readJsonFile };

export const fitCommand: Command = {
  name: 'fit',
  summary: 'fit a reduced model (spec) to a dataset and score it against its baselines',
  usage: 'occam fit --data DIR --spec FILE --out FILE [--json] [--quiet]',
  example: 'occam fit --data out/demo/dataset --spec examples/published-neuron.spec.json --out model.json',
  options: { data: { type: 'string' }, spec: { type: 'string' }, out: { type: 'string' } },
  outputs: [{ option: 'out', kind: 'file' }],
  inputs: (v) => [v.data as string, v.spec as string],
  async run({ values, io }) {
    const dataDir = requireString(values, 'data');
    const specPath = requireString(values, 'spec');
    const outPath = requireString(values, 'out');
    const spec = await readSpecFile(specPath);
    const ds = await readDataset(dataDir);
    checkSpecForDataset(spec, ds, { specFile: specPath, dataset: dataDir });
    const tick = io.progress('fitting');
    const model = fitReducedModel(ds, spec, { datasetPath: dataDir, specFile: specPath, onProgress: (_s, d, n) => tick(d, n) });
    await writeReducedModel(outPath, model);
    if (io.json) io.out(JSON.stringify(model));
    else if (!io.quiet) io.out(`${summaryTable(model)}\nwrote ${outPath}`);
  },
};
