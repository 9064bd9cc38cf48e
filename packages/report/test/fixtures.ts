import { fitReducedModel, neuronLikeAtoms, plantedDataset, type Dataset, type ReducedModel, type SpecInput } from '@occam/core';
import type { ComparisonMatrixInput, DynamicsResultInput, ParetoFrontInput } from '@occam/report';

/** A small neuron-like reduction, as in packages/core/test/model.test.ts, but with a held-out split. */
export const spec: SpecInput = {
  groupBy: ['type'],
  spatial: { attribute: 'distance', basis: { kind: 'raisedCosineLog', count: 3, firstPeak: 25, lastPeak: 300, offset: 50 } },
  temporal: { minLag: 1, maxLag: 20, basis: { kind: 'raisedCosineLog', count: 4, firstPeak: 1, lastPeak: 12, offset: 2 } },
  history: { maxLag: 10, basis: { kind: 'raisedCosineLog', count: 3, firstPeak: 1, lastPeak: 6, offset: 1 } },
  regularization: { ridge: 1, smoothness: 0.5 },
  nonlinearity: { kind: 'lookup', minCount: 10 },
  validation: { kind: 'split', testFraction: 0.3, seed: 1 },
};

export function plantedNeuron(seed = 5): Dataset {
  return plantedDataset({
    nTrials: 240,
    nBins: 80,
    seed,
    spec,
    truth: {
      intercept: -4.5,
      spatial: [
        [1, 0.5, 0.1],
        [1, 0.7, 0.4],
      ],
      temporal: [
        [0.3, 0.6, 0.3, 0.05],
        [-0.2, -0.3, -0.2, -0.05],
      ],
      history: [-4, -1.5, -0.2],
    },
    atoms: neuronLikeAtoms(7),
    backgroundRate: 0.1,
    stimulusBin: 30,
    evokedRate: 0.6,
    scoredWindow: [25, 70],
  }).dataset;
}

export function fittedNeuron(): { dataset: Dataset; model: ReducedModel } {
  const dataset = plantedNeuron();
  return { dataset, model: fitReducedModel(dataset, spec, { datasetPath: 'planted/neuron' }) };
}

export const search: ParetoFrontInput = {
  format: 'occam.pareto',
  version: 1,
  metric: { name: 'trial-to-trial AUROC', baseline: { name: 'PSTH', value: 0.5 } },
  candidates: [
    { id: 'E', parameters: 8, families: ['type=excitatory'], metric: 0.71, onFront: true },
    { id: 'E+history', parameters: 11, families: ['type=excitatory', 'history'], metric: 0.8, onFront: true },
    { id: 'E+I', parameters: 15, families: ['type=excitatory', 'type=inhibitory'], metric: 0.78, onFront: false },
    { id: 'E+I+history', parameters: 18, families: ['type=excitatory', 'type=inhibitory', 'history'], metric: 0.86, onFront: true, chosen: true },
    { id: 'E+I+history, full', parameters: 43, families: ['type=excitatory', 'type=inhibitory', 'history'], metric: 0.865, onFront: true },
    { id: 'I', parameters: 8, families: ['type=inhibitory'], metric: 0.58, onFront: false },
    { id: 'history', parameters: 4, families: ['history'], metric: 0.55, onFront: true },
    { id: 'E+I+history, 20 temporal', parameters: 52, families: ['type=excitatory', 'type=inhibitory', 'history'], metric: 0.85, onFront: false },
  ],
};

export const universality: ComparisonMatrixInput = {
  format: 'occam.matrix',
  version: 1,
  kind: 'universality',
  metric: 'trial-to-trial AUROC',
  rows: { title: 'fitted on', labels: ['cell 1', 'cell 2', 'cell 3', 'cell 4'] },
  columns: { title: 'evaluated on', labels: ['cell 1', 'cell 2', 'cell 3', 'cell 4'] },
  values: [
    [0.9, 0.87, 0.85, 0.8],
    [0.86, 0.91, 0.84, 0.81],
    [0.85, 0.86, 0.9, 0.79],
    [0.8, 0.82, 0.8, 0.89],
  ],
};

export const transfer: ComparisonMatrixInput = {
  format: 'occam.matrix',
  version: 1,
  kind: 'transfer',
  metric: 'gain over PSTH (bits/event)',
  rows: { title: 'fitted under', labels: ['whisker C2', 'whisker D2', 'whisker B1'] },
  columns: { title: 'evaluated under', labels: ['whisker C2', 'whisker D2', 'whisker B1'] },
  values: [
    [0.42, 0.3, null],
    [0.28, 0.45, 0.2],
    [-0.05, 0.18, 0.39],
  ],
};

export const dynamics: DynamicsResultInput = {
  format: 'occam.dynamics',
  version: 1,
  step: { name: 'training step', unit: 'steps' },
  metric: { name: 'trial-to-trial AUROC', baseline: 0.5 },
  binUnit: 'token',
  points: [10, 30, 100, 300, 1000, 3000, 10000].map((step, i) => ({
    step,
    metric: 0.5 + 0.4 * (1 - Math.exp(-i / 2)),
    filters: [
      {
        group: 'sign=positive',
        summary: { 'peak lag (tokens)': Math.max(1, 4 - i / 2), 'total weight': 0.2 + 0.1 * i },
        temporal: { x: [0, 1, 2, 3, 4, 5], y: [0, 1, 2, 3, 4, 5].map((l) => (0.1 + 0.1 * i) * Math.exp(-l / (1 + i / 3))) },
      },
      {
        group: 'sign=negative',
        summary: { 'peak lag (tokens)': 2, 'total weight': -0.1 - 0.05 * i },
        temporal: { x: [0, 1, 2, 3, 4, 5], y: [0, 1, 2, 3, 4, 5].map((l) => -(0.05 + 0.04 * i) * Math.exp(-l / 2)) },
      },
    ],
  })),
};
