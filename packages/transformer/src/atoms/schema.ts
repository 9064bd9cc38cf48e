import { z } from 'zod';

/**
 * Atom families (inputs per token position):
 * - head-direct   per attention head: its output through the final norm's scale, projected on the
 *                 behaviour's unembedding direction (direct logit attribution), split by sign; for
 *                 unit-above on an MLP unit of layer L: through block L's MLP norm onto the unit's input
 *                 weights (its pre-activation), heads of layers ≤ L only
 * - mlp-direct    per MLP layer: the same for the layer's output (layers < L for an MLP unit)
 * - embed-direct  the token + position embeddings' direct effect
 * - mlp-neurons   per MLP layer: sum of positive / of negative post-activations
 * - token-features  properties of the prompt's token at each position (see TOKEN_FEATURES)
 * - input-patterns  per token offset k: patterns of the prompt alone (atoms/inputPatterns.ts)
 * - head-attention  per attention head and token offset k: the attention weight from position t to t − k
 *                 (blocks.L.attn.hook_pattern), 0 where t − k is before the prompt
 *
 * The three direct families project onto the behaviour's own readout at offset 0: together with the
 * readout's constant they add up to the very value the behaviour thresholds, so they predict it whatever
 * the weights (a random-weights model scores as well as a trained one). They are READOUT_FAMILIES: left
 * out unless `includeReadoutAtoms` is set, and every atom's `readsReadout` attribute says which it is.
 */
export const AtomFamilySchema = z.enum(['head-direct', 'mlp-direct', 'embed-direct', 'mlp-neurons', 'head-attention', 'token-features', 'input-patterns']);
export type AtomFamily = z.infer<typeof AtomFamilySchema>;

export const TokenFeatureSchema = z.enum(['repeats_earlier_token', 'is_bos']);
export type TokenFeature = z.infer<typeof TokenFeatureSchema>;

/** Families that read the behaviour's readout (direct effects onto the logit direction or the unit's input direction). */
export const READOUT_FAMILIES: readonly AtomFamily[] = ['embed-direct', 'head-direct', 'mlp-direct'];

export const ALL_FAMILIES: AtomFamily[] = ['embed-direct', 'head-direct', 'mlp-direct', 'mlp-neurons', 'head-attention', 'token-features', 'input-patterns'];

/**
 * Families when none are named: the input patterns and the internal atoms that do not read the readout
 * (neuron sums, per-head attention by offset; the latter only while it stays within
 * DEFAULT_ATTENTION_ATOM_LIMIT atoms — name it in `families` to have it on a larger model).
 */
export const DEFAULT_FAMILIES: AtomFamily[] = ['mlp-neurons', 'head-attention', 'input-patterns'];

/** Most head-attention atoms (layers × heads × offsets) the default selection takes; beyond, it is left out and the summary says so. */
export const DEFAULT_ATTENTION_ATOM_LIMIT = 1024;

/**
 * Input-pattern features, each evaluated at position t for a token offset k (atoms/inputPatterns.ts):
 * - matches-next     token[t−k] equals the behaviour's answer token at t (the next token t+1; the target
 *                    token for target-top1), k ≥ 0
 * - matches-current  token[t−k] equals token[t], k ≥ 1
 * - occurred-before  token[t−k] occurred earlier in the prompt (before t−k)
 * - is-bos           token[t−k] is the tokenizer's BOS token
 * - is-delimiter     token[t−k] is one of `delimiters`
 * - token-class      token[t−k] belongs to a class of `tokenClasses` (one feature `token-class:<name>` per class)
 * - position         t itself (one atom, offset 0)
 */
export const InputPatternFeatureSchema = z.enum(['matches-next', 'matches-current', 'occurred-before', 'is-bos', 'is-delimiter', 'token-class', 'position']);
export type InputPatternFeature = z.infer<typeof InputPatternFeatureSchema>;

/** A token named by its vocabulary string or by id. */
const TokenRefSchema = z.union([z.string().min(1), z.number().int().nonnegative()]);

export const InputPatternsSchema = z.object({
  /** Largest token offset K: offsets 0…K (matches-current from 1). */
  maxOffset: z.number().int().min(0).max(4096).default(16),
  /**
   * Features to compute. Omitted: matches-next, matches-current, occurred-before, is-bos (when the tokenizer has a BOS token) and position, plus
   * is-delimiter when `delimiters` are given and token-class when `tokenClasses` is given.
   */
  features: z.array(InputPatternFeatureSchema).min(1).optional(),
  /** Delimiter tokens (vocabulary strings or ids) for is-delimiter. */
  delimiters: z.array(TokenRefSchema).min(1).optional(),
  /** Token → class name, as an object or the path of a JSON file holding one (relative to the working folder). */
  tokenClasses: z.union([z.string().min(1), z.record(z.string(), z.string().min(1))]).optional(),
});
export type InputPatterns = z.infer<typeof InputPatternsSchema>;
export type InputPatternsInput = z.input<typeof InputPatternsSchema>;

export const AtomSelectionSchema = z.object({
  /**
   * Omitted: DEFAULT_FAMILIES (input patterns + neuron sums), plus the direct-effect families when
   * `includeReadoutAtoms` is set and the behaviour has a readout.
   */
  families: z.array(AtomFamilySchema).min(1).optional(),
  /**
   * Allow atoms that read the behaviour's own readout (head-, mlp-, embed-direct). Off by default: those
   * atoms decompose the value the behaviour thresholds, so they "explain" it for any weights. Naming a
   * direct family in `families` without this is an error.
   */
  includeReadoutAtoms: z.boolean().default(false),
  features: z.array(TokenFeatureSchema).min(1).default(['repeats_earlier_token']),
  inputPatterns: InputPatternsSchema.default({ maxOffset: 16 }),
  /** head-attention: offsets 0…maxOffset back from each query position. */
  headAttention: z.object({ maxOffset: z.number().int().min(0).max(4096).default(16) }).default({ maxOffset: 16 }),
});
export type AtomSelection = z.infer<typeof AtomSelectionSchema>;
export type AtomSelectionInput = z.input<typeof AtomSelectionSchema>;
