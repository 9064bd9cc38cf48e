import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { neuronLikeAtoms, plantedDataset, writeDataset } from '@occam/core';

/** The spec the planted cell is simulated and fitted with: E/I × soma distance × lag, with history. */
export const plantedCellSpec = {
  groupBy: ['type'],
  spatial: { attribute: 'distance', basis: { kind: 'raisedCosineLog', count: 3, firstPeak: 25, lastPeak: 225, offset: 50 } },
  temporal: { minLag: 0, maxLag: 16, basis: { kind: 'raisedCosineLog', count: 4, firstPeak: 0, lastPeak: 10, offset: 1.5 } },
  history: { maxLag: 8, basis: { kind: 'raisedCosineLog', count: 3, firstPeak: 1, lastPeak: 4, offset: 1 } },
};

/**
 * A small neuron-like cell with a known computation (200 trials × 50 bins, seed 3), written as `dir/ds` with its
 * spec as `dir/spec.json`: the input the CLI tests run commands on.
 */
export async function writePlantedCell(dir: string): Promise<void> {
  const { dataset } = plantedDataset({
    nTrials: 200,
    nBins: 50,
    seed: 3,
    spec: plantedCellSpec,
    atoms: neuronLikeAtoms(5),
    truth: {
      intercept: -4.8,
      spatial: [
        [1, 0.4, 0.05],
        [0.3, 0.8, 1],
      ],
      temporal: [
        [0.5, 0.9, 0.4, 0.1],
        [-0.5, -0.7, -0.4, -0.1],
      ],
      history: [-5, -2, -0.3],
    },
    backgroundRate: 0.1,
    stimulusBin: 15,
    evokedRate: 0.8,
    scoredWindow: [12, 45],
  });
  await writeDataset(join(dir, 'ds'), dataset);
  await writeFile(join(dir, 'spec.json'), JSON.stringify(plantedCellSpec));
}
