import { describe, expect, it } from 'vitest';
import {
  auroc,
  accuracyAt,
  bestThreshold,
  bestThresholdAccuracy,
  binStrata,
  fitReducedModel,
  mulberry32,
  neuronLikeAtoms,
  plantedDataset,
  prepareRankSweep,
  stratifiedAuroc,
  strataSupport,
  sweepAuroc,
  type SpecInput,
} from '@occam/core';

/** Rows of T trials × B bins with labels drawn at a position-dependent rate, and a score with many ties. */
function grid(T: number, B: number, seed: number) {
  const rand = mulberry32(seed);
  const n = T * B;
  const trial = new Int32Array(n);
  const bin = new Int32Array(n);
  const y = new Float64Array(n);
  const informative = new Float64Array(n);
  for (let t = 0; t < T; t++)
    for (let b = 0; b < B; b++) {
      const r = t * B + b;
      trial[r] = t;
      bin[r] = b;
      const x = rand();
      y[r] = rand() < 0.1 + 0.6 * (b / B) * x ? 1 : 0;
      informative[r] = Math.round(x * 4) / 4; // five levels: ties within and across bins
    }
  return { trial, bin, y, informative, rows: Array.from({ length: n }, (_, i) => i) };
}

describe('position-stratified AUROC', () => {
  it('compares pairs within a bin only: a hand count', () => {
    // bin 0: pos 0.9, neg 0.2, neg 0.9 → pairs (0.9,0.2)=1, (0.9,0.9)=½ → 1.5 of 2
    // bin 1: pos 0.1, pos 0.3, neg 0.2 → (0.1,0.2)=0, (0.3,0.2)=1 → 1 of 2
    // bin 2: only negatives → ignored
    const scores = [0.9, 0.2, 0.9, 0.1, 0.3, 0.2, 0.5, 0.6];
    const labels = [1, 0, 0, 1, 1, 0, 0, 0];
    const bin = [0, 0, 0, 1, 1, 1, 2, 2];
    const strata = binStrata(bin, null, [0, 1, 2, 3, 4, 5, 6, 7]);
    expect(stratifiedAuroc(scores, labels, strata)).toBe(2.5 / 4);
    expect(strataSupport(labels, strata)).toEqual({ bins: 6, events: 3, nonEvents: 3 });
  });

  it('scores any function of position alone exactly 0.5, ties across bins included', () => {
    const { bin, y, rows } = grid(200, 30, 1);
    const rand = mulberry32(2);
    // the event rate rises with the bin: a coarse ramp (8 bins share each value) looks informative pooled
    const positionOnly = Float64Array.from(bin, (b) => Math.floor(b / 8) / 4);
    const strata = binStrata(bin, null, rows);
    expect(auroc(positionOnly, y, rows)).toBeGreaterThan(0.55);
    expect(stratifiedAuroc(positionOnly, y, strata)).toBe(0.5);
    const arbitrary = Float64Array.from(bin, (b) => Math.sin(b * 7.3));
    expect(stratifiedAuroc(arbitrary, y, strata)).toBe(0.5);
    // and so does the trial-weighted sweep the bootstrap uses, under any weights
    const sweep = prepareRankSweep(positionOnly, y, (r) => Math.floor(r / 30), strata.values());
    const w = Float64Array.from({ length: 200 }, () => Math.floor(rand() * 3));
    expect(sweepAuroc(sweep, w)).toBe(0.5);
  });

  it('strata are (fold, bin) when predictions come from folds', () => {
    const bin = [0, 0, 0, 0];
    const fold = [0, 0, 1, 1];
    const strata = binStrata(bin, fold, [0, 1, 2, 3]);
    expect(strata.size).toBe(2);
    // each fold's PSTH is constant within its own stratum, so it scores 0.5 although the folds' values differ
    expect(stratifiedAuroc([0.2, 0.2, 0.7, 0.7], [1, 0, 1, 0], strata)).toBe(0.5);
    expect(auroc([0.2, 0.2, 0.7, 0.7], [1, 0, 1, 0])).toBe(0.5);
    expect(stratifiedAuroc([0.2, 0.2, 0.7, 0.7], [0, 1, 1, 1], binStrata(bin, fold, [0, 1, 2, 3]))).toBe(0.5);
  });

  it('the weighted rank sweep equals auroc / stratifiedAuroc at unit weights and on duplicated trials', () => {
    const T = 40;
    const B = 12;
    const { trial, bin, y, informative, rows } = grid(T, B, 3);
    const ones = new Float64Array(T).fill(1);
    const all = prepareRankSweep(informative, y, (r) => trial[r], [rows]);
    const strat = prepareRankSweep(informative, y, (r) => trial[r], binStrata(bin, null, rows).values());
    expect(sweepAuroc(all, ones)).toBeCloseTo(auroc(informative, y, rows), 14);
    expect(sweepAuroc(strat, ones)).toBeCloseTo(stratifiedAuroc(informative, y, binStrata(bin, null, rows)), 14);
    // weights = how often each trial was drawn: the same as scoring the trials copied that many times
    const rand = mulberry32(4);
    const w = Float64Array.from({ length: T }, () => Math.floor(rand() * 4));
    const copy: number[] = [];
    for (let t = 0; t < T; t++) for (let c = 0; c < w[t]; c++) for (let b = 0; b < B; b++) copy.push(t * B + b);
    const cy = copy.map((r) => y[r]);
    const cs = copy.map((r) => informative[r]);
    const cbin = copy.map((r) => bin[r]);
    const crows = copy.map((_, i) => i);
    expect(sweepAuroc(all, w)).toBeCloseTo(auroc(cs, cy, crows), 12);
    expect(sweepAuroc(strat, w)).toBeCloseTo(stratifiedAuroc(cs, cy, binStrata(cbin, null, crows)), 12);
  });
});

describe('accuracy at a threshold chosen on training bins', () => {
  it('on the bins it was chosen on, equals the best-threshold accuracy', () => {
    const { y, informative, rows } = grid(50, 20, 5);
    const t = bestThreshold(informative, y, rows);
    expect(accuracyAt(informative, y, rows, t)).toBe(bestThresholdAccuracy(informative, y, rows));
    expect(bestThreshold([0.1, 0.2, 0.3], [0, 0, 0], [0, 1, 2])).toBe(Infinity); // never an event
    expect(bestThreshold([0.1, 0.2, 0.3], [1, 1, 1], [0, 1, 2])).toBe(-Infinity);
    expect(bestThreshold([0.1, 0.9, 0.3, 0.05], [0, 1, 0, 0], [0, 1, 2, 3])).toBe(0.6);
  });

  it('applied to other bins, cannot beat the best threshold chosen on those bins', () => {
    const train = grid(50, 20, 6);
    const test = grid(50, 20, 7);
    const t = bestThreshold(train.informative, train.y, train.rows);
    const honest = accuracyAt(test.informative, test.y, test.rows, t);
    expect(honest).toBeLessThanOrEqual(bestThresholdAccuracy(test.informative, test.y, test.rows));
    expect(honest).toBeGreaterThan(0.5);
  });
});

describe('stratified AUROC in every MetricBlock', () => {
  const spec: SpecInput = {
    groupBy: ['type'],
    spatial: { attribute: 'distance', basis: { kind: 'raisedCosineLog', count: 3, firstPeak: 25, lastPeak: 225, offset: 50 } },
    temporal: { minLag: 1, maxLag: 20, basis: { kind: 'raisedCosineLog', count: 4, firstPeak: 1, lastPeak: 12, offset: 2 } },
    regularization: { ridge: 1, smoothness: 0.5 },
    validation: { kind: 'kfold', folds: 3, seed: 1 },
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
  const ds = plantedDataset({
    nTrials: 150,
    nBins: 60,
    seed: 3,
    spec,
    truth,
    atoms: neuronLikeAtoms(5),
    backgroundRate: 0.1,
    stimulusBin: 20,
    evokedRate: 0.6,
    scoredWindow: [15, 50],
  }).dataset;
  const model = fitReducedModel(ds, spec, { coincidence: false, bootstrap: false });

  it('is 0.5 exactly for the PSTH (k-fold: strata by fold and bin), above it for the model', () => {
    for (const block of [model.metrics.train, model.metrics.test]) {
      const s = block.stratifiedAuroc!;
      expect(s.psth).toBe(0.5);
      expect(s.model!).toBeGreaterThan(0.6);
      expect(s.strata).toBeGreaterThan(0);
      expect(s.events).toBeLessThanOrEqual(block.model.events);
      expect(block.trialToTrialAuroc.psth).toBe(0.5);
    }
    expect(model.metrics.test.accuracyThresholdsFrom).toBe('training bins');
    expect(model.metrics.decidingMetric!.metric).toBe('trialToTrialAuroc'); // ms bins: the published neuron metric
  });
});
