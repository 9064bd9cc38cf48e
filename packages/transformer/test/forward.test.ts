import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildAtomPlan, FinalReadout, LanguageModel, padBatch, projectLogits, resolveBehaviour, tokenDirection, type HookTensor } from '@occam/transformer';
import { needs, tinyLlama, tinyLlamaPast, tinyLm } from './fixtures.js';

const gpt2 = tinyLm('induction-2l-s1');

function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  expect(a.length).toBe(b.length);
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
}

/** ln_final(x) · W_U (+ b) computed here from the exposed final residual and the graph's weights. */
async function logitsFromResidual(model: LanguageModel, resid: HookTensor): Promise<Float32Array> {
  const { finalNorm, unembed } = model.structure;
  const readout = await FinalReadout.load(model);
  const d = readout.dModel;
  const V = readout.vocabSize;
  const gamma = finalNorm!.scale ? await model.weight(finalNorm!.scale) : null;
  const beta = finalNorm!.bias ? await model.weight(finalNorm!.bias) : null;
  const W = await model.weight(unembed!.weight);
  const bias = unembed!.bias ? await model.weight(unembed!.bias) : null;
  const rows = resid.data.length / d;
  const out = new Float32Array(rows * V);
  const x = new Float64Array(d);
  for (let r = 0; r < rows; r++) {
    const sigma = readout.scale(resid.data, r * d);
    let mean = 0;
    if (finalNorm!.kind === 'layernorm') {
      for (let i = 0; i < d; i++) mean += resid.data[r * d + i];
      mean /= d;
    }
    for (let i = 0; i < d; i++) x[i] = ((resid.data[r * d + i] - mean) / sigma) * (gamma ? gamma[i] : 1) + (beta ? beta[i] : 0);
    for (let v = 0; v < V; v++) {
      let s = bias ? bias[v] : 0;
      for (let i = 0; i < d; i++) s += x[i] * (unembed!.transposed ? W[v * d + i] : W[i * V + v]);
      out[r * V + v] = s;
    }
  }
  return out;
}

describe.skipIf(!gpt2)(needs('exposed GPT-2 outputs against a second computation', gpt2, 'induction-2l-s1'), () => {
  let model: LanguageModel;
  beforeAll(async () => {
    model = await LanguageModel.load(gpt2!, { threads: 1 });
  });
  afterAll(() => model?.dispose());
  const prompts = () => {
    const bos = model.tokenizer.bosId!;
    return [
      [bos, 10, 11, 12, 13, 10, 11, 12, 13],
      [bos, 20, 30, 40, 20, 30],
      [bos, 5, 6, 7, 8, 9, 50, 5, 6, 7, 8],
    ];
  };

  it('the last resid_post through ln_f and the unembedding reproduces the logits', async () => {
    const last = `blocks.${model.nLayers - 1}.hook_resid_post`;
    const run = await model.run(padBatch(prompts(), 'right', model.padId), [last, 'ln_final.hook_normalized']);
    const mine = await logitsFromResidual(model, run.hooks.get(last)!);
    expect(maxAbsDiff(mine, run.logits.data)).toBeLessThan(1e-4);
  });

  it('direct effects (embed + heads + MLPs + biases) add up to the centred logit of the next token', async () => {
    await expectDirectEffectsAddUp(model, prompts());
  });
});

/** Σ atoms (embed, heads, MLPs) + attention-output biases + readout constant = logit(next) − mean logit, per position. */
async function expectDirectEffectsAddUp(model: LanguageModel, seqs: number[][]) {
  const behaviour = resolveBehaviour({ kind: 'next-token-correct' }, model.tokenizer, model.vocabSize);
  const plan = await buildAtomPlan(
    model,
    { features: ['repeats_earlier_token'], families: ['embed-direct', 'head-direct', 'mlp-direct'], includeReadoutAtoms: true },
    behaviour,
    true,
  );
  const batch = padBatch(seqs, 'left', model.padId);
  const last = `blocks.${model.nLayers - 1}.hook_resid_post`;
  const run = await model.run(batch, [...plan.hooks, last]);
  const readout = plan.readout as FinalReadout;
  const attnBiases = await Promise.all(model.structure.blocks.map((b) => (b.attnOutProj?.bias ? model.weight(b.attnOutProj.bias) : null)));
  const out = new Float64Array(plan.atoms.length);
  const V = run.logits.dims[2];
  const d = readout.dModel;
  let worst = 0;
  let checked = 0;
  seqs.forEach((tokens, b) => {
    for (let t = 0; t + 1 < tokens.length; t++) {
      const col = batch.offsets[b] + t;
      const dir = tokenDirection(tokens[t + 1]);
      plan.fill(run, b, col, [], t, dir, out);
      let sum = out.reduce((s, v) => s + v, 0);
      const w = readout.residualVector(dir);
      const resid = run.hooks.get(last)!;
      const sigma = readout.scale(resid.data, (b * batch.width + col) * d);
      for (const bias of attnBiases) if (bias) for (let i = 0; i < d; i++) sum += (bias[i] * w[i]) / sigma;
      sum += readout.constantTerm(dir);
      const logits = run.logits.data.subarray((b * batch.width + col) * V, (b * batch.width + col + 1) * V);
      worst = Math.max(worst, Math.abs(sum - projectLogits(dir, logits)));
      checked++;
    }
  });
  expect(checked).toBeGreaterThan(10);
  expect(worst).toBeLessThan(1e-3);
}

describe('Llama-layout export against its PyTorch forward', () => {
  const ref = JSON.parse(readFileSync(join(tinyLlama, 'reference.json'), 'utf8'));
  for (const [label, dir] of [
    ['external data, no cache', tinyLlama],
    ['with past_key_values (past length 0)', tinyLlamaPast],
  ] as const) {
    it(`logits and every block's resid_post match PyTorch on a left-padded batch: ${label}`, async () => {
      const model = await LanguageModel.load(dir, { threads: 1 });
      try {
        const seqs = (ref.input_ids as number[][]).map((row, b) => row.filter((_, k) => ref.attention_mask[b][k] === 1));
        const batch = padBatch(seqs, 'left', 0);
        expect(Array.from(batch.ids)).toEqual((ref.input_ids as number[][]).flat());
        const hooks = ['blocks.0.hook_resid_post', 'blocks.1.hook_resid_post'];
        const run = await model.run(batch, hooks);
        const valid = (dims: number[], data: Float32Array, want: number[][][]) => {
          // compare real-token positions only (padding rows are undefined)
          const got: number[] = [];
          const exp: number[] = [];
          const per = dims[2];
          for (let b = 0; b < dims[0]; b++)
            for (let t = 0; t < dims[1]; t++) {
              if (ref.attention_mask[b][t] !== 1) continue;
              for (let i = 0; i < per; i++) {
                got.push(data[(b * dims[1] + t) * per + i]);
                exp.push(want[b][t][i]);
              }
            }
          return maxAbsDiff(got, exp);
        };
        expect(valid(run.logits.dims, run.logits.data, ref.logits)).toBeLessThan(1e-4);
        for (const h of hooks) expect(valid(run.hooks.get(h)!.dims, run.hooks.get(h)!.data, ref[h]), h).toBeLessThan(1e-4);
        const mine = await logitsFromResidual(model, run.hooks.get('blocks.1.hook_resid_post')!);
        expect(maxAbsDiff(mine, run.logits.data)).toBeLessThan(1e-4);
        await expectDirectEffectsAddUp(model, seqs);
      } finally {
        await model.dispose();
      }
    });
  }
});
