import type { Dataset } from '../dataset/dataset.js';
import { buildDesign } from '../design/buildDesign.js';
import { buildLayout } from '../design/layout.js';
import { OccamError } from '../errors.js';
import { familyOps } from '../glm/families.js';
import { fitGlm } from '../glm/fitGlm.js';
import { linearPredictor, type GlmData } from '../glm/objective.js';
import type { Penalty } from '../glm/penalty.js';
import { bestThreshold } from '../metrics/accuracyThreshold.js';
import { SpecSchema, type Spec, type SpecInput } from '../spec/schema.js';
import { trialFolds } from '../validation/trialFolds.js';
import type { PlanFold } from './validationPlan.js';

export interface RichGlmOptions {
  /**
   * Lag functions per pooled atom. When the reduced spec's own temporal basis has at most this many functions it
   * is used as is (the rich design then contains every reduced model of that spec: a separable filter is one
   * particular set of per-atom weights); otherwise a raised-cosine log basis with this many functions over the
   * same lag window. Default 8.
   */
  lagFunctions?: number;
  /** Contiguous bands of the lag functions per group drive for the pairwise products (default 3). */
  interactionBands?: number;
  /** Ridge penalties tried, on columns standardised over the training rows (default 10^-1 … 10^4). */
  ridges?: number[];
  /** Folds of the training trials on which the ridge is chosen (default 3). */
  innerFolds?: number;
  /** Seed of the inner folds (default: the spec's validation seed + 7919). */
  seed?: number;
  /** Refuse designs wider than this many columns (default 2000): the Newton passes cost n·p². */
  maxColumns?: number;
  onProgress?: (stage: string, done: number, total: number) => void;
}

export interface RichGlmFold {
  /** Ridge chosen on the inner folds of this fold's training trials. */
  ridge: number;
  /** Cross-validated log-likelihood per training bin, one per ridge of the grid (null: a fit failed). */
  cvLogLikPerBin: (number | null)[];
}

/** What the rich GLM was (stored beside its figures). */
export interface RichGlmDescription {
  /** Attributes whose value combination pools atoms: every attribute all atoms carry. */
  signatureAttributes: string[];
  /** Pooled atoms (distinct signatures), each with its own lag filter. */
  pooledAtoms: number;
  lagBasis: 'reduced spec' | 'raisedCosineLog';
  lagFunctions: number;
  historyFunctions: number;
  /** The drives whose pairwise products are columns: a reduced-model group over a band of lags. */
  interactionDrives: string[];
  interactionColumns: number;
  columns: number;
  ridgeGrid: number[];
  innerFolds: number;
  folds: RichGlmFold[];
  seconds: number;
}

export interface RichGlmResult {
  description: RichGlmDescription;
  /** Held-out mean per design row (scored bins, trial-major), from the fold whose test set holds the row. */
  heldOut: Float64Array;
  /** Accuracy threshold per fold, chosen on that fold's training bins (null for counts and real values). */
  thresholds: number[] | null;
  trial: Int32Array;
  bin: Int32Array;
}

const DEFAULT_RIDGES = [0.1, 1, 10, 100, 1000, 10000];

/** Attributes every atom carries, sorted: the finest pooling the atoms' own description allows. */
function signatureAttributes(ds: Dataset): string[] {
  const atoms = ds.manifest.atoms;
  const common = new Set(Object.keys(atoms[0]?.attributes ?? {}));
  for (const a of atoms) for (const k of [...common]) if (!(k in a.attributes)) common.delete(k);
  return [...common].sort();
}

function richSpec(spec: Spec, attributes: string[], lagFunctions: number): { spec: Spec; own: boolean } {
  const { minLag, maxLag } = spec.temporal;
  const lags = maxLag - minLag + 1;
  const reducedJ =
    spec.temporal.basis.kind === 'isfRaisedCosine' ? spec.temporal.basis.phases.length : 'count' in spec.temporal.basis ? spec.temporal.basis.count : Infinity;
  const own = typeof reducedJ === 'number' && reducedJ <= lagFunctions;
  // A window of at most lagFunctions lags gets one weight per lag: the finest basis there is, and it spans every
  // reduced basis over that window (a language model's single lag 0, where a log-spaced basis has no room).
  if (!own && lags <= lagFunctions) return { spec: richSpecWith(spec, attributes, { kind: 'raw' }), own: true };
  const span = Math.max(maxLag - minLag, 1);
  return {
    spec: richSpecWith(
      spec,
      attributes,
      own ? spec.temporal.basis : { kind: 'raisedCosineLog', count: lagFunctions, firstPeak: minLag, lastPeak: minLag + 0.6 * span, offset: 2 },
    ),
    own,
  };
}

function richSpecWith(spec: Spec, attributes: string[], basis: SpecInput['temporal']['basis']): Spec {
  const { minLag, maxLag } = spec.temporal;
  const input: SpecInput = {
    groupBy: attributes,
    exclude: spec.exclude,
    includeReadoutAtoms: spec.includeReadoutAtoms,
    temporal: {
      minLag,
      maxLag,
      basis,
    },
    structure: 'full',
    history: spec.history,
    family: spec.family,
    regularization: { ridge: 0, smoothness: 0 },
    validation: spec.validation,
  };
  return SpecSchema.parse(input);
}

/**
 * A flexible GLM reference on the same inputs as a reduced model: every pooled atom (atoms with the same full
 * attribute signature) gets its own filter over a fine lag basis (non-separable, no spatial smoothing), the
 * reduced spec's history, and pairwise products of group drives (each reduced-model group's summed input over a
 * band of lags) for interactions a sum of filters cannot express. The ridge is chosen per fold by k-fold
 * cross-validation over that fold's training trials only; predictions are held out exactly as the plan says.
 */
export function fitRichGlm(ds: Dataset, reducedSpec: Spec, plan: PlanFold[], options: RichGlmOptions = {}): RichGlmResult {
  const started = performance.now();
  const lagFunctions = options.lagFunctions ?? 8;
  const bands = options.interactionBands ?? 3;
  const ridges = [...(options.ridges ?? DEFAULT_RIDGES)].sort((a, b) => b - a);
  const innerK = options.innerFolds ?? 3;
  const seed = options.seed ?? reducedSpec.validation.seed + 7919;
  const maxColumns = options.maxColumns ?? 2000;
  const progress = options.onProgress ?? (() => {});
  if (!(Number.isInteger(lagFunctions) && lagFunctions >= 1)) throw new OccamError(`rich GLM: lagFunctions must be a whole number ≥ 1 (got ${lagFunctions})`);
  if (!(Number.isInteger(bands) && bands >= 0)) throw new OccamError(`rich GLM: interactionBands must be a whole number ≥ 0 (got ${bands})`);
  if (ridges.length === 0 || ridges.some((r) => !(r > 0 && Number.isFinite(r)))) throw new OccamError('rich GLM: ridges must be positive, finite numbers');

  const attributes = signatureAttributes(ds);
  const { spec, own } = richSpec(reducedSpec, attributes, lagFunctions);
  const layout = buildLayout(spec, ds.manifest.atoms, undefined, 'rich GLM spec');
  const reducedLayout = buildLayout(reducedSpec, ds.manifest.atoms, undefined, 'reduced spec');
  const S = layout.groups.length;
  const J = layout.J;
  const nDrivesPerGroup = Math.min(bands, J);
  const G = reducedLayout.groups.length;
  const D = G * nDrivesPerGroup;
  const nProducts = (D * (D + 1)) / 2;
  const baseP = layout.p;
  const p = baseP + nProducts;
  if (p > maxColumns) {
    throw new OccamError(
      `rich GLM: ${S} pooled atoms × ${J} lag functions + ${layout.H} history + ${nProducts} interaction columns = ${p} columns, over the limit of ${maxColumns}; use fewer lag functions (--rich-lags) or interaction bands (--rich-bands), or raise the limit`,
    );
  }

  progress('rich GLM design', 0, 1);
  const base = buildDesign(ds, layout);
  const n = base.n;
  const X = new Float32Array(n * p);
  X.set(base.X);
  // Which reduced group each pooled atom feeds (its atoms share every attribute, so they share a group).
  const groupOfAtom = new Int32Array(ds.manifest.atoms.length).fill(-1);
  reducedLayout.groups.forEach((g, gi) => {
    for (const a of g.atoms) groupOfAtom[a] = gi;
  });
  const bandOf = (j: number) => Math.min(nDrivesPerGroup - 1, Math.floor((j * nDrivesPerGroup) / J));
  const drives = new Float64Array(D * n);
  if (D > 0) {
    for (let s = 0; s < S; s++) {
      const g = groupOfAtom[layout.groups[s].atoms[0]];
      if (g < 0) continue;
      for (let j = 0; j < J; j++) {
        const col = (s * J + j) * n;
        const d = (g * nDrivesPerGroup + bandOf(j)) * n;
        for (let r = 0; r < n; r++) drives[d + r] += base.X[col + r];
      }
    }
  }
  const driveLabels: string[] = [];
  for (let g = 0; g < G; g++) {
    for (let c = 0; c < nDrivesPerGroup; c++) {
      const js = Array.from({ length: J }, (_, j) => j).filter((j) => bandOf(j) === c);
      driveLabels.push(`${reducedLayout.groups[g].label}, lag functions ${js[0] + 1}–${js[js.length - 1] + 1} of ${J}`);
    }
  }
  let col = baseP;
  for (let a = 0; a < D; a++) {
    for (let b = a; b < D; b++) {
      const out = col * n;
      for (let r = 0; r < n; r++) X[out + r] = drives[a * n + r] * drives[b * n + r];
      col++;
    }
  }
  // Rescale columns to unit RMS over all rows: a fixed reparametrisation that only conditions the solver; the
  // penalty below standardises on each fold's training rows, so no held-out row shapes the fit.
  for (let c = 0; c < p; c++) {
    let ss = 0;
    for (let r = 0; r < n; r++) ss += X[c * n + r] ** 2;
    const rms = Math.sqrt(ss / Math.max(n, 1));
    if (rms > 0) for (let r = 0; r < n; r++) X[c * n + r] /= rms;
  }
  progress('rich GLM design', 1, 1);

  const fam = familyOps(spec.family);
  const binary = spec.family === 'bernoulli';
  const y = binary ? base.y.map((v) => (v > 0 ? 1 : 0)) : base.y;
  const data: GlmData = { X, n, p, y };
  const rowsByTrial: number[][] = Array.from({ length: ds.manifest.nTrials }, () => []);
  for (let r = 0; r < n; r++) rowsByTrial[base.trial[r]].push(r);
  const rowsOf = (trials: number[]) => trials.flatMap((t) => rowsByTrial[t]);

  /** Ridge λ on columns standardised over `rows`: λ·mean(x²) on the diagonal. */
  const penaltyFor = (lambda: number, rows: number[]): Penalty => {
    const P = new Float64Array(p * p);
    for (let c = 0; c < p; c++) {
      let ss = 0;
      for (const r of rows) ss += X[c * n + r] ** 2;
      const v = rows.length > 0 ? ss / rows.length : 0;
      P[c * p + c] = lambda * (v > 0 ? v : 1);
    }
    return { p, P };
  };
  const fit = (trainRows: number[], lambda: number, init?: Float64Array) => {
    const weights = new Float64Array(n);
    for (const r of trainRows) weights[r] = 1;
    return fitGlm(
      { ...data, weights },
      { family: spec.family, penalty: penaltyFor(lambda, trainRows), init, checkEmptyColumns: false, checkSeparation: false },
    );
  };
  const sigma2Of = (mu: Float64Array, rows: number[]) => {
    if (spec.family !== 'gaussian') return 1;
    let s = 0;
    for (const r of rows) s += (y[r] - mu[r]) ** 2;
    return Math.max(s / Math.max(rows.length, 1), 1e-12);
  };

  const heldOut = new Float64Array(n).fill(NaN);
  const thresholds: number[] | null = binary ? [] : null;
  const folds: RichGlmFold[] = [];
  const totalFits = plan.length * (ridges.length * innerK + 1);
  let fitsDone = 0;
  plan.forEach((part, fi) => {
    const inner = trialFolds(part.train.length, Math.min(innerK, part.train.length), seed).map((f) => f.map((k) => part.train[k]));
    const cv = new Float64Array(ridges.length);
    const defined = new Array<boolean>(ridges.length).fill(true);
    const warm: (Float64Array | undefined)[] = inner.map(() => undefined);
    let trainBins = 0;
    ridges.forEach((lambda, li) => {
      inner.forEach((heldTrials, k) => {
        const held = new Set(heldTrials);
        const innerTrain = rowsOf(part.train.filter((t) => !held.has(t)));
        const heldRows = rowsOf(heldTrials);
        try {
          const f = fit(innerTrain, lambda, warm[k]);
          warm[k] = f.beta;
          const eta = linearPredictor(data, f.beta);
          const mu = eta.map((e) => fam.mean(e));
          const sigma2 = sigma2Of(mu, innerTrain);
          for (const r of heldRows) cv[li] += fam.logLik(y[r], mu[r], sigma2);
        } catch (e) {
          if (!(e instanceof OccamError)) throw e;
          defined[li] = false;
        }
        if (li === 0) trainBins += heldRows.length;
        progress('rich GLM', ++fitsDone, totalFits);
      });
    });
    let best = -1;
    for (let li = 0; li < ridges.length; li++) if (defined[li] && (best < 0 || cv[li] > cv[best])) best = li;
    if (best < 0) throw new OccamError(`rich GLM: no ridge in the grid (${ridges.join(', ')}) could be fitted on the training trials of fold ${fi + 1}`);
    const trainRows = rowsOf(part.train);
    const f = fit(trainRows, ridges[best]);
    progress('rich GLM', ++fitsDone, totalFits);
    const eta = linearPredictor(data, f.beta);
    const mu = eta.map((e) => fam.mean(e));
    for (const r of rowsOf(part.test)) heldOut[r] = mu[r];
    if (thresholds) thresholds.push(bestThreshold(mu, y, trainRows));
    folds.push({ ridge: ridges[best], cvLogLikPerBin: Array.from(cv, (v, li) => (defined[li] ? v / trainBins : null)) });
  });

  return {
    description: {
      signatureAttributes: attributes,
      pooledAtoms: S,
      lagBasis: own ? 'reduced spec' : 'raisedCosineLog',
      lagFunctions: J,
      historyFunctions: layout.H,
      interactionDrives: driveLabels,
      interactionColumns: nProducts,
      columns: p,
      ridgeGrid: ridges,
      innerFolds: innerK,
      folds,
      seconds: (performance.now() - started) / 1000,
    },
    heldOut,
    thresholds,
    trial: base.trial,
    bin: base.bin,
  };
}
