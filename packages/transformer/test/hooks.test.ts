import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OccamError } from '@occam/core';
import { BLOCK_HOOKS, LanguageModel, type HookShape } from '@occam/transformer';
import { needs, tinyLlama, tinyLlamaPast, tinyLm } from './fixtures.js';

const gpt2 = tinyLm('induction-2l-s1');

function expectCanonical(shapes: HookShape[], c: { layers: number; heads: number; d: number; dMlp: number; posEmbed: boolean }) {
  const byName = new Map(shapes.map((s) => [s.name, s.dims]));
  const resid = ['batch', 'pos', c.d];
  expect(byName.get('hook_embed')).toEqual(resid);
  if (c.posEmbed) expect(byName.get('hook_pos_embed')).toEqual(resid);
  for (let L = 0; L < c.layers; L++) {
    for (const h of BLOCK_HOOKS) expect(byName.has(`blocks.${L}.${h}`), `blocks.${L}.${h}`).toBe(true);
    expect(byName.get(`blocks.${L}.hook_resid_pre`)).toEqual(resid);
    expect(byName.get(`blocks.${L}.hook_resid_mid`)).toEqual(resid);
    expect(byName.get(`blocks.${L}.hook_resid_post`)).toEqual(resid);
    expect(byName.get(`blocks.${L}.hook_attn_out`)).toEqual(resid);
    expect(byName.get(`blocks.${L}.hook_mlp_out`)).toEqual(resid);
    expect(byName.get(`blocks.${L}.attn.hook_pattern`)).toEqual(['batch', c.heads, 'pos', 'pos']);
    expect(byName.get(`blocks.${L}.attn.hook_z`)).toEqual(['batch', 'pos', c.heads, c.d / c.heads]);
    expect(byName.get(`blocks.${L}.mlp.hook_post`)).toEqual(['batch', 'pos', c.dMlp]);
  }
  expect(byName.get('ln_final.hook_normalized')).toEqual(resid);
  expect(shapes.length).toBe(1 + (c.posEmbed ? 1 : 0) + c.layers * BLOCK_HOOKS.length + 1);
}

describe.skipIf(!gpt2)(needs('hook discovery on the tiny-lm GPT-2 export', gpt2, 'induction-2l-s1'), () => {
  let model: LanguageModel;
  let config: Record<string, any>;
  beforeAll(async () => {
    model = await LanguageModel.load(gpt2!, { threads: 1 });
    config = JSON.parse(readFileSync(join(gpt2!, 'config.json'), 'utf8'));
  });
  afterAll(() => model?.dispose());

  it('finds every canonical hook per layer with the right shapes', async () => {
    expect(model.structure.container).toBe('h');
    expect(model.nLayers).toBe(config.n_layer);
    expect(model.structure.problems).toEqual([]);
    expectCanonical(await model.hookShapes(), { layers: config.n_layer, heads: config.n_head, d: config.n_embd, dMlp: 4 * config.n_embd, posEmbed: true });
  });

  it('agrees with the tensor names tools/tiny-lm found by module scope', () => {
    const names: Record<string, string> | undefined = config.occam?.onnx?.tensor_names;
    if (!names) return;
    const tensorOf = new Map(model.hooks.map((h) => [h.name, h.tensor]));
    for (let L = 0; L < config.n_layer; L++) {
      expect(tensorOf.get(`blocks.${L}.hook_resid_pre`)).toBe(names[`resid_pre.${L}`]);
      expect(tensorOf.get(`blocks.${L}.hook_resid_mid`)).toBe(names[`resid_mid.${L}`]);
      expect(tensorOf.get(`blocks.${L}.hook_resid_post`)).toBe(names[`resid_post.${L}`]);
      expect(tensorOf.get(`blocks.${L}.attn.hook_pattern`)).toBe(names[`pattern.${L}`]);
      expect(tensorOf.get(`blocks.${L}.hook_attn_out`)).toBe(names[`attn_out.${L}`]);
      expect(tensorOf.get(`blocks.${L}.mlp.hook_post`)).toBe(names[`mlp_post.${L}`]);
      expect(tensorOf.get(`blocks.${L}.hook_mlp_out`)).toBe(names[`mlp_out.${L}`]);
    }
    expect(tensorOf.get('ln_final.hook_normalized')).toBe(names.ln_final);
  });
});

describe('hook discovery on Llama-layout exports (layers.{i} scopes, RMSNorm, SwiGLU)', () => {
  for (const [label, dir] of [
    ['external weight data, no KV cache', tinyLlama],
    ['past_key_values inputs (fed empty)', tinyLlamaPast],
  ] as const) {
    it(`finds every canonical hook with the right shapes: ${label}`, async () => {
      const model = await LanguageModel.load(dir, { threads: 1 });
      try {
        expect(model.structure.container).toBe('layers');
        expect(model.structure.finalNorm?.kind).toBe('rmsnorm');
        expect(model.structure.posEmbed).toBeNull();
        expectCanonical(await model.hookShapes(), { layers: 2, heads: 2, d: 16, dMlp: 32, posEmbed: false });
      } finally {
        await model.dispose();
      }
    });
  }

  it('accepts raw tensor names and rejects unknown names with the list of hooks', async () => {
    const model = await LanguageModel.load(tinyLlama, { threads: 1 });
    try {
      const raw = '/model/layers.0/mlp/act_fn/Mul_output_0';
      const shapes = await model.hookShapes([raw]);
      expect(shapes[0]).toMatchObject({ name: raw, tensor: raw, dims: ['batch', 'pos', 32] });
      expect(() => model.resolveHooks(['blocks.7.hook_resid_post'])).toThrow(OccamError);
      expect(() => model.resolveHooks(['blocks.7.hook_resid_post'])).toThrow(/blocks\.0\.hook_resid_pre/);
    } finally {
      await model.dispose();
    }
  });
});
