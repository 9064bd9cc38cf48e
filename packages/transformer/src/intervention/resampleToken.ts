import { mulberry32, OccamError } from '@occam/core';
import { scoredMask, type Prompt, type PromptSet } from '../condition/promptSet.js';

/** One prompt variant: which original prompt and scored position it stands for. */
export interface VariantOrigin {
  /** Index of the original prompt in the condition's prompt set. */
  prompt: number;
  /** The scored position t whose token at t − offset was redrawn (the variant's only scored position). */
  position: number;
  /** The token there before and after the draw (equal in about 1 / pool size of the draws). */
  from: number;
  to: number;
}

export interface ResampledPrompts {
  /** One variant per (prompt, scored position t with t − offset ≥ 1), scoring only t. */
  promptSet: PromptSet;
  origins: VariantOrigin[];
  /** Scored positions left out because t − offset falls on position 0 or before (position 0 is never redrawn). */
  skipped: number;
  /** The distribution drawn from: token ids and their frequency in the condition's prompts (positions ≥ 1). */
  distribution: { tokens: number[]; weights: number[] };
}

/**
 * "Resample the token at offset k from the condition's own distribution": for each scored position t of each
 * prompt, a copy of the prompt with token t − k replaced by a draw from the token frequencies of the condition's
 * own prompts (every position but 0, which holds BOS where the condition adds one and is never redrawn), every
 * other token kept, scoring t alone. One variant per position, so that the redrawn token is upstream of the one
 * position it is meant to affect and of no other scored position — redrawing all of them in one prompt would also
 * change the tokens later positions copy or predict. Offsets count back from the scored position as the
 * input-pattern atoms do (`matches-next` at offset k compares token[t − k] with the answer token[t + 1]).
 * Seeded: the same seed redraws the same tokens.
 */
export function resampleTokenAtOffset(prompts: PromptSet, offset: number, seed: number): ResampledPrompts {
  if (!Number.isInteger(offset) || offset < 0) throw new OccamError(`resample-token: offset must be a whole number ≥ 0, got ${offset}`, { field: 'offset' });
  if (!Number.isInteger(seed)) throw new OccamError(`resample-token: seed must be an integer, got ${seed}`, { field: 'seed' });
  const counts = new Map<number, number>();
  for (const p of prompts.prompts) for (let k = 1; k < p.tokens.length; k++) counts.set(p.tokens[k], (counts.get(p.tokens[k]) ?? 0) + 1);
  const tokens = [...counts.keys()].sort((a, b) => a - b);
  if (tokens.length === 0)
    throw new OccamError(`resample-token: condition ${prompts.name} has no tokens after position 0 to draw from`, { field: 'condition' });
  const weights = tokens.map((t) => counts.get(t)!);
  const cumulative = new Float64Array(tokens.length);
  weights.reduce((s, w, i) => (cumulative[i] = s + w), 0);
  const total = cumulative[tokens.length - 1];
  const rand = mulberry32(seed);
  const draw = () => {
    const u = rand() * total;
    let lo = 0;
    let hi = tokens.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (cumulative[mid] > u) hi = mid;
      else lo = mid + 1;
    }
    return tokens[lo];
  };
  const variants: Prompt[] = [];
  const origins: VariantOrigin[] = [];
  let skipped = 0;
  prompts.prompts.forEach((p, i) => {
    const mask = scoredMask(p);
    for (let t = 0; t < p.tokens.length; t++) {
      if (!mask[t]) continue;
      const at = t - offset;
      if (at < 1) {
        skipped++;
        continue;
      }
      const copy = p.tokens.slice();
      const to = draw();
      copy[at] = to;
      variants.push({ id: `${p.id}@${t}`, tokens: copy, scored: [t], ...(p.label ? { label: p.label } : {}), ...(p.source ? { source: p.source } : {}) });
      origins.push({ prompt: i, position: t, from: p.tokens[at], to });
    }
  });
  if (variants.length === 0)
    throw new OccamError(`resample-token: no scored position of condition ${prompts.name} has a token ${offset} back after position 0`, { field: 'offset' });
  return {
    promptSet: {
      name: `${prompts.name} (token at offset ${offset} resampled)`,
      prompts: variants,
      markers: prompts.markers,
      metadata: { ...prompts.metadata, resampledOffset: offset, resampleSeed: seed },
    },
    origins,
    skipped,
    distribution: { tokens, weights },
  };
}
