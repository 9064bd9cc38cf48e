import { z } from 'zod';

/** A token named by its vocabulary string ("t5", " Paris") or by id. */
const TokenRef = z.union([z.string().min(1), z.number().int().nonnegative()]);

/**
 * The behaviour: the output "spike" per token position.
 * - next-token-correct: the model's top-1 prediction at position t is the prompt's token t + 1 (binary)
 * - target-top1: a given token is the top-1 prediction (binary)
 * - logit-diff: logit(a) − logit(b) (real → gaussian family)
 * - unit-above: an internal unit (hook, index into its per-position vector) exceeds a threshold (binary)
 */
export const BehaviourSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('next-token-correct') }),
  z.object({ kind: z.literal('target-top1'), token: TokenRef }),
  z.object({ kind: z.literal('logit-diff'), tokens: z.tuple([TokenRef, TokenRef]) }),
  z.object({ kind: z.literal('unit-above'), hook: z.string().min(1), unit: z.number().int().nonnegative(), threshold: z.number().finite() }),
]);
export type Behaviour = z.infer<typeof BehaviourSchema>;
export type BehaviourInput = z.input<typeof BehaviourSchema>;
