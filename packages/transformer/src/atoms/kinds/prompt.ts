import type { Atom } from '@occam/core';
import type { AtomKind } from '../atomKind.js';

/**
 * Atoms of the prompt alone (token features, input patterns: atoms/tokenFeatures.ts,
 * atoms/inputPatterns.ts), computed from the tokens on both paths, not from activations: atom i of the
 * source is column `column + i` of AtomPlan.promptColumns, read at the position.
 */
export interface PromptSource {
  kind: 'prompt';
  atom: number;
  column: number;
  /** The atoms, as the token-feature or input-pattern module describes them. */
  atoms: Atom[];
}

export const promptAtoms: AtomKind<PromptSource> = {
  atoms: (s) => s.atoms,
  filler(s, js) {
    const { atom: first, column } = s;
    const n = s.atoms.length;
    const at = js.at;
    return (out) => {
      for (let i = 0; i < n; i++) out[first + i] = at.feats[column + i][at.t];
    };
  },
  graph: null,
};
