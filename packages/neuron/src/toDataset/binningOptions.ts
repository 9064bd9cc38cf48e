import { OccamError, zodProblem } from '@occam/core';
import { z } from 'zod';
import { CellTypeSignsSchema } from '../cellTypes/cellTypeSigns.js';
import { DEFAULT_MAX_SOMA_DISTANCE_UM } from '../isf/synapseActivationFile.js';

/**
 * How raw synapse activations and output spikes become a Dataset. Defaults follow the published reduction
 * (Bast et al. 2024): 1 ms bins, the first 150 ms dropped, stimulus at 245 ms, 50 µm soma-distance bins over
 * 0–1500 µm, scoring the evoked window stimulus … stimulus + 55 ms.
 */
export const NeuronBinningSchema = z.object({
  /** Time-bin width in ms. */
  binMs: z.number().positive().default(1),
  /** Start of bin 0 in simulation time (ms); earlier input is dropped. */
  tStartMs: z.number().finite().default(150),
  /** End of the last bin (ms); default: the trial length (the last voltage sample, or the manifest's). */
  tEndMs: z.number().finite().optional(),
  /** Stimulus time in ms (the `stimulus` marker); null when the condition has none. */
  stimulusMs: z.number().finite().nullable().default(245),
  /** Scored bins: those starting in [from, to) ms, or 'all'. Default [stimulus, stimulus + 55). */
  scoredWindowMs: z.union([z.literal('all'), z.tuple([z.number().finite(), z.number().finite()])]).optional(),
  /** Leave bins starting within this many ms after an output spike unscored (0 = keep all). */
  refractoryExclusionMs: z.number().nonnegative().default(0),
  /** Width of a soma-distance bin in µm. */
  distanceBinUm: z.number().positive().default(50),
  /** Distance bins cover [0, maxDistanceUm); activations of farther synapses are dropped and counted. */
  maxDistanceUm: z.number().positive().default(1500),
  /** Sanity bound on any soma distance read (µm): larger values are rejected as malformed. */
  maxSomaDistanceUm: z.number().positive().default(DEFAULT_MAX_SOMA_DISTANCE_UM),
  /** Cell type → excitatory | inhibitory, laid over the barrel-cortex defaults. */
  cellTypes: CellTypeSignsSchema.optional(),
  /** Free-text name of the condition, stored in the dataset's metadata. */
  condition: z.string().optional(),
});
export type NeuronBinning = z.infer<typeof NeuronBinningSchema>;
export type NeuronBinningInput = z.input<typeof NeuronBinningSchema>;

/** Progress of a conversion: `done` of `total` trials read. */
export type ProgressCallback = (done: number, total: number) => void;

export function parseBinningOptions(options: unknown, source: string): NeuronBinning {
  const parsed = NeuronBinningSchema.safeParse(options ?? {});
  if (!parsed.success) throw zodProblem(source, parsed.error);
  return parsed.data;
}

/** The time grid of a dataset: nBins bins of binMs starting at tStartMs. */
export interface TimeGrid {
  binMs: number;
  tStartMs: number;
  tEndMs: number;
  nBins: number;
}

const EPS = 1e-9;

/**
 * Build the grid [tStart, tEnd). An explicit tEnd must lie on the grid; a trial length read from data
 * (`fromData`, e.g. the last voltage sample at 345.025 ms) is cut down to the last whole bin.
 */
export function timeGrid(binning: NeuronBinning, trialLengthMs: number | undefined, fromWhat: string): TimeGrid {
  const { binMs, tStartMs } = binning;
  let tEndMs: number;
  if (binning.tEndMs !== undefined) {
    tEndMs = binning.tEndMs;
    const n = (tEndMs - tStartMs) / binMs;
    if (Math.abs(n - Math.round(n)) > 1e-6) {
      throw new OccamError(`tEndMs (--t-end) ${tEndMs} is not a whole number of ${binMs} ms bins after tStartMs ${tStartMs}`, { field: 'tEndMs' });
    }
  } else if (trialLengthMs !== undefined) {
    tEndMs = tStartMs + Math.floor((trialLengthMs - tStartMs) / binMs + 1e-6) * binMs;
  } else {
    throw new OccamError(`cannot tell the trial length (${fromWhat}); pass tEndMs (--t-end), the end of the last bin in ms`, { field: 'tEndMs' });
  }
  const nBins = Math.round((tEndMs - tStartMs) / binMs);
  if (!(nBins >= 1)) {
    throw new OccamError(`no time bins: tStartMs (--t-start) ${tStartMs} ms is not before the end of the data (${tEndMs} ms); lower tStartMs`, {
      field: 'tStartMs',
    });
  }
  return { binMs, tStartMs, tEndMs, nBins };
}

/** Bin of time t (may be < 0 or ≥ nBins when t is outside the grid). */
export function binOf(grid: TimeGrid, t: number): number {
  return Math.floor((t - grid.tStartMs) / grid.binMs + EPS);
}

/** Start time of bin b in ms. */
export function binStart(grid: TimeGrid, b: number): number {
  return grid.tStartMs + b * grid.binMs;
}

/** The scored window as [firstBin, endBin) and in ms, resolved against the grid and the stimulus. */
export function scoredWindow(binning: NeuronBinning, grid: TimeGrid): { fromBin: number; toBin: number; fromMs: number; toMs: number } {
  let window = binning.scoredWindowMs;
  if (window === undefined) {
    if (binning.stimulusMs === null) {
      throw new OccamError('scoredWindowMs is needed when there is no stimulus (stimulusMs: null): give [from, to] in ms, or "all"', {
        field: 'scoredWindowMs',
      });
    }
    window = [binning.stimulusMs, binning.stimulusMs + 55];
  }
  if (window === 'all') return { fromBin: 0, toBin: grid.nBins, fromMs: grid.tStartMs, toMs: grid.tEndMs };
  const [fromMs, toMs] = window;
  if (!(toMs > fromMs)) throw new OccamError(`scoredWindowMs [${fromMs}, ${toMs}] is empty; expected from < to`, { field: 'scoredWindowMs' });
  // Bins whose start lies in [from, to).
  const fromBin = Math.max(0, Math.ceil((fromMs - grid.tStartMs) / grid.binMs - EPS));
  const toBin = Math.min(grid.nBins, Math.ceil((toMs - grid.tStartMs) / grid.binMs - EPS));
  if (toBin <= fromBin) {
    throw new OccamError(`scoredWindowMs [${fromMs}, ${toMs}] ms lies outside the dataset's time range [${grid.tStartMs}, ${grid.tEndMs}) ms`, {
      field: 'scoredWindowMs',
    });
  }
  return { fromBin, toBin, fromMs, toMs };
}
