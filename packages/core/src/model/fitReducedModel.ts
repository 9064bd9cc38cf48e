import type { Dataset } from '../dataset/dataset.js';
import { buildDesign, type Design } from '../design/buildDesign.js';
import { buildLayout, parameterCount, rankOneIsVacuous, type DesignLayout } from '../design/layout.js';
import { zodProblem } from '../errors.js';
import { familyOps } from '../glm/families.js';
import { fitGlm } from '../glm/fitGlm.js';
import { fitSeparable } from '../glm/fitSeparable.js';
import { applyLookup, chooseLookup, type LookupChoice } from '../glm/lookupNonlinearity.js';
import { linearPredictor, type GlmData } from '../glm/objective.js';
import type { BootstrapOptions } from '../bootstrap/bootstrapFigures.js';
import type { ScoredRows } from '../bootstrap/scoredRows.js';
import { bestThreshold } from '../metrics/accuracyThreshold.js';
import { constantRate, psthBaseline } from '../metrics/baselines.js';
import { coincidenceInterval } from '../bootstrap/coincidenceInterval.js';
import { coincidenceCounts } from '../metrics/coincidence.js';
import { SpecSchema, type Spec, type SpecInput } from '../spec/schema.js';
import { trialFolds, trialSplit } from '../validation/trialFolds.js';
import { OCCAM_VERSION } from '../version.js';
import { designPenalty } from './designPenalty.js';
import { filterBands, withBands } from './filterBands.js';
import { sampleFilters } from './sampleFilters.js';
import type { Metrics, ReducedModel, RepeatFigures } from './schema.js';
import { repeatFigures, scoreBlock, scoredRows, spreadOf, type Predictions } from './scoreBlock.js';
import { simulateOutput } from './simulate.js';
import { zeroColumnWarning } from './zeroColumnWarning.js';

/** Folds of the training trials on which the lookup's smoothness and the headline link are chosen. */
const LOOKUP_FOLDS = 3;

export interface FitProgress {
  (stage: string, done: number, total: number): void;
}

interface CoreFit {
  beta: Float64Array;
  separable: { spatial: Float64Array[]; temporal: Float64Array[] } | null;
  solver: string;
  iterations: number;
  alternations: number | null;
  converged: boolean;
  warnings: string[];
}

/**
 * Fit the spec's structure on the rows with weight 1. `diagnose`: look for empty columns and separation
 * (the fit whose warnings are reported; cross-validation folds skip it — the separation check refits).
 */
function fitCore(spec: Spec, layout: DesignLayout, data: GlmData, diagnose: boolean, init?: Float64Array): CoreFit {
  const penalty = designPenalty(spec, layout);
  const fullIsModel = spec.structure === 'full' || rankOneIsVacuous(layout);
  const full = fitGlm(data, {
    family: spec.family,
    penalty,
    init,
    checkEmptyColumns: diagnose,
    checkSeparation: diagnose && fullIsModel,
    judgeZeroColumns: zeroColumnWarning(layout),
  });
  if (fullIsModel) {
    return {
      beta: full.beta,
      separable: null,
      solver: full.solver,
      iterations: full.iterations,
      alternations: null,
      converged: full.converged,
      warnings: full.warnings,
    };
  }
  const sep = fitSeparable(
    data,
    { G: layout.groups.length, K: layout.K, J: layout.J, H: layout.H },
    {
      family: spec.family,
      ridge: spec.regularization.ridge,
      smoothness: spec.regularization.smoothness,
      spatialOrdered: layout.spatial.ordered,
      temporalOrdered: layout.temporal.ordered,
      fullFit: full,
      checkSeparation: diagnose,
    },
  );
  return {
    beta: sep.beta,
    separable: { spatial: sep.spatial, temporal: sep.temporal },
    solver: `${full.solver}+alternating`,
    iterations: full.iterations,
    alternations: sep.alternations,
    converged: full.converged && sep.converged,
    warnings: distinctWarnings([...full.warnings, ...sep.warnings]),
  };
}

/** One warning per kind (text before its first parenthesis): the full and separable fits repeat each other. */
function distinctWarnings(warnings: string[]): string[] {
  const seen = new Set<string>();
  return warnings.filter((w) => {
    const kind = w.split('(')[0];
    if (seen.has(kind)) return false;
    seen.add(kind);
    return true;
  });
}

function rowsOfTrials(design: Design, trials: Set<number>): number[] {
  const rows: number[] = [];
  for (let r = 0; r < design.n; r++) if (trials.has(design.trial[r])) rows.push(r);
  return rows;
}

function meanFromEta(family: Spec['family'], eta: Float64Array): Float64Array {
  const fam = familyOps(family);
  return eta.map((e) => fam.mean(e));
}

export interface FitOptions {
  datasetPath?: string;
  onProgress?: FitProgress;
  specFile?: string;
  /** Simulate held-out trials for the coincidence factor (default true; a search skips it). */
  coincidence?: boolean;
  /** k-fold: refit on all trials for the final model (default true; false keeps the last fold's model). */
  refit?: boolean;
  /**
   * Bootstrap intervals of the held-out figures over trials (default 1000 resamples, seeded with the spec's
   * validation seed); false skips them.
   */
  bootstrap?: BootstrapOptions | false;
  /**
   * Diagnose the reported fit for warnings (default true): unexpected empty columns, and the separation check,
   * which refits at smaller penalties when some |η| is large. A search's candidates skip it (no one reads
   * their warnings).
   */
  diagnose?: boolean;
  /**
   * Pointwise 95 % bands of the sampled filters (Laplace approximation, see filterBands; default: as
   * `diagnose`, so a search's candidates skip them and the reported fit has them).
   */
  bands?: boolean;
}

/** Which figure decides, and why (stored in the metrics and printed beside them). */
function decidingMetric(family: Spec['family'], binUnit: string): NonNullable<Metrics['decidingMetric']> {
  if (family === 'gaussian') return { metric: 'pseudoR2', why: 'real-valued target: deviance pseudo-R² against the constant (AUROCs need events)' };
  if (binUnit === 'token')
    return {
      metric: 'stratifiedAuroc',
      why: 'bins are token positions: the position-stratified AUROC compares prompts only at the same position, so nothing that depends on position alone scores above 0.5',
    };
  return {
    metric: 'trialToTrialAuroc',
    why: 'the published metric: AUROC across trials at the fixed bins around the response peak, where time since the stimulus alone scores 0.5',
  };
}

/**
 * Fit a reduced model to a dataset and score it honestly: train/test (or k-fold) by whole trials,
 * every figure next to the PSTH and constant-rate baselines on the same bins, trial-to-trial AUROC
 * at fixed bins, and for spike-like targets the coincidence factor of simulated against real output.
 */
export function fitReducedModel(ds: Dataset, specInput: SpecInput | Spec, options: FitOptions = {}): ReducedModel {
  return fitReducedModelWithPredictions(ds, specInput, options).model;
}

/**
 * `fitReducedModel` that also returns the held-out predictions as the bootstrap reads them: two fits on the
 * same trials (a trained network and its control, a model and its ablation, same split seed or folds) go to
 * `pairedBootstrap` for intervals of their differences.
 *
 * The steps, in order: parse the spec and lay out the validation plan; build the design once (the only step
 * that reads the dataset); fit every part of the plan and the final model; score the held-out predictions;
 * assemble the model file's content.
 */
export function fitReducedModelWithPredictions(
  ds: Dataset,
  specInput: SpecInput | Spec,
  options: FitOptions = {},
): { model: ReducedModel; heldOut: ScoredRows; heldOutLookup: ScoredRows | null } {
  const spec = parseSpec(specInput, options.specFile);
  const plan = validationPlan(spec, ds.manifest.nTrials);
  const progress = options.onProgress ?? (() => {});
  const data = prepareFitData(ds, spec, options.specFile ?? 'spec', progress);
  const fits = fitPlan(data, plan, options, progress);
  const scores = scoreHeldOut(data, plan, fits, options);
  return { model: assembleModel(data, plan, fits, scores.metrics, options), heldOut: scores.heldOut, heldOutLookup: scores.heldOutLookup };
}

function parseSpec(specInput: SpecInput | Spec, specFile: string | undefined): Spec {
  const parsed = SpecSchema.safeParse(specInput);
  if (!parsed.success) throw zodProblem(specFile ?? 'spec', parsed.error, SpecSchema);
  return parsed.data;
}

/** Which trials each fit learns from and which it predicts. */
interface ValidationPlan {
  parts: { train: number[]; test: number[] }[];
  testKind: Metrics['testKind'];
  folds: number | null;
}

/** A split is one part; k-fold one part per fold (repeat 0 of repeatedKfold: the other repeats are fitted after it). */
function validationPlan(spec: Spec, nTrials: number): ValidationPlan {
  if (spec.validation.kind === 'split')
    return { parts: [trialSplit(nTrials, spec.validation.testFraction, spec.validation.seed)], testKind: 'split', folds: null };
  const f = trialFolds(nTrials, spec.validation.folds, spec.validation.seed);
  return { parts: f.map((test, i) => ({ test, train: f.flatMap((other, j) => (j === i ? [] : other)) })), testKind: 'kfold', folds: f.length };
}

/** What every later step reads: the design, built once, and the dataset's shape. */
interface FitData {
  spec: Spec;
  layout: DesignLayout;
  design: Design;
  /** The target as fitted (binary targets as 0/1). */
  y: Float64Array;
  base: GlmData;
  binary: boolean;
  rowsByTrial: number[][];
  nTrials: number;
  nBins: number;
  /** Per trial, the scored bins with an event (what simulated output is compared with). */
  recordedEvents: number[][];
  scoredBinsPerTrial: number;
  /** Samples held-out trials' output from a fit's coefficients (the coincidence factor). */
  simulate: (beta: Float64Array, trials: number[], seed: number) => number[][];
  manifest: Dataset['manifest'];
}

function prepareFitData(ds: Dataset, spec: Spec, specFile: string, progress: FitProgress): FitData {
  const { nTrials, nBins } = ds.manifest;
  const layout = buildLayout(spec, ds.manifest.atoms, undefined, specFile);
  progress('design', 0, 1);
  const design = buildDesign(ds, layout);
  progress('design', 1, 1);
  const binary = spec.family === 'bernoulli';
  const y = binary ? design.y.map((v) => (v > 0 ? 1 : 0)) : design.y;
  const rowsByTrial: number[][] = Array.from({ length: nTrials }, () => []);
  for (let r = 0; r < design.n; r++) rowsByTrial[design.trial[r]].push(r);
  const recordedEvents = Array.from({ length: nTrials }, (_, trial) => {
    const real: number[] = [];
    for (let t = 0; t < nBins; t++) if (ds.scored[trial * nBins + t] === 1 && ds.target[trial * nBins + t] > 0) real.push(t);
    return real;
  });
  let total = 0;
  for (let i = 0; i < ds.scored.length; i++) total += ds.scored[i];
  return {
    spec,
    layout,
    design,
    y,
    base: { X: design.X, n: design.n, p: design.p, y },
    binary,
    rowsByTrial,
    nTrials,
    nBins,
    recordedEvents,
    scoredBinsPerTrial: total / nTrials,
    // Simulation runs every bin of a trial (history feeds back from unscored bins too), so it builds its own
    // all-bins design for the trials it samples; then only scored bins are kept.
    simulate: (beta, trials, seed) =>
      simulateOutput(ds, layout, spec.family, beta, trials, seed).map((events, k) => events.filter((t) => ds.scored[trials[k] * nBins + t] === 1)),
    manifest: ds.manifest,
  };
}

/** One fit on some trials, with everything a held-out block or the final model reads from it. */
interface TrialFit {
  core: CoreFit;
  eta: Float64Array;
  mu: Float64Array;
  psthRate: Float64Array;
  psthMu: Float64Array;
  rate: number;
  sigma2: number;
  lookup: LookupChoice['table'] | null;
  choice: LookupChoice | null;
  lookupMu: Float64Array | null;
  thresholds: { model: number; lookup: number | null; psth: number; constant: number } | null;
  trainRows: number[];
}

function fitTrials(data: FitData, trainTrials: number[], diagnose: boolean): TrialFit {
  const { spec, layout, design, y, base, binary, rowsByTrial, nBins } = data;
  const trainSet = new Set(trainTrials);
  const trainRows = rowsOfTrials(design, trainSet);
  const weights = new Float64Array(design.n);
  for (const r of trainRows) weights[r] = 1;
  const core = fitCore(spec, layout, { ...base, weights }, diagnose);
  const eta = linearPredictor(base, core.beta);
  const mu = meanFromEta(spec.family, eta);
  const psthRate = psthBaseline(y, design.bin, trainRows, nBins, binary);
  const rate = constantRate(y, trainRows, binary);
  let sigma2 = 1;
  if (spec.family === 'gaussian') {
    let s = 0;
    for (const r of trainRows) s += (y[r] - mu[r]) ** 2;
    sigma2 = Math.max(s / Math.max(trainRows.length, 1), 1e-12);
  }
  // The lookup's smoothness and the headline link are chosen on these training trials only, by cross-fitting:
  // 3 folds of them, each predicted by the GLM refitted on the other two (warm-started from this fit). A
  // table read off the fit's own in-sample WNI learns how confident the fit is on the trials it was fitted
  // to — more than it is on new ones — and a link compared there is compared where it was fitted.
  let choice: LookupChoice | null = null;
  if (spec.nonlinearity.kind === 'lookup' && binary) {
    const inner = trialFolds(trainTrials.length, Math.min(LOOKUP_FOLDS, trainTrials.length), spec.validation.seed + 7919).map((fold) =>
      fold.map((k) => trainTrials[k]),
    );
    const outOfFold = new Float64Array(design.n);
    for (const fold of inner) {
      const held = new Set(fold);
      const innerWeights = new Float64Array(design.n);
      for (const r of trainRows) if (!held.has(design.trial[r])) innerWeights[r] = 1;
      const innerEta = linearPredictor(base, fitCore(spec, layout, { ...base, weights: innerWeights }, false, core.beta).beta);
      for (const t of fold) for (const r of rowsByTrial[t]) outOfFold[r] = innerEta[r];
    }
    choice = chooseLookup(
      outOfFold,
      meanFromEta(spec.family, outOfFold),
      y,
      inner.map((fold) => fold.flatMap((t) => rowsByTrial[t])),
      spec.nonlinearity.minCount,
    );
  }
  const lookup = choice?.table ?? null;
  const lookupMu = lookup ? eta.map((e) => applyLookup(lookup, e)) : null;
  const psthMu = new Float64Array(design.n);
  for (let r = 0; r < design.n; r++) psthMu[r] = psthRate[design.bin[r]];
  // Accuracy thresholds are chosen here, on the training bins, and applied unchanged to held-out bins.
  const thresholds = binary
    ? {
        model: bestThreshold(mu, y, trainRows),
        lookup: lookupMu ? bestThreshold(lookupMu, y, trainRows) : null,
        psth: bestThreshold(psthMu, y, trainRows),
        constant: bestThreshold(new Float64Array(design.n).fill(rate), y, trainRows),
      }
    : null;
  return { core, eta, mu, psthRate, psthMu, rate, sigma2, lookup, choice, lookupMu, thresholds, trainRows };
}

/** Empty out-of-fold predictions, filled fold by fold (recordHeldOut). */
function emptyPredictions(data: FitData): Predictions {
  const { spec, design, y, binary } = data;
  return {
    y,
    trial: design.trial,
    bin: design.bin,
    fold: new Int32Array(design.n),
    model: new Float64Array(design.n),
    lookup: spec.nonlinearity.kind === 'lookup' ? new Float64Array(design.n) : null,
    psth: new Float64Array(design.n),
    constant: new Float64Array(design.n),
    sigma2: 1,
    thresholds: binary ? { model: [], lookup: spec.nonlinearity.kind === 'lookup' ? [] : null, psth: [], constant: [] } : null,
  };
}

/** Fold i's fit predicts its test trials into `into`; returns their rows. */
function recordHeldOut(data: FitData, into: Predictions, i: number, f: TrialFit, testTrials: number[]): number[] {
  const th = into.thresholds;
  if (th && f.thresholds) {
    th.model[i] = f.thresholds.model;
    if (th.lookup) th.lookup[i] = f.thresholds.lookup ?? NaN;
    th.psth[i] = f.thresholds.psth;
    th.constant[i] = f.thresholds.constant;
  }
  const rows = rowsOfTrials(data.design, new Set(testTrials));
  for (const r of rows) {
    into.fold![r] = i;
    into.model[r] = f.mu[r];
    if (into.lookup && f.lookupMu) into.lookup[r] = f.lookupMu[r];
    into.psth[r] = f.psthRate[data.design.bin[r]];
    into.constant[r] = f.rate;
  }
  into.sigma2 = f.sigma2;
  return rows;
}

/** The fixed bins of the trial-to-trial AUROC: the spec's, or the training PSTH's peak ± halfWidth. */
function peakBins(data: FitData, psthRate: Float64Array): number[] {
  const { spec, nBins } = data;
  if (Array.isArray(spec.fixedBins)) return spec.fixedBins.filter((b) => b < nBins);
  const scoredBins = new Set(Array.from(data.design.bin));
  let best = -1;
  let bestRate = -Infinity;
  for (const b of scoredBins)
    if (psthRate[b] > bestRate) {
      bestRate = psthRate[b];
      best = b;
    }
  const out: number[] = [];
  for (let b = best - spec.fixedBins.halfWidth; b <= best + spec.fixedBins.halfWidth; b++) if (b >= 0 && b < nBins) out.push(b);
  return out;
}

/** Every fit of the plan, its held-out predictions and simulated events, the repeats, and the final model's fit. */
interface PlanFits {
  heldOut: Predictions;
  testRows: number[];
  fixedBins: number[];
  recorded: number[][];
  simulated: number[][];
  repeated: Metrics['repeated'];
  final: TrialFit;
  spikeLike: boolean;
}

function fitPlan(data: FitData, plan: ValidationPlan, options: FitOptions, progress: FitProgress): PlanFits {
  const { spec, nTrials } = data;
  const { parts, testKind } = plan;
  const diagnose = options.diagnose !== false;
  const heldOut = emptyPredictions(data);
  const testRows: number[] = [];
  const recorded: number[][] = [];
  const simulated: number[][] = [];
  let fixedBins: number[] = [];
  const spikeLike = spec.family !== 'gaussian' && options.coincidence !== false;
  let final: TrialFit | null = null;
  for (let i = 0; i < parts.length; i++) {
    const part = parts[i];
    progress('fit', i, parts.length + (testKind === 'kfold' ? 1 : 0));
    // Only the fit that becomes the model is diagnosed: its warnings are the ones reported.
    const becomesModel = testKind === 'split' || (options.refit === false && i === parts.length - 1);
    const f = fitTrials(data, part.train, becomesModel && diagnose);
    if (i === 0) fixedBins = peakBins(data, f.psthRate);
    testRows.push(...recordHeldOut(data, heldOut, i, f, part.test));
    if (spikeLike) {
      const sim = data.simulate(f.core.beta, part.test, spec.validation.seed + 1000 * i);
      part.test.forEach((trial, k) => {
        recorded.push(data.recordedEvents[trial]);
        simulated.push(sim[k]);
      });
    }
    if (becomesModel) final = f;
  }
  testRows.sort((a, b) => a - b);

  let repeated: Metrics['repeated'];
  if (spec.validation.kind === 'repeatedKfold') {
    const fam = familyOps(spec.family);
    const { folds: k, repeats, seed } = spec.validation;
    const perRepeat: RepeatFigures[] = [repeatFigures(scoreBlock(fam, heldOut, testRows, fixedBins))];
    for (let rep = 1; rep < repeats; rep++) {
      const f = trialFolds(nTrials, k, seed + rep);
      const pred = emptyPredictions(data);
      const rows: number[] = [];
      f.forEach((test, i) => {
        progress(`repeat ${rep + 1}/${repeats}`, i, f.length);
        rows.push(
          ...recordHeldOut(
            data,
            pred,
            i,
            fitTrials(
              data,
              f.flatMap((other, j) => (j === i ? [] : other)),
              false,
            ),
            test,
          ),
        );
      });
      perRepeat.push(
        repeatFigures(
          scoreBlock(
            fam,
            pred,
            rows.sort((a, b) => a - b),
            fixedBins,
          ),
        ),
      );
    }
    repeated = { folds: k, repeats, seeds: perRepeat.map((_, i) => seed + i), perRepeat, ...spreadOf(perRepeat) };
  }

  if (final === null) {
    progress('fit', parts.length, parts.length + 1);
    final = fitTrials(
      data,
      Array.from({ length: nTrials }, (_, i) => i),
      diagnose,
    );
  }
  progress('fit', 1, 1);
  return { heldOut, testRows, fixedBins, recorded, simulated, repeated, final, spikeLike };
}

/** The figures of the final fit in sample and of the plan's held-out predictions, with their intervals. */
function scoreHeldOut(
  data: FitData,
  plan: ValidationPlan,
  fits: PlanFits,
  options: FitOptions,
): { metrics: Metrics; heldOut: ScoredRows; heldOutLookup: ScoredRows | null } {
  const { spec, design, y } = data;
  const fam = familyOps(spec.family);
  const { heldOut, testRows, fixedBins, recorded, simulated, final: fin } = fits;
  const inSample: Predictions = {
    y,
    trial: design.trial,
    bin: design.bin,
    fold: null,
    model: fin.mu,
    lookup: fin.lookupMu,
    psth: fin.psthMu,
    constant: new Float64Array(design.n).fill(fin.rate),
    sigma2: fin.sigma2,
    thresholds: fin.thresholds
      ? {
          model: [fin.thresholds.model],
          lookup: fin.thresholds.lookup === null ? null : [fin.thresholds.lookup],
          psth: [fin.thresholds.psth],
          constant: [fin.thresholds.constant],
        }
      : null,
  };
  const coincidenceDelta = 2;
  const scoredBinsPerTrial = recorded.length > 0 ? data.scoredBinsPerTrial : 0;
  const bootstrap = options.bootstrap === false ? false : { seed: spec.validation.seed, ...options.bootstrap };
  const gamma =
    fits.spikeLike && recorded.length > 0
      ? coincidenceInterval(coincidenceCounts(recorded, simulated, coincidenceDelta), scoredBinsPerTrial, coincidenceDelta, bootstrap || { resamples: 0 })
      : null;
  const metrics: Metrics = {
    train: scoreBlock(fam, inSample, fin.trainRows, fixedBins),
    test: scoreBlock(fam, heldOut, testRows, fixedBins, { bootstrap }),
    testKind: plan.testKind,
    folds: plan.folds,
    ...(fits.repeated ? { repeated: fits.repeated } : {}),
    fixedBins,
    decidingMetric: decidingMetric(spec.family, data.manifest.binUnit),
    coincidence:
      gamma !== null
        ? {
            gamma: gamma.estimate,
            ...(bootstrap ? { interval: gamma.low !== null && gamma.high !== null ? ([gamma.low, gamma.high] as [number, number]) : null } : {}),
            deltaBins: coincidenceDelta,
            trials: recorded.length,
            recordedEvents: recorded.reduce((s, r) => s + r.length, 0),
            simulatedEvents: simulated.reduce((s, r) => s + r.length, 0),
          }
        : null,
  };
  const heldOutThresholds = heldOut.thresholds;
  const lookupPredictions =
    heldOut.lookup && heldOutThresholds?.lookup
      ? { ...heldOut, model: heldOut.lookup, thresholds: { ...heldOutThresholds, model: heldOutThresholds.lookup } }
      : null;
  return {
    metrics,
    heldOut: scoredRows(fam, heldOut, testRows, fixedBins),
    heldOutLookup: lookupPredictions ? scoredRows(fam, lookupPredictions, testRows, fixedBins) : null,
  };
}

/** The final fit's sampled filters, with their bands when asked for and the Hessian allows them. */
function sampledFiltersOf(data: FitData, fin: TrialFit, options: FitOptions): ReducedModel['filters'] {
  const { layout, spec, design, base, manifest } = data;
  const filters = sampleFilters(layout, fin.core.beta, fin.core.separable, manifest.binWidth, manifest.binUnit);
  if (!(options.bands ?? options.diagnose !== false)) return filters;
  const weights = new Float64Array(design.n);
  for (const r of fin.trainRows) weights[r] = 1;
  const bands = filterBands(layout, spec, { ...base, weights }, fin.core, { sigma2: fin.sigma2, seed: spec.validation.seed });
  return bands ? withBands(filters, bands) : filters;
}

function assembleModel(data: FitData, plan: ValidationPlan, fits: PlanFits, metrics: Metrics, options: FitOptions): ReducedModel {
  const { spec, layout, manifest, nTrials } = data;
  const { nBins, binWidth, binUnit } = manifest;
  const fin = fits.final;
  const { parts } = plan;
  const trainTrials = parts.length === 1 || options.refit === false ? parts[parts.length - 1].train : Array.from({ length: nTrials }, (_, i) => i);
  const m = manifest.metadata;
  return {
    format: 'occam.reduced-model',
    version: 1,
    occamVersion: OCCAM_VERSION,
    spec,
    layout: {
      groups: layout.groups.map((g) => g.label),
      spatialAttribute: layout.spatialAttribute,
      spatialValues: Array.from(layout.spatialValues),
      K: layout.K,
      J: layout.J,
      H: layout.H,
    },
    coefficients: {
      intercept: fin.core.beta[0],
      beta: Array.from(fin.core.beta.subarray(1)),
      separable: fin.core.separable
        ? { spatial: fin.core.separable.spatial.map((a) => Array.from(a)), temporal: fin.core.separable.temporal.map((a) => Array.from(a)) }
        : null,
    },
    filters: sampledFiltersOf(data, fin, options),
    nonlinearity: {
      link: spec.family === 'bernoulli' ? 'logit' : spec.family === 'poisson' ? 'log' : 'identity',
      lookup: fin.lookup,
      ...(fin.choice
        ? {
            choice: {
              headline: fin.choice.headline,
              smoothness: fin.choice.smoothness,
              folds: fin.choice.folds,
              lookupLogLikPerBin: fin.choice.lookupLogLikPerBin,
              linkLogLikPerBin: fin.choice.linkLogLikPerBin,
            },
          }
        : {}),
    },
    fit: {
      solver: fin.core.solver,
      iterations: fin.core.iterations,
      alternations: fin.core.alternations,
      converged: fin.core.converged,
      warnings: fin.core.warnings,
      parameters: parameterCount(layout, fin.core.separable ? 'separable' : 'full'),
      rows: fin.trainRows.length,
    },
    metrics,
    provenance: {
      dataset: {
        path: options.datasetPath ?? null,
        nTrials,
        nBins,
        atoms: manifest.atoms.length,
        binWidth,
        binUnit,
        condition: m.condition ?? null,
        source: m.source ?? null,
        seed: m.seed ?? null,
      },
      trainTrials,
      testTrials: parts.length === 1 ? parts[0].test : [],
    },
  };
}
