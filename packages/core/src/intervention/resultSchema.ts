import { z } from 'zod';

/** A figure with its percentile interval over resampled trials (null bounds when too few resamples define it). */
export const EstimateSchema = z.object({ estimate: z.number().nullable(), low: z.number().nullable(), high: z.number().nullable() });
export type Estimate = z.infer<typeof EstimateSchema>;

const TimeCourseSchema = z.object({
  /** Start of each bin in the dataset's time unit (timeOrigin + bin × binWidth). */
  time: z.array(z.number()),
  /** Mean over the compared trials, per bin. */
  predictedOriginal: z.array(z.number()),
  predictedIntervened: z.array(z.number()),
  simulatedOriginal: z.array(z.number()).nullable(),
  simulatedIntervened: z.array(z.number()).nullable(),
});

export const InterventionOutcomeSchema = z.object({
  name: z.string(),
  description: z.string().nullable(),
  operation: z.enum(['silence', 'shift', 'scale']),
  /** The atoms the operation changes (ids). */
  atoms: z.array(z.string()),
  predicted: z.object({ original: EstimateSchema, intervened: EstimateSchema, change: EstimateSchema }),
  /** From the intervened simulation's Dataset (same trials); null when none was given for this intervention. */
  simulated: z
    .object({
      dataset: z.string(),
      original: EstimateSchema,
      intervened: EstimateSchema,
      change: EstimateSchema,
      /** Input cells (atom × trial × bin) of the atoms the intervention leaves alone that differ from the original data: 0 for the same trials. */
      untouchedInputMismatches: z.number().int(),
    })
    .nullable(),
  /** Predicted change − simulated change, paired over the same resampled trials. */
  predictedMinusSimulated: EstimateSchema.nullable(),
  /** Whether the prediction misses by the documented rule (null without a simulation). */
  miss: z.boolean().nullable(),
  /** One plain sentence: the comparison, and the miss when there is one. */
  line: z.string(),
  timeCourse: TimeCourseSchema,
});
export type InterventionOutcome = z.infer<typeof InterventionOutcomeSchema>;

/**
 * The change regressed on the predicted change through the origin, and their correlation, across interventions;
 * the slope recomputed leaving each intervention out (the trial bootstrap holds the set fixed). Neuron and
 * language-model results share it.
 */
export const AcrossInterventionsSchema = z.object({
  count: z.number().int(),
  slope: EstimateSchema.nullable(),
  correlation: EstimateSchema.nullable(),
  slopeLeaveOneOut: z
    .object({ min: z.number().nullable(), max: z.number().nullable(), mostInfluential: z.string(), slopeWithout: z.number().nullable() })
    .nullable()
    .optional(),
});

export const InterventionResultSchema = z.object({
  format: z.literal('occam.intervention-result'),
  version: z.literal(1),
  system: z.enum(['neuron']),
  model: z.string(),
  data: z.string(),
  interventionsFile: z.string(),
  /** What "response" means: mean output per scored bin of the original data (spike probability for binary targets). */
  measure: z.object({
    description: z.string(),
    scoredBins: z.number().int(),
    trials: z.number().int(),
    /** How simulated trials were matched to the data's: by trial id, or by position when neither has ids. */
    pairedBy: z.enum(['trialIds', 'position']),
  }),
  prediction: z.object({
    method: z.string(),
    nonlinearity: z.enum(['link', 'lookup']),
    samples: z.number().int(),
    seed: z.number().int(),
  }),
  bootstrap: z.object({ resamples: z.number().int(), level: z.number(), seed: z.number().int(), unit: z.literal('trial') }),
  /** The reduced model's forward prediction of the unintervened response beside the data's own (calibration). */
  baseline: z.object({ predicted: EstimateSchema, observed: EstimateSchema }),
  interventions: z.array(InterventionOutcomeSchema),
  /** Simulated change regressed on predicted change through the origin, and their correlation, over interventions with a simulation. */
  acrossInterventions: AcrossInterventionsSchema,
  missRule: z.string(),
  misses: z.array(z.string()),
  seconds: z.number(),
});
export type InterventionResult = z.infer<typeof InterventionResultSchema>;
