import { EstimateSchema, type Estimate, type InterventionResult } from '@occam/core';
import { z } from 'zod';

/**
 * The fields of a language-model intervention result (packages/transformer's LmInterventionResultSchema) that the
 * report draws. The report does not depend on @occam/transformer (which pulls in the network runtime), so it reads
 * this view: loose objects, so fields the report does not draw may come and go.
 */
const ArmView = z.looseObject({ original: EstimateSchema, intervened: EstimateSchema, change: EstimateSchema });
export const LmInterventionResultViewSchema = z.looseObject({
  format: z.literal('occam.intervention-result'),
  version: z.literal(1),
  system: z.literal('language-model'),
  model: z.string(),
  behaviour: z.string(),
  measure: z.looseObject({ description: z.string(), scoredBins: z.number().int(), trials: z.number().int() }),
  bootstrap: z.looseObject({ resamples: z.number().int(), level: z.number() }),
  baseline: z.looseObject({ predicted: EstimateSchema, observed: EstimateSchema }),
  interventions: z.array(
    z.looseObject({
      name: z.string(),
      description: z.string().nullable(),
      operation: z.string(),
      predicted: ArmView,
      actual: ArmView,
      predictedMinusActual: EstimateSchema,
      miss: z.boolean(),
      line: z.string(),
    }),
  ),
  acrossInterventions: z.looseObject({ count: z.number().int(), slope: EstimateSchema.nullable(), correlation: EstimateSchema.nullable() }),
  missRule: z.string(),
  misses: z.array(z.string()),
});
export type LmInterventionResultView = z.infer<typeof LmInterventionResultViewSchema>;

/** One intervention as the report draws it: the predicted change beside what the detailed system did. */
export interface InterventionPoint {
  name: string;
  operation: string;
  predicted: Estimate;
  /** The simulated (neuron) or actual (network) change; null when no simulation was given for it. */
  observed: Estimate | null;
  /** Predicted − observed, paired over the same resampled trials. */
  difference: Estimate | null;
  miss: boolean | null;
  line: string;
}

/** One intervention's mean response per bin, predicted and simulated, original and intervened. */
export interface InterventionTimeCourse {
  name: string;
  miss: boolean | null;
  time: number[];
  predictedOriginal: number[];
  predictedIntervened: number[];
  simulatedOriginal: number[] | null;
  simulatedIntervened: number[] | null;
}

/** An intervention result of either system, in the report's terms. */
export interface InterventionView {
  system: 'neuron' | 'language-model';
  /** What the detailed system's figures are called: "simulated" (a rerun of the neuron), "actual" (the network). */
  observedName: 'simulated' | 'actual';
  /** Section heading; default "Interventions". */
  title?: string;
  model: string;
  /** What a response is (the result's measure.description). */
  measure: string;
  trials: number;
  level: number;
  resamples: number;
  baseline: { predicted: Estimate; observed: Estimate };
  points: InterventionPoint[];
  slope: Estimate | null;
  correlation: Estimate | null;
  missRule: string;
  /** Neuron results only: the PSTH-shaped time course of each arm. */
  timeCourses: InterventionTimeCourse[];
}

/** What neuron and language-model results say alike: the measure, the resampling, the baseline and the fit across arms. */
function sharedView(
  r: InterventionResult | LmInterventionResultView,
): Pick<InterventionView, 'model' | 'measure' | 'trials' | 'level' | 'resamples' | 'baseline' | 'slope' | 'correlation' | 'missRule'> {
  return {
    model: r.model,
    measure: r.measure.description,
    trials: r.measure.trials,
    level: r.bootstrap.level,
    resamples: r.bootstrap.resamples,
    baseline: r.baseline,
    slope: r.acrossInterventions.slope,
    correlation: r.acrossInterventions.correlation,
    missRule: r.missRule,
  };
}

export function interventionViewOfNeuron(r: InterventionResult): InterventionView {
  return {
    ...sharedView(r),
    system: 'neuron',
    observedName: 'simulated',
    points: r.interventions.map((i) => ({
      name: i.name,
      operation: i.operation,
      predicted: i.predicted.change,
      observed: i.simulated?.change ?? null,
      difference: i.predictedMinusSimulated,
      miss: i.miss,
      line: i.line,
    })),
    timeCourses: r.interventions.map((i) => ({ name: i.name, miss: i.miss, ...i.timeCourse })),
  };
}

export function interventionViewOfLanguageModel(r: LmInterventionResultView): InterventionView {
  return {
    ...sharedView(r),
    system: 'language-model',
    observedName: 'actual',
    points: r.interventions.map((i) => ({
      name: i.name,
      operation: i.operation,
      predicted: i.predicted.change,
      observed: i.actual.change,
      difference: i.predictedMinusActual,
      miss: i.miss,
      line: i.line,
    })),
    timeCourses: [],
  };
}
