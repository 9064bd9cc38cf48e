import { mulberry32, OccamError } from '@occam/core';
import type { Prompt, PromptSet } from './promptSet.js';
import type { PeriodicCorrupted } from './schema.js';
import { drawExcept } from './stochasticCopy.js';
import { contentTokenIds, withBos, type Vocabulary } from './vocabulary.js';

/**
 * A random period-P pattern repeated to `length`, each token after the first period independently
 * replaced with probability q by a uniform token other than the pattern's (definition in
 * PeriodicCorruptedSchema). Corruption is measured against the pattern, not the previous copy, so a
 * corrupted token does not propagate. The metadata counts the corruptions actually drawn.
 */
export function periodicCorruptedPrompts(c: PeriodicCorrupted, vocab: Vocabulary): PromptSet {
  const pool = [...new Set(contentTokenIds(vocab, c.tokens))];
  if (pool.length < 2) throw new OccamError('periodic-corrupted: the token pool needs at least 2 distinct tokens', { field: 'tokens' });
  if (c.distinct && pool.length < c.period)
    throw new OccamError(`periodic-corrupted: distinct tokens need period ≤ ${pool.length} (the pool size), got ${c.period}`, { field: 'period' });
  if (c.length <= c.period)
    throw new OccamError(`periodic-corrupted: length ${c.length} must exceed period ${c.period}, or nothing repeats`, { field: 'length' });
  const rand = mulberry32(c.seed);
  const lead = c.bos ? 1 : 0;
  const repeatStart = lead + c.period;
  const prompts: Prompt[] = [];
  let corrupted = 0;
  for (let k = 0; k < c.count; k++) {
    const pattern = drawPattern(pool, c.period, c.distinct, rand);
    const x: number[] = [];
    for (let i = 0; i < c.length; i++) {
      const expected = pattern[i % c.period];
      if (i >= c.period && rand() < c.corruptionRate) {
        x.push(drawExcept(pool, expected, rand));
        corrupted++;
      } else x.push(expected);
    }
    const tokens = withBos(x, vocab, c.bos);
    const scored: number[] = [];
    for (let t = repeatStart - 1; t < tokens.length; t++) scored.push(t);
    prompts.push({ id: `pc-${k}`, tokens, scored });
  }
  const draws = c.count * (c.length - c.period);
  return {
    name: 'periodic-corrupted',
    prompts,
    markers: { repeatStart },
    metadata: {
      period: c.period,
      length: c.length,
      corruptionRate: c.corruptionRate,
      distinct: c.distinct,
      seed: c.seed,
      poolSize: pool.length,
      bos: c.bos,
      corrupted,
      corruptionDraws: draws,
      realisedRate: corrupted / draws,
    },
  };
}

function drawPattern(pool: number[], period: number, distinct: boolean, rand: () => number): number[] {
  if (!distinct) return Array.from({ length: period }, () => pool[Math.floor(rand() * pool.length)]);
  const left = pool.slice();
  const out: number[] = [];
  for (let k = 0; k < period; k++) out.push(left.splice(Math.floor(rand() * left.length), 1)[0]);
  return out;
}
