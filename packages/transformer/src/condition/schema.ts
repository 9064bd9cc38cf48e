import { z } from 'zod';

const Seed = z.number().int().default(0);
/** Put the tokenizer's BOS first (TransformerLens' prepend_bos). */
const Bos = z.boolean().default(true);

/**
 * BOS + a random sequence of `period` tokens, repeated `repeats` times (seeded). Tokens are drawn from
 * the vocabulary minus special tokens (or from `tokens`), with replacement unless `distinct`; unless
 * `adjacentRepeats`, a token never follows itself (also across the copy boundary), so "predict the
 * current token again" never counts as a correct next-token prediction.
 * Scored: the repeated copies (from the first token of the second copy on). Marker: repeatStart.
 */
export const RepeatedRandomSchema = z.object({
  kind: z.literal('repeated-random'),
  period: z.number().int().min(2),
  count: z.number().int().min(1),
  repeats: z.number().int().min(2).default(2),
  distinct: z.boolean().default(false),
  adjacentRepeats: z.boolean().default(false),
  tokens: z.array(z.string().min(1)).min(2).optional(),
  seed: Seed,
  bos: Bos,
});

/** One prompt per line: {"text": "..."} or {"tokens": [ids]}, optionally "scored": [positions], "id". */
export const JsonlPromptsSchema = z.object({
  kind: z.literal('jsonl'),
  path: z.string().min(1),
  bos: Bos,
});

/** A template with {SLOT} placeholders filled by seeded draws from each slot's values (same slot, same value). */
export const TemplatePromptsSchema = z.object({
  kind: z.literal('template'),
  template: z.string().min(1),
  slots: z.record(z.string().regex(/^\w+$/), z.array(z.string()).min(1)),
  count: z.number().int().min(1),
  seed: Seed,
  bos: Bos,
});

/** Windows of `windowTokens` tokens (BOS included) cut from a text file; `count` of them drawn (seeded) when given. */
export const NaturalTextSchema = z.object({
  kind: z.literal('natural-text'),
  path: z.string().min(1),
  windowTokens: z.number().int().min(2),
  stride: z.number().int().min(1).optional(),
  count: z.number().int().min(1).optional(),
  seed: Seed,
  bos: Bos,
});

export const ConditionSchema = z.discriminatedUnion('kind', [RepeatedRandomSchema, JsonlPromptsSchema, TemplatePromptsSchema, NaturalTextSchema]);
export type Condition = z.infer<typeof ConditionSchema>;
export type ConditionInput = z.input<typeof ConditionSchema>;
export type RepeatedRandom = z.infer<typeof RepeatedRandomSchema>;
export type TemplatePrompts = z.infer<typeof TemplatePromptsSchema>;
export type NaturalText = z.infer<typeof NaturalTextSchema>;

/** A line of a prompts JSONL file. */
export const PromptLineSchema = z
  .object({
    id: z.string().optional(),
    text: z.string().optional(),
    tokens: z.array(z.number().int().nonnegative()).min(1).optional(),
    scored: z.array(z.number().int().nonnegative()).optional(),
  })
  .refine((l) => (l.text === undefined) !== (l.tokens === undefined), { message: 'expected exactly one of "text" (string) or "tokens" (array of token ids)' });
