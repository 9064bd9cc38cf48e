import { z } from 'zod';

const Num = z.number().nullable();
/** A figure and its percentile interval (null where undefined). */
export const IntervalSchema = z.strictObject({ estimate: Num, low: Num, high: Num });
export const FigureIntervalsSchema = z.strictObject({
  auroc: IntervalSchema,
  stratifiedAuroc: IntervalSchema,
  trialToTrialAuroc: IntervalSchema,
  logLikPerBin: IntervalSchema,
  pseudoR2: IntervalSchema,
  accuracy: IntervalSchema,
  bitsPerEventOverPsth: IntervalSchema,
});

export const CapturedFractionSchema = z.strictObject({
  estimate: Num,
  low: Num,
  high: Num,
  /** Why the fraction is null (or has no interval); null when it is reported. */
  reason: z.string().nullable(),
  reducedGain: IntervalSchema,
  referenceGain: IntervalSchema,
});

const TrialList = z.array(z.number().int().nonnegative());

/**
 * The plan occam hands an external trainer (tools/tcn-bound): the dataset's shape, the lag window and history the
 * reduced model sees, and the folds — train on `train`, predict the scored bins of `test`. The same folds the
 * reduced model was scored on.
 */
export const BoundPlanSchema = z.strictObject({
  format: z.literal('occam.bound-plan'),
  version: z.literal(1),
  dataset: z.strictObject({ nTrials: z.number().int().positive(), nBins: z.number().int().positive(), atoms: z.number().int().positive() }),
  family: z.enum(['bernoulli', 'poisson', 'gaussian']),
  /** Inputs at lags minLag … maxLag predict a bin (0: the same bin). */
  minLag: z.number().int().nonnegative(),
  maxLag: z.number().int().nonnegative(),
  /** The output's own past as an input, lags 1 … maxLag (null: the reduced model has no history term). */
  historyMaxLag: z.number().int().positive().nullable(),
  /** Atoms the reduced model leaves out (spec.exclude, readout atoms): the references see the same inputs. */
  excludedAtoms: z.array(z.number().int().nonnegative()),
  seed: z.number().int(),
  folds: z.array(z.strictObject({ train: TrialList, test: TrialList })).min(1),
});
export type BoundPlan = z.infer<typeof BoundPlanSchema>;

const RichGlmDescriptionSchema = z.strictObject({
  signatureAttributes: z.array(z.string()),
  pooledAtoms: z.number().int(),
  lagBasis: z.enum(['reduced spec', 'raisedCosineLog']),
  lagFunctions: z.number().int(),
  historyFunctions: z.number().int(),
  interactionDrives: z.array(z.string()),
  interactionColumns: z.number().int(),
  columns: z.number().int(),
  ridgeGrid: z.array(z.number()),
  innerFolds: z.number().int(),
  folds: z.array(z.strictObject({ ridge: z.number(), cvLogLikPerBin: z.array(Num) })),
  seconds: z.number(),
});

/** `occam bound`'s output: the reduced model beside its bounds and the PSTH on the same held-out rows. */
export const BoundResultSchema = z.strictObject({
  format: z.literal('occam.bound'),
  version: z.literal(1),
  occamVersion: z.string(),
  dataset: z.strictObject({ path: z.string().nullable(), nTrials: z.number().int(), nBins: z.number().int(), atoms: z.number().int() }),
  model: z.strictObject({
    path: z.string().nullable(),
    parameters: z.number().int(),
    /** Which link the reduced model's figures use: its headline (the lookup table when the training trials chose it). */
    headline: z.enum(['link', 'lookup']),
  }),
  validation: z.strictObject({ kind: z.enum(['split', 'kfold']), folds: z.number().int(), heldOutTrials: z.number().int(), heldOutBins: z.number().int() }),
  bootstrap: z.strictObject({ trials: z.number().int(), resamples: z.number().int(), seed: z.number().int(), level: z.number(), method: z.string() }),
  psth: FigureIntervalsSchema,
  /** Each predictor's held-out figures: reduced, richGlm and, when given, tcn. */
  predictors: z.record(z.string(), FigureIntervalsSchema),
  references: z.array(
    z.strictObject({
      reference: z.string(),
      logLikGain: CapturedFractionSchema,
      stratifiedAurocGain: CapturedFractionSchema,
      referenceMinusReduced: FigureIntervalsSchema,
      referenceVsReduced: z.enum(['better', 'indistinguishable', 'worse']).nullable(),
    }),
  ),
  richGlm: RichGlmDescriptionSchema,
  tcn: z
    .strictObject({
      predictions: z.string().nullable(),
      description: z.string(),
      hyperparameters: z.record(z.string(), z.unknown()),
      selection: z.unknown().optional(),
      trainingSeconds: z.number(),
      software: z.record(z.string(), z.string()),
    })
    .nullable(),
  /** Wall-clock seconds on the machine that ran it (the only figures that differ between identical runs). */
  timing: z.strictObject({ reducedRefitSeconds: z.number(), richGlmSeconds: z.number(), tcnSeconds: z.number().nullable() }),
});
export type BoundResult = z.infer<typeof BoundResultSchema>;
