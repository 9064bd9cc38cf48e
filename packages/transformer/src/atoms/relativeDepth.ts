import type { Atom } from '@occam/core';

/**
 * An atom's depth as a fraction of the network's: layer / (nLayers − 1), 0 for a one-layer network, −1
 * where the atom has no layer (embeddings, the prompt's own patterns), as `layer` and `head` say −1. With
 * `component` it is the atom's role, which networks of different depths and layouts share: a spec that
 * groups by component and by bins of relativeDepth (e.g. early [0, 0.5), late [0.5, 1.5)) gives groups whose
 * labels match across them, so `occam compare` can set a 2-layer GPT-2 beside a 3-layer Llama. It orders
 * the atoms exactly as `layer` does, so a search over attributes skips it as redundant.
 */
export function withRelativeDepth(atoms: Atom[], nLayers: number): Atom[] {
  return atoms.map((a) => {
    const layer = a.attributes.layer;
    const relativeDepth = typeof layer === 'number' && layer >= 0 ? (nLayers > 1 ? layer / (nLayers - 1) : 0) : -1;
    return { ...a, attributes: { ...a.attributes, relativeDepth } };
  });
}
