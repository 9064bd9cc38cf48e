import { join } from 'node:path';
import {
  fitReducedModel,
  forEachTrialResample,
  forwardResponse,
  layoutForModel,
  missRule,
  OccamError,
  outcomeLine,
  pearson,
  percentileInterval,
  slopeThroughOrigin,
  slopeLeavingOneOut,
  type Dataset,
  type Estimate,
  type ReducedModel,
  type Spec,
  type SpecInput,
} from '@occam/core';
import type { AtomSelectionInput } from '../atoms/schema.js';
import { parseBehaviourArg } from '../behaviour/resolveBehaviour.js';
import type { BehaviourInput } from '../behaviour/schema.js';
import { loadCondition } from '../condition/loadCondition.js';
import type { PromptSet } from '../condition/promptSet.js';
import type { ConditionInput } from '../condition/schema.js';
import { extractDataset } from '../extract/extractDataset.js';
import { LanguageModel } from '../model-dir/languageModel.js';
import { ablateInGraph } from './ablateInGraph.js';
import { resampleTokenAtOffset } from './resampleToken.js';
import type { LmInterventionOutcome, LmInterventionResult } from './resultSchema.js';
import { interventionName, LmInterventionSchema, type LmIntervention, type LmInterventionInput } from './schema.js';

export interface LmCheckOptions {
  /** Forward samples per prompt for a reduced model with a history term (1 is exact without one). */
  samples: number;
  seed: number;
  resamples: number;
  level: number;
  bootstrapSeed: number;
  /** A miss must also exceed this fraction of the larger of the two changes (core's rule). */
  missFraction: number;
  /**
   * And this much in rate (default 0.01). A network's top-1 behaviour often does not move at all under an
   * ablation (an interval of exactly [0, 0]); a reduced model's probability always moves a little, and a
   * difference of 1e-4 resolved against an exact 0 is not a failed prediction.
   */
  missFloor: number;
}

export const DEFAULT_LM_CHECK_OPTIONS: LmCheckOptions = {
  samples: 20,
  seed: 0,
  resamples: 1000,
  level: 0.95,
  bootstrapSeed: 0,
  missFraction: 0.5,
  missFloor: 0.01,
};

export interface InterveneLanguageModelArgs {
  modelDir: string;
  /** A condition file, an object, or prompts already generated. */
  condition: string | ConditionInput | PromptSet;
  behaviour: string | BehaviourInput;
  /** The atoms extracted in every arm (the reduced model's atoms must be among them). */
  atoms?: AtomSelectionInput;
  /** The reduced model to check; else `spec` is fitted on the original extraction. */
  reducedModel?: ReducedModel;
  spec?: SpecInput | Spec;
  interventions: LmInterventionInput[];
  /** Where the intervened model folders are written (one per in-graph ablation, named by the intervention). */
  workDir: string;
  batchTokens?: number;
  /** Replace intervened model folders that occam did not write. */
  force?: boolean;
  options?: Partial<LmCheckOptions>;
  onProgress?: (line: string) => void;
}

/** One arm over the original prompts × positions: which cells are compared, the network's behaviour, the reduced model's probability. */
interface Arm {
  mask: Uint8Array;
  actual: Float64Array;
  predicted: Float64Array;
}

/** The language-model miss rule: core's, plus an absolute floor in rate (see LmCheckOptions.missFloor). */
export function lmMissRule(missFraction: number, missFloor: number): string {
  return missRule(missFraction, 'actual', { value: missFloor, unit: 'in rate' });
}

/**
 * The causal check on a language model. For each intervention the network is run again — with a component
 * ablated inside its ONNX graph (ablateInGraph), or on prompts with one token redrawn (resampleTokenAtOffset) —
 * and its atoms re-extracted, so the reduced model sees what the intervention did to every atom it names
 * (downstream atoms change under an ablation; input-pattern atoms under a resampled token). The ACTUAL change is
 * the network's behaviour rate on the compared cells minus the original's; the PREDICTED change is the reduced
 * model's expected rate on the intervened atoms minus its expectation on the original atoms, both run forward
 * the same way (core's forwardResponse). Intervals resample prompts (core's trial resampling), paired: one
 * resample draws the same prompts for both arms, every intervention and the slope across interventions.
 */
export async function interveneLanguageModel(args: InterveneLanguageModelArgs): Promise<LmInterventionResult> {
  const t0 = Date.now();
  const opts: LmCheckOptions = { ...DEFAULT_LM_CHECK_OPTIONS, ...args.options };
  const interventions = args.interventions.map((input, i) => {
    const parsed = LmInterventionSchema.safeParse(input);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      throw new OccamError(`interventions[${i}]: ${[...issue.path].join('.') || 'kind'}: ${issue.message}`, { field: `interventions[${i}]` });
    }
    return parsed.data;
  });
  const names = interventions.map(interventionName);
  const dup = names.find((n, i) => names.indexOf(n) !== i);
  if (dup !== undefined) throw new OccamError(`interventions: two are named '${dup}'; give one a different name`, { field: 'interventions' });
  if (!args.reducedModel && !args.spec)
    throw new OccamError('intervene: give the reduced model to check, or a spec to fit on the original extraction', { field: 'spec' });
  const behaviour = typeof args.behaviour === 'string' ? parseBehaviourArg(args.behaviour) : args.behaviour;
  const extractOptions = { atoms: args.atoms, batchTokens: args.batchTokens };

  const model = await LanguageModel.load(args.modelDir);
  let prompts: PromptSet;
  let original: Dataset;
  try {
    prompts = isPromptSet(args.condition) ? args.condition : await loadCondition(args.condition, { size: model.vocabSize, tokenizer: model.tokenizer });
    original = (await extractDataset(model, prompts, behaviour, extractOptions)).dataset;
  } catch (error) {
    await model.dispose();
    throw error;
  }
  const reduced = args.reducedModel ?? fitReducedModel(original, args.spec!);
  if (reduced.spec.family !== 'bernoulli' && reduced.spec.family !== 'poisson')
    throw new OccamError(`intervene: the reduced model's family is ${reduced.spec.family}; the behaviour rate needs a bernoulli model of a binary behaviour`, {
      field: 'spec.family',
    });
  const usedAtoms = [...new Set(layoutForModel(reduced, original).groups.flatMap((g) => g.atoms))].sort((a, b) => a - b);
  const { nTrials: N, nBins } = original.manifest;
  const all = Array.from({ length: N }, (_, i) => i);
  const forward = { samples: opts.samples, seed: opts.seed };
  const predOriginal = forwardResponse(reduced, original, all, forward);
  const originalArm: Arm = { mask: original.scored, actual: Float64Array.from(original.target), predicted: predOriginal.expected };

  const arms: { iv: LmIntervention; name: string; arm: Arm; modelDir: string | null; changed: string[] }[] = [];
  try {
    for (const [k, iv] of interventions.entries()) {
      const name = names[k];
      args.onProgress?.(`intervention ${k + 1}/${interventions.length}: ${name}`);
      if (iv.kind === 'resample-token') {
        const r = resampleTokenAtOffset(prompts, iv.offset, iv.seed);
        const ds = (await extractDataset(model, r.promptSet, behaviour, extractOptions)).dataset;
        sameAtoms(original, ds, name);
        const V = r.origins.length;
        const pred = forwardResponse(
          reduced,
          ds,
          Array.from({ length: V }, (_, i) => i),
          forward,
        );
        const arm: Arm = { mask: new Uint8Array(N * nBins), actual: new Float64Array(N * nBins), predicted: new Float64Array(N * nBins) };
        const changed = new Set<number>();
        const vBins = ds.manifest.nBins;
        r.origins.forEach((o, v) => {
          const cell = o.prompt * nBins + o.position;
          const vcell = v * vBins + o.position;
          if (!original.scored[cell] || !ds.scored[vcell]) return;
          arm.mask[cell] = 1;
          arm.actual[cell] = ds.target[vcell];
          arm.predicted[cell] = pred.expected[vcell];
          // the atoms the reduced model reads at this cell, over its lags
          for (const a of usedAtoms) if (!changed.has(a) && atomsDiffer(original, ds, a, o.prompt, v, o.position)) changed.add(a);
        });
        arms.push({ iv, name, arm, modelDir: null, changed: [...changed].map((a) => original.manifest.atoms[a].id) });
      } else {
        const dir = join(args.workDir, slug(name));
        await ablateInGraph(args.modelDir, iv, dir, { prompts, force: args.force });
        const ablated = await LanguageModel.load(dir);
        let ds: Dataset;
        try {
          ds = (await extractDataset(ablated, prompts, behaviour, extractOptions)).dataset;
        } finally {
          await ablated.dispose();
        }
        sameAtoms(original, ds, name);
        const pred = forwardResponse(reduced, ds, all, forward);
        const mask = new Uint8Array(N * nBins);
        for (let i = 0; i < mask.length; i++) mask[i] = original.scored[i] && ds.scored[i] ? 1 : 0;
        const changed = usedAtoms.filter((a) => {
          const x = a * N * nBins;
          for (let i = 0; i < N * nBins; i++) if (original.inputs[x + i] !== ds.inputs[x + i]) return true;
          return false;
        });
        arms.push({
          iv,
          name,
          arm: { mask, actual: Float64Array.from(ds.target), predicted: pred.expected },
          modelDir: dir,
          changed: changed.map((a) => original.manifest.atoms[a].id),
        });
      }
    }
  } finally {
    await model.dispose();
  }

  // Per prompt and arm: compared cells, and the sums of each figure over them (original and intervened).
  const sums = arms.map(({ arm }) => {
    const count = new Float64Array(N);
    const actO = new Float64Array(N);
    const actI = new Float64Array(N);
    const predO = new Float64Array(N);
    const predI = new Float64Array(N);
    for (let j = 0; j < N; j++)
      for (let t = 0; t < nBins; t++) {
        const c = j * nBins + t;
        if (!arm.mask[c]) continue;
        count[j] += 1;
        actO[j] += originalArm.actual[c];
        actI[j] += arm.actual[c];
        predO[j] += originalArm.predicted[c];
        predI[j] += arm.predicted[c];
      }
    return { count, actO, actI, predO, predI };
  });
  const base = { count: new Float64Array(N), act: new Float64Array(N), pred: new Float64Array(N) };
  for (let j = 0; j < N; j++)
    for (let t = 0; t < nBins; t++) {
      const c = j * nBins + t;
      if (!original.scored[c]) continue;
      base.count[j] += 1;
      base.act[j] += originalArm.actual[c];
      base.pred[j] += originalArm.predicted[c];
    }
  const figures = (w: Float64Array | null) => {
    const wsum = (v: Float64Array) => {
      let s = 0;
      for (let j = 0; j < N; j++) s += (w ? w[j] : 1) * v[j];
      return s;
    };
    const bc = wsum(base.count);
    const perArm = sums.map((s) => {
      const c = wsum(s.count);
      const actO = wsum(s.actO) / c;
      const actI = wsum(s.actI) / c;
      const predO = wsum(s.predO) / c;
      const predI = wsum(s.predI) / c;
      return { actO, actI, predO, predI, actChange: actI - actO, predChange: predI - predO, diff: predI - predO - (actI - actO) };
    });
    const xs = perArm.map((p) => p.predChange);
    const ys = perArm.map((p) => p.actChange);
    return { baseAct: wsum(base.act) / bc, basePred: wsum(base.pred) / bc, perArm, slope: slopeThroughOrigin(xs, ys), correlation: pearson(xs, ys) };
  };
  const point = figures(null);
  const R = opts.resamples;
  const keys = ['actO', 'actI', 'predO', 'predI', 'actChange', 'predChange', 'diff'] as const;
  const boot = {
    baseAct: new Float64Array(R),
    basePred: new Float64Array(R),
    slope: new Float64Array(R),
    correlation: new Float64Array(R),
    arm: arms.map(() => Object.fromEntries(keys.map((k) => [k, new Float64Array(R)])) as Record<(typeof keys)[number], Float64Array>),
  };
  forEachTrialResample(N, R, opts.bootstrapSeed, (w, b) => {
    const f = figures(w);
    boot.baseAct[b] = f.baseAct;
    boot.basePred[b] = f.basePred;
    boot.slope[b] = f.slope;
    boot.correlation[b] = f.correlation;
    f.perArm.forEach((p, k) => {
      for (const key of keys) boot.arm[k][key][b] = p[key];
    });
  });
  const est = (value: number, values: Float64Array): Estimate => {
    const i = Number.isFinite(value) ? percentileInterval(values, opts.level) : null;
    return { estimate: Number.isFinite(value) ? value : null, low: i ? i[0] : null, high: i ? i[1] : null };
  };

  const misses: string[] = [];
  const outcomes: LmInterventionOutcome[] = arms.map((a, k) => {
    const p = point.perArm[k];
    const bk = boot.arm[k];
    const predicted = { original: est(p.predO, bk.predO), intervened: est(p.predI, bk.predI), change: est(p.predChange, bk.predChange) };
    const actual = { original: est(p.actO, bk.actO), intervened: est(p.actI, bk.actI), change: est(p.actChange, bk.actChange) };
    const diff = est(p.diff, bk.diff);
    const resolved = diff.low !== null && diff.high !== null && (diff.low > 0 || diff.high < 0);
    const miss =
      resolved && Math.abs(p.diff) > opts.missFraction * Math.max(Math.abs(p.predChange), Math.abs(p.actChange)) && Math.abs(p.diff) > opts.missFloor;
    const line = outcomeLine(a.name, predicted.change, actual.change, diff, miss, { predChange: p.predChange, observedChange: p.actChange }, 'actual');
    if (miss) misses.push(line);
    return {
      name: a.name,
      description: a.iv.description ?? null,
      operation: a.iv.kind,
      intervention: a.iv,
      modelDir: a.modelDir,
      comparedBins: sums[k].count.reduce((s, c) => s + c, 0),
      changedAtoms: a.changed,
      predicted,
      actual,
      predictedMinusActual: diff,
      miss,
      line,
      perPosition: perPosition(a.arm, originalArm, N, nBins),
    };
  });
  const behaviourLabel = original.manifest.target.name;
  return {
    format: 'occam.intervention-result',
    version: 1,
    system: 'language-model',
    model: args.modelDir,
    condition: typeof args.condition === 'string' ? args.condition : prompts.name,
    behaviour: behaviourLabel,
    measure: {
      description: `rate of ${behaviourLabel} over the compared scored positions (per intervention: the positions scored in both arms; a resampled token also leaves out positions whose token at the offset would be position 0)`,
      scoredBins: base.count.reduce((s, c) => s + c, 0),
      trials: N,
      pairedBy: 'trialIds',
    },
    prediction: {
      method:
        'the reduced model run forward (core forwardResponse) on the atoms re-extracted from the intervened network or prompts, minus the same on the original atoms; per position the probability of the behaviour, averaged over samples when the model has a history term',
      nonlinearity: predOriginal.nonlinearity,
      samples: predOriginal.samples,
      seed: opts.seed,
    },
    bootstrap: { resamples: R, level: opts.level, seed: opts.bootstrapSeed, unit: 'trial' },
    baseline: { predicted: est(point.basePred, boot.basePred), observed: est(point.baseAct, boot.baseAct) },
    interventions: outcomes,
    acrossInterventions: {
      count: arms.length,
      slope: arms.length >= 2 ? est(point.slope, boot.slope) : null,
      correlation: arms.length >= 3 ? est(point.correlation, boot.correlation) : null,
      slopeLeaveOneOut: slopeLeavingOneOut(
        point.perArm.map((p) => p.predChange),
        point.perArm.map((p) => p.actChange),
        arms.map((a) => a.name),
      ),
    },
    missRule: lmMissRule(opts.missFraction, opts.missFloor),
    misses,
    seconds: (Date.now() - t0) / 1000,
  };
}

function isPromptSet(c: unknown): c is PromptSet {
  return typeof c === 'object' && c !== null && Array.isArray((c as PromptSet).prompts) && typeof (c as PromptSet).markers === 'object';
}

function slug(name: string): string {
  return (
    name
      .trim()
      .replace(/[^A-Za-z0-9]+/g, '-')
      .replace(/^-+|-+$/g, '')
      .toLowerCase() || 'intervention'
  );
}

function sameAtoms(a: Dataset, b: Dataset, name: string): void {
  const ia = a.manifest.atoms.map((x) => x.id).join('\n');
  const ib = b.manifest.atoms.map((x) => x.id).join('\n');
  if (ia !== ib)
    throw new OccamError(
      `intervention '${name}': the intervened extraction has other atoms than the original (${b.manifest.atoms.length} vs ${a.manifest.atoms.length})`,
    );
}

/** Whether atom a differs between original prompt j and variant v at any position up to t (what lags can reach). */
function atomsDiffer(a: Dataset, b: Dataset, atom: number, j: number, v: number, t: number): boolean {
  const xa = (atom * a.manifest.nTrials + j) * a.manifest.nBins;
  const xb = (atom * b.manifest.nTrials + v) * b.manifest.nBins;
  for (let s = 0; s <= t; s++) if (a.inputs[xa + s] !== b.inputs[xb + s]) return true;
  return false;
}

function perPosition(arm: Arm, original: Arm, N: number, nBins: number): LmInterventionOutcome['perPosition'] {
  const out = {
    position: Array.from({ length: nBins }, (_, t) => t),
    actualOriginal: [] as (number | null)[],
    actualIntervened: [] as (number | null)[],
    predictedOriginal: [] as (number | null)[],
    predictedIntervened: [] as (number | null)[],
  };
  for (let t = 0; t < nBins; t++) {
    let n = 0;
    let ao = 0;
    let ai = 0;
    let po = 0;
    let pi = 0;
    for (let j = 0; j < N; j++) {
      const c = j * nBins + t;
      if (!arm.mask[c]) continue;
      n++;
      ao += original.actual[c];
      ai += arm.actual[c];
      po += original.predicted[c];
      pi += arm.predicted[c];
    }
    out.actualOriginal.push(n ? ao / n : null);
    out.actualIntervened.push(n ? ai / n : null);
    out.predictedOriginal.push(n ? po / n : null);
    out.predictedIntervened.push(n ? pi / n : null);
  }
  return out;
}
