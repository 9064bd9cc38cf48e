import { describe, expect, it } from 'vitest';
import { OccamError } from '@occam/core';
import { buildAtomPlan, LanguageModel, padBatch, resolveBehaviour, UnitReadout } from '@occam/transformer';
import { needs, tinyLlama, tinyLm } from './fixtures.js';

const gpt2 = tinyLm('induction-2l-s1');
const DIRECT = ['embed-direct', 'head-direct', 'mlp-direct'] as const;

/**
 * unit-above on an MLP unit: the direct effects decompose the unit's pre-activation read from
 * blocks.L.mlp.hook_pre (the gate projection for a gated MLP):
 *   Σ atoms + Σ_{l ≤ L} b_O^l · w / σ_L + β_L · W_in[:, unit] + b_in[unit] = hook_pre[unit]
 * (atoms = component · w / σ_L, w = γ_L ⊙ W_in[:, unit] centred for LayerNorm, σ_L of hook_resid_mid), and
 * only the embeddings, heads of layers ≤ L and MLPs of layers < L have atoms.
 */
async function expectUnitDecomposition(dir: string, L: number, unit: number, hook: 'hook_post' | 'hook_pre') {
  const model = await LanguageModel.load(dir, { threads: 1 });
  try {
    const behaviour = resolveBehaviour({ kind: 'unit-above', hook: `blocks.${L}.mlp.${hook}`, unit, threshold: 0 }, model.tokenizer, model.vocabSize);
    const plan = await buildAtomPlan(model, { features: ['repeats_earlier_token'], families: [...DIRECT], includeReadoutAtoms: true }, behaviour, true);
    const readout = plan.readout;
    expect(readout).toBeInstanceOf(UnitReadout);
    if (!(readout instanceof UnitReadout)) return;
    expect(plan.readoutHook).toBe(`blocks.${L}.hook_resid_mid`);

    // upstream components only, with the attributes of the logit behaviours' direct-effect atoms
    for (const a of plan.atoms) {
      const { component, layer } = a.attributes as { component: string; layer: number };
      expect(a.attributes.feature).toBe('direct-effect');
      if (component === 'attn') expect(layer, a.id).toBeLessThanOrEqual(L);
      else if (component === 'mlp') expect(layer, a.id).toBeLessThan(L);
      else expect(component).toBe('embed');
    }
    const nHeads = plan.sources.find((s) => s.kind === 'heads')!;
    expect(plan.atoms.filter((a) => a.attributes.component === 'attn').length).toBe(2 * (L + 1) * (nHeads.kind === 'heads' ? nHeads.heads : 0));
    expect(plan.atoms.filter((a) => a.attributes.component === 'mlp').length).toBe(2 * L);
    const logitPlan = await buildAtomPlan(
      model,
      { features: ['repeats_earlier_token'], families: [...DIRECT], includeReadoutAtoms: true },
      resolveBehaviour({ kind: 'next-token-correct' }, model.tokenizer, model.vocabSize),
      true,
    );
    const logitAtoms = new Map(logitPlan.atoms.map((a) => [a.id, a.attributes]));
    for (const a of plan.atoms) expect(a.attributes, a.id).toEqual(logitAtoms.get(a.id));

    const seqs = [
      [1, 5, 9, 13, 5, 9, 13, 2, 7],
      [3, 8, 4, 8, 4, 11],
    ].map((s) => s.map((t) => t % model.vocabSize));
    const batch = padBatch(seqs, 'left', model.padId);
    const pre = `blocks.${L}.mlp.hook_pre`;
    const run = await model.run(batch, [...plan.hooks, pre]);
    const preT = run.hooks.get(pre)!;
    const dMlp = preT.dims[2];
    const mid = run.hooks.get(plan.readoutHook!)!;
    const d = readout.dModel;
    const w = readout.vectorAt(null);
    const attnBiases = await Promise.all(
      model.structure.blocks.filter((b) => b.layer <= L).map((b) => (b.attnOutProj?.bias ? model.weight(b.attnOutProj.bias) : null)),
    );
    const out = new Float64Array(plan.atoms.length);
    let worst = 0;
    let largest = 0;
    let checked = 0;
    seqs.forEach((tokens, b) => {
      for (let t = 0; t < tokens.length; t++) {
        const col = batch.offsets[b] + t;
        const row = b * batch.width + col;
        plan.fill(run, b, col, [], t, null, out);
        const sigma = readout.scale(mid.data, row * d);
        let sum = out.reduce((s, v) => s + v, 0) + readout.constantTerm();
        for (const bias of attnBiases) if (bias) for (let i = 0; i < d; i++) sum += (bias[i] * w[i]) / sigma;
        const actual = preT.data[row * dMlp + unit];
        worst = Math.max(worst, Math.abs(sum - actual));
        largest = Math.max(largest, Math.abs(actual));
        checked++;
      }
    });
    expect(checked).toBe(15);
    expect(largest).toBeGreaterThan(1e-3);
    // float32 hooks summed in float64: rounding of the model's own float32 sums
    expect(worst, `max |Σ − pre| ${worst}, |pre| up to ${largest}`).toBeLessThan(1e-4 * Math.max(1, largest));
  } finally {
    await model.dispose();
  }
}

describe('unit-above direct effects on the Llama-layout fixture (RMSNorm; gated MLP: pre-activation = gate projection)', () => {
  for (const [L, unit, hook] of [
    [0, 3, 'hook_post'],
    [1, 5, 'hook_post'],
    [1, 2, 'hook_pre'],
  ] as const) {
    it(`decompose blocks.${L}.mlp.hook_pre[${unit}] (behaviour on ${hook})`, () => expectUnitDecomposition(tinyLlama, L, unit, hook));
  }

  it('a unit of a non-MLP hook has no readout (explicit direct families are refused); a missing MLP norm is a clear error', async () => {
    const model = await LanguageModel.load(tinyLlama, { threads: 1 });
    try {
      const behaviour = resolveBehaviour({ kind: 'unit-above', hook: 'blocks.0.hook_resid_post', unit: 1, threshold: 0 }, model.tokenizer, model.vocabSize);
      await expect(
        buildAtomPlan(model, { features: ['repeats_earlier_token'], families: ['head-direct'], includeReadoutAtoms: true }, behaviour, true),
      ).rejects.toThrow(OccamError);
      const plan = await buildAtomPlan(model, { features: ['repeats_earlier_token'] }, behaviour, false);
      expect(plan.readout).toBeNull();
      const unitOut = resolveBehaviour({ kind: 'unit-above', hook: 'blocks.0.mlp.hook_post', unit: 100000, threshold: 0 }, model.tokenizer, model.vocabSize);
      await expect(
        buildAtomPlan(model, { features: ['repeats_earlier_token'], families: ['mlp-direct'], includeReadoutAtoms: true }, unitOut, true),
      ).rejects.toThrow(/beyond/);
      // a layout whose block-L MLP norm was not found: the error names the layout and the hook
      const blk = model.structure.blocks[1];
      const norm = blk.mlpNorm;
      blk.mlpNorm = null;
      try {
        const unit1 = resolveBehaviour({ kind: 'unit-above', hook: 'blocks.1.mlp.hook_post', unit: 1, threshold: 0 }, model.tokenizer, model.vocabSize);
        await expect(buildAtomPlan(model, { features: ['repeats_earlier_token'], includeReadoutAtoms: true }, unit1, false)).rejects.toThrow(
          /blocks\.1\.hook_resid_mid.*'layers' layout/,
        );
      } finally {
        blk.mlpNorm = norm;
      }
    } finally {
      await model.dispose();
    }
  });
});

describe.skipIf(!gpt2)(needs('unit-above direct effects on the tiny-lm GPT-2 export (LayerNorm ln_2, c_fc with bias)', gpt2, 'induction-2l-s1'), () => {
  for (const [L, unit, hook] of [
    [0, 3, 'hook_post'],
    [1, 17, 'hook_post'],
    [1, 40, 'hook_pre'],
  ] as const) {
    it(`decompose blocks.${L}.mlp.hook_pre[${unit}] (behaviour on ${hook})`, () => expectUnitDecomposition(gpt2!, L, unit, hook));
  }
});
