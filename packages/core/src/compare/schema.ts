import { z } from 'zod';
import { ControlComparisonSchema } from '../model/controlComparison.js';

const matrix = z.array(z.array(z.number().nullable()));
const intervalMatrix = z.array(z.array(z.tuple([z.number(), z.number()]).nullable()));

export const CompareResultSchema = z.object({
  format: z.literal('occam.compare'),
  version: z.literal(1),
  /** 'systems' (universality: one condition, several systems) or 'conditions' (transfer: one system, several conditions). */
  kind: z.enum(['systems', 'conditions']),
  names: z.array(z.string()),
  /** Cosine similarity of normalised filters between systems, per group and filter (spatial, temporal, full). */
  filterSimilarity: z.array(
    z.object({
      group: z.string(),
      filter: z.enum(['spatial', 'temporal', 'full', 'history']),
      matrix,
      /**
       * Percentile intervals of each similarity over draws of both systems' filters from their own Laplace
       * posteriors (null where a system has none: see filterSimilarityIntervals.unavailable); [1, 1] on the diagonal.
       */
      intervals: intervalMatrix.optional(),
      level: z.number().optional(),
    }),
  ),
  /** How the filter similarity intervals were drawn, and the systems that have none, with why (absent in older files). */
  filterSimilarityIntervals: z
    .object({
      method: z.literal('laplace'),
      level: z.number(),
      draws: z.number().int(),
      seeds: z.array(z.number().int()),
      unavailable: z.array(z.object({ name: z.string(), reason: z.string() })),
    })
    .optional(),
  /** Row model on column dataset: held-out AUROC, and that AUROC minus the column's own model's (0 on the diagonal). */
  crossPrediction: z.object({
    auroc: matrix,
    relativeToOwn: matrix,
    trialToTrialAuroc: matrix,
    /** Position-stratified AUROC (pairs within each bin), and minus the column's own model's (absent in older files). */
    stratifiedAuroc: matrix.optional(),
    stratifiedRelativeToOwn: matrix.optional(),
    /**
     * Percentile intervals ([low, high] or null) over resamples of the column system's held-out trials; the
     * differences to the column's own model are paired (same resampled trials). Absent in older files.
     */
    intervals: z
      .object({
        level: z.number(),
        resamples: z.number().int(),
        seed: z.number().int(),
        auroc: intervalMatrix,
        stratifiedAuroc: intervalMatrix,
        relativeToOwn: intervalMatrix,
        stratifiedRelativeToOwn: intervalMatrix,
      })
      .optional(),
  }),
  /**
   * Where a row model's groups and a column system's groups differ (systems with different atom sets, matched
   * by group label): the column's groups the model has no weights for (their atoms left out when it predicts
   * there) and the model's groups with no atoms in the column's data. Absent when every pair matches.
   */
  groupMatching: z.array(z.object({ model: z.string(), data: z.string(), unknown: z.array(z.string()), absent: z.array(z.string()) })).optional(),
  /** Selectivity of each system beside its control, where its model carries one (language models: `lm reduce`). */
  controls: z.array(z.object({ name: z.string(), control: ControlComparisonSchema })).optional(),
  /** Systems ordered so similar ones sit together (average-linkage clustering on 1 − mean full-filter similarity). */
  order: z.array(z.string()),
  /**
   * Response differences split into inputs vs reduced models (pairwise): share of the squared difference
   * between two systems' simulated response (PSTH) that swapping inputs explains vs swapping models.
   */
  variability: z.array(
    z.object({
      a: z.string(),
      b: z.string(),
      responseDistance: z.number(),
      inputShare: z.number().nullable(),
      modelShare: z.number().nullable(),
      /**
       * Percentile intervals over resamples of each system's held-out trials, the same resample feeding both
       * models run on those inputs; each trial's simulated response is kept, so the simulation noise is
       * resampled with its trial. None for the response distance, which resampling biases upward. The input share
       * is biased upward too (its effect compares two trial sets, so resampling adds their noise to it once more):
       * where the whole resampled range lies on one side of the estimate, no interval is given and `note` says so.
       * Absent in older files and where the datasets' bins differ.
       */
      intervals: z
        .object({
          level: z.number(),
          resamples: z.number().int(),
          inputShare: z.tuple([z.number(), z.number()]).nullable(),
          modelShare: z.tuple([z.number(), z.number()]).nullable(),
          /** Why the shares have no interval where resampling biased them (the resampled range excluded the estimate). */
          note: z.string().optional(),
        })
        .optional(),
    }),
  ),
});
export type CompareResult = z.infer<typeof CompareResultSchema>;
