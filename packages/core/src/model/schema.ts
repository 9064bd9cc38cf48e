import { z } from 'zod';
import { SpecSchema } from '../spec/schema.js';

/** JSON has no NaN: undefined metrics (e.g. AUROC with no events) are null. */
const num = z.number().nullable();

export const ScoreSchema = z.object({
  bins: z.number().int(),
  events: z.number(),
  auroc: num,
  /** Mean log-likelihood per bin (nats). */
  logLikPerBin: num,
  /** Deviance pseudo-R² against the training constant rate. */
  pseudoR2: num,
  brier: num,
  /** Accuracy at the best threshold (binary targets). */
  accuracy: num,
});
export type Score = z.infer<typeof ScoreSchema>;

export const MetricBlockSchema = z.object({
  model: ScoreSchema,
  /** The same linear predictor through the empirical lookup nonlinearity. */
  lookup: ScoreSchema.nullable(),
  /** Time-only baseline: the training trials' PSTH. */
  psth: ScoreSchema,
  /** Constant-rate null ("never spikes" for accuracy). */
  constant: ScoreSchema,
  /** Accuracy of always predicting the majority class. */
  nullAccuracy: num,
  /** AUROC across trials within each fixed bin, pooled (a PSTH scores 0.5 here by construction). */
  trialToTrialAuroc: z.object({ model: num, psth: num, bins: z.number().int(), events: z.number() }),
  /** What the inputs explain beyond time alone. */
  gainOverPsth: z.object({ bitsPerEvent: num, auroc: num }),
});
export type MetricBlock = z.infer<typeof MetricBlockSchema>;

export const MetricsSchema = z.object({
  train: MetricBlockSchema,
  test: MetricBlockSchema,
  /** How `test` was obtained: held-out trials of a split, or pooled out-of-fold predictions. */
  testKind: z.enum(['split', 'kfold']),
  folds: z.number().int().nullable(),
  fixedBins: z.array(z.number().int()),
  coincidence: z
    .object({ gamma: num, deltaBins: z.number().int(), trials: z.number().int(), recordedEvents: z.number(), simulatedEvents: z.number() })
    .nullable(),
});
export type Metrics = z.infer<typeof MetricsSchema>;

const SampledSchema = z.object({ x: z.array(z.number()), y: z.array(z.number()) });

export const GroupFilterSchema = z.object({
  label: z.string(),
  atoms: z.number().int(),
  /** Weight over the ordered attribute (x in the attribute's unit). */
  spatial: SampledSchema,
  /** Weight over lag (x in the dataset's bin unit: lag × binWidth). */
  temporal: SampledSchema,
  /** Full filter: z[i][l] at spatial x[i] and lag[l]. */
  full: z.object({ x: z.array(z.number()), lag: z.array(z.number()), z: z.array(z.array(z.number())) }),
  /** Share of the full filter's energy in its rank-1 part (1 = exactly separable). */
  separability: num,
});

export const ReducedModelSchema = z.object({
  format: z.literal('occam.reduced-model'),
  version: z.literal(1),
  occamVersion: z.string(),
  spec: SpecSchema,
  layout: z.object({
    groups: z.array(z.string()),
    spatialAttribute: z.string().nullable(),
    spatialValues: z.array(z.number()),
    K: z.number().int(),
    J: z.number().int(),
    H: z.number().int(),
  }),
  coefficients: z.object({
    intercept: z.number(),
    /** Non-intercept coefficients in layout order: (g·K + k)·J + j, then history. */
    beta: z.array(z.number()),
    separable: z.object({ spatial: z.array(z.array(z.number())), temporal: z.array(z.array(z.number())) }).nullable(),
  }),
  filters: z.object({
    binUnit: z.string(),
    binWidth: z.number(),
    groups: z.array(GroupFilterSchema),
    history: SampledSchema.nullable(),
  }),
  nonlinearity: z.object({
    link: z.enum(['logit', 'log', 'identity']),
    lookup: z.object({ wni: z.array(z.number()), p: z.array(z.number()) }).nullable(),
  }),
  fit: z.object({
    solver: z.string(),
    iterations: z.number().int(),
    alternations: z.number().int().nullable(),
    converged: z.boolean(),
    warnings: z.array(z.string()),
    parameters: z.number().int(),
    rows: z.number().int(),
  }),
  metrics: MetricsSchema,
  provenance: z.object({
    dataset: z.object({
      path: z.string().nullable(),
      nTrials: z.number().int(),
      nBins: z.number().int(),
      atoms: z.number().int(),
      binWidth: z.number(),
      binUnit: z.string(),
      condition: z.string().nullable(),
      source: z.string().nullable(),
      seed: z.number().int().nullable(),
    }),
    trainTrials: z.array(z.number().int()),
    testTrials: z.array(z.number().int()),
  }),
});
export type ReducedModel = z.infer<typeof ReducedModelSchema>;
