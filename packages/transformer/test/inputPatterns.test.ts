import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fitReducedModel, mulberry32 } from '@occam/core';
import {
  answerTokens,
  extractDataset,
  inputPatternAtoms,
  inputPatternColumns,
  LanguageModel,
  loadCondition,
  resolveBehaviour,
  resolveInputPatterns,
  type LmTokenizer,
  type ResolvedInputPatterns,
} from '@occam/transformer';
import { needs, tinyLlama, tinyLm } from './fixtures.js';

const dir = mkdtempSync(join(tmpdir(), 'occam-input-patterns-'));

/** A tokenizer stand-in for pure tests: ids are their own names. */
const idTokenizer = { tokenId: (s: string) => (/^t\d+$/.test(s) ? Number(s.slice(1)) : null), bosId: 1 } as unknown as LmTokenizer;
const nextToken = resolveBehaviour({ kind: 'next-token-correct' }, idTokenizer, 100);

function patterns(over: Partial<ResolvedInputPatterns> = {}): ResolvedInputPatterns {
  return {
    maxOffset: 4,
    features: ['matches-next', 'matches-current', 'occurred-before', 'is-bos', 'position'],
    bosId: 1,
    delimiters: new Set(),
    classNames: [],
    classOf: new Map(),
    ...over,
  };
}

/** Column of feature `f` at offset k, from inputPatternColumns. */
function column(p: ResolvedInputPatterns, tokens: number[], id: string): Float32Array {
  const cols = inputPatternColumns(p, tokens, answerTokens(nextToken, tokens));
  const atoms = inputPatternAtoms(p);
  const i = atoms.findIndex((a) => a.id === id);
  if (i < 0) throw new Error(`no atom ${id} among ${atoms.map((a) => a.id).join(', ')}`);
  return cols[i];
}

describe('input-pattern features (from the prompt alone)', () => {
  it('each feature per offset, evaluated at position t; offsets before the prompt start give 0', () => {
    //              0  1  2  3  4  5  6
    const tokens = [1, 7, 8, 9, 7, 8, 5];
    const p = patterns({
      features: ['matches-next', 'matches-current', 'occurred-before', 'is-bos', 'is-delimiter', 'token-class', 'position'],
      delimiters: new Set([9]),
      classNames: ['even', 'odd'],
      classOf: new Map([
        [8, 0],
        [7, 1],
        [9, 1],
      ]),
    });
    const col = (id: string) => Array.from(column(p, tokens, id));
    // matches-next k: tokens[t−k] === tokens[t+1]; t = 3 (9): next 7 = tokens[1] → k = 2; t = 4 (7): next 8 = tokens[2] → k = 2
    expect(col('input.matches-next.2')).toEqual([0, 0, 0, 1, 1, 0, 0]);
    expect(col('input.matches-next.0')).toEqual([0, 0, 0, 0, 0, 0, 0]);
    // matches-current k: tokens[t−k] === tokens[t] (from k = 1 on)
    expect(col('input.matches-current.3')).toEqual([0, 0, 0, 0, 1, 1, 0]);
    expect(inputPatternAtoms(p).some((a) => a.id === 'input.matches-current.0')).toBe(false);
    // occurred-before k: tokens[t−k] occurred before t−k (positions 4 and 5 hold repeats)
    expect(col('input.occurred-before.0')).toEqual([0, 0, 0, 0, 1, 1, 0]);
    expect(col('input.occurred-before.1')).toEqual([0, 0, 0, 0, 0, 1, 1]);
    expect(col('input.is-bos.2')).toEqual([0, 0, 1, 0, 0, 0, 0]);
    expect(col('input.is-delimiter.1')).toEqual([0, 0, 0, 0, 1, 0, 0]);
    expect(col('input.token-class:odd.0')).toEqual([0, 1, 0, 1, 1, 0, 0]);
    expect(col('input.token-class:even.1')).toEqual([0, 0, 0, 1, 0, 0, 1]);
    expect(col('input.position')).toEqual([0, 1, 2, 3, 4, 5, 6]);
  });

  it('atoms carry component input-pattern, the feature, a numeric offset, readsReadout no', () => {
    const atoms = inputPatternAtoms(patterns({ maxOffset: 16 }));
    // 17 offsets for matches-next, occurred-before, is-bos; 16 for matches-current; one position atom
    expect(atoms.length).toBe(17 * 3 + 16 + 1);
    for (const a of atoms) {
      expect(a.attributes).toMatchObject({ component: 'input-pattern', layer: -1, head: -1, sign: 'none', readsReadout: 'no' });
      expect(typeof a.attributes.offset).toBe('number');
    }
    expect(atoms.find((a) => a.id === 'input.matches-next.9')!.attributes).toMatchObject({ feature: 'matches-next', offset: 9 });
  });

  it('target-top1: matches-next compares with the target token at every position', () => {
    const tokenizer = { tokenId: () => 7, bosId: 1 } as unknown as LmTokenizer;
    const target = resolveBehaviour({ kind: 'target-top1', token: 't7' }, tokenizer, 100);
    const tokens = [1, 7, 8, 9, 7];
    expect(Array.from(answerTokens(target, tokens))).toEqual([7, 7, 7, 7, 7]);
    expect(Array.from(answerTokens(nextToken, tokens))).toEqual([7, 8, 9, 7, -1]);
    const p = patterns({ features: ['matches-next'] });
    const cols = inputPatternColumns(p, tokens, answerTokens(target, tokens));
    expect(Array.from(cols[0])).toEqual([0, 1, 0, 0, 1]); // offset 0: the current token is the target
  });

  it('stochastic copy (x_i = x_{i−L} with probability p): matches-next at offset L − 1 is 1 exactly where the next token was copied', () => {
    const L = 7;
    const p = 0.6;
    const V = 50;
    const rand = mulberry32(5);
    const pat = patterns({ maxOffset: 12, features: ['matches-next'] });
    const counts = new Array(13).fill(0);
    let positions = 0;
    let copied = 0;
    for (let s = 0; s < 400; s++) {
      const tokens = [1];
      const wasCopied = [false];
      for (let i = 1; i < 40; i++) {
        const copy = i > L && rand() < p;
        tokens.push(copy ? tokens[i - L] : 4 + Math.floor(rand() * V));
        wasCopied.push(copy);
      }
      const cols = inputPatternColumns(pat, tokens, answerTokens(nextToken, tokens));
      for (let t = L; t + 1 < tokens.length; t++) {
        positions++;
        for (let k = 0; k <= 12; k++) counts[k] += cols[k][t];
        if (wasCopied[t + 1]) {
          copied++;
          expect(cols[L - 1][t]).toBe(1); // every copied next token is seen L − 1 back
        }
      }
    }
    const rate = counts.map((c) => c / positions);
    // at offset L − 1: the copy rate plus chance; elsewhere chance (1/V) plus the copies' own echoes
    expect(rate[L - 1]).toBeGreaterThan(p * 0.9);
    expect(rate[L - 1]).toBeCloseTo(copied / positions + (1 - copied / positions) / V, 1);
    for (let k = 0; k <= 12; k++) if (k !== L - 1) expect(rate[k]).toBeLessThan(rate[L - 1] / 3);
  });
});

describe('resolving input patterns against a tokenizer', () => {
  let model: LanguageModel;
  beforeAll(async () => {
    model = await LanguageModel.load(tinyLlama, { threads: 1 });
  });
  afterAll(() => model?.dispose());

  it('delimiters and a token-class map file name vocabulary strings; both features then default on', async () => {
    const file = join(dir, 'classes.json');
    writeFileSync(file, JSON.stringify({ w0: 'vowel', w1: 'consonant', w2: 'vowel' }));
    const r = await resolveInputPatterns({ maxOffset: 3, delimiters: ['w5'], tokenClasses: file }, model.tokenizer, model.vocabSize);
    expect(r.features).toEqual(['matches-next', 'matches-current', 'occurred-before', 'is-bos', 'position', 'is-delimiter', 'token-class']);
    expect([...r.delimiters]).toEqual([9]);
    expect(r.classNames).toEqual(['consonant', 'vowel']);
    expect(r.classOf.get(4)).toBe(1);
    expect(r.classOf.get(5)).toBe(0);
    expect(inputPatternAtoms(r).filter((a) => String(a.attributes.feature).startsWith('token-class:')).length).toBe(2 * 4);
  });

  it('bad input is a clear error naming the file or field and the token', async () => {
    const tok = model.tokenizer;
    const V = model.vocabSize;
    const bad = join(dir, 'bad.json');
    writeFileSync(bad, '{"w0": "a",');
    await expect(resolveInputPatterns({ maxOffset: 3, tokenClasses: bad }, tok, V)).rejects.toThrow(new RegExp(`${bad}: not valid JSON`));
    await expect(resolveInputPatterns({ maxOffset: 3, tokenClasses: join(dir, 'missing.json') }, tok, V)).rejects.toThrow(
      /missing\.json: token-class map not found/,
    );
    const unknown = join(dir, 'unknown.json');
    writeFileSync(unknown, JSON.stringify({ 'no such token': 'x' }));
    await expect(resolveInputPatterns({ maxOffset: 3, tokenClasses: unknown }, tok, V)).rejects.toThrow(
      /unknown\.json: token: 'no such token' is not a single token/,
    );
    writeFileSync(unknown, JSON.stringify(['w0']));
    await expect(resolveInputPatterns({ maxOffset: 3, tokenClasses: unknown }, tok, V)).rejects.toThrow(/expected one object mapping each token/);
    await expect(resolveInputPatterns({ maxOffset: 3, features: ['is-delimiter'] }, tok, V)).rejects.toThrow(/is-delimiter needs a delimiter token list/);
    await expect(resolveInputPatterns({ maxOffset: 3, delimiters: ['zzz'] }, tok, V)).rejects.toThrow(/delimiters\.0: 'zzz' is not a single token/);
  });
});

const trained = tinyLm('induction-2l-s1');

/** Prompts of a stochastic copy task, x_i = x_{i−L} with probability p (else a fresh random token), as a prompts .jsonl file. */
function stochasticCopyJsonl(file: string, count: number, length: number, L: number, p: number, firstToken: number, nTokens: number, seed: number): void {
  const rand = mulberry32(seed);
  const lines: string[] = [];
  for (let s = 0; s < count; s++) {
    const tokens = [1];
    for (let i = 1; i < length; i++) tokens.push(i > L && rand() < p ? tokens[i - L] : firstToken + Math.floor(rand() * nTokens));
    lines.push(JSON.stringify({ tokens }));
  }
  writeFileSync(file, lines.join('\n') + '\n');
}

describe.skipIf(!trained)(needs('input patterns on the induction model (default atoms)', trained, 'induction-2l-s1'), () => {
  it('default extraction: input patterns + neuron sums + head attention, no readout atoms; on a stochastic copy task (lag 10) a fit over (feature, offset) at lag 0 puts matches-next at offset 9', async () => {
    const L = 10;
    const file = join(dir, 'copy.jsonl');
    // t0…t63 are ids 4…67; the model's context is 32 tokens
    stochasticCopyJsonl(file, 400, 31, L, 0.7, 4, 64, 8);
    const model = await LanguageModel.load(trained!, { threads: 1 });
    let result;
    try {
      const prompts = await loadCondition(file, { size: model.vocabSize, tokenizer: model.tokenizer });
      result = await extractDataset(model, prompts, { kind: 'next-token-correct' });
      // the values are the pure function's, prompt by prompt
      const atoms = result.dataset.manifest.atoms;
      const first = atoms.findIndex((a) => a.attributes.component === 'input-pattern');
      const tokens = prompts.prompts[3].tokens;
      const resolved = await resolveInputPatterns({ maxOffset: 16 }, model.tokenizer, model.vocabSize);
      const cols = inputPatternColumns(
        resolved,
        tokens,
        answerTokens(resolveBehaviour({ kind: 'next-token-correct' }, model.tokenizer, model.vocabSize), tokens),
      );
      const { nTrials, nBins } = result.dataset.manifest;
      cols.forEach((c, i) => {
        for (let t = 0; t < tokens.length; t++) expect(result!.dataset.inputs[((first + i) * nTrials + 3) * nBins + t]).toBe(c[t]);
      });
    } finally {
      await model.dispose();
    }
    const { dataset, summary } = result;
    expect(summary.readsReadout).toBe(false);
    expect(summary.readoutNote).toBeNull();
    expect(dataset.manifest.metadata).toMatchObject({
      atomFamilies: ['mlp-neurons', 'head-attention', 'input-patterns'],
      readsReadout: false,
      inputPatterns: { maxOffset: 16 },
    });
    expect(dataset.manifest.atoms.every((a) => a.attributes.readsReadout === 'no')).toBe(true);
    const components = new Set(dataset.manifest.atoms.map((a) => a.attributes.component));
    expect(components).toEqual(new Set(['mlp-neurons', 'attn', 'input-pattern']));

    // one weight per (feature, offset) at lag 0, input patterns only
    const fit = fitReducedModel(dataset, {
      groupBy: ['feature', 'offset'],
      exclude: { component: ['mlp-neurons', 'attn'], feature: ['position'] },
      temporal: { minLag: 0, maxLag: 0, basis: { kind: 'raw' } },
      family: 'bernoulli',
      regularization: { ridge: 1, smoothness: 0 },
      validation: { kind: 'split', testFraction: 0.3, seed: 0 },
    });
    const weightsOf = (feature: string) =>
      fit.filters.groups
        .filter((g) => g.label.startsWith(`feature=${feature},`))
        .map((g) => ({ offset: Number(/offset=(-?\d+)/.exec(g.label)![1]), w: g.temporal.y[0] }));
    const best = (ws: { offset: number; w: number }[]) => ws.reduce((a, b) => (b.w > a.w ? b : a)).offset;
    const next = weightsOf('matches-next');
    console.info(
      `[inputPatterns] ${summary.events}/${summary.scoredBins} correct; matches-next weights: ${next.map((x) => `${x.offset}:${x.w.toFixed(2)}`).join(' ')}; ` +
        `test AUROC ${fit.metrics.test.model.auroc?.toFixed(3)} vs PSTH ${fit.metrics.test.psth.auroc?.toFixed(3)}`,
    );
    // the copyable case: the next token is the one L − 1 back
    expect(best(next)).toBe(L - 1);
    // and induction needs the current token to have been copied as well (its earlier occurrence L back)
    expect(best(weightsOf('matches-current'))).toBe(L);
    expect(fit.metrics.test.model.auroc!).toBeGreaterThan(fit.metrics.test.psth.auroc! + 0.1);
  }, 300_000);
});

describe('input patterns for a tokenizer without BOS', () => {
  it('is-bos is not a default feature, and asking for it is an error', async () => {
    const noBos = { tokenId: () => null, bosId: null } as unknown as LmTokenizer;
    const r = await resolveInputPatterns({ maxOffset: 2 }, noBos, 10);
    expect(r.features).toEqual(['matches-next', 'matches-current', 'occurred-before', 'position']);
    await expect(resolveInputPatterns({ maxOffset: 2, features: ['is-bos'] }, noBos, 10)).rejects.toThrow(/is-bos needs a tokenizer with a BOS token/);
  });
});

describe('input patterns on the stochastic-copy and mixture conditions', () => {
  it('matches-next at offset L − 1 marks exactly the scored positions whose next token is a copy; mixture labels reach the Dataset', async () => {
    const model = await LanguageModel.load(tinyLlama, { threads: 1 });
    try {
      const L = 4;
      const condition = {
        kind: 'mixture' as const,
        count: 24,
        seed: 2,
        components: [
          { label: 'copy', weight: 2, condition: { kind: 'stochastic-copy' as const, lag: L, copyProbability: 0.5, length: 14 } },
          { label: 'induction', weight: 1, condition: { kind: 'repeated-random' as const, period: 6 } },
        ],
      };
      const prompts = await loadCondition(condition, { size: model.vocabSize, tokenizer: model.tokenizer });
      const { dataset } = await extractDataset(
        model,
        prompts,
        { kind: 'next-token-correct' },
        { atoms: { families: ['input-patterns'], inputPatterns: { maxOffset: 8 } } },
      );
      const m = dataset.manifest;
      expect(m.metadata.trialLabels).toEqual(prompts.prompts.map((p) => p.label));
      expect(new Set(m.metadata.trialLabels as string[])).toEqual(new Set(['copy', 'induction']));
      const a = m.atoms.findIndex((x) => x.id === `input.matches-next.${L - 1}`);
      let copies = 0;
      let scoredCopyPositions = 0;
      prompts.prompts.forEach((p, trial) => {
        if (p.label !== 'copy') return;
        for (let t = 0; t + 1 < p.tokens.length; t++) {
          if (!dataset.scored[trial * m.nBins + t]) continue;
          scoredCopyPositions++;
          // the condition never draws the lagged token by chance: equal means copied
          const copied = p.tokens[t + 1] === p.tokens[t + 1 - L] ? 1 : 0;
          copies += copied;
          expect(dataset.inputs[(a * m.nTrials + trial) * m.nBins + t]).toBe(copied);
        }
      });
      expect(copies).toBeGreaterThan(scoredCopyPositions * 0.3);
      expect(copies).toBeLessThan(scoredCopyPositions * 0.7);
    } finally {
      await model.dispose();
    }
  });
});
