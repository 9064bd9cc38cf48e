import { z } from 'zod';

/** A figure with its interval (e.g. a bootstrap over prompts): printed "0.964 [0.951, 0.975]". */
export const IntervalSchema = z.object({
  estimate: z.number().nullable(),
  low: z.number().nullable(),
  high: z.number().nullable(),
});
export type Interval = z.infer<typeof IntervalSchema>;

/**
 * Selectivity of a language-model reduction: the trained model's gain over the position-only baseline minus
 * its random-weights control's, with an interval. A gain the control also reaches says nothing about what
 * training built, so this difference, not the gain, is the finding.
 *
 * Example: { "bitsPerEvent": { "estimate": 0.18, "low": 0.12, "high": 0.24 },
 *            "stratifiedAuroc": { "estimate": 0.21, "low": 0.15, "high": 0.27 }, "level": 0.95 }
 */
export const SelectivitySchema = z.object({
  /** Trained minus control gain over the position-only baseline, bits per event. */
  bitsPerEvent: IntervalSchema,
  /** Trained minus control position-stratified AUROC. */
  stratifiedAuroc: IntervalSchema.optional(),
  /** Coverage of the intervals (0.95 for 95 %). */
  level: z.number().gt(0).lt(1).optional(),
});
export type Selectivity = z.infer<typeof SelectivitySchema>;
export type SelectivityInput = z.input<typeof SelectivitySchema>;
