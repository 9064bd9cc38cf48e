import type { Atom } from '@occam/core';
import { atom } from './atomKind.js';
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

/** The atom of a token feature: `token.<feature>`, component 'token', at the current token (offset 0). */
export function tokenFeatureAtom(feature: TokenFeature): Atom {
  return atom(`token.${feature}`, 'token', -1, -1, 'none', feature, 0, false);
}
