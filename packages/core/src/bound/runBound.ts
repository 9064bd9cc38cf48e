import type { BootstrapOptions } from '../bootstrap/bootstrapFigures.js';
import type { ScoredRows } from '../bootstrap/scoredRows.js';
import type { Dataset } from '../dataset/dataset.js';
import { buildLayout } from '../design/layout.js';
import { OccamError } from '../errors.js';
import { fitReducedModelWithPredictions } from '../model/fitReducedModel.js';
import type { ReducedModel } from '../model/schema.js';
import { OCCAM_VERSION } from '../version.js';
import { boundComparison, type BoundReference } from './boundComparison.js';
import { readExternalPredictions } from './externalPredictions.js';
import { fitRichGlm, type RichGlmOptions } from './richGlm.js';
import type { BoundPlan, BoundResult } from './schema.js';
import { validationPlan } from './validationPlan.js';

/** The plan an external trainer follows: the reduced model's folds, lag window, history and inputs. */
export function boundPlan(ds: Dataset, model: ReducedModel): BoundPlan {
  const spec = model.spec;
  const layout = buildLayout(spec, ds.manifest.atoms, undefined, 'model spec');
  const used = new Set(layout.groups.flatMap((g) => g.atoms));
  return {
    format: 'occam.bound-plan',
    version: 1,
    dataset: { nTrials: ds.manifest.nTrials, nBins: ds.manifest.nBins, atoms: ds.manifest.atoms.length },
    family: spec.family,
    minLag: spec.temporal.minLag,
    maxLag: spec.temporal.maxLag,
    historyMaxLag: spec.history ? spec.history.maxLag : null,
    excludedAtoms: ds.manifest.atoms.map((_, i) => i).filter((i) => !used.has(i)),
    seed: spec.validation.seed,
    folds: validationPlan(spec, ds.manifest.nTrials),
  };
}

export interface BoundOptions {
  datasetPath?: string;
  modelPath?: string;
  rich?: RichGlmOptions;
  /** A directory of held-out predictions from tools/tcn-bound (or any trainer writing the same format). */
  tcnPredictions?: string;
  /** Seconds the TCN took when the caller ran it (else the manifest's own trainingSeconds). */
  tcnSeconds?: number;
  bootstrap?: BootstrapOptions;
  onProgress?: (stage: string, done: number, total: number) => void;
}

const sameList = (a: ArrayLike<number>, b: ArrayLike<number>) => a.length === b.length && Array.from(a).every((v, i) => v === b[i]);

/**
 * Refit the reduced model's spec on the dataset (to get its held-out rows: the model file stores figures, not
 * rows), fit the rich GLM on the same folds, read the TCN's held-out predictions when given, and compare all of
 * them with the PSTH on the same held-out rows (`boundComparison`).
 */
export async function runBound(ds: Dataset, model: ReducedModel, options: BoundOptions = {}): Promise<BoundResult> {
  const spec = model.spec;
  const plan = validationPlan(spec, ds.manifest.nTrials);
  const where = options.modelPath ?? 'the model';
  if (spec.validation.kind === 'split' && model.provenance.testTrials.length > 0 && !sameList(model.provenance.testTrials, plan[0].test)) {
    throw new OccamError(
      `${where}: its test trials differ from the ones its spec's split draws on this dataset (${model.provenance.testTrials.length} vs ${plan[0].test.length}); the model was fitted on another dataset — refit it with occam fit`,
      { file: options.modelPath },
    );
  }
  const progress = options.onProgress ?? (() => {});
  let t0 = performance.now();
  progress('reduced model', 0, 1);
  const refit = fitReducedModelWithPredictions(ds, spec, { coincidence: false, bootstrap: false, diagnose: false, datasetPath: options.datasetPath });
  progress('reduced model', 1, 1);
  const reducedSeconds = (performance.now() - t0) / 1000;
  const headline = model.nonlinearity.choice?.headline === 'lookup' && refit.heldOutLookup ? 'lookup' : 'link';
  const reduced: ScoredRows = headline === 'lookup' ? refit.heldOutLookup! : refit.heldOut;

  t0 = performance.now();
  const rich = fitRichGlm(ds, spec, plan, { ...options.rich, onProgress: options.rich?.onProgress ?? progress });
  const richSeconds = (performance.now() - t0) / 1000;
  if (!sameList(rich.trial, reduced.trial) || !sameList(rich.bin, reduced.bin)) {
    throw new OccamError("bound: the rich GLM design rows differ from the reduced model's (scored bins in a different order); this is a bug in occam");
  }
  const richRows: ScoredRows = {
    ...reduced,
    model: rich.heldOut,
    thresholds: rich.thresholds && reduced.thresholds ? { model: rich.thresholds, psth: reduced.thresholds.psth } : null,
  };
  const references: BoundReference[] = [{ name: 'richGlm', rows: richRows }];

  let tcn: BoundResult['tcn'] = null;
  let tcnSeconds: number | null = null;
  if (options.tcnPredictions !== undefined) {
    const ext = await readExternalPredictions(
      options.tcnPredictions,
      { nTrials: ds.manifest.nTrials, nBins: ds.manifest.nBins, atoms: ds.manifest.atoms.length, plan, binary: spec.family === 'bernoulli' },
      { trial: reduced.trial, bin: reduced.bin },
    );
    // No training-bin threshold comes with external predictions, so accuracy is left undefined for them.
    references.push({ name: 'tcn', rows: { ...reduced, model: ext.byRow, thresholds: null } });
    const p = ext.manifest.predictor;
    tcnSeconds = options.tcnSeconds ?? p.trainingSeconds;
    tcn = {
      predictions: options.tcnPredictions,
      description: p.description,
      hyperparameters: p.hyperparameters,
      ...(p.selection !== undefined ? { selection: p.selection } : {}),
      trainingSeconds: p.trainingSeconds,
      software: p.software,
    };
  }

  progress('bootstrap', 0, 1);
  const cmp = boundComparison(reduced, references, { seed: spec.validation.seed, ...options.bootstrap });
  progress('bootstrap', 1, 1);
  return {
    format: 'occam.bound',
    version: 1,
    occamVersion: OCCAM_VERSION,
    dataset: { path: options.datasetPath ?? null, nTrials: ds.manifest.nTrials, nBins: ds.manifest.nBins, atoms: ds.manifest.atoms.length },
    model: { path: options.modelPath ?? null, parameters: model.fit.parameters, headline },
    validation: {
      kind: spec.validation.kind === 'split' ? 'split' : 'kfold',
      folds: plan.length,
      heldOutTrials: cmp.trials,
      heldOutBins: reduced.rows.length,
    },
    bootstrap: { trials: cmp.trials, resamples: cmp.resamples, seed: cmp.seed, level: cmp.level, method: cmp.method },
    psth: cmp.psth,
    predictors: cmp.predictors,
    references: cmp.references,
    richGlm: rich.description,
    tcn,
    timing: { reducedRefitSeconds: reducedSeconds, richGlmSeconds: richSeconds, tcnSeconds },
  };
}
