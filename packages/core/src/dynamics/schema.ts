import { z } from 'zod';

const IntervalSchema = z.object({ estimate: z.number().nullable(), low: z.number().nullable(), high: z.number().nullable() });

const SampledSchema = z
  .object({ x: z.array(z.number()), y: z.array(z.number()) })
  .refine((s) => s.x.length === s.y.length, { message: 'x and y must have the same length' });

/**
 * `occam.dynamics` v2 (reads v1): how a reduced model changes over a system's training (checkpoints of a
 * language model, plasticity steps), for the report's dynamics plots. v2 adds, all optional on reading,
 * each point's `behaviourRate` (how often the system shows the behaviour: for next-token-correct, its own
 * task accuracy, independent of any reduction) and all its held-out `metrics`, and `changes`: for the
 * behaviour rate and every metric, the steepest change, the abrupt (two-level) change and the bend
 * (two-segment line), so a smooth rise is located as well as a jump.
 *
 * ```json
 * { "format": "occam.dynamics", "version": 2,
 *   "step": { "name": "training step", "unit": "steps" },
 *   "metric": { "name": "trial-to-trial AUROC", "baseline": 0.5 },
 *   "binUnit": "token",
 *   "points": [
 *     { "step": 1000, "metric": 0.71, "behaviourRate": 0.4, "metrics": { "auroc": 0.93, "trialToTrialAuroc": 0.71 },
 *       "filters": [ { "group": "sign=positive", "summary": { "peak lag": 2, "total weight": 0.8 },
 *                      "temporal": { "x": [0, 1, 2], "y": [0.1, 0.5, 0.2] } } ] } ] }
 * ```
 */
export const DynamicsPointSchema = z.object({
  step: z.number(),
  /** Held-out metric of the reduced model fitted at this step; null when not computed. */
  metric: z.number().nullable(),
  /** v2: fraction of scored bins with an event (the system's own rate of the behaviour); null when unknown. */
  behaviourRate: z.number().nullable().default(null),
  /** v2: every held-out metric of this step's reduced model, by the names `changes[].series` uses. */
  metrics: z.record(z.string(), z.number().nullable()).default({}),
  /** 95 % interval of each metric over the step's held-out trials ([low, high] or null; absent in older files). */
  metricIntervals: z.record(z.string(), z.tuple([z.number(), z.number()]).nullable()).optional(),
  /** Beside a control: this step's selectivity (gain − the control's gain) and the control's own gain, with intervals. */
  selectivity: z.object({ bitsPerEvent: IntervalSchema, stratifiedAuroc: IntervalSchema }).optional(),
  controlGain: z.object({ bitsPerEvent: IntervalSchema, stratifiedAuroc: IntervalSchema }).optional(),
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

/** Where one series (the behaviour rate or a metric) changes over steps, by three stated methods. */
export const DynamicsChangeSchema = z.object({
  /** 'behaviourRate' or a metric key ('auroc', 'trialToTrialAuroc', 'bitsPerEventOverPsth'). */
  series: z.string().min(1),
  name: z.string().min(1),
  /** Largest |central-difference slope| at an interior step (see steepestChange); slope per step. */
  steepest: z.object({ step: z.number(), slope: z.number(), method: z.string() }).nullable(),
  /** Two constant levels split where the squared error is least, if BIC prefers it (see detectChangePoint). */
  abrupt: z.object({ step: z.number(), before: z.number(), after: z.number(), bicGain: z.number(), method: z.string() }).nullable(),
  /** Knee of a continuous two-segment line, if it beats one line (bootstrap p < 0.05; see piecewiseLinearChange). */
  bend: z.object({ step: z.number(), slopeBefore: z.number(), slopeAfter: z.number(), pValue: z.number(), method: z.string() }).nullable(),
});
export type DynamicsChange = z.infer<typeof DynamicsChangeSchema>;

export const DynamicsResultSchema = z.object({
  format: z.literal('occam.dynamics'),
  /** 2 since `behaviourRate`, `metrics` and `changes`; version 1 files still parse (those fields default). */
  version: z.union([z.literal(1), z.literal(2)]),
  title: z.string().optional(),
  step: z.object({ name: z.string().min(1).default('training step'), unit: z.string().optional() }).default({ name: 'training step' }),
  /** The primary metric: its display name, its key in points[].metrics (absent in older files), and its baseline. */
  metric: z.object({ name: z.string().min(1), key: z.string().optional(), baseline: z.number().nullable().default(null) }),
  /** Unit of the temporal filters' x ('ms', 'token', …). */
  binUnit: z.string().default('token'),
  points: z.array(DynamicsPointSchema).min(1),
  /** The abrupt change in the primary metric over steps, if any (see detectChangePoint; as in v1). */
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
  /** v2: the steepest, abrupt and bending change of the behaviour rate and of every metric. */
  changes: z.array(DynamicsChangeSchema).default([]),
});
export type DynamicsResult = z.infer<typeof DynamicsResultSchema>;
export type DynamicsResultInput = z.input<typeof DynamicsResultSchema>;
