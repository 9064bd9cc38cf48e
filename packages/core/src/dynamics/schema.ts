import { z } from 'zod';

const SampledSchema = z
  .object({ x: z.array(z.number()), y: z.array(z.number()) })
  .refine((s) => s.x.length === s.y.length, { message: 'x and y must have the same length' });

/**
 * `occam.dynamics` v1: how a reduced model changes over a system's training (checkpoints of a language
 * model, plasticity steps), for the report's dynamics plots.
 *
 * ```json
 * { "format": "occam.dynamics", "version": 1,
 *   "step": { "name": "training step", "unit": "steps" },
 *   "metric": { "name": "trial-to-trial AUROC", "baseline": 0.5 },
 *   "binUnit": "token",
 *   "points": [
 *     { "step": 1000, "metric": 0.71,
 *       "filters": [ { "group": "sign=positive", "summary": { "peak lag": 2, "total weight": 0.8 },
 *                      "temporal": { "x": [0, 1, 2], "y": [0.1, 0.5, 0.2] } } ] } ] }
 * ```
 */
export const DynamicsPointSchema = z.object({
  step: z.number(),
  /** Held-out metric of the reduced model fitted at this step; null when not computed. */
  metric: z.number().nullable(),
  filters: z
    .array(
      z.object({
        /** Group label as in the ReducedModel ("type=excitatory", "sign=negative"): sets its colour. */
        group: z.string().min(1),
        /** Named scalar summaries of the group's filter at this step, each drawn over steps. */
        summary: z.record(z.string(), z.number().nullable()).default({}),
        /** The group's temporal filter at this step (x in the bin unit). */
        temporal: SampledSchema.optional(),
      }),
    )
    .default([]),
});

export const DynamicsResultSchema = z.object({
  format: z.literal('occam.dynamics'),
  version: z.literal(1),
  title: z.string().optional(),
  step: z.object({ name: z.string().min(1).default('training step'), unit: z.string().optional() }).default({ name: 'training step' }),
  metric: z.object({ name: z.string().min(1), baseline: z.number().nullable().default(null) }),
  /** Unit of the temporal filters' x ('ms', 'token', …). */
  binUnit: z.string().default('token'),
  points: z.array(DynamicsPointSchema).min(1),
  /** The abrupt change in the metric over steps, if any (see detectChangePoint). */
  changePoint: z
    .object({
      /** First step of the new regime. */
      step: z.number(),
      before: z.number(),
      after: z.number(),
      /** BIC(one level) − BIC(two levels): > 0 favours a change. */
      bicGain: z.number(),
      method: z.string(),
    })
    .nullable()
    .default(null),
});
export type DynamicsResult = z.infer<typeof DynamicsResultSchema>;
export type DynamicsResultInput = z.input<typeof DynamicsResultSchema>;
