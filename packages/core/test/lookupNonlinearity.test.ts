import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { applyLookup, fitLookupNonlinearity, fitReducedModelWithPredictions, pairedBootstrap, readDataset, type SpecInput } from '@occam/core';
import { chooseLookup } from '../src/glm/lookupNonlinearity.js';
import { mulberry32 } from '../src/random/rng.js';

const repo = fileURLToPath(new URL('../../../', import.meta.url));

/** Rare events whose true link is not logistic (a steeper, saturating curve), WNI on a skewed scale. */
function sample(n: number, seed: number) {
  const rand = mulberry32(seed);
  const eta = new Float64Array(n);
  const y = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    eta[i] = -4 + 3 * rand() ** 2 + (rand() - 0.5);
    const p = 0.3 / (1 + Math.exp(-3 * (eta[i] + 2)));
    y[i] = rand() < p ? 1 : 0;
  }
  return { eta, y };
}

describe('lookup nonlinearity: smooth, monotone, never 0', () => {
  it('is non-decreasing and strictly inside (0, 1) at every smoothness, even where bins hold no event', () => {
    const { eta, y } = sample(20000, 1);
    const rows = Array.from({ length: eta.length }, (_, i) => i);
    for (const lambda of [0, 1e-6, 1, 1e4]) {
      const t = fitLookupNonlinearity(eta, y, rows, 10, lambda);
      for (let b = 1; b < t.p.length; b++) expect(t.p[b]).toBeGreaterThanOrEqual(t.p[b - 1]);
      expect(Math.min(...t.p)).toBeGreaterThan(0);
      expect(Math.max(...t.p)).toBeLessThan(1);
      // applied between and beyond the centres it stays monotone
      let last = 0;
      for (let x = -6; x <= 2; x += 0.05) {
        const p = applyLookup(t, x);
        expect(p).toBeGreaterThanOrEqual(last - 1e-15);
        last = p;
      }
    }
  });

  it('a huge smoothness leaves a straight line in log-odds (the logistic link refitted)', () => {
    const { eta, y } = sample(20000, 2);
    const rows = Array.from({ length: eta.length }, (_, i) => i);
    const t = fitLookupNonlinearity(eta, y, rows, 10, 1e9);
    const logit = (p: number) => Math.log(p / (1 - p));
    const slopes = t.p.slice(1).map((p, b) => (logit(p) - logit(t.p[b])) / (t.wni[b + 1] - t.wni[b]));
    expect(Math.max(...slopes) - Math.min(...slopes)).toBeLessThan(0.05 * Math.abs(slopes[0]));
  });

  it('smoothness and headline are chosen on the training folds only, and a non-logistic truth picks the table', () => {
    const { eta, y } = sample(30000, 3);
    // the GLM link as a logistic refit would give it: the wrong shape for this truth
    const link = Float64Array.from(eta, (e) => 1 / (1 + Math.exp(-(e + 0.9))));
    const folds = [0, 1, 2].map((f) => Array.from({ length: 10000 }, (_, i) => 3 * i + f));
    const choice = chooseLookup(eta, link, y, folds, 10);
    expect(choice.headline).toBe('lookup');
    expect(choice.lookupLogLikPerBin).toBeGreaterThan(choice.linkLogLikPerBin);
    // Rows outside the folds (held out) do not enter: changing their targets changes nothing.
    const extended = sample(40000, 3);
    const y2 = Float64Array.from(extended.y, (v, i) => (i >= 30000 ? 1 - v : (y[i] ?? v)));
    const eta2 = Float64Array.from(extended.eta, (v, i) => (i < 30000 ? eta[i] : v));
    const link2 = Float64Array.from(eta2, (e) => 1 / (1 + Math.exp(-(e + 0.9))));
    expect(chooseLookup(eta2, link2, y2, folds, 10)).toEqual(choice);
  });
});

describe('on the bundled NEURON cell (data/neuron/v1-C2, published spec with its lookup)', async () => {
  const ds = await readDataset(`${repo}data/neuron/v1-C2`);
  const spec: SpecInput = JSON.parse(readFileSync(`${repo}examples/published-neuron.spec.json`, 'utf8'));
  const fit = fitReducedModelWithPredictions(ds, spec, { coincidence: false, bootstrap: { resamples: 1000 } });

  it('held out, the lookup is not worse than the logistic link beyond the paired interval of their difference', () => {
    const t = fit.model.metrics.test;
    const paired = pairedBootstrap(fit.heldOutLookup!, fit.heldOut, { resamples: 1000, seed: 0 });
    const d = paired.difference.logLikPerBin;
    // The difference's upper end is at or above 0: no evidence the table is worse than the link it starts from.
    expect(d.high!).toBeGreaterThanOrEqual(0);
    expect(d.estimate).toBeCloseTo(t.lookup!.logLikPerBin! - t.model.logLikPerBin!, 12);
    // and the same interval is what the JSON carries
    expect(t.intervals!.lookupMinusModel!.logLikPerBin).toEqual([d.low, d.high]);
    expect(fit.model.nonlinearity.choice!.folds).toBe(3);
    // a monotone map of the same WNI ranks bins as the link does, up to the ties its pooling makes
    expect(Math.abs(t.trialToTrialAuroc.lookup! - t.trialToTrialAuroc.model!)).toBeLessThan(0.01);
    expect(Math.abs(t.stratifiedAuroc!.lookup! - t.stratifiedAuroc!.model!)).toBeLessThan(0.01);
  });

  it('prints no separation warning (the demo fit): large |η| under strong inhibition is not separation', () => {
    expect(fit.model.fit.warnings.join(' ')).not.toMatch(/separation/);
    expect(fit.model.fit.warnings).toEqual([]);
  });
});
