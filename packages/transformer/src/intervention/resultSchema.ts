import { AcrossInterventionsSchema, EstimateSchema } from '@occam/core';
import { z } from 'zod';
import { LmInterventionSchema } from './schema.js';

/**
 * The language-model counterpart of core's InterventionResult (packages/core/src/intervention/resultSchema.ts):
 * the same top-level keys, Estimate figures and miss rule, with `system: 'language-model'`. Where core compares
 * with a `simulated` rerun of the detailed system, here the detailed system is the network itself, run with the
 * intervention: its figures are `actual` (and `predictedMinusActual`).
 */
const ArmSchema = z.object({ original: EstimateSchema, intervened: EstimateSchema, change: EstimateSchema });

const PerPositionSchema = z.object({
  /** Token positions (bins). */
  position: z.array(z.number().int()),
  /** Per position, the mean over the compared prompts (null where no prompt has a compared cell there). */
  actualOriginal: z.array(z.number().nullable()),
  actualIntervened: z.array(z.number().nullable()),
  predictedOriginal: z.array(z.number().nullable()),
  predictedIntervened: z.array(z.number().nullable()),
});

export const LmInterventionOutcomeSchema = z.object({
  name: z.string(),
  description: z.string().nullable(),
  operation: z.enum(['ablate-head', 'ablate-mlp', 'resample-token']),
  intervention: LmInterventionSchema,
  /** Where the intervened network was written (in-graph ablations), else null. */
  modelDir: z.string().nullable(),
  /** Scored (prompt, position) cells compared: the same in both arms. */
  comparedBins: z.number().int(),
  /** The reduced model's atoms whose values the intervention changed on some compared cell (what the prediction can see). */
  changedAtoms: z.array(z.string()),
  predicted: ArmSchema,
  actual: ArmSchema,
  predictedMinusActual: EstimateSchema,
  miss: z.boolean(),
  line: z.string(),
  perPosition: PerPositionSchema,
});
export type LmInterventionOutcome = z.infer<typeof LmInterventionOutcomeSchema>;

export const LmInterventionResultSchema = z.object({
  format: z.literal('occam.intervention-result'),
  version: z.literal(1),
  system: z.literal('language-model'),
  model: z.string(),
  condition: z.string(),
  behaviour: z.string(),
  measure: z.object({ description: z.string(), scoredBins: z.number().int(), trials: z.number().int(), pairedBy: z.literal('trialIds') }),
  prediction: z.object({ method: z.string(), nonlinearity: z.enum(['link', 'lookup']), samples: z.number().int(), seed: z.number().int() }),
  bootstrap: z.object({ resamples: z.number().int(), level: z.number(), seed: z.number().int(), unit: z.literal('trial') }),
  /** The reduced model's prediction of the unintervened rate beside the network's own (calibration). */
  baseline: z.object({ predicted: EstimateSchema, observed: EstimateSchema }),
  interventions: z.array(LmInterventionOutcomeSchema),
  /** Actual change regressed on predicted change through the origin, and their correlation, across interventions. */
  acrossInterventions: AcrossInterventionsSchema,
  missRule: z.string(),
  misses: z.array(z.string()),
  seconds: z.number(),
});
export type LmInterventionResult = z.infer<typeof LmInterventionResultSchema>;
