import { mulberry32, OccamError } from '@occam/core';
import type { PromptSet } from './promptSet.js';
import type { RepeatedRandom } from './schema.js';
import { contentTokenIds, withBos, type Vocabulary } from './vocabulary.js';

/**
 * The induction condition: [BOS] + r_1 … r_P repeated. Position s of the second and later copies
 * repeats position s − P, so an induction head can predict the next token from one period back.
 * Scored: every position of the repeated copies (the next-token behaviour drops the last one).
 */
export function repeatedRandomPrompts(c: RepeatedRandom, vocab: Vocabulary): PromptSet {
  const pool = contentTokenIds(vocab, c.tokens);
  if (!c.adjacentRepeats && pool.length < 3)
    throw new OccamError('repeated-random: without adjacent repeats the token pool needs at least 3 tokens', { field: 'tokens' });
  if (c.distinct && pool.length < c.period) {
    throw new OccamError(`repeated-random: distinct tokens need period ≤ ${pool.length} (the pool size), got ${c.period}`, { field: 'period' });
  }
  const rand = mulberry32(c.seed);
  const lead = c.bos ? 1 : 0;
  const repeatStart = lead + c.period;
  const prompts = [];
  for (let i = 0; i < c.count; i++) {
    const seq = drawPeriod(c, pool, rand);
    const body: number[] = [];
    for (let r = 0; r < c.repeats; r++) body.push(...seq);
    const tokens = withBos(body, vocab, c.bos);
    const scored: number[] = [];
    for (let t = repeatStart; t < tokens.length; t++) scored.push(t);
    prompts.push({ id: `rr-${i}`, tokens, scored });
  }
  return {
    name: 'repeated-random',
    prompts,
    markers: { repeatStart },
    metadata: {
      period: c.period,
      repeats: c.repeats,
      distinct: c.distinct,
      adjacentRepeats: c.adjacentRepeats,
      seed: c.seed,
      poolSize: pool.length,
      bos: c.bos,
    },
  };
}

/** One period: distinct draws or draws with replacement; without adjacent repeats, no token equals its predecessor (cyclically). */
function drawPeriod(c: RepeatedRandom, pool: number[], rand: () => number): number[] {
  for (;;) {
    const seq: number[] = [];
    if (c.distinct) {
      const left = pool.slice();
      for (let k = 0; k < c.period; k++) {
        const j = Math.floor(rand() * left.length);
        seq.push(left[j]);
        left.splice(j, 1);
      }
      return seq;
    }
    for (let k = 0; k < c.period; k++) {
      let tok = pool[Math.floor(rand() * pool.length)];
      while (!c.adjacentRepeats && k > 0 && tok === seq[k - 1]) tok = pool[Math.floor(rand() * pool.length)];
      seq.push(tok);
    }
    // the copy boundary joins the last token to the first
    if (c.adjacentRepeats || seq[c.period - 1] !== seq[0]) return seq;
  }
}
