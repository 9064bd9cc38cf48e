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

/**
 * Text whose tokens include the unknown-token id (words outside a WordLevel/WordPiece vocabulary): a
 * prompt of <unk>s runs, but measures nothing the user meant. Returns a message naming the words, or
 * null when every word is known (or the tokenizer has no unk token, as byte-level BPE).
 */
export function unknownWords(text: string, ids: number[], vocab: Vocabulary): string | null {
  const unk = vocab.tokenizer.unkId;
  if (unk === null || !ids.includes(unk)) return null;
  const unkText = vocab.tokenizer.decode([unk]);
  // the unk token written on purpose is not a mistake; nor is a sub-word piece no whole word explains
  const words = [...new Set(text.split(/\s+/).filter((w) => w !== '' && w !== unkText && vocab.tokenizer.encode(w, { bos: false }).includes(unk)))];
  if (words.length === 0) return null;
  const shown =
    words
      .slice(0, 5)
      .map((w) => `'${w}'`)
      .join(', ') + (words.length > 5 ? `, … (${words.length} in all)` : '');
  return `${shown} ${words.length === 1 ? 'is' : 'are'} not in the model's vocabulary (the tokenizer maps ${words.length === 1 ? 'it' : 'them'} to its unknown token); use words of the vocabulary, or give "tokens"`;
}
