import { z } from 'zod';
import { AttributeBasisSchema, TemporalBasisSchema } from '../bases/schema.js';

/** Group atoms by a categorical attribute's value, or by bins of a numeric attribute (edges, left-closed). */
export const GroupingSchema = z
  .union([z.string().min(1), z.strictObject({ attribute: z.string().min(1), edges: z.array(z.number()).min(2) })])
  .describe('an attribute\'s name, e.g. "type", or bins of a numeric attribute, e.g. { "attribute": "distance", "edges": [0, 200, 400, 1000] }');

export const FamilySchema = z.enum(['bernoulli', 'poisson', 'gaussian']);
export type Family = z.infer<typeof FamilySchema>;

export const ValidationSchema = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('split'), testFraction: z.number().gt(0).lt(1).default(0.3), seed: z.number().int().default(0) }),
  z.strictObject({ kind: z.literal('kfold'), folds: z.number().int().min(2).max(50).default(5), seed: z.number().int().default(0) }),
  /**
   * k folds × r repeats by trial, repeat i with seed + i: the headline figures are repeat 0's (the k-fold with
   * this seed); metrics.repeated gives every repeat's figures and their spread (how much the fold assignment moves them).
   */
  z.strictObject({
    kind: z.literal('repeatedKfold'),
    folds: z.number().int().min(2).max(50).default(5),
    repeats: z.number().int().min(2).max(50).default(5),
    seed: z.number().int().default(0),
  }),
]);

/**
 * A Spec says which reduced model to fit: how atoms are grouped, which lags and bases, separable or
 * full, history on or off, the observation family and the penalties. Serialisable JSON; defaults are
 * the published method's shape (separable, E/I groups, 80-bin window, history on). Strict: a key occam does
 * not know (`"regularisation"`) is an error naming it and the closest known key, never silently ignored.
 */
export const SpecSchema = z
  .strictObject({
    /** Free text for the reader (ignored): specs are JSON, which has no comments. */
    $comment: z.string().optional(),
    /** Categorical attributes (or numeric bins) whose value combinations form the groups; [] = one group. */
    groupBy: z.array(GroupingSchema).default([]),
    /** Leave out atoms whose attribute takes one of these values, e.g. { type: ['inhibitory'] }. */
    exclude: z.record(z.string(), z.array(z.union([z.string(), z.number()]))).default({}),
    /**
     * Atoms whose attribute `readsReadout` is 'yes' project onto the behaviour's own readout (a language
     * model's direct effects on the very logit the behaviour reads): they decompose the answer and predict it
     * whatever the weights, so they are left out unless this asks for them.
     */
    includeReadoutAtoms: z.boolean().default(false),
    /** Filter over an ordered attribute (e.g. soma distance, layer). Omit for no spatial dimension. */
    spatial: z.object({ attribute: z.string().min(1), basis: AttributeBasisSchema }).optional(),
    temporal: z.strictObject({
      /** 0 lets the predicted bin see inputs in the same bin (transformer positions); 1 is strictly earlier. */
      minLag: z.number().int().nonnegative().default(0),
      maxLag: z.number().int().nonnegative(),
      basis: TemporalBasisSchema,
    }),
    structure: z.enum(['separable', 'full']).default('separable'),
    /** The system's own recent output as regressors, lags 1..maxLag. */
    history: z.strictObject({ maxLag: z.number().int().positive(), basis: TemporalBasisSchema }).nullable().default(null),
    family: FamilySchema.default('bernoulli'),
    regularization: z
      .object({
        /** λ in ½λ‖β‖² (intercept unpenalised), on the likelihood summed over bins. */
        ridge: z.number().nonnegative().default(1),
        /** μ in ½μ‖Dβ‖², D = second differences along each filter's ordered axis. */
        smoothness: z.number().nonnegative().default(0),
      })
      .default({ ridge: 1, smoothness: 0 }),
    /** Post-hoc nonlinearity besides the GLM link: an empirical lookup table P(output | WNI). */
    nonlinearity: z.object({ kind: z.enum(['link', 'lookup']), minCount: z.number().int().positive().default(10) }).default({ kind: 'link', minCount: 10 }),
    validation: ValidationSchema.default({ kind: 'split', testFraction: 0.3, seed: 0 }),
    /** Bins for trial-to-trial AUROC: explicit bin indices, or 'peak' = training-PSTH peak ± halfWidth. */
    fixedBins: z
      .union([z.array(z.number().int().nonnegative()).min(1), z.strictObject({ peak: z.literal(true), halfWidth: z.number().int().nonnegative().default(2) })])
      .default({ peak: true, halfWidth: 2 }),
  })
  .refine((s) => s.temporal.maxLag >= s.temporal.minLag, {
    message: 'temporal.maxLag must be ≥ temporal.minLag',
    path: ['temporal', 'maxLag'],
  });
export type Spec = z.infer<typeof SpecSchema>;
export type SpecInput = z.input<typeof SpecSchema>;
