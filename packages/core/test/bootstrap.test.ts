import { describe, expect, it } from 'vitest';
import {
  accuracyAt,
  auroc,
  bernoulli,
  binStrata,
  bootstrapFigures,
  figuresAt,
  fitReducedModelWithPredictions,
  logLikelihood,
  mulberry32,
  neuronLikeAtoms,
  OccamError,
  pairedBootstrap,
  plantedDataset,
  pseudoR2,
  stratifiedAuroc,
  trialStatistics,
  type ScoredRows,
  type SpecInput,
} from '@occam/core';

const sigmoid = (x: number) => 1 / (1 + Math.exp(-x));

/**
 * A known process with trial-to-trial dependence: each trial has a hidden gain g (the model does not see
 * it), so bins within a trial are correlated — the reason the bootstrap resamples trials, not bins.
 * Two folds with their own thresholds exercise the per-fold paths.
 */
function simulate(T: number, B: number, seed: number, firstTrial = 0): ScoredRows {
  const rand = mulberry32(seed);
  const normal = () => Math.sqrt(-2 * Math.log(Math.max(rand(), 1e-300))) * Math.cos(2 * Math.PI * rand());
  const n = T * B;
  const y = new Float64Array(n);
  const trial = new Int32Array(n);
  const bin = new Int32Array(n);
  const fold = new Int32Array(n);
  const model = new Float64Array(n);
  const psth = new Float64Array(n);
  const constant = new Float64Array(n).fill(0.15);
  for (let t = 0; t < T; t++) {
    const g = 0.8 * normal();
    for (let b = 0; b < B; b++) {
      const r = t * B + b;
      const x = normal();
      const time = -2 + 0.8 * Math.sin(b / 3);
      y[r] = rand() < sigmoid(time + x + g) ? 1 : 0;
      trial[r] = firstTrial + t;
      bin[r] = b;
      fold[r] = t % 2;
      model[r] = sigmoid(time + x);
      psth[r] = sigmoid(time);
    }
  }
  return {
    family: 'bernoulli',
    y,
    trial,
    bin,
    fold,
    model,
    psth,
    constant,
    sigma2: 1,
    thresholds: { model: [0.5, 0.45], psth: [0.5, 0.5] },
    rows: Array.from({ length: n }, (_, i) => i),
    fixedBins: [4, 5, 6],
  };
}

describe('per-trial sufficient statistics', () => {
  it('give, for any trial weights, the figures of the trials copied that many times', () => {
    const set = simulate(30, 10, 1);
    const stats = trialStatistics(set);
    const rand = mulberry32(2);
    const w = Float64Array.from({ length: 30 }, () => Math.floor(rand() * 4));
    const rows: number[] = [];
    for (let t = 0; t < 30; t++) for (let c = 0; c < w[t]; c++) for (let b = 0; b < 10; b++) rows.push(t * 10 + b);
    // duplicated rows as a plain array set (row indices repeat: every metric function accepts that)
    const got = figuresAt(stats, w);
    const th = (r: number, t: ArrayLike<number>) => t[set.fold![r]];
    expect(got.model.auroc).toBeCloseTo(auroc(set.model, set.y, rows), 12);
    expect(got.model.stratifiedAuroc).toBeCloseTo(stratifiedAuroc(set.model, set.y, binStrata(set.bin, set.fold, rows)), 12);
    expect(got.model.trialToTrialAuroc).toBeCloseTo(stratifiedAuroc(set.model, set.y, binStrata(set.bin, set.fold, rows, new Set([4, 5, 6]))), 12);
    expect(got.model.logLikPerBin).toBeCloseTo(logLikelihood(bernoulli, set.y, set.model, rows) / rows.length, 12);
    expect(got.model.pseudoR2).toBeCloseTo(pseudoR2(bernoulli, set.y, set.model, set.constant, rows), 12);
    expect(got.model.accuracy).toBeCloseTo(
      accuracyAt(set.model, set.y, rows, (r) => th(r, set.thresholds!.model)),
      12,
    );
    expect(got.psth.accuracy).toBeCloseTo(
      accuracyAt(set.psth, set.y, rows, (r) => th(r, set.thresholds!.psth)),
      12,
    );
    const events = rows.reduce((s, r) => s + set.y[r], 0);
    const bits = (logLikelihood(bernoulli, set.y, set.model, rows) - logLikelihood(bernoulli, set.y, set.psth, rows)) / (events * Math.LN2);
    expect(got.model.bitsPerEventOverPsth).toBeCloseTo(bits, 12);
    expect(got.psth.stratifiedAuroc).toBe(0.5);
  });
});

describe('bootstrapFigures', () => {
  const set = simulate(300, 55, 3);

  it('is seeded, fast (1000 resamples of 300 trials × 55 bins), and brackets its estimates', () => {
    const t0 = performance.now();
    const a = bootstrapFigures(set, { resamples: 1000, seed: 7 });
    const ms = performance.now() - t0;
    console.log(`bootstrapFigures: 1000 resamples, 300 trials × 55 bins (16 500 rows): ${ms.toFixed(0)} ms`);
    expect(ms).toBeLessThan(10_000); // about 0.3 s alone; generous for a loaded shared machine
    expect(bootstrapFigures(set, { resamples: 1000, seed: 7 })).toEqual(a);
    expect(bootstrapFigures(set, { resamples: 1000, seed: 8 }).model.auroc).not.toEqual(a.model.auroc);
    expect(a.trials).toBe(300);
    for (const side of [a.model, a.modelMinusPsth])
      for (const [name, iv] of Object.entries(side)) {
        expect(iv.estimate, name).not.toBeNull();
        expect(iv.low!, name).toBeLessThanOrEqual(iv.estimate!);
        expect(iv.high!, name).toBeGreaterThanOrEqual(iv.estimate!);
        expect(iv.high! - iv.low!, name).toBeGreaterThan(0);
      }
    // the PSTH's stratified AUROC is 0.5 on every resample: a zero-width interval, exactly
    expect([a.psth.stratifiedAuroc.low, a.psth.stratifiedAuroc.high]).toEqual([0.5, 0.5]);
    expect(a.psth.bitsPerEventOverPsth).toEqual({ estimate: 0, low: 0, high: 0 });
  });

  it('covers the population value at close to the nominal rate (95 %)', () => {
    // population figures from a very large sample of the same process
    const population = figuresAt(trialStatistics(simulate(20_000, 20, 99)), new Float64Array(20_000).fill(1)).model;
    const names = ['auroc', 'stratifiedAuroc', 'bitsPerEventOverPsth', 'pseudoR2', 'accuracy'] as const;
    const covered = Object.fromEntries(names.map((n) => [n, 0])) as Record<(typeof names)[number], number>;
    const reps = 100;
    for (let k = 0; k < reps; k++) {
      const b = bootstrapFigures(simulate(100, 20, 1000 + k), { resamples: 300, seed: k });
      for (const n of names) if (b.model[n].low! <= population[n] && population[n] <= b.model[n].high!) covered[n]++;
    }
    console.log(`coverage of nominal 95 % intervals over ${reps} samples of 100 trials: ${JSON.stringify(covered)}`);
    for (const n of names) {
      expect(covered[n], n).toBeGreaterThanOrEqual(85);
      expect(covered[n], n).toBeLessThanOrEqual(100);
    }
  });

  it('counts (poisson) get every figure but accuracy; real values (gaussian) only likelihood figures', () => {
    const base = simulate(80, 15, 11);
    const counts: ScoredRows = { ...base, family: 'poisson', y: base.y.map((v, r) => v * (1 + (r % 3))), thresholds: null };
    const p = bootstrapFigures(counts, { resamples: 200 });
    for (const f of ['auroc', 'stratifiedAuroc', 'logLikPerBin', 'pseudoR2', 'bitsPerEventOverPsth'] as const) expect(p.model[f].low, f).not.toBeNull();
    expect(p.model.accuracy).toEqual({ estimate: null, low: null, high: null });
    const real: ScoredRows = { ...base, family: 'gaussian', y: base.model.map((m, r) => m + 0.1 * Math.sin(r)), sigma2: 0.01, thresholds: null };
    const g = bootstrapFigures(real, { resamples: 200 });
    expect(g.model.pseudoR2.low).not.toBeNull();
    expect(g.model.logLikPerBin.low).not.toBeNull();
    for (const f of ['auroc', 'stratifiedAuroc', 'trialToTrialAuroc', 'accuracy', 'bitsPerEventOverPsth'] as const) expect(g.model[f].estimate, f).toBeNull();
  });

  it('rejects nonsense options with a message', () => {
    expect(() => bootstrapFigures(set, { resamples: 0 })).toThrow(OccamError);
    expect(() => bootstrapFigures(set, { level: 95 })).toThrow(/level must be between 0 and 1/);
  });
});

describe('pairedBootstrap', () => {
  it('a model against itself: every difference is exactly 0', () => {
    const set = simulate(60, 20, 4);
    const p = pairedBootstrap(set, set, { resamples: 200 });
    for (const iv of Object.values(p.difference)) expect([iv.estimate, iv.low, iv.high]).toEqual([0, 0, 0]);
  });

  it('pairing removes what two sets share: the paired interval of a difference is narrower than the unpaired spread', () => {
    // b: the same trials and targets, a model that misses part of the signal (an "ablation")
    const a = simulate(200, 20, 5);
    const b: ScoredRows = { ...a, model: a.model.map((m, r) => sigmoid(0.6 * Math.log(m / (1 - m)) + 0.4 * Math.log(a.psth[r] / (1 - a.psth[r])))) };
    const p = pairedBootstrap(a, b, { resamples: 500, seed: 1 });
    const d = p.difference.bitsPerEventOverPsth;
    expect(d.estimate!).toBeCloseTo(p.a.model.bitsPerEventOverPsth.estimate! - p.b.model.bitsPerEventOverPsth.estimate!, 12);
    expect(d.low!).toBeGreaterThan(0); // the full model is better, and the paired interval says so
    const unpaired =
      p.a.model.bitsPerEventOverPsth.high! - p.a.model.bitsPerEventOverPsth.low! + (p.b.model.bitsPerEventOverPsth.high! - p.b.model.bitsPerEventOverPsth.low!);
    expect(d.high! - d.low!).toBeLessThan(unpaired / 2);
  });

  it('refuses sets scored on different trials', () => {
    const a = simulate(30, 10, 6);
    const b = simulate(30, 10, 6, 5);
    expect(() => pairedBootstrap(a, b)).toThrow(/same trials \(30 vs 30 trials; 5 only in the first, 5 only in the second\)/);
  });
});

describe('intervals in a fitted model', () => {
  const spec: SpecInput = {
    groupBy: ['type'],
    spatial: { attribute: 'distance', basis: { kind: 'raisedCosineLog', count: 3, firstPeak: 25, lastPeak: 225, offset: 50 } },
    temporal: { minLag: 1, maxLag: 20, basis: { kind: 'raisedCosineLog', count: 4, firstPeak: 1, lastPeak: 12, offset: 2 } },
    regularization: { ridge: 1, smoothness: 0.5 },
    validation: { kind: 'split', testFraction: 0.4, seed: 2 },
  };
  const truth = {
    intercept: -3.5,
    spatial: [
      [1, 0.5, 0.1],
      [1, 0.7, 0.4],
    ],
    temporal: [
      [0.3, 0.6, 0.3, 0.05],
      [-0.2, -0.3, -0.2, -0.05],
    ],
  };
  const data = (nTrials: number, intercept: number) =>
    plantedDataset({
      nTrials,
      nBins: 60,
      seed: 4,
      spec,
      truth: { ...truth, intercept },
      atoms: neuronLikeAtoms(5),
      backgroundRate: 0.1,
      stimulusBin: 20,
      evokedRate: 0.6,
      scoredWindow: [15, 50],
    }).dataset;

  it('stores intervals whose estimates are the block figures, and the held-out rows for pairing', () => {
    const { model, heldOut } = fitReducedModelWithPredictions(data(150, -3.5), spec, { coincidence: false });
    const t = model.metrics.test;
    const iv = t.intervals!;
    expect(iv.method).toBe('percentile bootstrap over trials');
    expect([iv.resamples, iv.level, iv.seed, iv.trials]).toEqual([1000, 0.95, 2, 60]);
    const inside = (v: number | null | undefined, ci: [number, number] | null) => {
      expect(ci).not.toBeNull();
      expect(v!).toBeGreaterThanOrEqual(ci![0]);
      expect(v!).toBeLessThanOrEqual(ci![1]);
    };
    inside(t.model.auroc, iv.model.auroc);
    inside(t.stratifiedAuroc!.model, iv.model.stratifiedAuroc);
    inside(t.trialToTrialAuroc.model, iv.model.trialToTrialAuroc);
    inside(t.model.pseudoR2, iv.model.pseudoR2);
    inside(t.model.accuracy, iv.model.accuracy);
    inside(t.gainOverPsth.bitsPerEvent, iv.modelMinusPsth.bitsPerEventOverPsth);
    inside(t.gainOverPsth.auroc, iv.modelMinusPsth.auroc);
    expect(model.metrics.train.intervals).toBeNull();
    // the held-out rows rescored by the bootstrap module give the block's own figures
    const again = bootstrapFigures(heldOut, { resamples: 10 });
    expect(again.model.auroc.estimate).toBeCloseTo(t.model.auroc!, 12);
    expect(again.model.stratifiedAuroc.estimate).toBeCloseTo(t.stratifiedAuroc!.model!, 12);
    expect(again.model.trialToTrialAuroc.estimate).toBeCloseTo(t.trialToTrialAuroc.model!, 12);
    expect(again.model.accuracy.estimate).toBeCloseTo(t.model.accuracy!, 12);
    expect(again.psth.accuracy.estimate).toBeCloseTo(t.psth.accuracy!, 12);
    expect(again.model.bitsPerEventOverPsth.estimate).toBeCloseTo(t.gainOverPsth.bitsPerEvent!, 10);
    // a spec ablation on the same trials pairs with it
    const { heldOut: ablated } = fitReducedModelWithPredictions(data(150, -3.5), { ...spec, groupBy: [] }, { coincidence: false, bootstrap: false });
    const p = pairedBootstrap(heldOut, ablated, { resamples: 300 });
    expect(p.trials).toBe(60);
    expect(p.difference.bitsPerEventOverPsth.estimate).not.toBeNull();
    expect(t.smallSample!.flagged).toEqual([]);
  });

  it('gives the coincidence factor Γ its interval over the same held-out trials', () => {
    const { model } = fitReducedModelWithPredictions(data(150, -5.5), spec, { bootstrap: { resamples: 300 } });
    const c = model.metrics.coincidence!;
    expect(c.gamma).not.toBeNull();
    expect(c.interval![0]).toBeLessThanOrEqual(c.gamma!);
    expect(c.interval![1]).toBeGreaterThanOrEqual(c.gamma!);
    expect(c.interval![1] - c.interval![0]).toBeGreaterThan(0);
    const without = fitReducedModelWithPredictions(data(150, -5.5), spec, { bootstrap: false }).model.metrics.coincidence!;
    expect(without.gamma).toBe(c.gamma);
    expect(without.interval).toBeUndefined();
  });

  it('flags figures resting on fewer than 30 held-out events', () => {
    const few = fitReducedModelWithPredictions(data(12, -7), spec, { coincidence: false, bootstrap: { resamples: 200 } }).model.metrics.test;
    const flagged = new Map(few.smallSample!.flagged.map((f) => [f.figure, f.events]));
    expect(few.model.events).toBeLessThan(30);
    expect(flagged.get('auroc')).toBe(few.model.events);
    expect(flagged.get('gainOverPsth')).toBe(few.model.events);
    expect(flagged.get('trialToTrialAuroc')!).toBeLessThanOrEqual(few.trialToTrialAuroc.events);
    expect(few.smallSample!.minEvents).toBe(30);
  });
});
