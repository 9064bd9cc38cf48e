import { bootstrapFigures, pairedBootstrap, type Interval } from '../bootstrap/bootstrapFigures.js';
import type { ScoredRows } from '../bootstrap/scoredRows.js';
import type { FigureName } from '../bootstrap/trialStatistics.js';
import { zodProblem } from '../errors.js';
import { familyOps } from '../glm/families.js';
import { constantRate, psthBaseline } from '../metrics/baselines.js';
import { SpecSchema, type Spec, type SpecInput } from '../spec/schema.js';
import { OCCAM_VERSION } from '../version.js';
import { baseCompositions, combinedComposition, compositionParameters, type Composition } from './composition.js';
import { stackConditions, stratifiedFolds, type ConditionStack, type LabelledDataset } from './conditionStack.js';
import { fitGate } from './conditionGate.js';
import { gateFeatureKeys, gateFeatures, selectGateFeatures, type GateFeatureSelection } from './gateFeatures.js';
import { fitComposition, type FittedComposition } from './fitComposition.js';
import { specificFilters } from './specificFilters.js';
import { ComposeResultSchema, type ComposeCandidate, type ComposeResult } from './schema.js';

export interface ComposeOptions {
  folds?: number;
  seed?: number;
  /** One-sided level of "not significantly worse than the best" (default 0.05, as the search's sufficiency). */
  alpha?: number;
  resamples?: number;
  specFile?: string;
  /**
   * What the gate reads (gateFeatures.ts): `volume`, `trial`, `trial:NAME`; default `volume` plus every
   * per-trial feature all the Datasets carry.
   */
  gateFeatures?: readonly string[];
  onProgress?: (stage: string, done: number, total: number) => void;
}

/** What every candidate is scored against, per fold: the training trials' per-condition PSTH and rate. */
interface FoldPlan {
  test: number[];
  weights: Float64Array;
  testRows: number[];
  psth: Float64Array;
  rate: number;
}

interface Evaluated {
  composition: Composition;
  parameters: number;
  rows: ScoredRows;
  fits: FittedComposition[];
}

function planFolds(stack: ConditionStack, folds: number, seed: number): FoldPlan[] {
  const binary = stack.spec.family === 'bernoulli';
  return stratifiedFolds(stack, folds, seed).map((test) => {
    const held = new Set(test);
    const weights = new Float64Array(stack.design.n);
    const trainRows: number[] = [];
    const testRows: number[] = [];
    for (let r = 0; r < stack.design.n; r++)
      if (held.has(stack.trial[r])) testRows.push(r);
      else {
        weights[r] = 1;
        trainRows.push(r);
      }
    return {
      test,
      weights,
      testRows,
      psth: psthBaseline(stack.y, stack.bin, trainRows, stack.totalBins, binary),
      rate: constantRate(stack.y, trainRows, binary),
    };
  });
}

/** Each condition's response peak ± the spec's half width (or the spec's fixed bins in every condition). */
function fixedBins(stack: ConditionStack, psth: Float64Array): number[] {
  const out: number[] = [];
  stack.names.forEach((_, c) => {
    const from = stack.binOffset[c];
    const to = c + 1 < stack.names.length ? stack.binOffset[c + 1] : stack.totalBins;
    if (Array.isArray(stack.spec.fixedBins)) {
      for (const b of stack.spec.fixedBins) if (from + b < to) out.push(from + b);
      return;
    }
    const scored = new Set<number>();
    for (let r = 0; r < stack.design.n; r++) if (stack.condition[r] === c) scored.add(stack.bin[r]);
    let best = -1;
    for (const b of scored) if (best < 0 || psth[b] > psth[best]) best = b;
    const h = stack.spec.fixedBins.halfWidth;
    for (let b = best - h; b <= best + h; b++) if (b >= from && b < to) out.push(b);
  });
  return out;
}

function scoredRows(stack: ConditionStack, plan: FoldPlan[], mu: Float64Array, sigma2: number, fixed: number[]): ScoredRows {
  const fold = new Int32Array(stack.design.n);
  const psth = new Float64Array(stack.design.n);
  const constant = new Float64Array(stack.design.n);
  plan.forEach((f, i) => {
    for (const r of f.testRows) {
      fold[r] = i;
      psth[r] = f.psth[stack.bin[r]];
      constant[r] = f.rate;
    }
  });
  return {
    family: stack.spec.family,
    y: stack.y,
    trial: stack.trial,
    bin: stack.bin,
    fold,
    model: mu,
    psth,
    constant,
    sigma2,
    thresholds: null,
    rows: Int32Array.from({ length: stack.design.n }, (_, r) => r),
    fixedBins: fixed,
  };
}

function evaluate(stack: ConditionStack, plan: FoldPlan[], comp: Composition, fixed: number[]): Evaluated {
  const fam = familyOps(stack.spec.family);
  const mu = new Float64Array(stack.design.n);
  let sigma2 = 0;
  const fits = plan.map((f) => {
    const fit = fitComposition(stack, comp, f.weights);
    const eta = fit.eta(
      f.testRows,
      Int32Array.from(f.testRows, (r) => stack.condition[r]),
    );
    f.testRows.forEach((r, k) => (mu[r] = fam.mean(eta[k])));
    if (stack.spec.family === 'gaussian') {
      const all = Int32Array.from({ length: stack.design.n }, (_, r) => r);
      const trainEta = fit.eta(all, stack.condition);
      let s = 0;
      let m = 0;
      for (let r = 0; r < stack.design.n; r++)
        if (f.weights[r] > 0) {
          s += (stack.y[r] - trainEta[r]) ** 2;
          m++;
        }
      sigma2 += Math.max(s / Math.max(m, 1), 1e-12) / plan.length;
    }
    return fit;
  });
  return { composition: comp, parameters: compositionParameters(stack, comp), rows: scoredRows(stack, plan, mu, sigma2 || 1, fixed), fits };
}

function asInterval(i: Interval): ComposeCandidate['logLikGain'] {
  return { estimate: i.estimate, low: i.low, high: i.high };
}

/** Gated prediction: each held-out trial's rows mixed over the conditions by the gate's probabilities (fitted on that fold's training trials). */
function gatedRows(stack: ConditionStack, plan: FoldPlan[], minimal: Evaluated, features: Float64Array[]) {
  const fam = familyOps(stack.spec.family);
  const C = stack.names.length;
  const mu = new Float64Array(stack.design.n);
  let correct = 0;
  const correctBy = new Float64Array(C);
  plan.forEach((f, i) => {
    const held = new Set(f.test);
    const train: number[] = [];
    for (let t = 0; t < stack.trialCondition.length; t++) if (!held.has(t)) train.push(t);
    const gate = fitGate(features, stack.trialCondition, train, C);
    const etas = Array.from({ length: C }, (_, c) => minimal.fits[i].eta(f.testRows, new Int32Array(f.testRows.length).fill(c)));
    const probs = new Map<number, Float64Array>();
    for (const t of f.test) {
      const pr = gate.probabilities(features[t]);
      probs.set(t, pr);
      let arg = 0;
      for (let c = 1; c < C; c++) if (pr[c] > pr[arg]) arg = c;
      if (arg === stack.trialCondition[t]) {
        correct++;
        correctBy[arg]++;
      }
    }
    f.testRows.forEach((r, k) => {
      const pr = probs.get(stack.trial[r])!;
      let m = 0;
      for (let c = 0; c < C; c++) m += pr[c] * fam.mean(etas[c][k]);
      mu[r] = m;
    });
  });
  return {
    rows: { ...minimal.rows, model: mu },
    accuracy: correct / stack.trialCondition.length,
    accuracyByCondition: Array.from(correctBy, (v, c) => v / stack.nTrials[c]),
  };
}

/**
 * The minimal composition of several conditions' models: every candidate (shared; shared with condition
 * intercepts; shared shapes with condition gains; each family condition-specific; fully separate) fitted
 * and scored on the same condition-stratified folds; the minimal one is the fewest-parameter candidate not
 * significantly worse than the best — the search's sufficiency rule (sufficiencyByBootstrap): a one-sided
 * paired bootstrap over held-out trials whose upper (1 − α) bound of (candidate − best) is not below 0.
 * That rule is applied here to composite designs rather than through sufficiencyByBootstrap itself, which
 * refits a search candidate from its spec on one Dataset.
 *
 * Then the label is hidden: a gate from each trial's label-free features (its input volume, and the
 * per-trial features the Datasets carry, e.g. a prompt's detected period) predicts the condition, and the minimal
 * composition's condition models are mixed by the gate's probabilities — scored beside the labelled one.
 */
export function composeConditions(conditions: LabelledDataset[], specInput: SpecInput | Spec, options: ComposeOptions = {}): ComposeResult {
  const parsed = SpecSchema.safeParse(specInput);
  if (!parsed.success) throw zodProblem(options.specFile ?? 'spec', parsed.error, SpecSchema);
  const spec = parsed.data;
  const folds = options.folds ?? 5;
  const seed = options.seed ?? 0;
  const alpha = options.alpha ?? 0.05;
  const resamples = options.resamples ?? 1000;
  const progress = options.onProgress ?? (() => {});
  const stack = stackConditions(conditions, spec);
  const gateSelection = selectGateFeatures(conditions, options.gateFeatures);
  const plan = planFolds(stack, folds, seed);
  const fixed = fixedBins(stack, plan[0].psth);
  const figure: FigureName = spec.family === 'gaussian' ? 'pseudoR2' : 'bitsPerEventOverPsth';
  const level = 0.95;
  const boot = { resamples, seed, level };
  const oneSided = { resamples, seed, level: 1 - 2 * alpha };

  const compositions = baseCompositions(stack);
  const evaluated: Evaluated[] = [];
  compositions.forEach((comp, i) => {
    progress('fitting candidates', i, compositions.length + 1);
    evaluated.push(evaluate(stack, plan, comp, fixed));
  });
  // Families that each beat 'offsets' significantly on their own: when more than one (and not all) do, they
  // are tried together, so two differing families do not force the fully separate model.
  const offsets = evaluated.find((e) => e.composition.key === 'offsets')!;
  const single = evaluated.filter((e) => e.composition.key.startsWith('specific:'));
  const gainOver = new Map<string, Interval>();
  for (const e of single) gainOver.set(e.composition.specific[0], pairedBootstrap(e.rows, offsets.rows, oneSided).difference[figure]);
  const winners = [...gainOver.entries()].filter(([, d]) => d.low !== null && d.low > 0).map(([f]) => f);
  if (winners.length > 1 && winners.length < stack.families.length) evaluated.push(evaluate(stack, plan, combinedComposition(winners), fixed));
  progress('fitting candidates', compositions.length + 1, compositions.length + 1);

  evaluated.sort((a, b) => a.parameters - b.parameters);
  const figures = evaluated.map((e) => bootstrapFigures(e.rows, boot).model);
  let bestIndex = 0;
  figures.forEach((f, i) => {
    if ((f[figure].estimate ?? -Infinity) > (figures[bestIndex][figure].estimate ?? -Infinity)) bestIndex = i;
  });
  const best = evaluated[bestIndex];
  // Every candidate's paired difference from the best is reported; the minimal composition has the fewest
  // parameters among those not significantly worse (the best itself at the latest), and among several of that
  // size (one condition-specific family each) the one that scores highest, not the first in listing order.
  const versus = evaluated.map((e, i) => (i === bestIndex ? null : pairedBootstrap(e.rows, best.rows, oneSided).difference[figure]));
  const sufficient = (i: number) => i === bestIndex || (versus[i]?.high ?? -1) >= 0;
  const fewest = evaluated[evaluated.findIndex((_, i) => sufficient(i))].parameters;
  let minimalIndex = -1;
  evaluated.forEach((e, i) => {
    if (e.parameters !== fewest || !sufficient(i)) return;
    if (minimalIndex < 0 || (figures[i][figure].estimate ?? -Infinity) > (figures[minimalIndex][figure].estimate ?? -Infinity)) minimalIndex = i;
  });
  const minimal = evaluated[minimalIndex];

  const candidates: ComposeCandidate[] = evaluated.map((e, i) => {
    const v = versus[i];
    const gains = e.composition.gains
      ? stack.names.map((_, c) => stack.layout.groups.map((_, g) => e.fits.reduce((s, f) => s + f.gains![c][g], 0) / e.fits.length))
      : undefined;
    return {
      key: e.composition.key,
      description: e.composition.description,
      specific: e.composition.specific,
      offsets: e.composition.offsets,
      gains: e.composition.gains,
      parameters: e.parameters,
      logLikGain: asInterval(figures[i][figure]),
      stratifiedAuroc: asInterval(figures[i].stratifiedAuroc),
      logLikPerBin: asInterval(figures[i].logLikPerBin),
      versusBest: v ? asInterval(v) : { estimate: 0, low: 0, high: 0 },
      verdict: i === bestIndex ? 'best' : v && v.high !== null && v.high >= 0 ? 'not significantly worse' : 'significantly worse',
      ...(gains ? { fittedGains: gains } : {}),
    };
  });
  // The gate as selected, and — when it reads both the volume and per-trial features — each family alone, so
  // the result says which of them tells the conditions apart.
  const gateRuns: GateFeatureSelection[] = [gateSelection];
  if (gateSelection.volume && gateSelection.trial.length > 0) gateRuns.push({ volume: true, trial: [] }, { volume: false, trial: gateSelection.trial });
  const gates = gateRuns.map((selection, i) => {
    progress('gate', i, gateRuns.length);
    const features = gateFeatures(conditions, stack, selection);
    const gated = gatedRows(stack, plan, minimal, features.values);
    const gatedFigures = bootstrapFigures(gated.rows, boot).model;
    const loss = pairedBootstrap(gated.rows, minimal.rows, boot).difference;
    return {
      featureFamilies: gateFeatureKeys(selection),
      features: features.names,
      accuracy: gated.accuracy,
      accuracyByCondition: gated.accuracyByCondition,
      logLikGain: asInterval(gatedFigures[figure]),
      stratifiedAuroc: asInterval(gatedFigures.stratifiedAuroc),
      lossLogLikGain: asInterval(loss[figure]),
      lossStratifiedAuroc: asInterval(loss.stratifiedAuroc),
    };
  });
  progress('gate', gateRuns.length, gateRuns.length);

  const events = (c: number) => {
    let s = 0;
    let bins = 0;
    for (let r = 0; r < stack.design.n; r++)
      if (stack.condition[r] === c) {
        s += stack.y[r];
        bins++;
      }
    return { s, bins };
  };
  const result: ComposeResult = {
    format: 'occam.compose',
    version: 1,
    occamVersion: OCCAM_VERSION,
    conditions: stack.names.map((name, c) => ({ name, trials: stack.nTrials[c], scoredBins: events(c).bins, events: events(c).s })),
    families: stack.families.map((f) => f.name),
    options: { folds, seed, alpha, resamples, figure, level },
    candidates,
    best: best.composition.key,
    minimal: minimal.composition.key,
    familyDifferences: stack.families.map((f) => ({
      family: f.name,
      differs: minimal.composition.specific.includes(f.name),
      gainOverOffsets: gainOver.has(f.name) ? asInterval(gainOver.get(f.name)!) : null,
    })),
    specificFilters: specificFilters(stack, minimal.fits),
    gate: { ...gates[0], ...(gates.length > 1 ? { ablations: gates.slice(1) } : {}) },
    notes: [
      `filters are fitted in full (every spatial × temporal basis weight), whatever the spec's structure ('${spec.structure}'), with the spec's ridge and smoothness on each condition's copy; the link is the GLM's (no lookup table)`,
      `intervals: ${Math.round(level * 100)} % percentile over ${resamples} resamples of held-out trials (all conditions pooled); 'versusBest' bounds are one-sided at α = ${alpha}`,
      'the PSTH baseline is per condition (training trials of that condition); the stratified AUROC compares bins only within one condition, bin and fold',
      "familyDifferences.gainOverOffsets: the family's condition-specific candidate minus 'offsets', paired, with a one-sided interval at α",
    ],
  };
  return ComposeResultSchema.parse(result);
}
