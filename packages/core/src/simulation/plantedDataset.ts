import { createDataset, type Dataset } from '../dataset/dataset.js';
import type { Atom } from '../dataset/schema.js';
import { separableBeta } from '../glm/fitSeparable.js';
import { buildLayout } from '../design/layout.js';
import { simulateOutput } from '../model/simulate.js';
import { gaussianSampler, mulberry32, poissonSample } from '../random/rng.js';
import { SpecSchema, type Spec, type SpecInput } from '../spec/schema.js';

export interface PlantedTruth {
  intercept: number;
  /** Per group: coefficients of the spatial basis (K) and temporal basis (J). */
  spatial: number[][];
  temporal: number[][];
  /** History basis coefficients (H; absent or empty for a spec without history). */
  history?: number[];
}

export interface PlantedOptions {
  nTrials: number;
  nBins: number;
  seed: number;
  spec: SpecInput;
  truth: PlantedTruth;
  atoms: Atom[];
  /** Mean input count per atom and bin outside the stimulus response. */
  backgroundRate: number;
  /** Stimulus bin: inputs get an extra, decaying volley after it. */
  stimulusBin: number;
  /** Extra mean count at the volley's peak. */
  evokedRate: number;
  /** Scored window [from, to) in bins. */
  scoredWindow: [number, number];
}

/** The full-layout coefficient vector (intercept first) of a planted separable truth. */
export function plantedBeta(spec: Spec, atoms: Atom[], truth: PlantedTruth): Float64Array {
  const layout = buildLayout(spec, atoms);
  return separableBeta(layout, truth.intercept, truth.spatial, truth.temporal, (truth.history ?? []).slice(0, layout.H));
}

/**
 * A dataset simulated from a known GLM: Poisson inputs per atom (background plus a stimulus-locked
 * volley with per-trial jitter and gain, so trials differ), and an output sampled bin by bin from the
 * planted model with its own history feedback. Recovery tests and the demo use it.
 */
export function plantedDataset(options: PlantedOptions): { dataset: Dataset; beta: Float64Array } {
  const spec = SpecSchema.parse(options.spec);
  const { nTrials, nBins, atoms } = options;
  const rand = mulberry32(options.seed);
  const normal = gaussianSampler(rand);
  const inputs = new Uint8Array(atoms.length * nTrials * nBins);
  for (let tr = 0; tr < nTrials; tr++) {
    const jitter = Math.round(normal() * 1.5);
    const gain = Math.exp(0.4 * normal());
    for (let a = 0; a < atoms.length; a++) {
      const atomGain = 0.5 + rand();
      for (let t = 0; t < nBins; t++) {
        const since = t - (options.stimulusBin + jitter);
        const volley = since >= 0 ? options.evokedRate * gain * atomGain * (since / 3) * Math.exp(1 - since / 3) : 0;
        const v = poissonSample(options.backgroundRate + volley, rand, normal);
        inputs[(a * nTrials + tr) * nBins + t] = Math.min(v, 255);
      }
    }
  }
  const scored = new Uint8Array(nTrials * nBins);
  for (let tr = 0; tr < nTrials; tr++) for (let t = options.scoredWindow[0]; t < options.scoredWindow[1]; t++) scored[tr * nBins + t] = 1;
  const target = new Uint8Array(nTrials * nBins);
  const base = createDataset(
    {
      format: 'occam.dataset',
      version: 1,
      nTrials,
      nBins,
      binWidth: 1,
      binUnit: 'ms',
      markers: { stimulus: options.stimulusBin },
      atoms,
      target: { kind: 'binary', name: 'spike' },
      metadata: { condition: 'planted GLM', source: 'occam plantedDataset', seed: options.seed },
    },
    { inputs, target, scored },
  );
  const beta = plantedBeta(spec, atoms, options.truth);
  const layout = buildLayout(spec, atoms);
  const spikes = simulateOutput(
    base,
    layout,
    spec.family,
    beta,
    Array.from({ length: nTrials }, (_, i) => i),
    options.seed + 7,
  );
  spikes.forEach((bins, tr) => {
    for (const t of bins) target[tr * nBins + t] = spec.family === 'bernoulli' ? 1 : Math.min(target[tr * nBins + t] + 1, 255);
  });
  return { dataset: base, beta };
}

/** Excitatory and inhibitory atoms at soma distances 25, 75, … µm (50 µm bins). */
export function neuronLikeAtoms(distanceBins: number): Atom[] {
  const atoms: Atom[] = [];
  for (const type of ['excitatory', 'inhibitory']) {
    for (let b = 0; b < distanceBins; b++) {
      atoms.push({ id: `${type === 'excitatory' ? 'E' : 'I'}_${b * 50}-${(b + 1) * 50}um`, attributes: { type, distance: b * 50 + 25 } });
    }
  }
  return atoms;
}
