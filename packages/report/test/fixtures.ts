import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
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

/** occam's default language-model spec, read from the file `occam lm reduce` uses: the token offset on the spatial axis, lag 0 only. */
export const lmSpec: SpecInput = JSON.parse(readFileSync(fileURLToPath(new URL('../../../examples/lm-default.spec.json', import.meta.url)), 'utf8'));

/** Largest token offset of the default atoms in this fixture (offsets 0…16, as `lm reduce` gives a 17-offset window). */
const MAX_OFFSET = 16;
/** The copy lag of the planted task: the next token repeats the token LAG back, so matches-next at LAG − 1 predicts it. */
const LAG = 6;

type Attributes = Record<string, string | number>;

/**
 * The atoms `occam lm reduce` extracts by default for a 2-layer, 4-head transformer (packages/transformer
 * atoms/atomPlan.ts): per-head attention from t to t − k and input patterns (matches-next, matches-current
 * from k = 1, occurred-before, is-bos) at each offset k, the position (offset 0), and each layer's MLP neuron
 * sums split by sign at offset −1 (the adapter's "not applicable"); attributes component, layer, head, sign,
 * feature, offset and readsReadout, as the adapter writes them.
 */
function transformerAtoms(): { id: string; attributes: Attributes }[] {
  const atoms: { id: string; attributes: Attributes }[] = [];
  const atom = (id: string, component: string, layer: number, head: number, sign: string, feature: string, offset: number) =>
    atoms.push({ id, attributes: { component, layer, head, sign, feature, offset, readsReadout: 'no' } });
  for (const layer of [0, 1]) {
    atom(`L${layer}.neurons.pos`, 'mlp-neurons', layer, -1, 'pos', 'post-activation', -1);
    atom(`L${layer}.neurons.neg`, 'mlp-neurons', layer, -1, 'neg', 'post-activation', -1);
    for (let h = 0; h < 4; h++) for (let k = 0; k <= MAX_OFFSET; k++) atom(`L${layer}.H${h}.attn.${k}`, 'attn', layer, h, 'none', 'attention', k);
  }
  for (const feature of ['matches-next', 'matches-current', 'occurred-before', 'is-bos'])
    for (let k = feature === 'matches-current' ? 1 : 0; k <= MAX_OFFSET; k++) atom(`input.${feature}.${k}`, 'input-pattern', -1, -1, 'none', feature, k);
  atom('input.position', 'input-pattern', -1, -1, 'none', 'position', 0);
  return atoms;
}

/**
 * A language-model dataset shaped like `occam lm reduce` writes for a stochastic copy condition (prompts × 21
 * token positions, BOS at position 0, target next-token-correct), with the default atoms: prompt tokens are
 * drawn, and each copies the token LAG back with probability 0.6; matches-next, matches-current,
 * occurred-before and is-bos are computed from the tokens; attention spreads over the earlier positions (the
 * layer-1 heads favour offset LAG − 1 by `strength`); MLP sums are noise. The behaviour: correct when the
 * next token is copyable (matches-next at LAG − 1) and `strength` > 0; with 0 (a control) it depends on
 * position alone.
 */
export function languageModelDataset(options: { seed?: number; strength?: number; nTrials?: number } = {}): Dataset {
  const { seed = 11, strength = 2, nTrials = 400 } = options;
  const nBins = 21;
  const atoms = transformerAtoms();
  const index = new Map(atoms.map((a, i) => [a.id, i]));
  const rand = mulberry32(seed);
  const normal = () => Math.sqrt(-2 * Math.log(1 - rand())) * Math.cos(2 * Math.PI * rand());
  const cells = nTrials * nBins;
  const inputs = new Float32Array(atoms.length * cells);
  const set = (id: string, cell: number, v: number) => (inputs[index.get(id)! * cells + cell] = v);
  const target = new Uint8Array(cells);
  const scored = new Uint8Array(cells);
  for (let t = 0; t < nTrials; t++) {
    // Tokens 0…nBins (one past the last position: the last position's next token); 0 is BOS.
    const tokens = [0];
    for (let i = 1; i <= nBins; i++) tokens.push(i > LAG && rand() < 0.6 ? tokens[i - LAG] : 1 + Math.floor(rand() * 12));
    for (let b = 0; b < nBins; b++) {
      const cell = t * nBins + b;
      for (let k = 0; k <= Math.min(b, MAX_OFFSET); k++) {
        const at = b - k;
        set(`input.matches-next.${k}`, cell, tokens[at] === tokens[b + 1] ? 1 : 0);
        if (k > 0) set(`input.matches-current.${k}`, cell, tokens[at] === tokens[b] ? 1 : 0);
        set(`input.occurred-before.${k}`, cell, tokens.slice(0, at).includes(tokens[at]) ? 1 : 0);
        set(`input.is-bos.${k}`, cell, at === 0 ? 1 : 0);
      }
      set('input.position', cell, b / nBins);
      for (const layer of [0, 1])
        for (let h = 0; h < 4; h++) {
          const w = Array.from({ length: Math.min(b, MAX_OFFSET) + 1 }, (_, k) => Math.exp(normal() + (layer === 1 && k === LAG - 1 ? strength : 0)));
          const total = w.reduce((x, y) => x + y, 0);
          w.forEach((v, k) => set(`L${layer}.H${h}.attn.${k}`, cell, v / total));
        }
      for (const layer of [0, 1]) {
        set(`L${layer}.neurons.pos`, cell, Math.abs(normal()));
        set(`L${layer}.neurons.neg`, cell, -Math.abs(normal()));
      }
      if (b < LAG - 1) continue;
      scored[cell] = 1;
      const copyable = tokens[b + 1 - LAG] === tokens[b + 1] ? 1 : 0;
      const drive = strength > 0 ? -3 + strength * 3 * copyable + 0.3 * inputs[index.get('L1.neurons.pos')! * cells + cell] : b > 10 ? 0.5 : -0.5;
      target[cell] = rand() < 1 / (1 + Math.exp(-drive)) ? 1 : 0;
    }
  }
  return createDataset(
    {
      format: 'occam.dataset',
      version: 1,
      nTrials,
      nBins,
      binWidth: 1,
      binUnit: 'token',
      markers: {},
      atoms,
      target: { kind: 'binary', name: 'next-token-correct' },
      metadata: { condition: 'stochastic-copy', source: 'tiny-lm/copy-2l', seed, adapter: '@occam/transformer', behaviour: { kind: 'next-token-correct' } },
    },
    { inputs, target, scored },
  );
}

/** A trained language model's reduction with the default spec and its random-weights control, fitted as `occam lm reduce` does. */
export function fittedLanguageModel(): { dataset: Dataset; model: ReducedModel; controlDataset: Dataset; control: ReducedModel } {
  const dataset = languageModelDataset();
  const controlDataset = languageModelDataset({ seed: 12, strength: 0 });
  return {
    dataset,
    model: fitReducedModel(dataset, lmSpec, { datasetPath: 'lm/copy-2l-s1.dataset' }),
    controlDataset,
    control: fitReducedModel(controlDataset, lmSpec, { datasetPath: 'lm/copy-2l-random.dataset' }),
  };
}

/**
 * The atoms `occam lm extract` writes for a 2-layer, 4-head transformer (packages/transformer): direct
 * effects of the embedding, each head and each MLP split into positive and negative parts, MLP neuron
 * activations, and a token feature; every atom with component, layer, head, sign and feature attributes.
 */
function lagTransformerAtoms(): { id: string; attributes: Record<string, string | number> }[] {
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
export const lagLmSpec: SpecInput = {
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
export function lagLanguageModelDataset(options: { seed?: number; strength?: number; nTrials?: number } = {}): Dataset {
  const { seed = 11, strength = 2, nTrials = 400 } = options;
  const nBins = 21;
  const repeatStart = 11;
  const atoms = lagTransformerAtoms();
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
      metadata: {
        condition: 'repeated-random',
        source: 'tiny-lm/induction-2l',
        seed,
        adapter: '@occam/transformer',
        behaviour: { kind: 'next-token-correct' },
      },
    },
    { inputs, target, scored },
  );
}

/**
 * A language model reduced with a spec that puts the token offset on the temporal axis (the older
 * `examples/lm-induction.spec.json`): a lag axis with 13 values per group, and its random-weights control.
 */
export function fittedLagLanguageModel(): { dataset: Dataset; model: ReducedModel; controlDataset: Dataset; control: ReducedModel } {
  const dataset = lagLanguageModelDataset();
  const controlDataset = lagLanguageModelDataset({ seed: 12, strength: 0 });
  return {
    dataset,
    model: fitReducedModel(dataset, lagLmSpec, { datasetPath: 'lm/induction-2l-s1.dataset' }),
    controlDataset,
    control: fitReducedModel(controlDataset, lagLmSpec, { datasetPath: 'lm/induction-2l-random.dataset' }),
  };
}

/**
 * The fields today's result files may carry beside their figures, written the way occam writes them: a
 * pointwise `band: { low, high }` on each sampled filter, `intervals` (FigureIntervals) on search candidates,
 * per-cell `[low, high]` intervals on comparison matrices, `metricIntervals`, `selectivity` and `controlGain` on
 * dynamics points. Widths vary along each curve so a band drawn at the wrong index shows.
 */
export function withFilterBands(model: ReducedModel): ReducedModel {
  const m = structuredClone(model);
  const band = (s: { y: number[] }, scale: number) => ({
    low: s.y.map((v, i) => v - scale * (0.2 + 0.1 * (i % 3)) - 0.01),
    high: s.y.map((v, i) => v + scale * (0.25 + 0.05 * (i % 4)) + 0.01),
  });
  for (const g of m.filters.groups) {
    const spread = (ys: number[]) => Math.max(...ys.map(Math.abs));
    Object.assign(g.spatial, { band: band(g.spatial, spread(g.spatial.y)) });
    Object.assign(g.temporal, { band: band(g.temporal, spread(g.temporal.y)) });
  }
  if (m.filters.history) Object.assign(m.filters.history, { band: band(m.filters.history, Math.max(...m.filters.history.y.map(Math.abs))) });
  return m;
}

export const searchWithIntervals: ParetoFrontInput = {
  ...search,
  intervalLevel: 0.95,
  candidates: search.candidates.map((c, i) => ({
    ...c,
    interval: i === 5 ? null : ([(c.metric ?? 0) - 0.02 - 0.005 * i, (c.metric ?? 0) + 0.015 + 0.004 * i] as [number, number]),
  })),
};

export const universalityWithIntervals: ComparisonMatrixInput = {
  ...universality,
  intervals: universality.values.map((row, i) =>
    row.map((v, j) => (v === null || (i === 3 && j === 0) ? null : ([v - 0.03 - 0.01 * j, v + 0.02 + 0.01 * i] as [number, number]))),
  ),
  intervalLevel: 0.95,
};

export const dynamicsWithIntervals: DynamicsResultInput = {
  ...dynamics,
  version: 2,
  metric: { ...dynamics.metric, key: 'trialToTrialAuroc' },
  points: dynamics.points.map((p, i) => {
    const m = p.metric ?? 0.5;
    const gain = 0.1 + 0.25 * i;
    const iv = (estimate: number, w: number) => ({ estimate, low: estimate - w, high: estimate + w * 1.2 });
    return {
      ...p,
      metrics: { trialToTrialAuroc: m },
      metricIntervals: { trialToTrialAuroc: i === 2 ? null : ([m - 0.04 - 0.005 * i, Math.min(1, m + 0.03)] as [number, number]) },
      selectivity: { bitsPerEvent: iv(gain - 0.05, 0.08), stratifiedAuroc: iv(0.05 + 0.04 * i, 0.03) },
      controlGain: { bitsPerEvent: iv(0.05, 0.06), stratifiedAuroc: iv(0.01, 0.02) },
    };
  }),
};
