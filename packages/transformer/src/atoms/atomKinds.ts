import type { AtomKind } from './atomKind.js';
import { attentionAtoms, type AttentionSource } from './kinds/attention.js';
import { directAtoms, type DirectSource } from './kinds/direct.js';
import { headAtoms, type HeadsSource } from './kinds/heads.js';
import { neuronAtoms, type NeuronsSource } from './kinds/neurons.js';
import { promptAtoms, type PromptSource } from './kinds/prompt.js';

/**
 * One entry of an atom plan: which atoms, read from what (atoms/kinds/<kind>.ts describes each kind).
 * `atom` is the index of the source's first atom in plan.atoms; its atoms follow in the kind's order.
 */
export type AtomSource = DirectSource | HeadsSource | NeuronsSource | AttentionSource | PromptSource;

/** Every kind, by name: adding a kind to AtomSource without its atoms, JS filler and graph builder does not compile. */
const ATOM_KINDS: { [K in AtomSource['kind']]: AtomKind<Extract<AtomSource, { kind: K }>> } = {
  direct: directAtoms,
  heads: headAtoms,
  neurons: neuronAtoms,
  attention: attentionAtoms,
  prompt: promptAtoms,
};

/** The kind that turns a source into atoms, a JS filler and graph nodes. */
export function atomKind<S extends AtomSource>(source: S): AtomKind<S> {
  return ATOM_KINDS[source.kind] as unknown as AtomKind<S>;
}
