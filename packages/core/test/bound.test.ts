import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import {
  boundComparison,
  boundPlan,
  BoundResultSchema,
  fitReducedModelWithPredictions,
  fitRichGlm,
  neuronLikeAtoms,
  OccamError,
  plantedDataset,
  plantedInteractionDataset,
  readExternalPredictions,
  runBound,
  SpecSchema,
  validationPlan,
  writeNpy,
  type PlantedOptions,
  type ScoredRows,
  type SpecInput,
} from '../src/index.js';

const spec: SpecInput = {
  groupBy: ['type'],
  spatial: { attribute: 'distance', basis: { kind: 'raisedCosineLog', count: 3, firstPeak: 25, lastPeak: 175, offset: 50 } },
  temporal: { minLag: 1, maxLag: 16, basis: { kind: 'raisedCosineLog', count: 4, firstPeak: 1, lastPeak: 10, offset: 2 } },
  structure: 'separable',
  history: null,
  regularization: { ridge: 1, smoothness: 0 },
  validation: { kind: 'split', testFraction: 0.4, seed: 3 },
};
const truth = {
  intercept: -3.2,
  spatial: [
    [1, 0.5, 0.15],
    [1, 0.6, 0.3],
  ],
  temporal: [
    [0.35, 0.55, 0.25, 0.05],
    [-0.25, -0.35, -0.2, -0.05],
  ],
  history: [],
};
const planted = (nTrials: number, seed: number): PlantedOptions => ({
  nTrials,
  nBins: 70,
  seed,
  spec,
  truth,
  atoms: neuronLikeAtoms(4),
  backgroundRate: 0.15,
  stimulusBin: 20,
  evokedRate: 0.8,
  scoredWindow: [18, 60],
});

const fitted = (ds: Parameters<typeof fitReducedModelWithPredictions>[0]) => fitReducedModelWithPredictions(ds, spec, { coincidence: false });

describe('the sufficiency bound on planted data', () => {
  it('when the truth is a reduced GLM, the rich GLM does not beat it beyond its interval and the reduction captures ~100 %', async () => {
    const ds = plantedDataset(planted(500, 11)).dataset;
    const { model } = fitted(ds);
    const r = await runBound(ds, model, { rich: { lagFunctions: 4 } });
    BoundResultSchema.parse(r);
    expect(r.richGlm.lagBasis).toBe('reduced spec'); // so the rich design contains the truth
    const rich = r.references[0];
    expect(rich.reference).toBe('richGlm');
    // Rich − reduced, paired over trials: its interval reaches 0 or below (no significant gain over the truth's form).
    expect(rich.referenceMinusReduced.logLikPerBin.low!).toBeLessThanOrEqual(0);
    expect(rich.referenceVsReduced).not.toBe('better');
    // The captured fraction is ~100 %: its interval reaches 100 % (here it sits just above it — out of sample the
    // rich GLM pays for its extra parameters, and the paired interval is narrow because both predict alike).
    for (const f of [rich.logLikGain, rich.stratifiedAurocGain]) {
      expect(f.reason).toBeNull();
      expect(Math.abs(f.estimate! - 1)).toBeLessThan(0.03);
      expect(f.low!).toBeGreaterThan(0.95);
      expect(f.high!).toBeGreaterThanOrEqual(1);
    }
  }, 60_000);

  it('with a pairwise interaction the reduction lacks, the rich GLM gains more and the captured fraction drops clearly below 100 %', async () => {
    const { dataset: ds } = plantedInteractionDataset(planted(500, 12), { groups: ['type=excitatory', 'type=excitatory'], minLag: 1, maxLag: 8, strength: 1 });
    const { model } = fitted(ds);
    const r = await runBound(ds, model, { rich: { lagFunctions: 4 } });
    const rich = r.references[0];
    expect(rich.referenceMinusReduced.logLikPerBin.low!).toBeGreaterThan(0);
    expect(rich.referenceVsReduced).toBe('better');
    expect(rich.logLikGain.reason).toBeNull();
    // Measured: 94.8 % [93.1, 96.4] of the log-likelihood gain, 98.6 % [97.8, 99.2] of the stratified-AUROC gain.
    expect(rich.logLikGain.high!).toBeLessThan(0.97);
    expect(rich.stratifiedAurocGain.reason).toBeNull();
    expect(rich.stratifiedAurocGain.high!).toBeLessThan(1);
  }, 60_000);
});

describe('k-fold validation', () => {
  it("scores every trial out of fold, the rich GLM choosing its ridge per fold on that fold's training trials", async () => {
    const kspec: SpecInput = { ...spec, validation: { kind: 'kfold', folds: 3, seed: 1 } };
    const ds = plantedDataset({ ...planted(120, 13), spec: kspec }).dataset;
    const { model } = fitReducedModelWithPredictions(ds, kspec, { coincidence: false });
    const r = await runBound(ds, model, { rich: { lagFunctions: 4, ridges: [1, 100] }, bootstrap: { resamples: 100 } });
    expect(r.validation).toEqual({ kind: 'kfold', folds: 3, heldOutTrials: 120, heldOutBins: 120 * 42 });
    expect(r.richGlm.folds).toHaveLength(3);
    expect(r.predictors.reduced.stratifiedAuroc.estimate).toBeCloseTo(model.metrics.test.stratifiedAuroc!.model!, 10);
    // The PSTH is each fold's own (strata are fold × bin), so its stratified AUROC is exactly 0.5.
    expect(r.psth.stratifiedAuroc.estimate).toBe(0.5);
  }, 60_000);
});

describe('boundComparison', () => {
  const ds = plantedDataset(planted(200, 5)).dataset;
  const { heldOut } = fitted(ds);
  it('a reference identical to the reduced model: fraction exactly 1 on every resample, differences 0', () => {
    const c = boundComparison(heldOut, [{ name: 'same', rows: heldOut }], { resamples: 200 });
    const f = c.references[0].logLikGain;
    expect(f.estimate).toBeCloseTo(1, 12);
    expect(f.low).toBeCloseTo(1, 12);
    expect(f.high).toBeCloseTo(1, 12);
    expect(c.references[0].referenceMinusReduced.stratifiedAuroc.estimate).toBe(0);
    expect(c.predictors.reduced.stratifiedAuroc).toEqual(c.predictors.same.stratifiedAuroc);
  });

  it('a reference no better than the PSTH gives a null fraction with a reason, not a huge number', () => {
    const psthOnly: ScoredRows = { ...heldOut, model: heldOut.psth };
    const c = boundComparison(heldOut, [{ name: 'psthCopy', rows: psthOnly }], { resamples: 200 });
    for (const f of [c.references[0].logLikGain, c.references[0].stratifiedAurocGain]) {
      expect(f.estimate).toBeNull();
      expect(f.reason).toMatch(/≤ 0|not clearly above 0|no gain/);
    }
  });

  it('refuses references scored on other trials', () => {
    const fewer: ScoredRows = { ...heldOut, rows: Array.from(heldOut.rows).filter((r) => heldOut.trial[r] !== heldOut.trial[heldOut.rows[0]]) };
    expect(() => boundComparison(heldOut, [{ name: 'tcn', rows: fewer }])).toThrow(/same held-out trials/);
  });
});

describe('rich GLM', () => {
  it('chooses its ridge on training trials only: held-out targets do not change the choice or the fit', () => {
    const ds = plantedDataset(planted(150, 7)).dataset;
    const s = SpecSchema.parse(spec);
    const plan = validationPlan(s, ds.manifest.nTrials);
    const a = fitRichGlm(ds, s, plan, { lagFunctions: 4 });
    // Scramble the targets of the held-out trials: nothing fitted may move.
    const target = ds.target.slice();
    for (const t of plan[0].test) for (let b = 0; b < ds.manifest.nBins; b++) target[t * ds.manifest.nBins + b] = (t + b) % 7 === 0 ? 1 : 0;
    const b = fitRichGlm({ ...ds, target }, s, plan, { lagFunctions: 4 });
    expect(b.description.folds).toEqual(a.description.folds);
    expect(Array.from(b.heldOut)).toEqual(Array.from(a.heldOut));
    expect(a.description.pooledAtoms).toBe(8);
    expect(a.description.interactionColumns).toBe(21); // 2 groups × 3 bands = 6 drives, 6·7/2 products
    expect(a.description.columns).toBe(8 * 4 + 21);
  });

  it('a window of one lag (a language model reduced at lag 0) gets one weight per lag, not a log basis with no room', () => {
    const ds = plantedDataset(planted(60, 7)).dataset;
    const s = SpecSchema.parse({ ...spec, temporal: { minLag: 0, maxLag: 0, basis: { kind: 'raw' } } });
    const r = fitRichGlm(ds, s, validationPlan(s, ds.manifest.nTrials), { lagFunctions: 4 });
    expect(r.description.pooledAtoms).toBe(8);
    expect(r.description.columns).toBe(8 * 1 + r.description.interactionColumns);
    const predicted = Array.from(r.heldOut).filter((v) => Number.isFinite(v));
    expect(predicted.length).toBeGreaterThan(0);
    expect(predicted.every((v) => v > 0 && v < 1)).toBe(true);
  });

  it('refuses a design over its column limit, saying how to shrink it', () => {
    const ds = plantedDataset(planted(20, 7)).dataset;
    expect(() => fitRichGlm(ds, SpecSchema.parse(spec), validationPlan(SpecSchema.parse(spec), 20), { maxColumns: 10 })).toThrow(
      /over the limit of 10.*fewer lag functions/,
    );
  });
});

describe('external predictions', () => {
  const dirs: string[] = [];
  afterAll(async () => Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true }))));
  const ds = plantedDataset(planted(60, 9)).dataset;
  const { model, heldOut } = fitted(ds);
  const plan = boundPlan(ds, model);
  const expected = { nTrials: 60, nBins: 70, atoms: 8, plan: plan.folds, binary: true };

  /** Writes a predictions directory the way tools/tcn-bound does (numpy .npy arrays and a manifest). */
  async function write(mutate: (m: Record<string, unknown>, rows: { p: number[]; t: number[]; b: number[] }) => void = () => {}) {
    const dir = await mkdtemp(join(tmpdir(), 'occam-bound-'));
    dirs.push(dir);
    const rows = { p: [] as number[], t: [] as number[], b: [] as number[] };
    for (const r of Array.from(heldOut.rows)) {
      rows.p.push(0.05);
      rows.t.push(heldOut.trial[r]);
      rows.b.push(heldOut.bin[r]);
    }
    const m: Record<string, unknown> = {
      format: 'occam.bound-predictions',
      version: 1,
      predictor: { kind: 'tcn', description: 'test', hyperparameters: { width: 8 }, trainingSeconds: 1.5, software: { torch: '1.13' } },
      dataset: { nTrials: 60, nBins: 70, atoms: 8 },
      folds: structuredClone(plan.folds),
    };
    mutate(m, rows);
    await writeFile(join(dir, 'manifest.json'), JSON.stringify(m));
    await writeNpy(join(dir, 'probability.npy'), { dtype: 'float64', shape: [rows.p.length], data: Float64Array.from(rows.p) });
    await writeNpy(join(dir, 'trial.npy'), { dtype: 'int32', shape: [rows.t.length], data: Int32Array.from(rows.t) });
    await writeNpy(join(dir, 'bin.npy'), { dtype: 'int32', shape: [rows.b.length], data: Int32Array.from(rows.b) });
    return dir;
  }

  it('places every held-out row', async () => {
    const e = await readExternalPredictions(await write(), expected, heldOut);
    for (const r of Array.from(heldOut.rows)) expect(e.byRow[r]).toBe(0.05);
    expect(e.manifest.predictor.kind).toBe('tcn');
  });

  it.each([
    [
      'other training trials',
      (m: Record<string, unknown>) => ((m.folds as { train: number[] }[])[0].train = [0, 1, 2]),
      /folds\[0\]\.train lists 3 trials that differ/,
    ],
    [
      'another dataset',
      (m: Record<string, unknown>) => (m.dataset = { nTrials: 61, nBins: 70, atoms: 8 }),
      /61 trials × 70 bins × 8 atoms, but this one has 60/,
    ],
    ['an unknown key', (m: Record<string, unknown>) => (m.extra = 1), /unknown key 'extra'/],
    [
      'a probability of 1',
      (_m: Record<string, unknown>, r: { p: number[] }) => (r.p[3] = 1),
      /row 3 .* is 1; expected a finite probability strictly between 0 and 1/,
    ],
    [
      'a missing row',
      (_m: Record<string, unknown>, r: { p: number[]; t: number[]; b: number[] }) => [r.p, r.t, r.b].forEach((a) => a.pop()),
      /1 held-out scored bin\(s\) have no prediction/,
    ],
    ['a training trial', (_m: Record<string, unknown>, r: { t: number[] }) => (r.t[0] = plan.folds[0].train[0]), /not a scored bin of a held-out trial/],
    [
      'a duplicate row',
      (_m: Record<string, unknown>, r: { p: number[]; t: number[]; b: number[] }) => {
        r.t[1] = r.t[0];
        r.b[1] = r.b[0];
      },
      /predicted twice/,
    ],
  ])('refuses %s, naming the file', async (_name, mutate, message) => {
    const dir = await write(mutate as never);
    const err = await readExternalPredictions(dir, expected, heldOut).catch((e) => e);
    expect(err).toBeInstanceOf(OccamError);
    expect(err.message).toMatch(message);
    expect(err.message).toContain(dir);
  });
});
