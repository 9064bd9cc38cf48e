import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { OccamError, readDataset } from '@occam/core';
import { DEFAULT_BATCH_TOKENS, defaultBatchTokens, extractDataset, LanguageModel, loadCondition, runLmExtract } from '@occam/transformer';
import { tinyLlama } from './fixtures.js';

const dir = mkdtempSync(join(tmpdir(), 'occam-transformer-extract-'));

describe('extraction to a core Dataset', () => {
  it('runLmExtract (the CLI entry point) writes a Dataset: trial = prompt, bin = token, atoms with attributes', async () => {
    const cond = join(dir, 'induction.json');
    writeFileSync(cond, JSON.stringify({ kind: 'repeated-random', period: 5, count: 9, seed: 2 }));
    const out = join(dir, 'ds');
    const atoms = { families: ['embed-direct', 'head-direct', 'mlp-direct', 'mlp-neurons', 'token-features'] as const, includeReadoutAtoms: true };
    const summary = await runLmExtract({
      model: tinyLlama,
      condition: cond,
      behaviour: 'next-token-correct',
      out,
      batchSize: 4,
      threads: 1,
      atoms: { ...atoms, families: [...atoms.families] },
    });
    expect(summary).toMatchObject({ prompts: 9, bins: 11, batches: 3, condition: 'repeated-random', behaviour: 'next-token-correct', readsReadout: true });
    // the opted-in direct effects are said to read the answer, in the summary and in the manifest
    expect(summary.readoutNote).toMatch(/read the answer/);
    expect(summary.peakRssBytes).toBeGreaterThan(10e6);
    // scored: positions 6..9 of each prompt (repeated half, minus the last position which has no next token)
    expect(summary.scoredBins).toBe(9 * 4);

    const ds = await readDataset(out);
    const m = ds.manifest;
    expect(m).toMatchObject({
      nTrials: 9,
      nBins: 11,
      binUnit: 'token',
      binWidth: 1,
      markers: { repeatStart: 6 },
      target: { kind: 'binary', name: 'next-token-correct' },
    });
    expect(m.metadata).toMatchObject({ condition: 'repeated-random', seed: 2, conditionInfo: { period: 5 }, readsReadout: true });
    expect(m.metadata.readoutNote).toMatch(/read the answer/);
    expect((m.metadata.readoutAtoms as string[]).length).toBe(summary.readoutAtoms);
    expect(ds.inputs).toBeInstanceOf(Float32Array);
    const ids = m.atoms.map((a) => a.id);
    expect(ids.slice(0, 6)).toEqual(['embed.pos', 'embed.neg', 'L0.H0.attn.pos', 'L0.H0.attn.neg', 'L0.H1.attn.pos', 'L0.H1.attn.neg']);
    expect(ids).toContain('L1.mlp.neg');
    expect(ids).toContain('L1.neurons.pos');
    expect(ids[ids.length - 1]).toBe('token.repeats_earlier_token');
    for (const a of m.atoms) {
      expect(typeof a.attributes.layer).toBe('number');
      expect(typeof a.attributes.head).toBe('number');
      expect(typeof a.attributes.component).toBe('string');
      expect(['pos', 'neg', 'none']).toContain(a.attributes.sign);
    }
    expect(m.atoms.find((a) => a.id === 'L1.H1.attn.neg')!.attributes).toEqual({
      component: 'attn',
      layer: 1,
      head: 1,
      sign: 'neg',
      feature: 'direct-effect',
      offset: -1,
      readsReadout: 'yes',
      relativeDepth: 1,
    });
    expect(m.atoms.find((a) => a.id === 'L1.neurons.pos')!.attributes.readsReadout).toBe('no');
    expect((m.metadata.readoutAtoms as string[]).sort()).toEqual(
      m.atoms
        .filter((a) => a.attributes.feature === 'direct-effect')
        .map((a) => a.id)
        .sort(),
    );
    // sign split: pos ≥ 0, neg ≤ 0; token feature is 1 exactly on the repeated half
    const N = m.nTrials;
    const at = (id: string, trial: number, t: number) => ds.inputs[(ids.indexOf(id) * N + trial) * m.nBins + t];
    for (let tr = 0; tr < N; tr++)
      for (let t = 0; t < 11; t++) {
        expect(at('L1.H0.attn.pos', tr, t)).toBeGreaterThanOrEqual(0);
        expect(at('L1.H0.attn.neg', tr, t)).toBeLessThanOrEqual(0);
        if (t >= 6) expect(at('token.repeats_earlier_token', tr, t)).toBe(1);
      }
  });

  it('a real-valued behaviour gives a float32 target; an MLP unit gets upstream direct effects, any other unit only direction-free atoms', async () => {
    const model = await LanguageModel.load(tinyLlama, { threads: 1 });
    try {
      const prompts = await loadCondition({ kind: 'repeated-random', period: 4, count: 3 }, { size: model.vocabSize, tokenizer: model.tokenizer });
      const diff = await extractDataset(model, prompts, { kind: 'logit-diff', tokens: ['w1', 'w2'] });
      expect(diff.dataset.manifest.target.kind).toBe('real');
      expect(diff.dataset.target).toBeInstanceOf(Float32Array);
      expect(diff.summary.events).toBeNull();
      // an MLP unit: direct effects on its pre-activation from upstream components only (layer-0 heads, no MLP)
      const unit = await extractDataset(
        model,
        prompts,
        { kind: 'unit-above', hook: 'blocks.0.mlp.hook_post', unit: 3, threshold: 0 },
        { atoms: { includeReadoutAtoms: true } },
      );
      expect(new Set(unit.dataset.manifest.atoms.map((a) => a.attributes.component))).toEqual(new Set(['embed', 'attn', 'mlp-neurons', 'input-pattern']));
      expect(new Set(unit.dataset.manifest.atoms.map((a) => a.attributes.feature))).toContain('attention');
      expect(unit.summary.readsReadout).toBe(true);
      expect(
        unit.dataset.manifest.atoms
          .filter((a) => a.attributes.feature === 'direct-effect' && a.attributes.component === 'attn')
          .every((a) => a.attributes.layer === 0),
      ).toBe(true);
      // any other unit: direction-free atoms only, and direct families are refused
      const resid = await extractDataset(model, prompts, { kind: 'unit-above', hook: 'blocks.0.hook_resid_post', unit: 3, threshold: 0 });
      expect(
        new Set(resid.dataset.manifest.atoms.map((a) => `${a.attributes.component}/${a.attributes.feature}`.replace(/\/(matches|occurred|is|position).*/, ''))),
      ).toEqual(new Set(['mlp-neurons/post-activation', 'attn/attention', 'input-pattern']));
      await expect(
        extractDataset(
          model,
          prompts,
          { kind: 'unit-above', hook: 'blocks.0.hook_resid_post', unit: 3, threshold: 0 },
          { atoms: { families: ['head-direct'], includeReadoutAtoms: true } },
        ),
      ).rejects.toThrow(/need a logit behaviour or a unit of an MLP hook/);
      await expect(
        extractDataset(
          model,
          prompts,
          { kind: 'unit-above', hook: 'blocks.0.hook_resid_post', unit: 3, threshold: 0 },
          { atoms: { families: ['head-direct'] } },
        ),
      ).rejects.toThrow(OccamError);
    } finally {
      await model.dispose();
    }
  });

  it('unit-above: internal atoms at or after the unit (same position) contain the answer: left out by default, marked when opted in', async () => {
    const model = await LanguageModel.load(tinyLlama, { threads: 1 });
    try {
      const prompts = await loadCondition({ kind: 'repeated-random', period: 4, count: 3 }, { size: model.vocabSize, tokenizer: model.tokenizer });
      const behaviour = { kind: 'unit-above' as const, hook: 'blocks.0.mlp.hook_post', unit: 3, threshold: 0 };
      const dflt = await extractDataset(model, prompts, behaviour);
      const ids = dflt.dataset.manifest.atoms.map((a) => a.id);
      // layer-0 attention comes before the unit; layer-0 neurons contain it, layer-1 attention and neurons are computed from it
      expect(ids.some((id) => id.startsWith('L0.H0.attn.to-'))).toBe(true);
      expect(ids.filter((id) => /^L0\.neurons|^L1\.neurons|^L1\.H\d+\.attn/.test(id))).toEqual([]);
      expect(dflt.summary.atomNotes.join()).toMatch(/L0\.neurons, L1\.neurons, L1 attention left out: computed at or after blocks\.0\.mlp\.hook_post/);
      expect(dflt.summary.readsReadout).toBe(false);
      const opted = await extractDataset(model, prompts, behaviour, { atoms: { includeReadoutAtoms: true } });
      const yes = opted.dataset.manifest.atoms.filter((a) => a.attributes.readsReadout === 'yes').map((a) => a.id);
      expect(yes).toContain('L0.neurons.pos');
      expect(yes).toContain('L1.H0.attn.to-0');
      expect(yes).toContain('L0.H0.attn.pos'); // the direct effects onto the unit's input direction
      expect(yes.some((id) => id.startsWith('L0.H0.attn.to-'))).toBe(false);
      expect(opted.summary.readoutNote).toMatch(/internal atoms are computed at or after the unit/);
      expect(opted.dataset.manifest.metadata.readoutAtoms).toEqual(yes);
    } finally {
      await model.dispose();
    }
  });

  it('the default token budget shrinks with the residual stream (tokens × d_model × layers), never below 64', () => {
    expect(defaultBatchTokens(64, 2)).toBe(DEFAULT_BATCH_TOKENS);
    expect(defaultBatchTokens(null, 2)).toBe(DEFAULT_BATCH_TOKENS);
    expect(defaultBatchTokens(768, 12)).toBe(512);
    expect(defaultBatchTokens(8192, 80)).toBe(64);
  });

  it('without a batchSize, batches are cut by a token budget (prompts × longest prompt ≤ batchTokens)', async () => {
    const model = await LanguageModel.load(tinyLlama, { threads: 1 });
    try {
      const prompts = await loadCondition({ kind: 'repeated-random', period: 5, count: 9 }, { size: model.vocabSize, tokenizer: model.tokenizer });
      // 9 prompts of 11 tokens: 3 × 11 = 33 ≤ 40 < 44
      const budget = await extractDataset(model, prompts, { kind: 'next-token-correct' }, { batchTokens: 40 });
      expect(budget.summary).toMatchObject({ batches: 3, maxBatchPrompts: 3 });
      expect(budget.dataset.manifest.metadata).toMatchObject({ batchSize: null, batchTokens: 40 });
      // the default budget holds all nine
      const dflt = await extractDataset(model, prompts, { kind: 'next-token-correct' });
      expect(DEFAULT_BATCH_TOKENS).toBeGreaterThanOrEqual(1024);
      expect(dflt.summary).toMatchObject({ batches: 1, maxBatchPrompts: 9 });
      expect(dflt.dataset.manifest.metadata).toMatchObject({ batchSize: null, batchTokens: DEFAULT_BATCH_TOKENS });
      // a prompt longer than the budget runs alone; an explicit batchSize wins over the budget
      expect((await extractDataset(model, prompts, { kind: 'next-token-correct' }, { batchTokens: 5 })).summary).toMatchObject({
        batches: 9,
        maxBatchPrompts: 1,
      });
      const fixed = await extractDataset(model, prompts, { kind: 'next-token-correct' }, { batchSize: 2, batchTokens: 5 });
      expect(fixed.summary).toMatchObject({ batches: 5, maxBatchPrompts: 2 });
      expect(fixed.dataset.manifest.metadata).toMatchObject({ batchSize: 2, batchTokens: null });
      // same values whatever the batching (onnxruntime may round a row differently in a larger batch)
      let d = 0;
      for (let i = 0; i < fixed.dataset.inputs.length; i++) d = Math.max(d, Math.abs(fixed.dataset.inputs[i] - budget.dataset.inputs[i]));
      expect(d).toBeLessThan(1e-5);
      await expect(extractDataset(model, prompts, { kind: 'next-token-correct' }, { batchTokens: 0 })).rejects.toThrow(/batchTokens/);
    } finally {
      await model.dispose();
    }
  });
});
