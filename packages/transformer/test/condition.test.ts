import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { OccamError } from '@occam/core';
import { loadCondition, loadLmTokenizer, readJsonlPrompts, scoredMask, type Vocabulary } from '@occam/transformer';
import { tinyLlama } from './fixtures.js';

let vocab: Vocabulary;
const dir = mkdtempSync(join(tmpdir(), 'occam-transformer-cond-'));
const file = (name: string, text: string) => {
  const p = join(dir, name);
  writeFileSync(p, text);
  return p;
};

beforeAll(async () => {
  vocab = { size: 24, tokenizer: await loadLmTokenizer(tinyLlama, {}) };
});

async function errorOf(p: Promise<unknown>): Promise<OccamError> {
  try {
    await p;
  } catch (e) {
    expect(e).toBeInstanceOf(OccamError);
    return e as OccamError;
  }
  throw new Error('expected an OccamError');
}

describe('JSONL prompt sets', () => {
  it('reads text and token lines, skips blank lines, keeps scored positions', async () => {
    const p = file('ok.jsonl', '{"text": "w1 w2 w3"}\n\n{"tokens": [1, 5, 6, 7], "scored": [2, 3], "id": "mine"}\n');
    const set = await readJsonlPrompts(p, vocab, true);
    expect(set.prompts).toHaveLength(2);
    expect(set.prompts[0]).toMatchObject({ id: 'line-1', tokens: [1, 5, 6, 7], scored: null });
    expect(set.prompts[1]).toMatchObject({ id: 'mine', tokens: [1, 5, 6, 7], scored: [2, 3] });
    expect(Array.from(scoredMask(set.prompts[0]))).toEqual([0, 1, 1, 1]);
  });

  it('names the file and line of invalid JSON', async () => {
    const p = file('bad-json.jsonl', '{"text": "w1"}\n{"text": "w2"}\n{"text": oops}\n');
    const e = await errorOf(readJsonlPrompts(p, vocab, true));
    expect(e.message).toContain(`${p}:3: not valid JSON`);
    expect(e.where).toMatchObject({ file: p, line: 3 });
  });

  it('names the line of a record with neither text nor tokens', async () => {
    const p = file('bad-shape.jsonl', '{"text": "w1"}\n{"prompt": "w2"}\n');
    const e = await errorOf(readJsonlPrompts(p, vocab, true));
    expect(e.message).toMatch(new RegExp(`${p}:2: .*exactly one of "text"`));
    expect(e.where?.line).toBe(2);
  });

  it('names the line of a wrongly typed field and of an out-of-vocabulary token', async () => {
    const typed = file('bad-type.jsonl', '{"tokens": [1, "x"]}\n');
    expect((await errorOf(readJsonlPrompts(typed, vocab, true))).message).toMatch(new RegExp(`${typed}:1: tokens\\.1: `));
    const oov = file('oov.jsonl', '{"text": "w1"}\n{"tokens": [1, 99]}\n');
    expect((await errorOf(readJsonlPrompts(oov, vocab, true))).message).toBe(`${oov}:2: token id 99 is outside the vocabulary (size 24)`);
    const scored = file('scored.jsonl', '{"tokens": [1, 5], "scored": [4]}\n');
    expect((await errorOf(readJsonlPrompts(scored, vocab, true))).message).toContain(`${scored}:1: scored position 4`);
  });

  it('a .jsonl path works as a condition', async () => {
    const p = file('cond.jsonl', '{"text": "w4 w5"}\n');
    const set = await loadCondition(p, vocab);
    expect(set.prompts[0].tokens).toEqual([1, 8, 9]);
  });
});

describe('repeated-random', () => {
  it('is BOS + a seeded random period repeated, scored on the repeated half, with repeatStart', async () => {
    const set = await loadCondition({ kind: 'repeated-random', period: 6, count: 20, seed: 3 }, vocab);
    expect(set.markers).toEqual({ repeatStart: 7 });
    expect(set.metadata).toMatchObject({ period: 6, seed: 3, poolSize: 20 });
    for (const p of set.prompts) {
      expect(p.tokens).toHaveLength(13);
      expect(p.tokens[0]).toBe(1);
      for (let t = 7; t < 13; t++) expect(p.tokens[t]).toBe(p.tokens[t - 6]);
      for (let t = 1; t < 13; t++) expect(vocab.tokenizer.specialIds.has(p.tokens[t])).toBe(false);
      expect(p.scored).toEqual([7, 8, 9, 10, 11, 12]);
      // no token follows itself, also across the copy boundary
      for (let t = 2; t < 13; t++) expect(p.tokens[t]).not.toBe(p.tokens[t - 1]);
    }
    const again = await loadCondition({ kind: 'repeated-random', period: 6, count: 20, seed: 3 }, vocab);
    expect(again.prompts.map((p) => p.tokens)).toEqual(set.prompts.map((p) => p.tokens));
    const other = await loadCondition({ kind: 'repeated-random', period: 6, count: 20, seed: 4 }, vocab);
    expect(other.prompts.map((p) => p.tokens)).not.toEqual(set.prompts.map((p) => p.tokens));
  });

  it('draws distinct tokens when asked, and from a named pool', async () => {
    const set = await loadCondition({ kind: 'repeated-random', period: 8, count: 10, distinct: true, repeats: 3, bos: false }, vocab);
    for (const p of set.prompts) {
      expect(p.tokens).toHaveLength(24);
      expect(new Set(p.tokens.slice(0, 8)).size).toBe(8);
    }
    expect(set.markers.repeatStart).toBe(8);
    const pool = await loadCondition({ kind: 'repeated-random', period: 4, count: 5, tokens: ['w0', 'w1', 'w2'] }, vocab);
    for (const p of pool.prompts) for (const t of p.tokens.slice(1)) expect([4, 5, 6]).toContain(t);
    const e = await errorOf(loadCondition({ kind: 'repeated-random', period: 4, count: 1, tokens: ['w0', 'nope'] }, vocab));
    expect(e.message).toContain("'nope' is not a single token");
  });

  it('rejects an invalid condition file naming the field', async () => {
    const p = file('cond.json', JSON.stringify({ kind: 'repeated-random', period: 0, count: 3 }));
    const e = await errorOf(loadCondition(p, vocab));
    expect(e.message).toContain(`${p}: invalid content`);
    expect(e.message).toContain('period');
  });
});

describe('template and natural-text conditions', () => {
  it('fills slots with seeded draws, the same slot with the same value', async () => {
    const set = await loadCondition(
      { kind: 'template', template: '{A} w9 {B} w9 {A}', slots: { A: ['w1', 'w2'], B: ['w3', 'w4', 'w5'] }, count: 12, seed: 1 },
      vocab,
    );
    expect(set.prompts).toHaveLength(12);
    for (const p of set.prompts) {
      expect(p.tokens).toHaveLength(6);
      expect(p.tokens[1]).toBe(p.tokens[5]);
    }
    const e = await errorOf(loadCondition({ kind: 'template', template: '{A} {C}', slots: { A: ['w1'] }, count: 1 }, vocab));
    expect(e.message).toContain('{C}');
  });

  it('cuts a text file into windows of the given length (relative to the condition file)', async () => {
    file('corpus.txt', Array.from({ length: 40 }, (_, i) => `w${i % 20}`).join(' '));
    const p = file('text.json', JSON.stringify({ kind: 'natural-text', path: 'corpus.txt', windowTokens: 8 }));
    const set = await loadCondition(p, vocab);
    expect(set.prompts).toHaveLength(5); // 40 tokens / 7 per window
    for (const q of set.prompts) expect(q.tokens).toHaveLength(8);
    const some = await loadCondition({ kind: 'natural-text', path: join(dir, 'corpus.txt'), windowTokens: 8, count: 3, seed: 2 }, vocab);
    expect(some.prompts).toHaveLength(3);
  });
});
