import { OccamError } from '@occam/core';
import type { LmTokenizer } from '../model-dir/lmTokenizer.js';

/** What a condition needs to know about a model's vocabulary. */
export interface Vocabulary {
  size: number;
  tokenizer: LmTokenizer;
}

/** Ordinary (non-special) token ids, or the ids of the named tokens. */
export function contentTokenIds(vocab: Vocabulary, names?: string[]): number[] {
  if (names) {
    return names.map((name) => {
      const id = vocab.tokenizer.tokenId(name);
      if (id === null) throw new OccamError(`condition: '${name}' is not a single token of this model's vocabulary`, { field: 'tokens' });
      return id;
    });
  }
  const ids: number[] = [];
  for (let i = 0; i < vocab.size; i++) if (!vocab.tokenizer.specialIds.has(i)) ids.push(i);
  return ids;
}

export function withBos(tokens: number[], vocab: Vocabulary, bos: boolean): number[] {
  if (!bos) return tokens;
  const id = vocab.tokenizer.bosId;
  if (id === null) throw new OccamError('condition: bos is true but the tokenizer and config.json name no BOS token (set "bos": false)', { field: 'bos' });
  return tokens[0] === id ? tokens : [id, ...tokens];
}
