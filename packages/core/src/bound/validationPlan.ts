import type { Spec } from '../spec/schema.js';
import { trialFolds, trialSplit } from '../validation/trialFolds.js';

/** One fit of a validation plan: fitted on `train` trials, scored on `test` trials. */
export interface PlanFold {
  train: number[];
  test: number[];
}

/**
 * The held-out plan a reduced model's spec implies, drawn exactly as fitReducedModel draws it (the same seeded
 * split, or the same k folds; for repeated k-fold, repeat 0 — the one its headline figures come from). Every
 * bound predictor is trained and scored on these folds, so all of them are compared on the same held-out rows.
 */
export function validationPlan(spec: Spec, nTrials: number): PlanFold[] {
  const v = spec.validation;
  if (v.kind === 'split') return [trialSplit(nTrials, v.testFraction, v.seed)];
  const folds = trialFolds(nTrials, v.folds, v.seed);
  return folds.map((test, i) => ({ test, train: folds.flatMap((other, j) => (j === i ? [] : other)) }));
}
