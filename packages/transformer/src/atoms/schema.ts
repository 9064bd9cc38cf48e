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
 */
export const AtomFamilySchema = z.enum(['head-direct', 'mlp-direct', 'embed-direct', 'mlp-neurons', 'token-features']);
export type AtomFamily = z.infer<typeof AtomFamilySchema>;

export const TokenFeatureSchema = z.enum(['repeats_earlier_token', 'is_bos']);
export type TokenFeature = z.infer<typeof TokenFeatureSchema>;

export const ALL_FAMILIES: AtomFamily[] = ['embed-direct', 'head-direct', 'mlp-direct', 'mlp-neurons', 'token-features'];

export const AtomSelectionSchema = z.object({
  /** Omitted: every family the behaviour supports (direct effects need a logit behaviour or an MLP unit). */
  families: z.array(AtomFamilySchema).min(1).optional(),
  features: z.array(TokenFeatureSchema).min(1).default(['repeats_earlier_token']),
});
export type AtomSelection = z.infer<typeof AtomSelectionSchema>;
export type AtomSelectionInput = z.input<typeof AtomSelectionSchema>;
