import { createDataset, type Dataset } from '@occam/core';
import type { SynapseSign } from '../cellTypes/cellTypeSigns.js';
import { binOf, binStart, scoredWindow, type NeuronBinning, type TimeGrid } from './binningOptions.js';
import { CountArray } from './countArray.js';
import type { DistanceAtoms } from './distanceAtoms.js';

/** What was counted and what fell outside the dataset, stored in its metadata. */
export interface ActivationTally {
  /** Activations binned into the dataset. */
  counted: number;
  /** Activations of synapses at or beyond maxDistanceUm (dropped). */
  beyondDistanceRange: number;
  /** Activations before tStartMs or at/after tEndMs (dropped). */
  outsideTimeRange: number;
  /**
   * Of those, activations outside the simulated trial itself: before 0 ms or after the trial's end (its last
   * voltage sample, or tEndMs where that is unknown). Dropping the first 150 ms is by design; these are not.
   */
  outsideTrial: number;
  /** The first activation outside the trial, to name in a warning. */
  outsideTrialExample?: EventPlace;
  /** Activations per presynaptic cell type or type label, all of them (counted or not). */
  byCellType: Record<string, number>;
}

/** Where an event was read: file, line and its time. */
export interface EventPlace {
  file: string;
  line?: number;
  timeMs: number;
  /** End of that event's trial (ms). */
  trialEndMs: number;
}

/** Where a trial's events were read, to count those outside the trial and name an example. */
export interface EventSource {
  /** End of the simulated trial in ms (events after it, or before 0, are outside the trial). */
  trialEndMs: number;
  file: string;
  line?: number;
}

/**
 * Accumulates one trial at a time into compact arrays: inputs [atoms, trials, bins] as counts of synapse
 * activations, target [trials, bins] as output spike counts, and the scored mask. Raw events are never kept.
 */
export class NeuronDatasetBuilder {
  private readonly inputs: CountArray;
  private readonly target: CountArray;
  private readonly spikes: number[][];
  readonly tally: ActivationTally = { counted: 0, beyondDistanceRange: 0, outsideTimeRange: 0, outsideTrial: 0, byCellType: {} };
  outputSpikesOutsideTimeRange = 0;
  /** Output spikes before 0 ms or after the trial's end, and the first of them. */
  outputSpikesOutsideTrial = 0;
  outputSpikesOutsideTrialExample: EventPlace | undefined;

  constructor(
    readonly grid: TimeGrid,
    readonly atoms: DistanceAtoms,
    readonly nTrials: number,
  ) {
    this.inputs = new CountArray(atoms.atoms.length * nTrials * grid.nBins);
    this.target = new CountArray(nTrials * grid.nBins);
    this.spikes = Array.from({ length: nTrials }, () => []);
  }

  /** Add the activation times of one synapse in one trial. */
  addActivations(trial: number, sign: SynapseSign, somaDistanceUm: number, times: readonly number[], cellType: string, source?: EventSource): void {
    const t = this.tally;
    t.byCellType[cellType] = (t.byCellType[cellType] ?? 0) + times.length;
    if (source) {
      for (const time of times) {
        if (time >= 0 && time <= source.trialEndMs) continue;
        t.outsideTrial++;
        t.outsideTrialExample ??= { file: source.file, line: source.line, timeMs: time, trialEndMs: source.trialEndMs };
      }
    }
    const atom = this.atoms.indexOf(sign, somaDistanceUm);
    if (atom < 0) {
      t.beyondDistanceRange += times.length;
      return;
    }
    const nBins = this.grid.nBins;
    const base = (atom * this.nTrials + trial) * nBins;
    for (const time of times) {
      const b = binOf(this.grid, time);
      if (b < 0 || b >= nBins) {
        t.outsideTimeRange++;
        continue;
      }
      this.inputs.increment(base + b);
      t.counted++;
    }
  }

  /** Add the output spikes of one trial (all of them: those before tStart still shape the refractory mask). */
  addSpikes(trial: number, times: readonly number[], source?: EventSource): void {
    const nBins = this.grid.nBins;
    for (const time of times) {
      if (source && !(time >= 0 && time <= source.trialEndMs)) {
        this.outputSpikesOutsideTrial++;
        this.outputSpikesOutsideTrialExample ??= { file: source.file, line: source.line, timeMs: time, trialEndMs: source.trialEndMs };
      }
      this.spikes[trial].push(time);
      const b = binOf(this.grid, time);
      if (b < 0 || b >= nBins) {
        this.outputSpikesOutsideTimeRange++;
        continue;
      }
      this.target.increment(trial * nBins + b);
    }
  }

  finish(binning: NeuronBinning, info: { trialIds: string[]; source: string; extra?: Record<string, unknown> }): Dataset {
    const grid = this.grid;
    const nBins = grid.nBins;
    const window = scoredWindow(binning, grid);
    const scored = new Uint8Array(this.nTrials * nBins);
    for (let trial = 0; trial < this.nTrials; trial++) scored.fill(1, trial * nBins + window.fromBin, trial * nBins + window.toBin);
    let refractoryExcluded = 0;
    const r = binning.refractoryExclusionMs;
    if (r > 0) {
      for (let trial = 0; trial < this.nTrials; trial++) {
        for (const ts of this.spikes[trial]) {
          // Bins that start after the spike and before ts + r.
          for (let b = Math.max(0, binOf(grid, ts) + 1); b < nBins && binStart(grid, b) < ts + r - 1e-9; b++) {
            const i = trial * nBins + b;
            if (scored[i]) {
              scored[i] = 0;
              refractoryExcluded++;
            }
          }
        }
      }
    }
    const markers: Record<string, number> = {};
    if (binning.stimulusMs !== null) {
      const s = binOf(grid, binning.stimulusMs);
      if (s >= 0 && s < nBins) markers.stimulus = s;
    }
    const targetMax = this.target.max();
    const target = this.target.data;
    return createDataset(
      {
        format: 'occam.dataset',
        version: 1,
        nTrials: this.nTrials,
        nBins,
        binWidth: grid.binMs,
        binUnit: 'ms',
        timeOrigin: grid.tStartMs,
        markers,
        atoms: this.atoms.atoms,
        target: { kind: targetMax <= 1 ? 'binary' : 'count', name: 'spikes' },
        trialIds: info.trialIds,
        metadata: {
          ...(binning.condition !== undefined ? { condition: binning.condition } : {}),
          source: info.source,
          adapter: '@occam/neuron',
          timeRangeMs: [grid.tStartMs, grid.tEndMs],
          stimulusMs: binning.stimulusMs,
          scoredWindowMs: [window.fromMs, window.toMs],
          refractoryExclusionMs: r,
          refractoryExcludedBins: refractoryExcluded,
          distanceBinUm: this.atoms.distanceBinUm,
          maxDistanceUm: this.atoms.maxDistanceUm,
          synapseActivations: this.tally,
          outputSpikesOutsideTimeRange: this.outputSpikesOutsideTimeRange,
          outputSpikesOutsideTrial: this.outputSpikesOutsideTrial,
          ...(this.outputSpikesOutsideTrialExample ? { outputSpikesOutsideTrialExample: this.outputSpikesOutsideTrialExample } : {}),
          ...info.extra,
        },
      },
      { inputs: this.inputs.data, target, scored },
    );
  }
}
