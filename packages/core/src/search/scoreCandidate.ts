import type { Dataset } from '../dataset/dataset.js';
import { fitReducedModelWithPredictions } from '../model/fitReducedModel.js';
import type { Spec } from '../spec/schema.js';
import { candidateIntervals, type CandidateIntervalOptions } from './candidateIntervals.js';
import type { Candidate } from './schema.js';

/** What scoring one candidate spec yields: its size, its held-out (cross-validated) metrics and their intervals. */
export type CandidateScore = Pick<Candidate, 'parameters' | 'metrics' | 'intervals'>;

/**
 * Cross-validated scores of one spec. Only held-out scores matter: no final refit, no spike-train simulation.
 * The intervals (when asked for) resample the same out-of-fold predictions the metrics come from: no fit runs twice.
 */
export function scoreCandidate(ds: Dataset, spec: Spec, intervals?: CandidateIntervalOptions): CandidateScore {
  const { model, heldOut } = fitReducedModelWithPredictions(ds, spec, { coincidence: false, refit: false, bootstrap: false, diagnose: false });
  const t = model.metrics.test;
  return {
    parameters: model.fit.parameters,
    metrics: {
      auroc: t.model.auroc,
      psthAuroc: t.psth.auroc,
      llGainOverPsth: t.gainOverPsth.bitsPerEvent,
      trialToTrialAuroc: t.trialToTrialAuroc.model,
      stratifiedAuroc: t.stratifiedAuroc?.model ?? null,
      pseudoR2: t.model.pseudoR2,
    },
    ...(intervals ? { intervals: candidateIntervals(heldOut, intervals) } : {}),
  };
}
