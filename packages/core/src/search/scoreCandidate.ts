import type { Dataset } from '../dataset/dataset.js';
import { fitReducedModel } from '../model/fitReducedModel.js';
import type { Spec } from '../spec/schema.js';
import type { Candidate } from './schema.js';

/** What scoring one candidate spec yields: its size and its held-out (cross-validated) metrics. */
export type CandidateScore = Pick<Candidate, 'parameters' | 'metrics'>;

/** Cross-validated scores of one spec. Only held-out scores matter: no final refit, no spike-train simulation. */
export function scoreCandidate(ds: Dataset, spec: Spec): CandidateScore {
  const model = fitReducedModel(ds, spec, { coincidence: false, refit: false, bootstrap: false, diagnose: false });
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
  };
}
