import type { Dataset } from '../dataset/dataset.js';
import { buildDesign } from '../design/buildDesign.js';
import { OccamError } from '../errors.js';
import { familyOps } from '../glm/families.js';
import { applyLookup } from '../glm/lookupNonlinearity.js';
import { linearPredictor } from '../glm/objective.js';
import { layoutForModel } from '../model/predict.js';
import type { ReducedModel } from '../model/schema.js';
import { gaussianSampler, mulberry32, poissonSample } from '../random/rng.js';

export interface ForwardOptions {
  /** Forward samples per trial (the history term's randomness); 1 is exact for a model without history. */
  samples: number;
  seed: number;
}

export interface ForwardResponse {
  /** [trials.length × nBins]: the model's expected output per bin (spike probability for a Bernoulli model). */
  expected: Float64Array;
  nonlinearity: 'link' | 'lookup';
  samples: number;
}

/** Trials per design block: the design has one float32 row per bin, so a block stays a few tens of MB. */
const BLOCK_TRIALS = 64;

/**
 * What the reduced model expects the system to output, bin by bin, driven by a dataset's inputs and by its own
 * output. Under an intervention nobody observed the system's spikes, so the history term cannot be held at
 * recorded spikes: the model is run forward, sampling its own output from the probability it predicts and
 * feeding that back through its history filter. Each bin's expected output is the probability given the sampled
 * past (not the 0/1 sample), averaged over `samples` runs — the same expectation with less sampling noise. The
 * original and the intervened inputs are run with the same random numbers per (trial, sample), so their
 * difference carries less noise than either. The probability goes through the headline nonlinearity the model
 * chose (its lookup table when it chose one, else the GLM link).
 */
export function forwardResponse(model: ReducedModel, ds: Dataset, trials: number[], options: ForwardOptions): ForwardResponse {
  const family = model.spec.family;
  if (family !== 'bernoulli' && family !== 'poisson')
    throw new OccamError(`the model's family is ${family}; an intervention's predicted change needs a bernoulli or poisson model (spikes, events)`, {
      field: 'spec.family',
    });
  const { nBins } = ds.manifest;
  const layout = layoutForModel(model, ds);
  const fam = familyOps(family);
  const lookupTable = model.nonlinearity.choice?.headline === 'lookup' ? model.nonlinearity.lookup : null;
  const mean = lookupTable ? (eta: number) => applyLookup(lookupTable, eta) : (eta: number) => fam.mean(eta);
  const beta = new Float64Array(1 + model.coefficients.beta.length);
  beta[0] = model.coefficients.intercept;
  beta.set(model.coefficients.beta, 1);
  // The history coefficients are the design's last H columns; the drive leaves them out.
  const hOffset = 1 + layout.p - layout.H;
  const inputOnly = beta.slice();
  inputOnly.fill(0, hOffset);
  const h: number[] = [];
  if (layout.history) {
    for (let l = 0; l < layout.history.points.length; l++) {
      let s = 0;
      layout.history.matrix.forEach((row, j) => (s += beta[hOffset + j] * row[l]));
      h.push(s);
    }
  }
  const samples = h.length === 0 ? 1 : options.samples;
  const expected = new Float64Array(trials.length * nBins);
  const y = new Float64Array(nBins);
  for (let start = 0; start < trials.length; start += BLOCK_TRIALS) {
    const block = trials.slice(start, start + BLOCK_TRIALS);
    const design = buildDesign(ds, layout, { rows: 'all', trials: block });
    const drive = linearPredictor({ X: design.X, n: design.n, p: design.p, y: design.y }, inputOnly);
    block.forEach((trial, k) => {
      const out = expected.subarray((start + k) * nBins, (start + k + 1) * nBins);
      for (let s = 0; s < samples; s++) {
        const rand = mulberry32(mix(options.seed, trial, s));
        const normal = gaussianSampler(rand);
        y.fill(0);
        for (let t = 0; t < nBins; t++) {
          let eta = drive[k * nBins + t];
          for (let l = 0; l < h.length && t - 1 - l >= 0; l++) eta += h[l] * y[t - 1 - l];
          const mu = mean(eta);
          out[t] += mu / samples;
          y[t] = family === 'bernoulli' ? (rand() < mu ? 1 : 0) : poissonSample(mu, rand, normal);
        }
      }
    });
  }
  return { expected, nonlinearity: lookupTable ? 'lookup' : 'link', samples };
}

/** One 32-bit seed per (run seed, trial, sample), so every trial draws the same numbers in every arm. */
function mix(seed: number, trial: number, sample: number): number {
  let x = (seed ^ Math.imul(trial + 1, 0x9e3779b1) ^ Math.imul(sample + 1, 0x85ebca77)) >>> 0;
  x = Math.imul(x ^ (x >>> 16), 0x7feb352d) >>> 0;
  x = Math.imul(x ^ (x >>> 15), 0x846ca68b) >>> 0;
  return (x ^ (x >>> 16)) >>> 0;
}
