import { z } from 'zod';
import { SpecSchema } from '../spec/schema.js';
import { ControlComparisonSchema } from './controlComparison.js';

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
  /**
   * Accuracy (binary targets) at the threshold that is best on the training bins, applied to these bins
   * (`accuracyThresholdsFrom` says so; files written before it chose the threshold on the scored bins).
   */
  accuracy: num,
});
export type Score = z.infer<typeof ScoreSchema>;

/** [low, high] of a percentile bootstrap interval over trials; null where the figure is undefined or too rarely defined. */
const interval = z.tuple([z.number(), z.number()]).nullable();

/** Intervals of one column of a MetricBlock (the model's or the PSTH's figures), or of their difference. */
export const FigureIntervalsSchema = z.object({
  auroc: interval,
  /** Position-stratified AUROC (pairs within a bin only). */
  stratifiedAuroc: interval,
  /** Fixed-bin trial-to-trial AUROC. */
  trialToTrialAuroc: interval,
  logLikPerBin: interval,
  pseudoR2: interval,
  accuracy: interval,
  /** Log-likelihood gain over the PSTH in bits per event (the PSTH's own is 0). */
  bitsPerEventOverPsth: interval,
});

/**
 * Bootstrap intervals beside a block's figures: whole trials (prompts) resampled with replacement, every
 * figure recomputed from per-trial statistics, percentile interval. `modelMinusPsth` is paired: model and
 * PSTH scored on the same resampled trials.
 */
export const MetricIntervalsSchema = z.object({
  method: z.literal('percentile bootstrap over trials'),
  level: z.number(),
  resamples: z.number().int(),
  seed: z.number().int(),
  trials: z.number().int(),
  model: FigureIntervalsSchema,
  psth: FigureIntervalsSchema,
  modelMinusPsth: FigureIntervalsSchema,
  /** The lookup nonlinearity's own figures, and lookup − link paired on the same resampled trials (absent without a lookup). */
  lookup: FigureIntervalsSchema.optional(),
  lookupMinusModel: FigureIntervalsSchema.optional(),
  /** The lookup's gain over the PSTH, paired on the same resampled trials (absent without a lookup, or in older files). */
  lookupMinusPsth: FigureIntervalsSchema.optional(),
});
export type MetricIntervals = z.infer<typeof MetricIntervalsSchema>;

/** Figures resting on fewer events than this (the rarer class, for binary targets) are flagged. */
export const SMALL_SAMPLE_MIN_EVENTS = 30;

export const SmallSampleSchema = z.object({
  minEvents: z.number().int(),
  /** Each flagged figure with the events it rests on (for binary targets the count of the rarer class). */
  flagged: z.array(z.object({ figure: z.enum(['auroc', 'stratifiedAuroc', 'trialToTrialAuroc', 'gainOverPsth', 'pseudoR2', 'accuracy']), events: z.number() })),
});

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
  trialToTrialAuroc: z.object({
    model: num,
    psth: num,
    bins: z.number().int(),
    events: z.number(),
    /** The lookup's (absent without one). */ lookup: num.optional(),
  }),
  /**
   * Position-stratified AUROC: positive and negative bins compared only within the same bin (and fold),
   * Mann–Whitney U summed over every bin holding both classes over the pairs summed. Any function of position
   * alone (the PSTH) scores exactly 0.5. `bins`/`events`: rows and events of the bins compared; `strata`: how
   * many (fold, bin) strata hold both classes. Absent in files written before it existed.
   */
  stratifiedAuroc: z.object({ model: num, psth: num, bins: z.number().int(), events: z.number(), strata: z.number().int(), lookup: num.optional() }).optional(),
  /** What the inputs explain beyond time alone. */
  gainOverPsth: z.object({ bitsPerEvent: num, auroc: num }),
  /** Where the accuracy thresholds were chosen (absent in older files: on the scored bins themselves). */
  accuracyThresholdsFrom: z.enum(['training bins', 'scored bins']).optional(),
  /** Figures that rest on fewer than `minEvents` events. */
  smallSample: SmallSampleSchema.optional(),
  /** Bootstrap intervals over trials (null when not computed, e.g. in-sample figures). */
  intervals: MetricIntervalsSchema.nullable().optional(),
});
export type MetricBlock = z.infer<typeof MetricBlockSchema>;

/** The held-out figures a repeat of k-fold cross-validation yields (null where undefined). */
export const RepeatFiguresSchema = z.object({
  auroc: num,
  stratifiedAuroc: num,
  trialToTrialAuroc: num,
  logLikPerBin: num,
  bitsPerEventOverPsth: num,
  pseudoR2: num,
  accuracy: num,
});
export type RepeatFigures = z.infer<typeof RepeatFiguresSchema>;

/**
 * Repeated k-fold cross-validation by trial: every repeat's pooled out-of-fold figures (repeat i's folds drawn
 * with seed + i; repeat 0 is the one `test` reports), their mean, sample standard deviation and range — the
 * spread is how much the figures move with the assignment of trials to folds alone.
 */
export const RepeatedValidationSchema = z.object({
  folds: z.number().int(),
  repeats: z.number().int(),
  seeds: z.array(z.number().int()),
  perRepeat: z.array(RepeatFiguresSchema),
  mean: RepeatFiguresSchema,
  sd: RepeatFiguresSchema,
  min: RepeatFiguresSchema,
  max: RepeatFiguresSchema,
});

export const MetricsSchema = z.object({
  train: MetricBlockSchema,
  test: MetricBlockSchema,
  /** How `test` was obtained: held-out trials of a split, or pooled out-of-fold predictions. */
  testKind: z.enum(['split', 'kfold']),
  folds: z.number().int().nullable(),
  /** Present when the spec's validation is repeatedKfold. */
  repeated: RepeatedValidationSchema.optional(),
  fixedBins: z.array(z.number().int()),
  /**
   * The figure that decides whether the inputs explain the output: the position-stratified AUROC for
   * token-position datasets (language models), the fixed-bin trial-to-trial AUROC otherwise (the published
   * neuron metric), pseudo-R² for real-valued targets. Absent in older files.
   */
  decidingMetric: z.object({ metric: z.enum(['stratifiedAuroc', 'trialToTrialAuroc', 'pseudoR2']), why: z.string() }).optional(),
  coincidence: z
    .object({
      gamma: num,
      /** Percentile interval of Γ over resampled trials (absent when not computed). */
      interval: interval.optional(),
      deltaBins: z.number().int(),
      trials: z.number().int(),
      recordedEvents: z.number(),
      simulatedEvents: z.number(),
    })
    .nullable(),
});
export type Metrics = z.infer<typeof MetricsSchema>;

/** A sampled filter's pointwise band at each x (same length as y); `filters.bands` says how it was made. */
const BandSchema = z.object({ low: z.array(z.number()), high: z.array(z.number()) });

/** A filter sampled at x; `band` is absent in files written before bands existed, or when none could be made. */
const SampledSchema = z.object({ x: z.array(z.number()), y: z.array(z.number()), band: BandSchema.optional() });

/**
 * How the filters' bands were made: the Laplace approximation (Gaussian at the optimum, covariance the inverse
 * of the penalised Hessian) pushed through the filters' sampling and normalisation by `draws` seeded draws;
 * pointwise percentile bands at `level`.
 */
export const FilterBandsMethodSchema = z.object({ method: z.literal('laplace'), level: z.number(), draws: z.number().int(), seed: z.number().int() });

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
    /** Present when the sampled filters carry bands. */
    bands: FilterBandsMethodSchema.optional(),
  }),
  nonlinearity: z.object({
    link: z.enum(['logit', 'log', 'identity']),
    lookup: z.object({ wni: z.array(z.number()), p: z.array(z.number()) }).nullable(),
    /**
     * How the lookup table was made and which link the headline figures use, decided on the training trials
     * only: its smoothness by k-fold cross-validation over them, then the table at that smoothness against the
     * GLM link on the same folds (log-likelihood per training bin). Absent without a lookup, or in older files.
     */
    choice: z
      .object({
        headline: z.enum(['link', 'lookup']),
        smoothness: z.number(),
        folds: z.number().int(),
        lookupLogLikPerBin: z.number(),
        linkLogLikPerBin: z.number(),
      })
      .optional(),
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
  /** The same extraction, spec and held-out trials on a control system, and the selectivity (absent: no control run). */
  control: ControlComparisonSchema.optional(),
});
export type ReducedModel = z.infer<typeof ReducedModelSchema>;
