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

/**
 * A slot's values: listed inline, or `{ "file": "names.txt" }`, a word list with one value per line (a
 * trailing "\r" is dropped, blank lines are skipped, other whitespace is kept: " Paris" is not "Paris").
 * The path is relative to the condition file's folder and must stay inside it, unless absolute.
 */
export const SlotValuesSchema = z.union([
  z.array(z.string()).min(1),
  z.object({ file: z.string().min(1).describe('word list, one value per line, relative to the condition file (and inside its folder) unless absolute') }),
]);

/** A template with {SLOT} placeholders filled by seeded draws from each slot's values (same slot, same value). */
export const TemplatePromptsSchema = z.object({
  kind: z.literal('template'),
  template: z.string().min(1),
  slots: z.record(z.string().regex(/^\w+$/), SlotValuesSchema),
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

/**
 * The stochastic copy task. Prompt: [BOS] x_1 … x_n, x_i at prompt position i (position i − 1 without BOS).
 * x_1 … x_L are drawn uniformly from the pool (the vocabulary minus special tokens, or `tokens`). For each
 * i > L, independently: with probability p, x_i = x_{i−L} (a copy from `lag` back); otherwise x_i is drawn
 * uniformly from the pool without x_{i−L} (so a non-copy never equals the lagged token by chance, and the
 * copy rate is exactly p). Scored: prompt positions t whose next token x_{t+1} could be a copy, i.e.
 * t + 1 > L (t ≥ L with BOS, t ≥ L − 1 without), up to the last position. Marker: copyStart, the prompt
 * position of x_{L+1}.
 */
export const StochasticCopySchema = z
  .object({
    kind: z.literal('stochastic-copy'),
    lag: z.number().int().min(1),
    copyProbability: z.number().min(0).max(1),
    length: z.number().int().min(2),
    count: z.number().int().min(1),
    tokens: z.array(z.string().min(1)).min(2).optional(),
    seed: Seed,
    bos: Bos,
  })
  .describe(
    'Stochastic copy at lag L: [BOS] x_1 … x_n (x_i at prompt position i); x_1 … x_L uniform over the pool (vocabulary minus special tokens, or `tokens`); for i > L, x_i = x_{i−L} with probability copyProbability, else uniform over the pool without x_{i−L}. Scored: prompt positions t with t + 1 > L. Marker copyStart = position of x_{L+1}.',
  );

/**
 * A random pattern of `period` tokens (drawn with replacement from the pool, or distinct with `distinct`)
 * repeated to `length` tokens x_1 … x_n ([BOS] first). Each x_i with i > period is independently replaced,
 * with probability `corruptionRate`, by a token drawn uniformly from the pool without the pattern's token
 * there. Scored: positions whose next token lies in the second period or later (t + 1 > period in x
 * indices). Marker: repeatStart, the prompt position of x_{period+1}.
 */
export const PeriodicCorruptedSchema = z
  .object({
    kind: z.literal('periodic-corrupted'),
    period: z.number().int().min(1),
    length: z.number().int().min(2),
    corruptionRate: z.number().min(0).max(1),
    count: z.number().int().min(1),
    distinct: z.boolean().default(false),
    tokens: z.array(z.string().min(1)).min(2).optional(),
    seed: Seed,
    bos: Bos,
  })
  .describe(
    "A random period-P pattern (with replacement, or distinct) repeated to length n after BOS; each token after the first period is independently replaced with probability corruptionRate by a uniform pool token other than the pattern's. Scored: positions whose next token is in the second period or later. Marker repeatStart.",
  );

const DRAWN_BY_MIXTURE = 'a mixture decides how many prompts each component gives (count × weight, seeded): leave count out of its components';
/** A mixture component's condition: any condition but a mixture, without `count`; seed optional (derived from the mixture's). */
const Drawn = { count: z.never({ error: DRAWN_BY_MIXTURE }).optional(), seed: z.number().int().optional() };
export const MixtureComponentConditionSchema = z.discriminatedUnion('kind', [
  RepeatedRandomSchema.extend(Drawn),
  JsonlPromptsSchema,
  TemplatePromptsSchema.extend(Drawn),
  NaturalTextSchema.extend(Drawn),
  StochasticCopySchema.extend(Drawn),
  PeriodicCorruptedSchema.extend(Drawn),
]);

/**
 * `count` prompts, each drawn from one component with probability weight / Σ weights (seeded); every
 * prompt keeps its component's label (Prompt.label, and the prompt id is "label/id"). A generated
 * component is asked for exactly as many prompts as were drawn from it; a jsonl component gives its
 * first prompts in file order (and must have enough). A component without a seed gets one derived from
 * the mixture's seed and its index.
 */
export const MixtureSchema = z
  .object({
    kind: z.literal('mixture'),
    components: z
      .array(z.object({ label: z.string().min(1), weight: z.number().positive(), condition: MixtureComponentConditionSchema }))
      .min(1)
      .refine((cs) => new Set(cs.map((c) => c.label)).size === cs.length, { message: 'component labels must be unique' }),
    count: z.number().int().min(1),
    seed: Seed,
  })
  .describe(
    "count prompts, each from one component drawn with probability weight / Σ weights (seeded); a prompt keeps its component's label. Components leave count out (the mixture sets it); jsonl components give their first prompts in file order.",
  );

export const ConditionSchema = z.discriminatedUnion('kind', [
  RepeatedRandomSchema,
  JsonlPromptsSchema,
  TemplatePromptsSchema,
  NaturalTextSchema,
  StochasticCopySchema,
  PeriodicCorruptedSchema,
  MixtureSchema,
]);
export type Condition = z.infer<typeof ConditionSchema>;
export type ConditionInput = z.input<typeof ConditionSchema>;
export type RepeatedRandom = z.infer<typeof RepeatedRandomSchema>;
export type TemplatePrompts = z.infer<typeof TemplatePromptsSchema>;
export type NaturalText = z.infer<typeof NaturalTextSchema>;
export type StochasticCopy = z.infer<typeof StochasticCopySchema>;
export type PeriodicCorrupted = z.infer<typeof PeriodicCorruptedSchema>;
export type Mixture = z.infer<typeof MixtureSchema>;
export type MixtureComponentCondition = z.infer<typeof MixtureComponentConditionSchema>;

/** A line of a prompts JSONL file. */
export const PromptLineSchema = z
  .object({
    id: z.string().optional(),
    text: z.string().optional(),
    tokens: z.array(z.number().int().nonnegative()).min(1).optional(),
    scored: z.array(z.number().int().nonnegative()).optional(),
  })
  .refine((l) => (l.text === undefined) !== (l.tokens === undefined), { message: 'expected exactly one of "text" (string) or "tokens" (array of token ids)' });
