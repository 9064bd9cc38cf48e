import { z } from 'zod';

const IntervalSchema = z.object({ estimate: z.number().nullable(), low: z.number().nullable(), high: z.number().nullable() });
export type ComposeInterval = z.infer<typeof IntervalSchema>;

export const ComposeCandidateSchema = z.object({
  key: z.string(),
  description: z.string(),
  /** Families with one filter per condition. */
  specific: z.array(z.string()),
  offsets: z.boolean(),
  gains: z.boolean(),
  parameters: z.number().int().positive(),
  /** Held-out log-likelihood gain over the per-condition PSTH, bits per event (pseudo-R² for gaussian targets). */
  logLikGain: IntervalSchema,
  /** Position-stratified AUROC: pairs only within one condition's bin and fold. */
  stratifiedAuroc: IntervalSchema,
  logLikPerBin: IntervalSchema,
  /** Candidate − best on the deciding figure, paired over trials; `high` is the one-sided (1 − α) upper bound. */
  versusBest: IntervalSchema,
  verdict: z.enum(['best', 'not significantly worse', 'significantly worse']),
  /** Mean over folds of each condition's gain per input group (gains candidate only; condition 0's are 1). */
  fittedGains: z.array(z.array(z.number())).optional(),
});
export type ComposeCandidate = z.infer<typeof ComposeCandidateSchema>;

export const ComposeSpecificFilterSchema = z.object({
  family: z.string(),
  /** The spatial attribute the profile runs over (null: one weight per group). */
  attribute: z.string().nullable(),
  x: z.array(z.number()),
  /** Per condition: the filter's profile over x (summed over lags, mean over folds) and the x of its largest magnitude. */
  byCondition: z.array(z.object({ condition: z.string(), profile: z.array(z.number()), peak: z.number().nullable() })),
});
export type ComposeSpecificFilter = z.infer<typeof ComposeSpecificFilterSchema>;

const GateSchema = z.object({
  /** What the gate read: 'volume' (input volume per group) and 'trial:NAME' (a per-trial feature the Datasets carry). */
  featureFamilies: z.array(z.string()).default(['volume']),
  features: z.array(z.string()),
  /** Held-out trials whose most probable condition is their label. */
  accuracy: z.number(),
  accuracyByCondition: z.array(z.number()),
  logLikGain: IntervalSchema,
  stratifiedAuroc: IntervalSchema,
  /** Gated − labelled minimal composition, paired over held-out trials (negative: lost by not knowing the label). */
  lossLogLikGain: IntervalSchema,
  lossStratifiedAuroc: IntervalSchema,
});
export type ComposeGate = z.infer<typeof GateSchema>;

export const ComposeResultSchema = z.object({
  format: z.literal('occam.compose'),
  version: z.literal(1),
  occamVersion: z.string(),
  conditions: z.array(z.object({ name: z.string(), trials: z.number().int(), scoredBins: z.number().int(), events: z.number() })),
  families: z.array(z.string()),
  options: z.object({
    folds: z.number().int(),
    seed: z.number().int(),
    alpha: z.number(),
    resamples: z.number().int(),
    /** The bootstrap figure the minimal composition is decided on. */
    figure: z.string(),
    level: z.number(),
  }),
  candidates: z.array(ComposeCandidateSchema),
  best: z.string(),
  minimal: z.string(),
  /** Per family: whether it is condition-specific in the minimal composition, and its paired gain over 'offsets'. */
  familyDifferences: z.array(z.object({ family: z.string(), differs: z.boolean(), gainOverOffsets: IntervalSchema.nullable() })),
  /** The minimal composition's condition-specific input filters, each condition's copy (empty when none). */
  specificFilters: z.array(ComposeSpecificFilterSchema).default([]),
  gate: GateSchema.extend({
    /** When the gate reads both families: the same gate from each family alone (volume; the per-trial features). */
    ablations: z.array(GateSchema).optional(),
  }),
  notes: z.array(z.string()),
});
export type ComposeResult = z.infer<typeof ComposeResultSchema>;
