// The stochastic copy fixtures (data/models/copy-l6-*) run through occam's own LanguageModel on sequences
// generated here, independently of the Python sampler that trained them: the trained model's greedy accuracy
// on the scored positions must be the copy rate p (it predicts the copy everywhere), the random-weights
// control's must be chance, and the checkpoints must span the rise between the two.
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LanguageModel, padBatch } from '@occam/transformer';

const modelsDir = resolve(fileURLToPath(new URL('../../../data/models', import.meta.url)));
const present = ['copy-l6-s1', 'copy-l6-random'].every((n) => existsSync(join(modelsDir, n, 'config.json')));

interface CopyTaskInfo {
  task: string;
  n_tokens: number;
  seq_len: number;
  lag: number;
  copy_prob: number;
}

function taskInfo(name: string): CopyTaskInfo {
  return JSON.parse(readFileSync(join(modelsDir, name, 'config.json'), 'utf8')).occam.task_info;
}

/** mulberry32: a small seeded generator, so the prompts are the same on every run. */
function seeded(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 2 ** 32;
  };
}

/**
 * The stochastic-copy task, written from its definition: x_1..x_L uniform over t0..t{n-1}; for i > L,
 * x_i = x_{i-L} with probability p, else uniform over the other n-1 tokens. Returns token strings
 * (seq_len - 1 of them; the tokenizer prepends <bos>).
 */
function copySequences(info: CopyTaskInfo, count: number, seed: number): string[][] {
  const rnd = seeded(seed);
  const n = info.n_tokens;
  const out: string[][] = [];
  for (let s = 0; s < count; s++) {
    const x: number[] = [];
    for (let i = 0; i < info.seq_len - 1; i++) {
      if (i < info.lag) {
        x.push(Math.floor(rnd() * n));
        continue;
      }
      const src = x[i - info.lag];
      if (rnd() < info.copy_prob) x.push(src);
      else {
        const other = Math.floor(rnd() * (n - 1));
        x.push(other >= src ? other + 1 : other);
      }
    }
    out.push(x.map((k) => `t${k}`));
  }
  return out;
}

interface CopyScore {
  /** greedy next-token accuracy over every scored position t >= lag (position 0 = <bos>) */
  scoredAcc: number;
  /** fraction of scored positions whose greedy prediction is the copy source x_{t+1-lag} */
  copyPredRate: number;
  /** fraction of scored targets where the copy happened in these sequences (the ceiling of scoredAcc) */
  copyRate: number;
  nScored: number;
  /** mean layer-0 attention of scored queries on the copy source position t-(lag-1), per head */
  sourceAttention: number[];
}

async function score(model: LanguageModel, info: CopyTaskInfo, sequences: string[][]): Promise<CopyScore> {
  const ids = sequences.map((s) => model.tokenizer.encode(s.join(' ')));
  const batch = padBatch(ids, 'right', model.padId);
  const { logits, hooks } = await model.run(batch, ['blocks.0.attn.hook_pattern']);
  const pattern = hooks.get('blocks.0.attn.hook_pattern')!;
  const [B, T, V] = logits.dims;
  const H = pattern.dims[1];
  const lag = info.lag;
  let correct = 0;
  let copyPred = 0;
  let copied = 0;
  let nScored = 0;
  const attention = new Array<number>(H).fill(0);
  for (let b = 0; b < B; b++) {
    for (let t = lag; t < T - 1; t++) {
      const row = (b * T + t) * V;
      let best = 0;
      for (let v = 1; v < V; v++) if (logits.data[row + v] > logits.data[row + best]) best = v;
      const target = batch.ids[b * T + t + 1];
      const source = batch.ids[b * T + t + 1 - lag];
      if (best === target) correct++;
      if (best === source) copyPred++;
      if (target === source) copied++;
      for (let h = 0; h < H; h++) attention[h] += pattern.data[((b * H + h) * T + t) * T + (t - (lag - 1))];
      nScored++;
    }
  }
  return {
    scoredAcc: correct / nScored,
    copyPredRate: copyPred / nScored,
    copyRate: copied / nScored,
    nScored,
    sourceAttention: attention.map((a) => a / nScored),
  };
}

/** Four binomial standard errors of a rate q measured on n positions: the sampling noise allowed. */
const noise = (q: number, n: number) => 4 * Math.sqrt((q * (1 - q)) / n);

const SEQUENCES = 200;
const SEED = 20261202;

const title = 'stochastic copy fixtures (data/models/copy-l6-*) under @occam/transformer';
describe.skipIf(!present)(
  present ? title : `${title} — SKIPPED: data/models/copy-l6-s1 or copy-l6-random is missing (tools/tiny-lm/make_fixtures.sh RUNS copy makes them)`,
  () => {
    const models = new Map<string, LanguageModel>();
    const info = present ? taskInfo('copy-l6-s1') : (null as unknown as CopyTaskInfo);
    const sequences = present ? copySequences(info, SEQUENCES, SEED) : [];
    const load = async (name: string) => {
      const m = await LanguageModel.load(join(modelsDir, name), { threads: 1 });
      models.set(name, m);
      return m;
    };
    afterAll(async () => {
      for (const m of models.values()) await m.dispose();
    });

    let trained: CopyScore;
    let control: CopyScore;
    beforeAll(async () => {
      trained = await score(await load('copy-l6-s1'), info, sequences);
      control = await score(await load('copy-l6-random'), info, sequences);
    });

    it('describes the task it was trained on (lag 6, p 0.6, t0..t63, 32 positions with <bos>)', () => {
      expect(info).toMatchObject({ task: 'copy', lag: 6, copy_prob: 0.6, n_tokens: 64, seq_len: 32 });
      expect(taskInfo('copy-l6-random')).toMatchObject({ task: 'copy', lag: 6, copy_prob: 0.6 });
      const m = models.get('copy-l6-s1')!;
      expect(m.tokenizer.encode('t0 t5 t63')).toEqual([1, 4, 9, 67]);
    });

    it('the trained model predicts the copy at every scored position: accuracy = the copy rate ≈ p', () => {
      expect(trained.nScored).toBe(SEQUENCES * (info.seq_len - 1 - info.lag));
      // the generator here draws copies at rate p
      expect(Math.abs(trained.copyRate - info.copy_prob)).toBeLessThan(noise(info.copy_prob, trained.nScored));
      expect(trained.copyPredRate).toBeGreaterThan(0.98);
      expect(Math.abs(trained.scoredAcc - info.copy_prob)).toBeLessThan(noise(info.copy_prob, trained.nScored) + 0.02);
      // a non-copied target is never the source, so only guessing away from the copy could beat the copy rate
      expect(trained.scoredAcc).toBeLessThanOrEqual(trained.copyRate + 1e-12);
    });

    it('the random-weights control is at chance (1/64) on the same positions', () => {
      const chance = 1 / info.n_tokens;
      expect(Math.abs(control.scoredAcc - chance)).toBeLessThan(noise(chance, control.nScored) + 0.01);
      expect(control.copyPredRate).toBeLessThan(0.05);
    });

    it('layer 0 of the trained model attends to the copy source t-(lag-1); the control does not', () => {
      expect(Math.max(...trained.sourceAttention)).toBeGreaterThan(0.8);
      // uniform causal attention over ~20 keys would put ~0.05 on any one of them
      expect(Math.max(...control.sourceAttention)).toBeLessThan(0.2);
    });

    it('the checkpoints go from chance to the copy rule, and the last one is copy-l6-s1', async () => {
      const stepsDir = join(modelsDir, 'copy-l6-s1-steps');
      const steps = ['000000', '000100', '000120', '000140', '000160', '000180', '000200', '000400', '001000'];
      const rates: number[] = [];
      for (const s of steps) {
        const name = `copy-l6-s1-steps/step-${s}`;
        const config = JSON.parse(readFileSync(join(stepsDir, `step-${s}`, 'config.json'), 'utf8'));
        expect(config.occam.step).toBe(Number(s));
        rates.push((await score(await load(name), info, sequences)).copyPredRate);
      }
      expect(rates[0]).toBeLessThan(0.05);
      expect(rates[rates.length - 1]).toBe(trained.copyPredRate);
      // the rise is covered: some checkpoints sit part-way, and the curve does not fall back by more than noise
      expect(rates.filter((r) => r > 0.1 && r < 0.9).length).toBeGreaterThanOrEqual(2);
      for (let i = 1; i < rates.length; i++) expect(rates[i]).toBeGreaterThan(rates[i - 1] - 0.02);
    });
  },
);
