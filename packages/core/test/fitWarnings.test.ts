import { describe, expect, it } from 'vitest';
import { createDataset, fitGlm, fitReducedModel, ridgePenalty, type SpecInput } from '@occam/core';
import { mulberry32 } from '../src/random/rng.js';

/** A rare-event design: column 0 an ordinary drive, column 1 a special input chosen by the test. */
function design(n: number, seed: number, special: (i: number, y: number) => number) {
  const rand = mulberry32(seed);
  const p = 2;
  const X = new Float32Array(n * p);
  const y = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const x = rand() * 2 - 1;
    X[i] = x;
    y[i] = rand() < 1 / (1 + Math.exp(-(-3 + x))) ? 1 : 0;
  }
  for (let i = 0; i < n; i++) X[n + i] = special(i, y[i]);
  return { X, n, p, y };
}

describe('separation warning: only when the penalised optimum is pushed to the boundary where it does harm', () => {
  it('an input present only in silent bins (strong inhibition) is predicted at p < 1e-6 without a warning', () => {
    // Every bin with the input is silent, in fitted and held-out rows alike: the unpenalised optimum is at
    // −∞ for its weight, the penalised one predicts p ≈ 0 there, and so would any sensible model.
    const d = design(4000, 1, (i, y) => (y === 0 && i % 7 === 0 ? 1 : 0));
    const weights = Float64Array.from({ length: d.n }, (_, i) => (i < 3000 ? 1 : 0));
    const fit = fitGlm({ ...d, weights }, { family: 'bernoulli', penalty: ridgePenalty(d.p, 1e-5) });
    const eta = fit.beta[0] + fit.beta[2];
    expect(eta).toBeLessThan(-13.8); // p < 1e-6: what the old |η| rule would have called separation
    expect(fit.warnings.join(' ')).not.toMatch(/separation/);
  });

  it('an input seen only with events in the fitted rows and only without in held-out rows: warned', () => {
    // Training: the special input marks 8 events (perfectly). Held out (weight 0): it marks 8 silent bins,
    // which a barely penalised fit predicts as certain events.
    const d = design(4000, 2, (i, y) => {
      if (i < 3000) return y === 1 && i % 5 === 0 ? 1 : 0;
      return y === 0 && i % 50 === 0 && i < 3400 ? 1 : 0;
    });
    const weights = Float64Array.from({ length: d.n }, (_, i) => (i < 3000 ? 1 : 0));
    const weak = fitGlm({ ...d, weights }, { family: 'bernoulli', penalty: ridgePenalty(d.p, 1e-7) });
    expect(weak.warnings.join(' ')).toMatch(/quasi-complete separation: \d+ bins that hold the other class \(\d+ fitted, [1-9]\d* not fitted/);
    // A useful ridge keeps the special weight moderate: the held-out bins are no longer predicted as certain.
    const ridged = fitGlm({ ...d, weights }, { family: 'bernoulli', penalty: ridgePenalty(d.p, 1) });
    expect(ridged.warnings.join(' ')).not.toMatch(/separation/);
  });

  it('without a penalty, a separable target is warned about', () => {
    const n = 300;
    const X = Float32Array.from({ length: n }, (_, i) => i / n - 0.5);
    const y = Float64Array.from(X, (x) => (x > 0 ? 1 : 0));
    const fit = fitGlm({ X, n, p: 1, y }, { family: 'bernoulli', penalty: ridgePenalty(1, 0), maxIter: 60 });
    expect(fit.warnings.join(' ')).toMatch(/without a penalty the optimum is at infinity/);
  });
});

describe('singular-Hessian warning: only when the optimum itself is singular', () => {
  const n = 2000;
  const rand = mulberry32(3);
  const X = new Float32Array(n * 3);
  for (let i = 0; i < n; i++) {
    X[i] = rand() - 0.5;
    X[n + i] = rand() - 0.5;
    X[2 * n + i] = X[i]; // a duplicate of column 0
  }
  const y = Float64Array.from({ length: n }, (_, i) => (rand() < 1 / (1 + Math.exp(-(-1 + X[i] + X[n + i]))) ? 1 : 0));

  it('duplicate columns without a penalty: warned (the split of their weight is arbitrary)', () => {
    const fit = fitGlm({ X, n, p: 3, y }, { family: 'bernoulli', penalty: ridgePenalty(3, 0), solver: 'newton' });
    expect(fit.warnings.join(' ')).toMatch(/singular at the optimum/);
  });

  it('the same with ridge 1: the optimum is unique, no warning (and the weight is split evenly)', () => {
    const fit = fitGlm({ X, n, p: 3, y }, { family: 'bernoulli', penalty: ridgePenalty(3, 1), solver: 'newton' });
    expect(fit.warnings).toEqual([]);
    expect(fit.beta[1]).toBeCloseTo(fit.beta[3], 8);
  });
});

describe('empty design columns: expected ones (raw basis over an offset attribute) are not warned about', () => {
  // Language-model-like atoms: a token offset attribute, groups whose atoms cover different offsets.
  const atoms = [
    { id: 'match@1', attributes: { feature: 'match', offset: 1 } },
    { id: 'match@2', attributes: { feature: 'match', offset: 2 } },
    { id: 'match@3', attributes: { feature: 'match', offset: 3 } },
    { id: 'bos@1', attributes: { feature: 'bos', offset: 1 } },
    { id: 'head@2', attributes: { feature: 'head', offset: 2 } },
  ];
  const nTrials = 120;
  const nBins = 12;
  const make = (silentFeature: string | null) => {
    const rand = mulberry32(7);
    const inputs = new Float32Array(atoms.length * nTrials * nBins);
    const target = new Uint8Array(nTrials * nBins);
    for (let tr = 0; tr < nTrials; tr++)
      for (let t = 0; t < nBins; t++) {
        let eta = -1.5;
        atoms.forEach((a, k) => {
          const v = a.attributes.feature === silentFeature ? 0 : rand() < 0.3 ? 1 : 0;
          inputs[(k * nTrials + tr) * nBins + t] = v;
          eta += v * (k === 0 ? 1.5 : 0.3);
        });
        target[tr * nBins + t] = rand() < 1 / (1 + Math.exp(-eta)) ? 1 : 0;
      }
    return createDataset(
      { format: 'occam.dataset', version: 1, nTrials, nBins, binWidth: 1, binUnit: 'token', atoms, target: { name: 'correct', kind: 'binary' } },
      { inputs, target },
    );
  };
  const spec: SpecInput = {
    groupBy: ['feature'],
    spatial: { attribute: 'offset', basis: { kind: 'raw' } },
    temporal: { minLag: 0, maxLag: 0, basis: { kind: 'raw' } },
    validation: { kind: 'split', testFraction: 0.3, seed: 0 },
  };

  it('groups lacking some offsets (structurally empty columns): no warning', () => {
    const model = fitReducedModel(make(null), spec, { bootstrap: false, coincidence: false });
    expect(model.fit.warnings.join(' ')).not.toMatch(/zero in every fitted bin/);
  });

  it('a group with no input at all: warned, by name', () => {
    const model = fitReducedModel(make('bos'), spec, { bootstrap: false, coincidence: false });
    expect(model.fit.warnings.join(' ')).toMatch(
      /1 design column\(s\) are zero in every fitted bin where input was expected: group 'feature=bos' has no input in any fitted bin/,
    );
  });
});
