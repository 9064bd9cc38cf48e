import { OccamError, zodProblem, type Dataset } from '@occam/core';
import { join } from 'node:path';
import { z } from 'zod';
import { resolveCellTypeSigns } from '../cellTypes/cellTypeSigns.js';
import { GENERIC_MANIFEST_FILE, genericTrialIds, isPerTrialPattern, perTrialFile, readGenericManifest } from '../generic/genericManifest.js';
import { readGenericSpikes, readGenericSynapses, scanGenericActivations } from '../generic/genericInputFiles.js';
import { NeuronBinningSchema, timeGrid, type NeuronBinning, type ProgressCallback } from './binningOptions.js';
import { distanceAtoms } from './distanceAtoms.js';
import { NeuronDatasetBuilder } from './neuronDatasetBuilder.js';

export const GenericToDatasetOptionsSchema = NeuronBinningSchema.extend({
  /** The folder holding `manifest.json` and the CSV files it names. */
  dir: z.string().min(1),
  /** Stimulus time in ms; default the manifest's `stimulusMs`. */
  stimulusMs: z.number().finite().nullable().optional(),
});
export type GenericToDatasetOptions = z.input<typeof GenericToDatasetOptionsSchema> & { onProgress?: ProgressCallback };

/**
 * Convert a folder in the generic neuron-input format to an occam Dataset, with the same atoms, bins and
 * scoring rules as {@link isfToDataset}. Activations are streamed (one file, or one file per trial) straight
 * into compact count arrays.
 */
export async function genericToDataset(options: GenericToDatasetOptions): Promise<Dataset> {
  const { onProgress, ...rest } = options;
  const parsed = GenericToDatasetOptionsSchema.safeParse(rest);
  if (!parsed.success) throw zodProblem('genericToDataset options', parsed.error);
  const opts = parsed.data;
  const manifestFile = join(opts.dir, GENERIC_MANIFEST_FILE);
  const manifest = await readGenericManifest(manifestFile);
  const binning: NeuronBinning = {
    ...opts,
    stimulusMs: opts.stimulusMs !== undefined ? opts.stimulusMs : manifest.stimulusMs,
    condition: opts.condition ?? manifest.condition,
  };
  const signs = resolveCellTypeSigns({ ...manifest.cellTypes, ...opts.cellTypes });
  const atoms = distanceAtoms(binning.distanceBinUm, binning.maxDistanceUm);
  const grid = timeGrid(binning, manifest.trialLengthMs, manifestFile);
  if (grid.tEndMs > manifest.trialLengthMs + 1e-9) {
    throw new OccamError(`tEndMs (--t-end) ${grid.tEndMs} is beyond the trials' length of ${manifest.trialLengthMs} ms (${manifestFile})`, { field: 'tEndMs' });
  }
  const nTrials = manifest.trials;

  const synapsesFile = join(opts.dir, manifest.synapses);
  const synapses = await readGenericSynapses(synapsesFile, { signs, maxSomaDistanceUm: binning.maxSomaDistanceUm });
  const synapseIndex = new Map(synapses.map((s, i) => [s.id, i] as const));
  const spikes = await readGenericSpikes(join(opts.dir, manifest.spikes), nTrials);

  const builder = new NeuronDatasetBuilder(grid, atoms, nTrials);
  const one: number[] = [0];
  const add = (trial: number, synapse: number, t: number): void => {
    one[0] = t;
    const s = synapses[synapse];
    builder.addActivations(trial, s.sign, s.somaDistanceUm, one, s.type);
  };
  onProgress?.(0, nTrials);
  if (isPerTrialPattern(manifest.activations)) {
    for (let trial = 0; trial < nTrials; trial++) {
      const file = join(opts.dir, perTrialFile(manifest.activations, trial));
      await scanGenericActivations(file, { synapseIndex, nTrials, trial, synapsesFile }, add);
      onProgress?.(trial + 1, nTrials);
    }
  } else {
    await scanGenericActivations(join(opts.dir, manifest.activations), { synapseIndex, nTrials, synapsesFile }, add);
  }
  for (let trial = 0; trial < nTrials; trial++) builder.addSpikes(trial, spikes[trial]);
  if (!isPerTrialPattern(manifest.activations)) onProgress?.(nTrials, nTrials);
  return builder.finish(binning, { trialIds: genericTrialIds(manifest), source: 'generic', extra: { dir: opts.dir } });
}
