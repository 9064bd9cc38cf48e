import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { readDataset, writeDataset } from '@occam/core';
import { DEFAULT_CELL_TYPE_SIGNS, isfToDataset } from '@occam/neuron';
import { HAVE_ISF_RUN, ISF_EXAMPLE, ISF_RUN, withTempDir } from './fixtures.js';

/** Count activations straight from the raw file text, independently of the reader. */
function directCount(run: number, sign: 'excitatory' | 'inhibitory', fromUm: number, toUm: number): Map<number, number> {
  const text = readFileSync(join(ISF_RUN, `simulation_run000${run}_synapses.csv`), 'utf8');
  const perBin = new Map<number, number>();
  for (const line of text.split('\n')) {
    if (line === '' || line.startsWith('#')) continue;
    const f = line.split('\t');
    if (DEFAULT_CELL_TYPE_SIGNS[f[0].split('_')[0]] !== sign) continue;
    const d = parseFloat(f[2]);
    if (d < fromUm || d >= toUm) continue;
    for (const t of f[6].split(',').filter(Boolean).map(parseFloat)) {
      if (t < 150 || t >= 345) continue;
      const bin = Math.floor(t - 150);
      perBin.set(bin, (perBin.get(bin) ?? 0) + 1);
    }
  }
  return perBin;
}

describe.skipIf(!HAVE_ISF_RUN)('isfToDataset on the genuine ISF fixture', () => {
  it('builds the published layout: 60 E/I × distance atoms, 1 ms bins from 150 ms, evoked window scored', async () => {
    const progress: [number, number][] = [];
    const ds = await isfToDataset({ root: ISF_EXAMPLE, condition: 'C2 evoked', onProgress: (d, n) => progress.push([d, n]) });
    const m = ds.manifest;
    expect(progress[0]).toEqual([0, 6]);
    expect(progress[progress.length - 1]).toEqual([6, 6]);
    expect([m.nTrials, m.nBins, m.binWidth, m.binUnit, m.timeOrigin]).toEqual([6, 195, 1, 'ms', 150]);
    expect(m.markers).toEqual({ stimulus: 95 });
    expect(m.trialIds).toEqual([0, 1, 2, 3, 4, 5].map((r) => `C2_evoked_20240/run000${r}`));
    expect(m.atoms).toHaveLength(60);
    expect(m.atoms[0]).toEqual({ id: 'E_0-50um', attributes: { type: 'excitatory', distance: 25, distanceFrom: 0, distanceTo: 50 } });
    expect(m.atoms[29].id).toBe('E_1450-1500um');
    expect(m.atoms[30]).toEqual({ id: 'I_0-50um', attributes: { type: 'inhibitory', distance: 25, distanceFrom: 0, distanceTo: 50 } });
    expect(m.target).toEqual({ kind: 'binary', name: 'spikes' });
    expect(m.metadata.condition).toBe('C2 evoked');
    expect(ds.inputs).toBeInstanceOf(Uint8Array);

    // Scored: bins 95 … 149 (245–300 ms) of every trial.
    for (let trial = 0; trial < 6; trial++) {
      const row = Array.from(ds.scored.subarray(trial * 195, (trial + 1) * 195));
      expect(row.indexOf(1)).toBe(95);
      expect(row.lastIndexOf(1)).toBe(149);
      expect(row.reduce((a, b) => a + b, 0)).toBe(55);
    }

    // Output spikes from the traces: 259.8 → bin 109, …; run 3 at 342.5 and run 4 at 295.0 too; run 1's early
    // spikes (before 150 ms) fall outside the dataset.
    const spikeBins = [0, 1, 2, 3, 4, 5].map((trial) => {
      const bins: number[] = [];
      for (let b = 0; b < 195; b++) if (ds.target[trial * 195 + b]) bins.push(b);
      return bins;
    });
    expect(spikeBins).toEqual([[109], [110], [110], [111, 192], [111, 144], [111]]);
    expect(m.metadata.outputSpikesOutsideTimeRange).toBe(3);

    // Inputs equal a direct count from the raw files, for a few atoms and trials.
    const checks: [number, 'excitatory' | 'inhibitory', number][] = [
      [0, 'excitatory', 0],
      [0, 'excitatory', 4],
      [3, 'excitatory', 20],
      [5, 'inhibitory', 0],
      [2, 'inhibitory', 7],
    ];
    for (const [trial, sign, distanceBin] of checks) {
      const atom = (sign === 'excitatory' ? 0 : 30) + distanceBin;
      const expected = directCount(trial, sign, distanceBin * 50, distanceBin * 50 + 50);
      let total = 0;
      for (let b = 0; b < 195; b++) {
        const got = ds.inputs[(atom * 6 + trial) * 195 + b];
        expect(got, `trial ${trial} atom ${m.atoms[atom].id} bin ${b}`).toBe(expected.get(b) ?? 0);
        total += got;
      }
      expect(total).toBeGreaterThan(0);
    }
    const tally = m.metadata.synapseActivations as { counted: number; beyondDistanceRange: number };
    let sum = 0;
    for (const v of ds.inputs) sum += v;
    expect(tally.counted).toBe(sum);
    expect(tally.beyondDistanceRange).toBeGreaterThan(0); // the apical tuft reaches 1576 µm

    // The dataset writes and reads back through core.
    await withTempDir(async (dir) => {
      await writeDataset(join(dir, 'ds'), ds);
      const back = await readDataset(join(dir, 'ds'));
      expect(back.manifest.atoms).toEqual(m.atoms);
      expect(Array.from(back.inputs)).toEqual(Array.from(ds.inputs));
      expect(Array.from(back.scored)).toEqual(Array.from(ds.scored));
    });
  });

  it('honours bin width, time range, window, refractory exclusion and the distance grid', async () => {
    const ds = await isfToDataset({
      root: ISF_RUN,
      binMs: 2,
      tStartMs: 200,
      tEndMs: 340,
      scoredWindowMs: [250, 290],
      refractoryExclusionMs: 10,
      distanceBinUm: 100,
      maxDistanceUm: 1600,
    });
    const m = ds.manifest;
    expect([m.nBins, m.timeOrigin, m.binWidth, m.atoms.length]).toEqual([70, 200, 2, 32]);
    expect(m.markers.stimulus).toBe(22); // 245 ms → (245 − 200) / 2 = 22.5 → bin 22
    expect(m.trialIds![0]).toBe('C2_evoked_20240/run0000');
    const tally = m.metadata.synapseActivations as { beyondDistanceRange: number };
    expect(tally.beyondDistanceRange).toBe(0);
    // Trial 0 spikes at 259.83 ms → bin 29; scored bins 25 … 44, minus bins starting in (259.83, 269.83): 30 … 34.
    const row = Array.from(ds.scored.subarray(0, 70));
    const scoredBins = row.flatMap((v, b) => (v ? [b] : []));
    expect(scoredBins).toEqual([25, 26, 27, 28, 29, 35, 36, 37, 38, 39, 40, 41, 42, 43, 44]);
    expect(m.metadata.refractoryExcludedBins).toBe(6 * 5);
  });
});
