import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ALL_FAMILIES,
  buildAtomPlan,
  buildGraphAtoms,
  extractDataset,
  LanguageModel,
  loadCondition,
  resolveBehaviour,
  type BehaviourInput,
  type ExtractResult,
  type PromptSet,
} from '@occam/transformer';
import { needs, tinyLlama, tinyLlamaPast, tinyLm } from './fixtures.js';

/**
 * Atoms computed by onnxruntime inside the graph (atoms/graphAtoms.ts) against the JS reference
 * (AtomPlan.fill) on the same prompts: the same atoms, target and scored positions. The graph sums in
 * float32, the JS path in float64 over the float32 hook values, so each atom may differ by float32
 * rounding of its sums: at most 2e-5 of that atom's largest |value| (observed ≤ 2e-6).
 */
const BEHAVIOURS: [string, (m: LanguageModel) => BehaviourInput][] = [
  ['next-token-correct (a token direction per position)', () => ({ kind: 'next-token-correct' })],
  ['logit-diff (one difference direction)', () => ({ kind: 'logit-diff', tokens: [5, 6] })],
  ['target-top1 (one token direction)', () => ({ kind: 'target-top1', token: 7 })],
  // an MLP unit: direct effects on its pre-activation (block 1's ln_2 σ at hook_resid_mid, one fixed direction fed at every position)
  [
    'unit-above on an MLP unit (direct effects on its pre-activation, upstream components only)',
    () => ({ kind: 'unit-above', hook: 'blocks.1.mlp.hook_post', unit: 3, threshold: 0 }),
  ],
  ['unit-above on a unit of mlp.hook_pre of layer 0', () => ({ kind: 'unit-above', hook: 'blocks.0.mlp.hook_pre', unit: 2, threshold: 0 })],
  [
    'unit-above on a non-MLP hook (no readout: neuron sums and token features only)',
    () => ({ kind: 'unit-above', hook: 'blocks.0.hook_resid_post', unit: 3, threshold: 0 }),
  ],
];

function compare(graph: ExtractResult, js: ExtractResult) {
  expect(graph.summary.atomsComputed).toBe('graph');
  expect(graph.summary.atomsNote).toBeNull();
  expect(js.summary.atomsComputed).toBe('js');
  const ids = graph.dataset.manifest.atoms.map((a) => a.id);
  expect(ids).toEqual(js.dataset.manifest.atoms.map((a) => a.id));
  const per = graph.dataset.inputs.length / ids.length;
  let nonZero = 0;
  ids.forEach((id, a) => {
    let max = 0;
    let diff = 0;
    for (let i = a * per; i < (a + 1) * per; i++) {
      max = Math.max(max, Math.abs(js.dataset.inputs[i]));
      diff = Math.max(diff, Math.abs(graph.dataset.inputs[i] - js.dataset.inputs[i]));
    }
    if (max > 0) nonZero++;
    expect(diff, `${id}: max |Δ| ${diff} with values up to ${max}`).toBeLessThanOrEqual(2e-5 * max);
  });
  // not vacuous: most atoms carry values
  expect(nonZero).toBeGreaterThan(ids.length / 2);
  expect(Array.from(graph.dataset.scored)).toEqual(Array.from(js.dataset.scored));
  if (graph.dataset.manifest.target.kind === 'binary') expect(Array.from(graph.dataset.target)).toEqual(Array.from(js.dataset.target));
  else {
    // the logits of the two sessions differ by float32 rounding (onnxruntime fuses the graph differently when hooks are outputs)
    let d = 0;
    for (let i = 0; i < graph.dataset.target.length; i++) d = Math.max(d, Math.abs(graph.dataset.target[i] - js.dataset.target[i]));
    expect(d).toBeLessThan(1e-4);
  }
}

function suite(dir: string) {
  let model: LanguageModel;
  let prompts: PromptSet;
  beforeAll(async () => {
    model = await LanguageModel.load(dir, { threads: 1 });
    prompts = await loadCondition({ kind: 'repeated-random', period: 5, count: 13, seed: 3 }, { size: model.vocabSize, tokenizer: model.tokenizer });
    // one shorter prompt, so that batches carry padding
    prompts.prompts[4] = { ...prompts.prompts[4], tokens: prompts.prompts[4].tokens.slice(0, 7) };
  });
  afterAll(() => model?.dispose());

  for (const [label, behaviour] of BEHAVIOURS) {
    it(`in-graph atoms equal the JS atoms: ${label}`, async () => {
      // every family the behaviour supports: the direct effects opted in, input patterns over the prompts' offsets
      const atoms = { includeReadoutAtoms: true, inputPatterns: { maxOffset: 6 } };
      for (const padding of ['right', 'left'] as const) {
        const graph = await extractDataset(model, prompts, behaviour(model), { batchSize: 5, padding, atoms });
        const js = await extractDataset(model, prompts, behaviour(model), { batchSize: 5, padding, atomsInGraph: false, atoms });
        compare(graph, js);
      }
    });
  }

  it('the sources describe every atom once, in order, and the graph computes exactly the non-prompt ones', async () => {
    const behaviour = resolveBehaviour({ kind: 'next-token-correct' }, model.tokenizer, model.vocabSize);
    const plan = await buildAtomPlan(model, { families: [...ALL_FAMILIES], includeReadoutAtoms: true, headAttention: { maxOffset: 3 } }, behaviour);
    expect(new Set(plan.sources.map((s) => s.kind))).toEqual(new Set(['direct', 'heads', 'neurons', 'attention', 'prompt']));
    // each source's atoms start where the previous source's end
    let next = 0;
    const inGraph: number[] = [];
    for (const s of plan.sources) {
      expect(s.atom, s.kind).toBe(next);
      const end = plan.sources[plan.sources.indexOf(s) + 1]?.atom ?? plan.atoms.length;
      expect(end, s.kind).toBeGreaterThan(s.atom);
      if (s.kind !== 'prompt') for (let a = s.atom; a < end; a++) inGraph.push(a);
      next = end;
    }
    expect(next).toBe(plan.atoms.length);
    expect(new Set(plan.atoms.map((a) => a.id)).size).toBe(plan.atoms.length);
    const graph = (await buildGraphAtoms(model, plan))!;
    expect(graph.columns).toEqual(inGraph);
  });

  it('only atoms from the prompt (token features, input patterns): nothing to compute in the graph', async () => {
    const r = await extractDataset(model, prompts, { kind: 'next-token-correct' }, { atoms: { families: ['token-features', 'input-patterns'] } });
    expect(r.summary.atomsComputed).toBe('js');
    expect(r.summary.atomsNote).toBeNull();
  });

  it('default atoms (neuron sums, head attention, input patterns: nothing that reads the readout): in-graph equals JS', async () => {
    const atoms = { inputPatterns: { maxOffset: 6 } };
    const graph = await extractDataset(model, prompts, { kind: 'next-token-correct' }, { batchSize: 5, atoms });
    const js = await extractDataset(model, prompts, { kind: 'next-token-correct' }, { batchSize: 5, atomsInGraph: false, atoms });
    expect(graph.summary.readsReadout).toBe(false);
    expect(graph.dataset.manifest.atoms.every((a) => a.attributes.readsReadout === 'no')).toBe(true);
    compare(graph, js);
  });
}

describe('in-graph atoms on the Llama-layout fixture (RMSNorm, SwiGLU, external data)', () => suite(tinyLlama));
describe('in-graph atoms on the Llama-layout fixture with past_key_values inputs', () => suite(tinyLlamaPast));
const gpt2 = tinyLm('induction-2l-s1');
describe.skipIf(!gpt2)(needs('in-graph atoms on the tiny-lm GPT-2 export (LayerNorm, Conv1D projections)', gpt2, 'induction-2l-s1'), () => suite(gpt2!));
