import { mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { fitReducedModel, neuronLikeAtoms, plantedDataset, writeDataset, writeReducedModel, type SpecInput } from '@occam/core';
import type { Fixtures } from './case.js';

export const REPO = fileURLToPath(new URL('../../../../', import.meta.url));

const spec: SpecInput = {
  groupBy: ['type'],
  spatial: { attribute: 'distance', basis: { kind: 'raisedCosineLog', count: 3, firstPeak: 25, lastPeak: 225, offset: 50 } },
  temporal: { minLag: 0, maxLag: 8, basis: { kind: 'raisedCosineLog', count: 3, firstPeak: 0, lastPeak: 5, offset: 1.5 } },
  history: { maxLag: 4, basis: { kind: 'raisedCosineLog', count: 2, firstPeak: 1, lastPeak: 3, offset: 1 } },
};

const ISF_SYN_HEADER = '# synapse type\tsynapse ID\tsoma distance\tsection ID\tsection pt ID\tdendrite label\tactivation times\n';

/** Build the shared fixtures once (a few hundred ms): a planted dataset, a spec, a fitted model, an ISF folder. */
export async function buildFixtures(): Promise<Fixtures> {
  const root = await mkdtemp(join(tmpdir(), 'occam-hostile-fx-'));
  const { dataset } = plantedDataset({
    nTrials: 60,
    nBins: 40,
    seed: 5,
    spec,
    atoms: neuronLikeAtoms(4),
    truth: {
      intercept: -4,
      spatial: [
        [1, 0.4, 0.05],
        [0.3, 0.8, 1],
      ],
      temporal: [
        [0.5, 0.9, 0.4],
        [-0.5, -0.7, -0.4],
      ],
      history: [-5, -2],
    },
    backgroundRate: 0.2,
    stimulusBin: 10,
    evokedRate: 0.9,
    scoredWindow: [8, 38],
  });
  const ds = join(root, 'dataset');
  await writeDataset(ds, dataset);
  const specPath = join(root, 'spec.json');
  await writeFile(specPath, JSON.stringify(spec));
  const modelPath = join(root, 'model.json');
  await writeReducedModel(modelPath, fitReducedModel(dataset, spec as never, { datasetPath: ds, specFile: specPath }));

  const isf = join(root, 'isf');
  for (const run of ['run_a', 'run_b']) {
    const d = join(isf, run);
    await mkdir(d, { recursive: true });
    await writeFile(
      join(d, 'simulation_run0000_synapses.csv'),
      ISF_SYN_HEADER + 'L4ss_C2\t3\t120.5\t4\t7\tApicalDendrite\t246.5,250.25,\n' + 'L1_C2\t0\t620.0\t9\t2\tApicalDendrite\t251.0,\n',
    );
    await writeFile(join(d, 'simulation_run0000_presynaptic_cells.csv'), '# presynaptic cell type\tcell ID\tspike times\nL4ss_C2\t3\t246.0,\n');
    await writeFile(join(d, 'simulation_run0000_spike_times.csv'), '# trial\tspike times\n0\t255.5,\n');
  }

  const lmCondition = join(root, 'prompts.condition.json');
  await writeFile(join(root, 'prompts.jsonl'), ['{"tokens": [5, 6, 7, 8, 5, 6, 7, 8]}', '{"tokens": [9, 10, 11, 9, 10, 11, 9, 10]}'].join('\n') + '\n');
  await writeFile(lmCondition, JSON.stringify({ kind: 'jsonl', path: 'prompts.jsonl' }));
  return { dataset: ds, spec: specPath, model: modelPath, lmModel: join(REPO, 'data/models/induction-2l-s1'), lmCondition, isf };
}
