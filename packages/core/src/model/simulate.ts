import type { Dataset } from '../dataset/dataset.js';
import { buildDesign } from '../design/buildDesign.js';
import { coefficientIndex, historyColumn, type DesignLayout } from '../design/layout.js';
import { familyOps } from '../glm/families.js';
import { linearPredictor } from '../glm/objective.js';
import { gaussianSampler, mulberry32, poissonSample } from '../random/rng.js';
import type { Family } from '../spec/schema.js';
import { sampledHistory } from './sampleFilters.js';

/**
 * Sample output bin by bin with the history feedback loop: the input drive comes from the real inputs
 * through the design builder (every bin, history coefficients zeroed), the history term from the model's
 * own simulated output (not the recorded one) through the sampled history filter.
 * Returns, per trial, the bins with an event (counts > 1 repeat the bin).
 */
export function simulateOutput(ds: Dataset, layout: DesignLayout, family: Family, beta: Float64Array, trials: number[], seed: number): number[][] {
  const { nBins } = ds.manifest;
  const fam = familyOps(family);
  const design = buildDesign(ds, layout, { rows: 'all', trials });
  const inputOnly = beta.slice();
  inputOnly.fill(0, coefficientIndex(historyColumn(layout, 0)));
  const drive = linearPredictor({ X: design.X, n: design.n, p: design.p, y: design.y }, inputOnly);
  const h = sampledHistory(layout, beta);
  const rand = mulberry32(seed);
  const normal = gaussianSampler(rand);
  const out: number[][] = [];
  const y = new Float64Array(nBins);
  trials.forEach((_, k) => {
    y.fill(0);
    const events: number[] = [];
    for (let t = 0; t < nBins; t++) {
      let eta = drive[k * nBins + t];
      for (let l = 0; l < h.length && t - 1 - l >= 0; l++) eta += h[l] * y[t - 1 - l];
      const mu = fam.mean(eta);
      const v = family === 'bernoulli' ? (rand() < mu ? 1 : 0) : poissonSample(mu, rand, normal);
      y[t] = v;
      for (let c = 0; c < v; c++) events.push(t);
    }
    out.push(events);
  });
  return out;
}
