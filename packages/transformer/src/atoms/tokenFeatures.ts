import type { TokenFeature } from './schema.js';

/**
 * Token-level features of a prompt, one value per position:
 * - repeats_earlier_token: 1 when this token occurred earlier in the prompt
 * - is_bos: 1 at position 0 when it holds the BOS token
 */
export function tokenFeature(feature: TokenFeature, tokens: number[], bosId: number | null): Float32Array {
  const out = new Float32Array(tokens.length);
  switch (feature) {
    case 'repeats_earlier_token': {
      const seen = new Set<number>();
      tokens.forEach((tok, t) => {
        if (seen.has(tok)) out[t] = 1;
        seen.add(tok);
      });
      break;
    }
    case 'is_bos':
      if (tokens.length && bosId !== null && tokens[0] === bosId) out[0] = 1;
      break;
  }
  return out;
}
