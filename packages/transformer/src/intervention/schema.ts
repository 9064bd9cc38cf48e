import { z } from 'zod';

/** Zero: the component's output is replaced by 0. Mean: by its mean over the condition's scored positions (a first pass). */
export const AblationHowSchema = z.enum(['zero', 'mean']);

const named = {
  /** Names the intervention in the result (default: from its kind and target, e.g. `L0.H2 zero`). */
  name: z.string().trim().min(1).optional(),
  description: z.string().optional(),
};

/** One attention head's output (its slice of the concatenated heads before the output projection), or several heads of a layer at once. */
export const AblateHeadSchema = z.strictObject({
  kind: z.literal('ablate-head'),
  layer: z.number().int().min(0),
  head: z.union([
    z.number().int().min(0),
    z
      .array(z.number().int().min(0))
      .min(1)
      .refine((h) => new Set(h).size === h.length, { message: 'a head is listed twice' }),
  ]),
  how: AblationHowSchema,
  ...named,
});

/** One block's MLP output (the output projection, bias included). */
export const AblateMlpSchema = z.strictObject({
  kind: z.literal('ablate-mlp'),
  layer: z.number().int().min(0),
  how: AblationHowSchema,
  ...named,
});

/**
 * At each scored position t, the token at t − offset (offset counted back from the scored position, as the
 * input-pattern atoms count it) replaced by a draw from the condition's own token distribution, one prompt
 * variant per scored position, every other token kept.
 */
export const ResampleTokenSchema = z.strictObject({
  kind: z.literal('resample-token'),
  offset: z.number().int().min(0),
  seed: z.number().int().default(0),
  ...named,
});

export const LmInterventionSchema = z.discriminatedUnion('kind', [AblateHeadSchema, AblateMlpSchema, ResampleTokenSchema]);
export type LmIntervention = z.infer<typeof LmInterventionSchema>;
export type LmInterventionInput = z.input<typeof LmInterventionSchema>;
export type LmAblation = Extract<LmIntervention, { kind: 'ablate-head' | 'ablate-mlp' }>;
export type LmAblationInput = z.input<typeof AblateHeadSchema> | z.input<typeof AblateMlpSchema>;

/** An intervention list for a language model (the `system: 'language-model'` counterpart of core's neuron list). */
export const LmInterventionListSchema = z.strictObject({
  $schema: z.string().optional(),
  system: z.literal('language-model'),
  interventions: z
    .array(LmInterventionSchema)
    .min(1)
    .refine((list) => new Set(list.map(interventionName)).size === list.length, { message: 'intervention names must differ (give `name` to tell two apart)' }),
});
export type LmInterventionList = z.infer<typeof LmInterventionListSchema>;

/** The intervention's name: its own, else one made from its kind and target. */
export function interventionName(i: LmIntervention): string {
  if (i.name) return i.name;
  if (i.kind === 'ablate-head') return `L${i.layer}.H${headList(i.head).join('+')} ${i.how}`;
  if (i.kind === 'ablate-mlp') return `L${i.layer}.mlp ${i.how}`;
  return `resample offset ${i.offset}`;
}

/** The heads an ablate-head names, as a list. */
export function headList(head: number | number[]): number[] {
  return typeof head === 'number' ? [head] : head;
}
