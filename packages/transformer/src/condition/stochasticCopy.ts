import { mulberry32, OccamError } from '@occam/core';
import type { Prompt, PromptSet } from './promptSet.js';
import type { StochasticCopy } from './schema.js';
import { contentTokenIds, withBos, type Vocabulary } from './vocabulary.js';

/**
 * The stochastic copy task (definition in StochasticCopySchema): after the first `lag` uniform draws,
 * each token copies the one `lag` back with probability p, else is uniform over the pool without it.
 * The metadata counts the copies actually drawn, so a user can see the realised rate beside p.
 */
export function stochasticCopyPrompts(c: StochasticCopy, vocab: Vocabulary): PromptSet {
  const pool = contentTokenIds(vocab, c.tokens);
  if (new Set(pool).size < 2)
    throw new OccamError('stochastic-copy: the token pool needs at least 2 distinct tokens (a non-copy must differ from the lagged token)', {
      field: 'tokens',
    });
  if (c.length <= c.lag) throw new OccamError(`stochastic-copy: length ${c.length} must exceed lag ${c.lag}, or no token can be a copy`, { field: 'length' });
  const distinctPool = [...new Set(pool)];
  const rand = mulberry32(c.seed);
  const lead = c.bos ? 1 : 0;
  const copyStart = lead + c.lag; // prompt position of x_{L+1}
  const prompts: Prompt[] = [];
  let copies = 0;
  for (let k = 0; k < c.count; k++) {
    const x: number[] = [];
    for (let i = 0; i < c.length; i++) {
      if (i < c.lag) x.push(distinctPool[Math.floor(rand() * distinctPool.length)]);
      else if (rand() < c.copyProbability) {
        x.push(x[i - c.lag]);
        copies++;
      } else x.push(drawExcept(distinctPool, x[i - c.lag], rand));
    }
    const tokens = withBos(x, vocab, c.bos);
    const scored: number[] = [];
    for (let t = copyStart - 1; t < tokens.length; t++) scored.push(t);
    prompts.push({ id: `sc-${k}`, tokens, scored });
  }
  const draws = c.count * (c.length - c.lag);
  return {
    name: 'stochastic-copy',
    prompts,
    markers: { copyStart },
    metadata: {
      lag: c.lag,
      copyProbability: c.copyProbability,
      length: c.length,
      seed: c.seed,
      poolSize: distinctPool.length,
      bos: c.bos,
      copies,
      copyDraws: draws,
      copyRate: copies / draws,
    },
  };
}

/** A uniform draw from `pool` without `excluded` (which is in the pool): one draw over the other n − 1. */
export function drawExcept(pool: number[], excluded: number, rand: () => number): number {
  const at = pool.indexOf(excluded);
  const j = Math.floor(rand() * (pool.length - 1));
  return pool[at >= 0 && j >= at ? j + 1 : j];
}
