// Loads the committed tiny-lm fixtures (data/models/) with @huggingface/transformers from the local
// directory only, runs forward passes and generate(), and checks that the induction model continues a
// repeated random sequence while the random-weights model of the same shape does not.
import { describe, it, expect, beforeAll } from 'vitest';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { readFileSync } from 'node:fs';
import { AutoTokenizer, AutoModelForCausalLM, env, Tensor } from '@huggingface/transformers';

const here = path.dirname(fileURLToPath(import.meta.url));
const modelsDir = path.resolve(here, '../../../data/models');

env.allowRemoteModels = false;
env.allowLocalModels = true;
env.localModelPath = modelsDir + path.sep;

const loadOpts = { local_files_only: true, dtype: 'fp32', device: 'cpu' } as const;

async function load(name: string) {
  const tokenizer = await AutoTokenizer.from_pretrained(name, { local_files_only: true });
  const model = await AutoModelForCausalLM.from_pretrained(name, loadOpts);
  const config = JSON.parse(readFileSync(path.join(modelsDir, name, 'config.json'), 'utf8'));
  return { tokenizer, model, config };
}

type Loaded = Awaited<ReturnType<typeof load>>;

// deterministic pseudo-random periods of distinct tokens t0..t{n-1} (the training distribution)
function periods(count: number, nTokens: number, pMin: number, pMax: number, seed = 2024): string[][] {
  let s = seed >>> 0;
  const rnd = () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
  const out: string[][] = [];
  for (let c = 0; c < count; c++) {
    const p = pMin + Math.floor(rnd() * (pMax - pMin + 1));
    const pool = Array.from({ length: nTokens }, (_, i) => i);
    for (let i = pool.length - 1; i > 0; i--) {
      const j = Math.floor(rnd() * (i + 1));
      [pool[i], pool[j]] = [pool[j], pool[i]];
    }
    out.push(pool.slice(0, p).map((i) => `t${i}`));
  }
  return out;
}

/** Prompt = one full period + the first `k` tokens of the repeat; returns the fraction of the
 * remaining period that greedy generation reproduces, token by token. */
async function continuation(m: Loaded, period: string[], k: number) {
  const prompt = [...period, ...period.slice(0, k)].join(' ');
  const inputs = m.tokenizer(prompt);
  const want = period.slice(k);
  const out = (await m.model.generate({ ...inputs, max_new_tokens: want.length, do_sample: false })) as Tensor;
  const promptLen = inputs.input_ids.dims[1];
  const ids = (out.tolist() as bigint[][])[0].slice(promptLen).map(Number);
  const got = m.tokenizer.decode(ids, { skip_special_tokens: true }).split(' ');
  let correct = 0;
  for (let i = 0; i < want.length; i++) if (got[i] === want[i]) correct++;
  return { correct, total: want.length, got, want };
}

describe('tiny-lm fixtures load and generate with @huggingface/transformers', () => {
  let ind: Loaded;
  let rnd: Loaded;

  beforeAll(async () => {
    ind = await load('induction-2l-s1');
    rnd = await load('induction-2l-random');
  }, 60_000);

  it('tokenizes the synthetic vocabulary and prepends <bos>', () => {
    const enc = ind.tokenizer('t0 t5 t63');
    const ids = (enc.input_ids.tolist() as bigint[][])[0].map(Number);
    expect(ids).toEqual([ind.config.bos_token_id, 4, 9, 67]);
    expect(ind.tokenizer.decode(ids, { skip_special_tokens: true })).toBe('t0 t5 t63');
  });

  it('forward pass returns logits [1, T, vocab] and KV-cache outputs', async () => {
    const enc = ind.tokenizer('t1 t2 t3 t4 t5 t6 t7 t8 t1 t2 t3');
    const out = await ind.model(enc);
    expect(out.logits.dims).toEqual([1, 12, ind.config.vocab_size]);
    for (let i = 0; i < ind.config.n_layer; i++) {
      expect(out[`present.${i}.key`].dims).toEqual([1, ind.config.n_head, 12, ind.config.n_embd / ind.config.n_head]);
    }
    const logits = out.logits.data as Float32Array;
    expect(logits.every((x) => Number.isFinite(x))).toBe(true);
  });

  it('padding in a batch does not change the logits of the real tokens', async () => {
    const a = 't10 t11 t12 t13 t14 t15 t16 t17 t18 t10 t11 t12';
    const b = 't20 t21 t22 t23 t24 t20';
    const single = await ind.model(ind.tokenizer(b));
    for (const side of ['right', 'left'] as const) {
      ind.tokenizer.padding_side = side;
      const batch = ind.tokenizer([a, b], { padding: true });
      const out = await ind.model(batch);
      const [, T, V] = out.logits.dims;
      const n = 7; // <bos> + 6 tokens
      const off = side === 'right' ? 0 : T - n;
      const got = (out.logits.data as Float32Array).subarray(V * T + V * off, V * T + V * (off + n));
      const want = single.logits.data as Float32Array;
      let maxDiff = 0;
      for (let i = 0; i < want.length; i++) maxDiff = Math.max(maxDiff, Math.abs(got[i] - want[i]));
      expect(maxDiff, `padding side ${side}`).toBeLessThan(1e-4);
    }
    ind.tokenizer.padding_side = 'right';
  });

  it('greedy generation continues the repeat on the trained induction model', async () => {
    const [pMin, pMax] = ind.config.occam.induction_period_range;
    const n = ind.config.occam.task_info.n_tokens;
    let correct = 0;
    let total = 0;
    for (const period of periods(6, n, pMin, pMax)) {
      const r = await continuation(ind, period, 2);
      correct += r.correct;
      total += r.total;
    }
    expect(correct / total).toBeGreaterThanOrEqual(0.95);
  }, 60_000);

  it('the random-weights model of the same shape does not', async () => {
    const [pMin, pMax] = rnd.config.occam.induction_period_range;
    const n = rnd.config.occam.task_info.n_tokens;
    let correct = 0;
    let total = 0;
    for (const period of periods(6, n, pMin, pMax)) {
      const r = await continuation(rnd, period, 2);
      correct += r.correct;
      total += r.total;
    }
    expect(correct / total).toBeLessThan(0.3);
  }, 60_000);

  it('the character-level text model loads, runs and generates text', async () => {
    const txt = await load('text-2l');
    const enc = txt.tokenizer('This program is free software');
    expect((enc.input_ids.tolist() as bigint[][])[0].length).toBe(1 + 'This program is free software'.length);
    const out = (await txt.model.generate({ ...enc, max_new_tokens: 20, do_sample: false })) as Tensor;
    expect(out.dims).toEqual([1, enc.input_ids.dims[1] + 20]);
    const text = txt.tokenizer.decode((out.tolist() as bigint[][])[0], { skip_special_tokens: true });
    expect(text.startsWith('This program is free software')).toBe(true);
    expect(text.length).toBe('This program is free software'.length + 20);
  }, 60_000);
});
