import { z } from 'zod';

/**
 * `occam.pareto` v1: candidates a model search scored, for the report's Pareto plot — the simple, generic
 * form any tool can write. occam's own search output (`occam.search`, core's ParetoFront) is read
 * directly and converted to this by `paretoFromSearch`.
 *
 * ```json
 * { "format": "occam.pareto", "version": 1,
 *   "metric": { "name": "trial-to-trial AUROC", "higherIsBetter": true, "baseline": { "name": "PSTH", "value": 0.5 } },
 *   "candidates": [
 *     { "id": "E+I+history", "parameters": 31, "families": ["type=excitatory", "type=inhibitory", "history"],
 *       "metric": 0.91, "interval": [0.89, 0.93], "onFront": true, "chosen": true } ],
 *   "intervalLevel": 0.95 }
 * ```
 */
export const ParetoCandidateSchema = z.object({
  /** Stable name of the candidate (shown on hover and in the table). */
  id: z.string().min(1),
  /** Free parameters (complexity axis of the front). */
  parameters: z.number().int().nonnegative(),
  /** Feature families the candidate includes, e.g. ["type=excitatory", "history"]. */
  families: z.array(z.string()).default([]),
  /** Held-out value of `metric`; null when it could not be computed. */
  metric: z.number().nullable(),
  /** On the Pareto front of (fewer parameters, better metric). */
  onFront: z.boolean(),
  /** The minimal sufficient model the search picked. */
  chosen: z.boolean().default(false),
  /** One line for readers, e.g. "separable, 6 spatial × 8 temporal functions". */
  description: z.string().optional(),
  /** Interval of `metric` (e.g. a 95 % bootstrap over held-out trials): [low, high], null where not computed. */
  interval: z
    .tuple([z.number(), z.number()])
    .nullable()
    .optional()
    .refine((i) => !i || i[0] <= i[1], { message: 'low must not exceed high' }),
});
export type ParetoCandidate = z.infer<typeof ParetoCandidateSchema>;

export const ParetoFrontSchema = z.object({
  format: z.literal('occam.pareto'),
  version: z.literal(1),
  title: z.string().optional(),
  /** The held-out metric candidates are ranked by (one the time-only baseline cannot game). */
  metric: z.object({
    name: z.string().min(1),
    higherIsBetter: z.boolean().default(true),
    /** The same metric for a baseline (e.g. the PSTH), drawn as a reference line. */
    baseline: z
      .object({ name: z.string().min(1), value: z.number() })
      .nullable()
      .default(null),
  }),
  candidates: z.array(ParetoCandidateSchema).min(1),
  /** Coverage of the candidates' intervals (0.95 for 95 %), when they carry one. */
  intervalLevel: z.number().gt(0).lt(1).optional(),
  /** Lines for readers under the table (what justifies the chosen model, how the search got there). */
  notes: z.array(z.string()).default([]),
});
export type ParetoFront = z.infer<typeof ParetoFrontSchema>;
export type ParetoFrontInput = z.input<typeof ParetoFrontSchema>;
