import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { extractDataset, LanguageModel, padBatch, type ForwardOutput, type PaddingSide } from '@occam/transformer';
import { needs, tinyLlama, tinyLm } from './fixtures.js';

/** Largest per-token difference between two runs for one prompt, over every hook (patterns over real keys only). */
function perTokenDiff(a: ForwardOutput, ia: number, b: ForwardOutput, ib: number, length: number, hooks: string[]): Map<string, number> {
  const out = new Map<string, number>();
  const oa = a.batch.offsets[ia];
  const ob = b.batch.offsets[ib];
  for (const name of ['logits', ...hooks]) {
    const ta = name === 'logits' ? a.logits : a.hooks.get(name)!;
    const tb = name === 'logits' ? b.logits : b.hooks.get(name)!;
    let worst = 0;
    if (name.endsWith('hook_pattern')) {
      const [, H, Ta] = ta.dims;
      const Tb = tb.dims[2];
      for (let h = 0; h < H; h++)
        for (let q = 0; q < length; q++)
          for (let k = 0; k < length; k++) {
            const va = ta.data[((ia * H + h) * Ta + oa + q) * Ta + oa + k];
            const vb = tb.data[((ib * H + h) * Tb + ob + q) * Tb + ob + k];
            worst = Math.max(worst, Math.abs(va - vb));
          }
    } else {
      const size = ta.dims.slice(2).reduce((x, y) => x * y, 1);
      for (let t = 0; t < length; t++) {
        const sa = (ia * ta.dims[1] + oa + t) * size;
        const sb = (ib * tb.dims[1] + ob + t) * size;
        for (let i = 0; i < size; i++) worst = Math.max(worst, Math.abs(ta.data[sa + i] - tb.data[sb + i]));
      }
    }
    out.set(name, worst);
  }
  return out;
}

function suite(dir: string) {
  let model: LanguageModel;
  let prompts: number[][];
  beforeAll(async () => {
    model = await LanguageModel.load(dir, { threads: 1 });
    const bos = model.tokenizer.bosId!;
    const ids = [...Array(model.vocabSize).keys()].filter((i) => !model.tokenizer.specialIds.has(i));
    const pick = (k: number) => ids[k % ids.length];
    // four prompts of different lengths, so every batch has padding on one side
    prompts = [
      [bos, pick(1), pick(2), pick(3), pick(1), pick(2), pick(3)],
      [bos, pick(4), pick(5)],
      [bos, pick(6), pick(7), pick(8), pick(9), pick(10), pick(6), pick(7), pick(8), pick(9), pick(10)],
      [bos, pick(11), pick(12), pick(11), pick(12)],
    ];
  });
  afterAll(() => model?.dispose());

  it('left vs right padding and batch size 1 vs 4 give the same per-token values for every hook', async () => {
    const hooks = model.hooks.map((h) => h.name);
    const left = await model.run(padBatch(prompts, 'left', model.padId), hooks);
    const right = await model.run(padBatch(prompts, 'right', model.padId), hooks);
    let worst = 0;
    for (let i = 0; i < prompts.length; i++) {
      const alone = await model.run(padBatch([prompts[i]], 'right', model.padId), hooks);
      for (const [a, ia] of [
        [left, i],
        [right, i],
      ] as const) {
        for (const [name, d] of perTokenDiff(a, ia, alone, 0, prompts[i].length, hooks)) {
          expect(d, `${name}, prompt ${i}, ${a.batch.side} padding vs alone`).toBeLessThan(1e-4);
          worst = Math.max(worst, d);
        }
      }
    }
    console.info(`[padding] ${dir}: max |Δ| over ${hooks.length} hooks + logits = ${worst.toExponential(2)}`);
    // the comparison is not vacuous: two different prompts differ
    const other = await model.run(padBatch([prompts[2]], 'right', model.padId), hooks);
    expect(perTokenDiff(left, 0, other, 0, 3, hooks).get('logits')!).toBeGreaterThan(1e-3);
  });

  it('extracted datasets (atoms, target, scored) do not depend on padding side or batch size', async () => {
    const set = { name: 'test', prompts: prompts.map((tokens, i) => ({ id: `p${i}`, tokens, scored: null })), markers: {}, metadata: {} };
    const runs: [PaddingSide, number][] = [
      ['left', 4],
      ['right', 4],
      ['right', 1],
      ['left', 3],
    ];
    const ds = await Promise.all(runs.map(([padding, batchSize]) => extractDataset(model, set, { kind: 'next-token-correct' }, { padding, batchSize })));
    const ref = ds[2].dataset;
    for (const r of ds) {
      let d = 0;
      for (let i = 0; i < ref.inputs.length; i++) d = Math.max(d, Math.abs(r.dataset.inputs[i] - ref.inputs[i]));
      expect(d).toBeLessThan(1e-4);
      expect(Array.from(r.dataset.target)).toEqual(Array.from(ref.target));
      expect(Array.from(r.dataset.scored)).toEqual(Array.from(ref.scored));
    }
    // padding columns are never scored: prompt 1 has 3 tokens, the dataset 11 bins
    const nBins = ref.manifest.nBins;
    expect(nBins).toBe(11);
    for (let t = 2; t < nBins; t++) expect(ref.scored[1 * nBins + t]).toBe(0);
  });
}

describe('padding invariance on the Llama-layout fixture', () => suite(tinyLlama));

const gpt2 = tinyLm('induction-2l-s1');
describe.skipIf(!gpt2)(needs('padding invariance on the tiny-lm GPT-2 export', gpt2, 'induction-2l-s1'), () => suite(gpt2!));
