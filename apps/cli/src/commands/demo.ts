import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { fitReducedModel, neuronLikeAtoms, plantedDataset, writeDataset, writeReducedModel, type SpecInput } from '@occam/core';
import type { Command } from '../cli.js';
import { summaryTable } from '../summaryTable.js';

const repoRoot = fileURLToPath(new URL('../../../../', import.meta.url));

/**
 * Until the neuron reference data are bundled, the demo reduces a dataset simulated from a known
 * neuron-like GLM (60 E/I × distance atoms, a stimulus-locked volley) with the published model's form.
 */
export const demoCommand: Command = {
  name: 'demo',
  summary: 'run the main job end to end on bundled data and print where the results are',
  usage: 'occam demo [--out DIR] [--json] [--quiet]',
  example: 'occam demo --out out/demo',
  options: { out: { type: 'string' } },
  async run({ values, io }) {
    const outDir = typeof values.out === 'string' ? values.out : 'out/demo';
    const spec = JSON.parse(await readFile(join(repoRoot, 'examples/published-neuron.spec.json'), 'utf8')) as SpecInput;
    const generator: SpecInput = {
      groupBy: ['type'],
      spatial: { attribute: 'distance', basis: { kind: 'raisedCosineLog', count: 4, firstPeak: 25, lastPeak: 1000, offset: 50 } },
      temporal: { minLag: 0, maxLag: 40, basis: { kind: 'raisedCosineLog', count: 5, firstPeak: 1, lastPeak: 25, offset: 2 } },
      history: { maxLag: 30, basis: { kind: 'raisedCosineLog', count: 3, firstPeak: 1, lastPeak: 12, offset: 1 } },
    };
    const { dataset } = plantedDataset({
      nTrials: 800,
      nBins: 200,
      seed: 1,
      spec: generator,
      truth: {
        intercept: -6.5,
        spatial: [
          [1, 0.5, 0.15, 0.02],
          [1, 0.8, 0.5, 0.2],
        ],
        temporal: [
          [0.2, 0.48, 0.24, 0.08, 0],
          [-0.04, -0.08, -0.06, -0.03, -0.01],
        ],
        history: [-5, -2, -0.5],
      },
      atoms: neuronLikeAtoms(30),
      backgroundRate: 0.02,
      stimulusBin: 95,
      evokedRate: 0.25,
      scoredWindow: [95, 150],
    });
    dataset.manifest.timeOrigin = 150;
    const dataDir = join(outDir, 'dataset');
    await writeDataset(dataDir, dataset);
    const tick = io.progress('fitting');
    const model = fitReducedModel(dataset, spec, { datasetPath: dataDir, onProgress: (_s, d, n) => tick(d, n) });
    const modelPath = join(outDir, 'model.json');
    await writeReducedModel(modelPath, model);
    if (io.json) io.out(JSON.stringify({ dataset: dataDir, model: modelPath, metrics: model.metrics }));
    else if (!io.quiet) io.out(`${summaryTable(model)}\n\ndataset: ${dataDir}\nmodel:   ${modelPath}`);
  },
};
