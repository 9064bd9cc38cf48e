import { createDataset, fitReducedModel, mulberry32, neuronLikeAtoms, plantedDataset, type Dataset, type ReducedModel, type SpecInput } from '@occam/core';
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

/**
 * The atoms `occam lm extract` writes for a 2-layer, 4-head transformer (packages/transformer): direct
 * effects of the embedding, each head and each MLP split into positive and negative parts, MLP neuron
 * activations, and a token feature; every atom with component, layer, head, sign and feature attributes.
 */
function transformerAtoms(): { id: string; attributes: Record<string, string | number> }[] {
  const atoms: { id: string; attributes: Record<string, string | number> }[] = [];
  const both = (id: string, component: string, layer: number, head: number, feature: string) => {
    for (const sign of ['pos', 'neg']) atoms.push({ id: `${id}.${sign}`, attributes: { component, layer, head, sign, feature } });
  };
  both('embed', 'embed', -1, -1, 'direct-effect');
  for (const layer of [0, 1]) {
    for (let h = 0; h < 4; h++) both(`L${layer}.H${h}.attn`, 'attn', layer, h, 'direct-effect');
    both(`L${layer}.mlp`, 'mlp', layer, -1, 'direct-effect');
    both(`L${layer}.neurons`, 'mlp-neurons', layer, -1, 'post-activation');
  }
  atoms.push({ id: 'token.repeats_earlier_token', attributes: { component: 'token', layer: -1, head: -1, sign: 'none', feature: 'repeats_earlier_token' } });
  return atoms;
}

/** The spec `examples/lm-induction.spec.json` gives `occam lm reduce`: groups by component, layer and sign (15 here), raw token offsets 0–12. */
export const lmSpec: SpecInput = {
  groupBy: ['component', 'layer', 'sign'],
  temporal: { minLag: 0, maxLag: 12, basis: { kind: 'raw' } },
  structure: 'full',
  history: null,
  family: 'bernoulli',
  regularization: { ridge: 1, smoothness: 0 },
  validation: { kind: 'split', testFraction: 0.3, seed: 0 },
};

/**
 * A language-model dataset shaped like `occam lm reduce` writes for a period-10 repeated-random condition
 * (prompts × 21 token positions, a "repeatStart" marker, target next-token-correct): the layer-1 heads' direct effects at offset 0 (L1.H0 larger once there is something to copy) and
 * the layer-0 heads' at offset 9 drive a correct prediction, scaled by `strength`; 0 gives a control whose
 * behaviour depends on position alone.
 */
export function languageModelDataset(options: { seed?: number; strength?: number; nTrials?: number } = {}): Dataset {
  const { seed = 11, strength = 2, nTrials = 400 } = options;
  const nBins = 21;
  const repeatStart = 11;
  const atoms = transformerAtoms();
  const rand = mulberry32(seed);
  const normal = () => Math.sqrt(-2 * Math.log(1 - rand())) * Math.cos(2 * Math.PI * rand());
  const cells = nTrials * nBins;
  const inputs = new Float32Array(atoms.length * cells);
  atoms.forEach((atom, a) => {
    const sign = atom.attributes.sign === 'neg' ? -1 : 1;
    const binary = atom.attributes.sign === 'none';
    for (let c = 0; c < cells; c++) inputs[a * cells + c] = binary ? (c % nBins >= repeatStart ? 1 : 0) : sign * Math.abs(normal()) * 0.5;
  });
  // The induction head writes more once there is something to copy.
  const induction = atoms.findIndex((x) => x.id === 'L1.H0.attn.pos');
  for (let c = 0; c < cells; c++) if (c % nBins >= repeatStart) inputs[induction * cells + c] += 1;
  const at = (id: string, trial: number, bin: number) => inputs[atoms.findIndex((x) => x.id === id) * cells + trial * nBins + bin];
  const target = new Uint8Array(cells);
  const scored = new Uint8Array(cells);
  for (let t = 0; t < nTrials; t++)
    for (let b = 1; b < nBins; b++) {
      scored[t * nBins + b] = 1;
      let heads = 0;
      for (let h = 0; h < 4; h++) heads += at(`L1.H${h}.attn.pos`, t, b) + (b >= 9 ? 0.5 * at(`L0.H${h}.attn.pos`, t, b - 9) : 0);
      const drive = strength > 0 ? -5 + strength * heads : b >= repeatStart ? 1.5 : -1.5;
      target[t * nBins + b] = rand() < 1 / (1 + Math.exp(-drive)) ? 1 : 0;
    }
  return createDataset(
    {
      format: 'occam.dataset',
      version: 1,
      nTrials,
      nBins,
      binWidth: 1,
      binUnit: 'token',
      markers: { repeatStart },
      atoms,
      target: { kind: 'binary', name: 'next-token-correct' },
      metadata: { condition: 'repeated-random', source: 'tiny-lm/induction-2l', seed, adapter: '@occam/transformer', behaviour: { kind: 'next-token-correct' } },
    },
    { inputs, target, scored },
  );
}

/** A trained language model's reduction and its random-weights control, fitted as `occam lm reduce` does. */
export function fittedLanguageModel(): { dataset: Dataset; model: ReducedModel; controlDataset: Dataset; control: ReducedModel } {
  const dataset = languageModelDataset();
  const controlDataset = languageModelDataset({ seed: 12, strength: 0 });
  return {
    dataset,
    model: fitReducedModel(dataset, lmSpec, { datasetPath: 'lm/induction-2l-s1.dataset' }),
    controlDataset,
    control: fitReducedModel(controlDataset, lmSpec, { datasetPath: 'lm/induction-2l-random.dataset' }),
  };
}
