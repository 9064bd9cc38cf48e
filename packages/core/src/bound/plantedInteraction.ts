import { createDataset, type Dataset } from '../dataset/dataset.js';
import { buildDesign } from '../design/buildDesign.js';
import { buildLayout } from '../design/layout.js';
import { OccamError } from '../errors.js';
import { linearPredictor } from '../glm/objective.js';
import { mulberry32 } from '../random/rng.js';
import { plantedDataset, type PlantedOptions } from '../simulation/plantedDataset.js';
import { SpecSchema } from '../spec/schema.js';

/** A multiplicative interaction between two groups' recent input, added to a planted GLM's linear predictor. */
export interface PlantedInteraction {
  /** Labels of the two groups (as buildLayout names them, e.g. "type=excitatory"); the same label twice is a square. */
  groups: [string, string];
  /** Each group's drive is its atoms' summed input over lags minLag … maxLag, standardised over all bins. */
  minLag: number;
  maxLag: number;
  /** η gains strength · z_a · z_b. */
  strength: number;
}

/**
 * A planted dataset whose output depends on a pairwise interaction a reduced (additive) GLM cannot express:
 * inputs as plantedDataset draws them, output drawn bin by bin from logit⁻¹(η_planted + strength · z_a · z_b).
 * The planted spec must be bernoulli without history (each bin is then drawn independently of the others).
 */
export function plantedInteractionDataset(options: PlantedOptions, interaction: PlantedInteraction): { dataset: Dataset; beta: Float64Array } {
  const spec = SpecSchema.parse(options.spec);
  if (spec.history !== null || spec.family !== 'bernoulli')
    throw new OccamError('plantedInteractionDataset: the planted spec must be bernoulli without history');
  const { dataset: planted, beta } = plantedDataset(options);
  const { nTrials, nBins } = planted.manifest;
  const layout = buildLayout(spec, options.atoms);
  const design = buildDesign(planted, layout, { rows: 'all' });
  const eta = linearPredictor({ X: design.X, n: design.n, p: design.p, y: design.y }, beta);
  const drive = (label: string): Float64Array => {
    const group = layout.groups.find((g) => g.label === label);
    if (!group) throw new OccamError(`plantedInteractionDataset: no group '${label}' (groups: ${layout.groups.map((g) => g.label).join(', ')})`);
    const d = new Float64Array(nTrials * nBins);
    for (let tr = 0; tr < nTrials; tr++) {
      for (const a of group.atoms) {
        const base = (a * nTrials + tr) * nBins;
        for (let t = 0; t < nBins; t++) {
          for (let l = interaction.minLag; l <= interaction.maxLag && t - l >= 0; l++) d[tr * nBins + t] += planted.inputs[base + t - l];
        }
      }
    }
    let mean = 0;
    for (const v of d) mean += v / d.length;
    let sd = 0;
    for (const v of d) sd += (v - mean) ** 2 / d.length;
    sd = Math.sqrt(sd) || 1;
    return d.map((v) => (v - mean) / sd);
  };
  const za = drive(interaction.groups[0]);
  const zb = drive(interaction.groups[1]);
  const rand = mulberry32(options.seed + 104729);
  const target = new Uint8Array(nTrials * nBins);
  // design rows with rows: 'all' are trial-major, bins ascending: row = trial · nBins + bin.
  for (let r = 0; r < nTrials * nBins; r++) {
    const e = eta[r] + interaction.strength * za[r] * zb[r];
    target[r] = rand() < 1 / (1 + Math.exp(-e)) ? 1 : 0;
  }
  const dataset = createDataset(
    { ...planted.manifest, metadata: { ...planted.manifest.metadata, condition: 'planted GLM with a pairwise interaction' } },
    { inputs: planted.inputs, target, scored: planted.scored },
  );
  return { dataset, beta };
}
