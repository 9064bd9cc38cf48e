import { describe, expect, it } from 'vitest';
import {
  auroc,
  bestThresholdAccuracy,
  brierScore,
  coincidenceFactor,
  pseudoR2,
  bernoulli,
  stratifiedAuroc,
  rocCurve,
  psthBaseline,
  fitLookupNonlinearity,
  applyLookup,
} from '@occam/core';

describe('auroc', () => {
  it('matches a hand count of concordant pairs, ties counting half', () => {
    // positives score 0.9, 0.4, 0.4; negatives 0.1, 0.4, 0.8
    const scores = [0.9, 0.4, 0.4, 0.1, 0.4, 0.8];
    const labels = [1, 1, 1, 0, 0, 0];
    // pairs (pos,neg): 0.9>all three: 3; 0.4 vs 0.1:1, vs 0.4: .5, vs 0.8: 0 → 1.5 each, two of them: 3 → total 6 / 9
    expect(auroc(scores, labels)).toBeCloseTo(6 / 9, 12);
  });
  it('is 1 for perfect separation, 0.5 for a constant score, NaN without a class', () => {
    expect(auroc([0.1, 0.2, 0.8, 0.9], [0, 0, 1, 1])).toBe(1);
    expect(auroc([3, 3, 3, 3], [0, 1, 0, 1])).toBe(0.5);
    expect(auroc([0.1, 0.2], [0, 0])).toBeNaN();
  });
  it('restricts to rows', () => {
    expect(auroc([0.9, 0.1, 0.5, 0.7], [1, 0, 0, 1], [2, 3])).toBe(1);
  });
  it('stratified AUROC gives a time-only score exactly 0.5', () => {
    const scores = [0.1, 0.1, 0.1, 0.9, 0.9, 0.9];
    const labels = [1, 0, 0, 1, 1, 0];
    const strata = new Map([
      [0, [0, 1, 2]],
      [1, [3, 4, 5]],
    ]);
    expect(auroc(scores, labels)).toBeGreaterThan(0.5);
    expect(stratifiedAuroc(scores, labels, strata)).toBe(0.5);
  });
  it('ROC curve runs from (0,0) to (1,1)', () => {
    const { fpr, tpr } = rocCurve([0.9, 0.4, 0.4, 0.1, 0.4, 0.8], [1, 1, 1, 0, 0, 0]);
    expect([fpr[0], tpr[0]]).toEqual([0, 0]);
    expect([fpr.at(-1), tpr.at(-1)]).toEqual([1, 1]);
  });
});

describe('likelihood-based scores', () => {
  it('pseudo-R² is 0 for the null itself and 1-D/Dnull by hand', () => {
    const y = [1, 0, 0, 1];
    const mu = [0.8, 0.2, 0.1, 0.6];
    const nul = [0.5, 0.5, 0.5, 0.5];
    const rows = [0, 1, 2, 3];
    const dev = (m: number[]) => -2 * y.reduce((s, yi, i) => s + (yi ? Math.log(m[i]) : Math.log(1 - m[i])), 0);
    expect(pseudoR2(bernoulli, y, nul, nul, rows)).toBeCloseTo(0, 12);
    expect(pseudoR2(bernoulli, y, mu, nul, rows)).toBeCloseTo(1 - dev(mu) / dev(nul), 12);
  });
  it('Brier score and best-threshold accuracy by hand', () => {
    expect(brierScore([1, 0], [0.75, 0.5], [0, 1])).toBeCloseTo((0.0625 + 0.25) / 2, 12);
    // rare events: the best threshold can still be "never", equal to the null accuracy
    expect(bestThresholdAccuracy([0.1, 0.2, 0.3, 0.05], [0, 1, 0, 0], [0, 1, 2, 3])).toBe(0.75);
    expect(bestThresholdAccuracy([0.1, 0.9, 0.3, 0.05], [0, 1, 0, 0], [0, 1, 2, 3])).toBe(1);
  });
});

describe('coincidence factor', () => {
  it('is 1 for identical trains and about 0 for independent ones', () => {
    const rec = [
      [10, 50, 90],
      [20, 60],
    ];
    expect(coincidenceFactor(rec, rec, 2, 100)).toBeCloseTo(1, 12);
    let seed = 1;
    const rand = () => (seed = (seed * 16807) % 2147483647) / 2147483647;
    const a: number[][] = [];
    const b: number[][] = [];
    for (let t = 0; t < 400; t++) {
      a.push([]);
      b.push([]);
      for (let i = 0; i < 1000; i++) {
        if (rand() < 0.02) a[t].push(i);
        if (rand() < 0.02) b[t].push(i);
      }
    }
    expect(Math.abs(coincidenceFactor(a, b, 2, 1000))).toBeLessThan(0.05);
  });
});

describe('baselines and lookup nonlinearity', () => {
  it('PSTH is the per-bin training rate shrunk by one pseudo-trial', () => {
    const y = [1, 0, 0, 0, 1, 1];
    const bin = [0, 1, 0, 1, 0, 1];
    const rate = psthBaseline(y, bin, [0, 1, 2, 3, 4, 5], 2, true);
    const overall = 3 / 6;
    expect(rate[0]).toBeCloseTo((2 + overall) / 4, 12);
    expect(rate[1]).toBeCloseTo((1 + overall) / 4, 12);
  });
  it('lookup table is monotone and interpolates', () => {
    const eta: number[] = [];
    const y: number[] = [];
    for (let i = 0; i < 1000; i++) {
      eta.push(i / 100 - 5);
      y.push(i % 10 < Math.floor(i / 100) ? 1 : 0);
    }
    const table = fitLookupNonlinearity(
      eta,
      y,
      eta.map((_, i) => i),
      10,
    );
    for (let i = 1; i < table.p.length; i++) expect(table.p[i]).toBeGreaterThanOrEqual(table.p[i - 1]);
    expect(applyLookup(table, -100)).toBe(table.p[0]);
    expect(applyLookup(table, 100)).toBe(table.p.at(-1));
  });
});
