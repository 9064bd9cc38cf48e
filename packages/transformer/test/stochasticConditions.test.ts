import { mkdirSync, mkdtempSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { OccamError } from '@occam/core';
import { ConditionSchema, loadCondition, loadLmTokenizer, type PromptSet, type Vocabulary } from '@occam/transformer';
import { repoRoot } from './fixtures.js';

// The bundled tiny-lm vocabulary: <pad> <bos> <eos> <unk> = 0–3, t0 … t63 = 4–67, 32 positions.
const modelDir = join(repoRoot, 'data/models/induction-2l-s1');
let vocab: Vocabulary;
const dir = mkdtempSync(join(tmpdir(), 'occam-stochastic-cond-'));
const file = (name: string, text: string) => {
  const p = join(dir, name);
  writeFileSync(p, text);
  return p;
};

beforeAll(async () => {
  const config = JSON.parse(await import('node:fs').then((fs) => fs.readFileSync(join(modelDir, 'config.json'), 'utf8')));
  vocab = { size: 68, tokenizer: await loadLmTokenizer(modelDir, config) };
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

/** |observed − expected| within `z` binomial standard deviations. */
function expectBinomial(successes: number, trials: number, p: number, z = 4.5) {
  const sd = Math.sqrt(trials * p * (1 - p));
  expect(Math.abs(successes - trials * p), `${successes}/${trials} vs p=${p}`).toBeLessThanOrEqual(z * sd + 1e-9);
}

const tokensOf = (set: PromptSet) => set.prompts.map((p) => p.tokens);

describe('stochastic-copy', () => {
  const cond = { kind: 'stochastic-copy', lag: 6, copyProbability: 0.6, length: 31, count: 400, seed: 5 } as const;

  it('has the exact layout: BOS, x_1 … x_n from t0…t63 (ids 4–67), scored from position lag, marker copyStart', async () => {
    const set = await loadCondition(cond, vocab);
    expect(vocab.tokenizer.contextLength).toBe(32);
    expect(set.prompts).toHaveLength(400);
    expect(set.markers).toEqual({ copyStart: 7 });
    expect(set.metadata).toMatchObject({ lag: 6, copyProbability: 0.6, length: 31, poolSize: 64 });
    for (const p of set.prompts) {
      expect(p.tokens).toHaveLength(32);
      expect(p.tokens[0]).toBe(1);
      for (const t of p.tokens.slice(1)) expect(t >= 4 && t <= 67).toBe(true);
      // t + 1 > L: positions 6 … 31 (position 6's next token x_7 is the first that can be a copy)
      expect(p.scored).toEqual(Array.from({ length: 26 }, (_, k) => 6 + k));
    }
  });

  it('copies with probability p (binomial tolerance), never equals the lagged token otherwise, and is uniform elsewhere', async () => {
    for (const p of [0.6, 0.1, 0.95]) {
      const set = await loadCondition({ ...cond, copyProbability: p, count: 500, seed: 11 }, vocab);
      let copies = 0;
      let draws = 0;
      // non-copy tokens: uniform over the 63 tokens other than the lagged one; count by offset from it
      const offsetCounts = new Array(64).fill(0);
      const firstCounts = new Array(64).fill(0);
      for (const q of set.prompts) {
        const x = q.tokens.slice(1);
        for (let i = 0; i < 6; i++) firstCounts[x[i] - 4]++;
        for (let i = 6; i < x.length; i++) {
          draws++;
          if (x[i] === x[i - 6]) copies++;
          else offsetCounts[(x[i] - x[i - 6] + 64) % 64]++;
        }
      }
      expectBinomial(copies, draws, p);
      expect(set.metadata.copies).toBe(copies); // exclusion makes "equal to the lagged token" the same as "copied"
      expect(offsetCounts[0]).toBe(0);
      const nonCopies = draws - copies;
      for (let k = 1; k < 64; k++) expectBinomial(offsetCounts[k], nonCopies, 1 / 63);
      for (let k = 0; k < 64; k++) expectBinomial(firstCounts[k], 500 * 6, 1 / 64);
    }
  });

  it('is determined by its seed', async () => {
    const a = await loadCondition(cond, vocab);
    const b = await loadCondition(cond, vocab);
    const c = await loadCondition({ ...cond, seed: 6 }, vocab);
    expect(tokensOf(a)).toEqual(tokensOf(b));
    expect(tokensOf(c)).not.toEqual(tokensOf(a));
  });

  it('handles p = 0 and p = 1 exactly, a named token pool, and no BOS', async () => {
    const never = await loadCondition({ ...cond, copyProbability: 0, count: 50 }, vocab);
    for (const q of never.prompts) for (let t = 7; t < 32; t++) expect(q.tokens[t]).not.toBe(q.tokens[t - 6]);
    const always = await loadCondition({ ...cond, copyProbability: 1, count: 50 }, vocab);
    for (const q of always.prompts) for (let t = 7; t < 32; t++) expect(q.tokens[t]).toBe(q.tokens[t - 6]);
    const two = await loadCondition({ ...cond, tokens: ['t3', 't9'], copyProbability: 0, count: 20, lag: 1 }, vocab);
    // with two tokens and no copies, the sequence alternates
    for (const q of two.prompts) for (let t = 2; t < 32; t++) expect(q.tokens[t]).not.toBe(q.tokens[t - 1]);
    const plain = await loadCondition({ ...cond, bos: false, count: 5 }, vocab);
    expect(plain.markers.copyStart).toBe(6);
    expect(plain.prompts[0].scored![0]).toBe(5);
    expect(plain.prompts[0].tokens).toHaveLength(31);
  });

  it('rejects a length that leaves nothing to copy and a one-token pool, naming the field', async () => {
    expect((await errorOf(loadCondition({ ...cond, length: 6 }, vocab))).message).toMatch(/length 6 must exceed lag 6/);
    expect((await errorOf(loadCondition({ ...cond, tokens: ['t1', 't1'] }, vocab))).message).toMatch(/at least 2 distinct tokens/);
  });

  it('rejects prompts longer than the context before any forward pass, naming the condition file, the prompt and the limit', async () => {
    const p = file('too-long.condition.json', JSON.stringify({ ...cond, length: 32 }));
    const e = await errorOf(loadCondition(p, vocab));
    expect(e.message).toBe(
      `${p}: prompt 0 (id sc-0): the prompt has 33 tokens (BOS included), more than the model's context of 32 positions; make the condition's prompts at most 32 tokens (its length, period × repeats, template or windowTokens)`,
    );
  });
});

describe('periodic-corrupted', () => {
  const cond = { kind: 'periodic-corrupted', period: 5, length: 31, corruptionRate: 0.2, count: 400, seed: 3 } as const;

  it('repeats a period-P pattern, corrupts after the first period at rate q with a different token, scores from the second period', async () => {
    const set = await loadCondition(cond, vocab);
    expect(set.markers).toEqual({ repeatStart: 6 });
    let corrupted = 0;
    let draws = 0;
    for (const q of set.prompts) {
      const x = q.tokens.slice(1);
      expect(x).toHaveLength(31);
      const pattern = x.slice(0, 5);
      for (let i = 5; i < 31; i++) {
        draws++;
        if (x[i] !== pattern[i % 5]) corrupted++;
      }
      expect(q.scored).toEqual(Array.from({ length: 27 }, (_, k) => 5 + k));
    }
    expectBinomial(corrupted, draws, 0.2);
    expect(set.metadata.corrupted).toBe(corrupted);
    const again = await loadCondition(cond, vocab);
    expect(tokensOf(again)).toEqual(tokensOf(set));
    expect(tokensOf(await loadCondition({ ...cond, seed: 4 }, vocab))).not.toEqual(tokensOf(set));
  });

  it('q = 0 is a clean repetition; distinct patterns have distinct tokens', async () => {
    const clean = await loadCondition({ ...cond, corruptionRate: 0, distinct: true, count: 30 }, vocab);
    for (const q of clean.prompts) {
      expect(new Set(q.tokens.slice(1, 6)).size).toBe(5);
      for (let t = 6; t < 32; t++) expect(q.tokens[t]).toBe(q.tokens[t - 5]);
    }
    expect((await errorOf(loadCondition({ ...cond, length: 5 }, vocab))).message).toMatch(/length 5 must exceed period 5/);
  });
});

describe('mixture', () => {
  const mixture = {
    kind: 'mixture',
    count: 600,
    seed: 9,
    components: [
      { label: 'copy', weight: 3, condition: { kind: 'stochastic-copy', lag: 4, copyProbability: 0.5, length: 20 } },
      { label: 'periodic', weight: 1, condition: { kind: 'periodic-corrupted', period: 4, length: 20, corruptionRate: 0.1 } },
    ],
  } as const;

  it('draws each prompt from a component at its weight (binomial tolerance), keeps labels, ids and seeds', async () => {
    const set = await loadCondition(mixture, vocab);
    expect(set.prompts).toHaveLength(600);
    const labels = set.prompts.map((p) => p.label);
    const nCopy = labels.filter((l) => l === 'copy').length;
    expectBinomial(nCopy, 600, 0.75);
    expect(labels.filter((l) => l === 'periodic').length).toBe(600 - nCopy);
    for (const p of set.prompts) expect(p.id.startsWith(`${p.label}/`)).toBe(true);
    expect(new Set(set.prompts.map((p) => p.id)).size).toBe(600);
    expect(set.metadata.components).toMatchObject([
      { label: 'copy', kind: 'stochastic-copy', prompts: nCopy },
      { label: 'periodic', kind: 'periodic-corrupted', prompts: 600 - nCopy },
    ]);
    // each component keeps its own structure
    for (const p of set.prompts.filter((q) => q.label === 'periodic')) {
      let diff = 0;
      for (let t = 5; t < 21; t++) if (p.tokens[t] !== p.tokens[t - 4]) diff++;
      expect(diff).toBeLessThan(16);
    }
    expect(tokensOf(await loadCondition(mixture, vocab))).toEqual(tokensOf(set));
    const other = await loadCondition({ ...mixture, seed: 10 }, vocab);
    expect(other.prompts.map((p) => p.label)).not.toEqual(labels);
  });

  it('two components of one kind without seeds do not repeat each other', async () => {
    const same = { kind: 'stochastic-copy', lag: 3, copyProbability: 0.5, length: 12 } as const;
    const set = await loadCondition(
      {
        kind: 'mixture',
        count: 40,
        components: [
          { label: 'a', weight: 1, condition: same },
          { label: 'b', weight: 1, condition: same },
        ],
      },
      vocab,
    );
    const a = set.prompts.filter((p) => p.label === 'a').map((p) => p.tokens.join(','));
    const b = new Set(set.prompts.filter((p) => p.label === 'b').map((p) => p.tokens.join(',')));
    expect(a.some((t) => b.has(t))).toBe(false);
  });

  it('takes a jsonl component in file order and says when it runs short; rejects count in a component and duplicate labels', async () => {
    file('few.jsonl', '{"tokens": [1, 4, 5]}\n{"tokens": [1, 6, 7]}\n');
    const p = file(
      'mix-short.condition.json',
      JSON.stringify({ kind: 'mixture', count: 20, components: [{ label: 'file', weight: 1, condition: { kind: 'jsonl', path: 'few.jsonl' } }] }),
    );
    expect((await errorOf(loadCondition(p, vocab))).message).toMatch(/component 'file' \(components\.0\.condition\) gives 2 prompts, but the mixture drew 20/);
    const ok = await loadCondition(
      { kind: 'mixture', count: 2, components: [{ label: 'file', weight: 1, condition: { kind: 'jsonl', path: join(dir, 'few.jsonl') } }] },
      vocab,
    );
    expect(ok.prompts.map((q) => q.tokens)).toEqual([
      [1, 4, 5],
      [1, 6, 7],
    ]);
    expect(ok.prompts[1].source).toEqual({ file: join(dir, 'few.jsonl'), line: 2 });
    const withCount = { kind: 'mixture', count: 2, components: [{ label: 'x', weight: 1, condition: { ...mixture.components[0].condition, count: 5 } }] };
    expect(ConditionSchema.safeParse(withCount).success).toBe(false);
    const dup = { kind: 'mixture', count: 2, components: [mixture.components[0], { ...mixture.components[1], label: 'copy' }] };
    expect(ConditionSchema.safeParse(dup).error?.issues[0].message).toBe('component labels must be unique');
  });
});

describe('template word lists and condition-relative paths', () => {
  it('fills slots from word-list files next to the condition (seeded), one value per line', async () => {
    mkdirSync(join(dir, 'lists'), { recursive: true });
    file('lists/a.txt', 't1\r\nt2\n\nt3\n');
    const p = file(
      'tpl.condition.json',
      JSON.stringify({ kind: 'template', template: '{A} t9 {B} {A}', slots: { A: { file: 'lists/a.txt' }, B: ['t10', 't11'] }, count: 300, seed: 2 }),
    );
    const set = await loadCondition(p, vocab);
    const counts = new Map<number, number>();
    for (const q of set.prompts) {
      expect(q.tokens).toHaveLength(5);
      expect(q.tokens[1]).toBe(q.tokens[4]);
      counts.set(q.tokens[1], (counts.get(q.tokens[1]) ?? 0) + 1);
    }
    expect([...counts.keys()].sort()).toEqual([5, 6, 7]);
    for (const n of counts.values()) expectBinomial(n, 300, 1 / 3);
    expect(set.metadata.wordLists).toEqual({ A: { file: 'lists/a.txt', values: 3 } });
    expect(tokensOf(await loadCondition(p, vocab))).toEqual(tokensOf(set));
  });

  it('refuses paths that leave the condition folder (also through a link), missing or non-regular files, empty lists', async () => {
    const inner = join(dir, 'inner');
    mkdirSync(inner, { recursive: true });
    file('outside.txt', 't1\n');
    const esc = file('inner/esc.condition.json', JSON.stringify({ kind: 'template', template: '{A}', slots: { A: { file: '../outside.txt' } }, count: 1 }));
    expect((await errorOf(loadCondition(esc, vocab))).message).toMatch(
      /esc\.condition\.json: slots\.A\.file '\.\.\/outside\.txt' resolves to .*outside the condition file's folder/,
    );
    symlinkSync(join(dir, 'outside.txt'), join(inner, 'link.txt'));
    const link = file('inner/link.condition.json', JSON.stringify({ kind: 'jsonl', path: 'link.txt' }));
    expect((await errorOf(loadCondition(link, vocab))).message).toMatch(/path 'link\.txt' resolves to .*outside the condition file's folder/);
    const missing = file('inner/missing.condition.json', JSON.stringify({ kind: 'template', template: '{A}', slots: { A: { file: 'nope.txt' } }, count: 1 }));
    expect((await errorOf(loadCondition(missing, vocab))).message).toMatch(
      /nope\.txt: word list for slot \{A\} not found \(slots\.A\.file in .*missing\.condition\.json\)/,
    );
    const folder = file('inner/folder.condition.json', JSON.stringify({ kind: 'jsonl', path: '.' }));
    expect((await errorOf(loadCondition(folder, vocab))).message).toMatch(/prompts file must be a regular file, got a folder/);
    file('inner/blank.txt', '\n \n');
    const blank = file('inner/blank.condition.json', JSON.stringify({ kind: 'template', template: '{A}', slots: { A: { file: 'blank.txt' } }, count: 1 }));
    expect((await errorOf(loadCondition(blank, vocab))).message).toMatch(/blank\.txt: word list for slot \{A\} has no values/);
    // inside a mixture, the message names the component's field
    const inMix = file(
      'inner/mix.condition.json',
      JSON.stringify({
        kind: 'mixture',
        count: 2,
        components: [{ label: 'x', weight: 1, condition: { kind: 'template', template: '{A}', slots: { A: { file: '../outside.txt' } } } }],
      }),
    );
    expect((await errorOf(loadCondition(inMix, vocab))).message).toMatch(
      /mix\.condition\.json: components\.0\.condition\.slots\.A\.file '\.\.\/outside\.txt' resolves to/,
    );
    // a condition given as an object resolves against, and stays inside, the working folder
    expect((await errorOf(loadCondition({ kind: 'jsonl', path: '../../x.jsonl' }, vocab))).message).toMatch(
      /^condition: path '\.\.\/\.\.\/x\.jsonl' resolves to .*, outside the working folder /,
    );
    // an absolute path is the user's explicit choice
    const abs = file(
      'inner/abs.condition.json',
      JSON.stringify({ kind: 'template', template: '{A}', slots: { A: { file: join(dir, 'outside.txt') } }, count: 1 }),
    );
    expect((await loadCondition(abs, vocab)).prompts[0].tokens).toEqual([1, 5]);
  });

  it('names the file and line of empty, over-long and out-of-vocabulary JSONL prompts', async () => {
    const empty = file('empty.jsonl', '{"text": "t1"}\n{"text": "  "}\n');
    expect((await errorOf(loadCondition(empty, vocab))).message).toBe(`${empty}:2: "text" is empty; give the prompt's text, or remove the line`);
    const long = file('long.jsonl', '{"text": "t1"}\n' + JSON.stringify({ tokens: Array.from({ length: 40 }, () => 5) }) + '\n');
    const e = await errorOf(loadCondition(long, vocab));
    expect(e.message).toMatch(new RegExp(`^${long}:2: the prompt has 40 tokens, more than the model's context of 32 positions`));
    expect(e.where).toMatchObject({ file: long, line: 2 });
    const unk = file('unk.jsonl', '{"text": "t1 <unk> t2"}\n{"text": "t1 hello t2 world"}\n');
    expect((await errorOf(loadCondition(unk, vocab))).message).toBe(
      `${unk}:2: 'hello', 'world' are not in the model's vocabulary (the tokenizer maps them to its unknown token); use words of the vocabulary, or give "tokens"`,
    );
    const tpl = file('unk.condition.json', JSON.stringify({ kind: 'template', template: '{A} t1', slots: { A: ['Paris'] }, count: 2 }));
    expect((await errorOf(loadCondition(tpl, vocab))).message).toMatch(
      /unk\.condition\.json: template: prompt 0 \("Paris t1"\): 'Paris' is not in the model's vocabulary/,
    );
    const dupe = file('dupe.jsonl', '{"text": "t1", "id": "a"}\n{"text": "t2", "id": "a"}\n');
    expect((await errorOf(loadCondition(dupe, vocab))).message).toMatch(/dupe\.jsonl:2: id "a" was already used on line 1/);
  });
});

describe('condition limits', () => {
  it('refuses a count that would make more tokens than the limit before generating, and a file over the size limit before reading', async () => {
    const t0 = Date.now();
    const e = await errorOf(loadCondition({ kind: 'stochastic-copy', lag: 2, copyProbability: 0.5, length: 20, count: 1e9 }, vocab));
    expect(e.message).toBe(
      'condition: 1000000000 prompts × 21 tokens is more than the 1000000 prompt tokens allowed in one condition (raise it with OCCAM_MAX_PROMPT_TOKENS, or lower count)',
    );
    expect(
      (
        await errorOf(
          loadCondition({ kind: 'mixture', count: 2e9, components: [{ label: 'a', weight: 1, condition: { kind: 'repeated-random', period: 3 } }] }, vocab),
        )
      ).message,
    ).toMatch(/2000000000 prompts is more than/);
    expect(Date.now() - t0).toBeLessThan(1000);
    const big = file('big.jsonl', '');
    const { truncateSync } = await import('node:fs');
    truncateSync(big, 5 * 1024 ** 2);
    expect((await errorOf(loadCondition(big, vocab))).message).toBe(
      `${big}: prompts file is ${5 * 1024 ** 2} bytes, over the 4 MiB limit for condition inputs (raise it with OCCAM_MAX_PROMPT_FILE_BYTES)`,
    );
  });

  it('takes raised limits from the environment and rejects a malformed one', async () => {
    process.env.OCCAM_MAX_PROMPT_TOKENS = '100';
    try {
      expect((await errorOf(loadCondition({ kind: 'repeated-random', period: 5, count: 10 }, vocab))).message).toMatch(
        /10 prompts × 11 tokens is more than the 100 prompt tokens/,
      );
      const p = file('tokens.jsonl', Array.from({ length: 30 }, () => '{"tokens": [1, 5, 6, 7]}').join('\n'));
      expect((await errorOf(loadCondition(p, vocab))).message).toBe(
        `${p}: the prompts have 120 tokens, more than the 100 allowed in one condition (raise it with OCCAM_MAX_PROMPT_TOKENS, or use fewer prompts)`,
      );
      process.env.OCCAM_MAX_PROMPT_TOKENS = '1e6';
      expect((await errorOf(loadCondition({ kind: 'repeated-random', period: 5, count: 10 }, vocab))).message).toMatch(
        /OCCAM_MAX_PROMPT_TOKENS="1e6" is not a valid limit/,
      );
    } finally {
      delete process.env.OCCAM_MAX_PROMPT_TOKENS;
    }
  });
});
