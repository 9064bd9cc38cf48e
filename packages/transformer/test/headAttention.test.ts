import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fitReducedModel, mulberry32 } from '@occam/core';
import { extractDataset, LanguageModel, loadCondition, padBatch, type PromptSet } from '@occam/transformer';
import { needs, tinyLlama, tinyLm } from './fixtures.js';

const dir = mkdtempSync(join(tmpdir(), 'occam-head-attention-'));

/**
 * head-attention atoms: per head and offset k, the attention weight from position t to t − k. Checked
 * against the pattern hook read directly (both paddings, both atom paths), and by a property of softmax:
 * while t ≤ K the offsets cover every key, so a head's atoms at t sum to 1.
 */
function suite(modelDir: string) {
  let model: LanguageModel;
  let prompts: PromptSet;
  beforeAll(async () => {
    model = await LanguageModel.load(modelDir, { threads: 1 });
    prompts = await loadCondition({ kind: 'repeated-random', period: 5, count: 6, seed: 1 }, { size: model.vocabSize, tokenizer: model.tokenizer });
    prompts.prompts[2] = { ...prompts.prompts[2], tokens: prompts.prompts[2].tokens.slice(0, 6) };
  });
  afterAll(() => model?.dispose());

  it('atoms equal attn.hook_pattern[h, t, t − k] (0 before the prompt); rows sum to 1 while t ≤ K', async () => {
    const K = 8;
    for (const padding of ['right', 'left'] as const) {
      for (const atomsInGraph of [true, false]) {
        const { dataset, summary } = await extractDataset(
          model,
          prompts,
          { kind: 'next-token-correct' },
          { padding, atomsInGraph, batchSize: 4, atoms: { families: ['head-attention'], headAttention: { maxOffset: K } } },
        );
        expect(summary.atomsComputed).toBe(atomsInGraph ? 'graph' : 'js');
        const { atoms, nTrials, nBins } = dataset.manifest;
        const layers = [...new Set(atoms.map((a) => a.attributes.layer as number))];
        const batch = padBatch(
          prompts.prompts.map((p) => p.tokens),
          'right',
          model.padId,
        );
        const run = await model.run(
          batch,
          layers.map((l) => `blocks.${l}.attn.hook_pattern`),
        );
        for (const atom of atoms) {
          expect(atom.attributes).toMatchObject({ component: 'attn', sign: 'none', feature: 'attention', readsReadout: 'no' });
          const { layer, head, offset } = atom.attributes as { layer: number; head: number; offset: number };
          const p = run.hooks.get(`blocks.${layer}.attn.hook_pattern`)!;
          const [, H, W] = p.dims;
          const a = atoms.indexOf(atom);
          prompts.prompts.forEach((pr, trial) => {
            for (let t = 0; t < pr.tokens.length; t++) {
              const want = t >= offset ? p.data[((trial * H + head) * W + t) * W + t - offset] : 0;
              expect(Math.abs(dataset.inputs[(a * nTrials + trial) * nBins + t] - want)).toBeLessThan(1e-5);
            }
          });
        }
        // Σ over offsets of one head at t ≤ K is the whole softmax row
        const byHead = new Map<string, number[]>();
        atoms.forEach((a, i) => {
          const key = `${a.attributes.layer}.${a.attributes.head}`;
          if (!byHead.has(key)) byHead.set(key, []);
          byHead.get(key)!.push(i);
        });
        for (const idx of byHead.values()) {
          expect(idx.length).toBe(K + 1);
          for (let t = 0; t <= Math.min(K, prompts.prompts[0].tokens.length - 1); t++) {
            const sum = idx.reduce((s, a) => s + dataset.inputs[(a * nTrials + 0) * nBins + t], 0);
            expect(sum).toBeCloseTo(1, 4);
          }
        }
      }
    }
  });

  it('by default only while heads × offsets ≤ 1024 atoms; left out with a note beyond, kept when named', async () => {
    const big = { headAttention: { maxOffset: 600 } };
    const dflt = await extractDataset(model, prompts, { kind: 'next-token-correct' }, { atoms: big });
    expect(dflt.dataset.manifest.atoms.some((a) => a.attributes.feature === 'attention')).toBe(false);
    expect(dflt.summary.atomNotes.join()).toMatch(/head-attention left out: \d+ atoms/);
    expect(dflt.dataset.manifest.metadata.atomNotes).toEqual(dflt.summary.atomNotes);
    const named = await extractDataset(model, prompts, { kind: 'next-token-correct' }, { atoms: { ...big, families: ['head-attention'] } });
    expect(named.dataset.manifest.atoms.filter((a) => a.attributes.feature === 'attention').length).toBeGreaterThan(1024);
    expect(named.summary.atomNotes).toEqual([]);
  });
}

describe('head-attention atoms on the Llama-layout fixture', () => suite(tinyLlama));
const trained = tinyLm('induction-2l-s1');
describe.skipIf(!trained)(needs('head-attention atoms on the tiny-lm GPT-2 export', trained, 'induction-2l-s1'), () => {
  suite(trained!);

  it('on a stochastic copy task (lag 10), a fit over head-attention atoms alone puts its largest weight at offset 9 (the look-back)', async () => {
    const L = 10;
    const rand = mulberry32(21);
    const lines: string[] = [];
    for (let s = 0; s < 400; s++) {
      const tokens = [1];
      for (let i = 1; i < 31; i++) tokens.push(i > L && rand() < 0.7 ? tokens[i - L] : 4 + Math.floor(rand() * 64));
      lines.push(JSON.stringify({ tokens }));
    }
    const file = join(dir, 'copy.jsonl');
    writeFileSync(file, lines.join('\n') + '\n');
    const model = await LanguageModel.load(trained!, { threads: 1 });
    let dataset;
    try {
      ({ dataset } = await extractDataset(model, await loadCondition(file, { size: model.vocabSize, tokenizer: model.tokenizer }), {
        kind: 'next-token-correct',
      }));
    } finally {
      await model.dispose();
    }
    const fit = fitReducedModel(dataset, {
      groupBy: ['layer', 'head', 'offset'],
      exclude: { component: ['mlp-neurons', 'input-pattern'] },
      temporal: { minLag: 0, maxLag: 0, basis: { kind: 'raw' } },
      family: 'bernoulli',
      regularization: { ridge: 1, smoothness: 0 },
      validation: { kind: 'split', testFraction: 0.3, seed: 0 },
    });
    const weights = fit.filters.groups.map((g) => ({ label: g.label, w: g.temporal.y[0] })).sort((a, b) => b.w - a.w);
    console.info(
      `[headAttention] top weights: ${weights
        .slice(0, 5)
        .map((x) => `${x.label}: ${x.w.toFixed(2)}`)
        .join('; ')}; test AUROC ${fit.metrics.test.model.auroc?.toFixed(3)} vs PSTH ${fit.metrics.test.psth.auroc?.toFixed(3)}`,
    );
    // which head it is depends on the circuit (an earlier head's attention at the look-back also marks a copyable position); the offset does not
    expect(weights[0].label).toMatch(/, offset=9$/);
    expect(fit.metrics.test.model.auroc!).toBeGreaterThan(fit.metrics.test.psth.auroc! + 0.1);
  }, 300_000);
});
