import { describe, expect, it } from 'vitest';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { OccamError } from '@occam/core';
import { genericToDataset, isfToDataset, readIsfSynapseActivations, readIsfTraceSpikes, writeGenericInput, type GenericInputContent } from '@occam/neuron';
import { HAVE_ISF_RUN, ISF_RUN, withTempDir } from './fixtures.js';

function smallContent(activations: string): GenericInputContent {
  return {
    manifest: { format: 'occam.neuron-input', version: 1, trials: 3, trialLengthMs: 40, stimulusMs: 20, activations, condition: 'toy' },
    synapses: [
      { id: 's1', somaDistanceUm: 10, type: 'excitatory', dendrite: 'basal' },
      { id: 's2', somaDistanceUm: 75, type: 'L5tt' },
      { id: 's3', somaDistanceUm: 30, type: 'inhibitory' },
      { id: 's4', somaDistanceUm: 20, type: 'L1_C2' }, // a cell type with a column: L1 is inhibitory
      { id: 'far', somaDistanceUm: 2000, type: 'excitatory' },
    ],
    activations: [
      [
        ['s1', 21.5],
        ['s1', 21.9],
        ['s2', 22.0],
        ['s3', 25.0],
        ['s4', 26.5],
        ['far', 21.0],
      ],
      [
        ['s1', 5.0],
        ['s2', 39.99],
      ],
      [],
    ],
    spikes: [[24.2], [], [23.0, 23.5, 30.1]],
  };
}

describe('generic neuron-input format', () => {
  for (const activations of ['activations.csv', 'activations/trial_{trial:04}.csv']) {
    it(`round-trips through writeGenericInput and genericToDataset (${activations})`, () =>
      withTempDir(async (dir) => {
        const input = join(dir, 'input');
        await writeGenericInput(input, smallContent(activations));
        const progress: number[] = [];
        const ds = await genericToDataset({
          dir: input,
          tStartMs: 0,
          binMs: 2,
          distanceBinUm: 50,
          maxDistanceUm: 100,
          scoredWindowMs: 'all',
          onProgress: (d) => progress.push(d),
        });
        const m = ds.manifest;
        expect(progress[progress.length - 1]).toBe(3);
        expect([m.nTrials, m.nBins, m.markers.stimulus, m.atoms.map((a) => a.id)]).toEqual([3, 20, 10, ['E_0-50um', 'E_50-100um', 'I_0-50um', 'I_50-100um']]);
        expect(m.trialIds).toEqual(['trial0000', 'trial0001', 'trial0002']);
        expect(m.target.kind).toBe('count'); // trial 2 has two spikes in bin 11
        expect(m.metadata.condition).toBe('toy');
        const at = (atom: number, trial: number, bin: number) => ds.inputs[(atom * 3 + trial) * 20 + bin];
        expect(at(0, 0, 10)).toBe(2); // s1 at 21.5 and 21.9
        expect(at(1, 0, 11)).toBe(1); // s2 at 22.0
        expect(at(2, 0, 12)).toBe(1); // s3 at 25.0
        expect(at(2, 0, 13)).toBe(1); // s4 (L1) at 26.5
        expect(at(0, 1, 2)).toBe(1);
        expect(at(1, 1, 19)).toBe(1);
        let total = 0;
        for (const v of ds.inputs) total += v;
        expect(total).toBe(7); // 'far' is beyond 100 µm
        expect(Array.from(ds.target.subarray(40, 60)).flatMap((v, b) => (v ? [[b, v]] : []))).toEqual([
          [11, 2],
          [15, 1],
        ]);
        expect(Array.from(ds.scored).every((v) => v === 1)).toBe(true);
      }));
  }

  it('rejects malformed generic input with file and line', () =>
    withTempDir(async (dir) => {
      const input = join(dir, 'input');
      await writeGenericInput(input, smallContent('activations.csv'));
      const activations = join(input, 'activations.csv');
      await writeFile(activations, 'trial,synapse,time_ms\n0,s1,21.5\n0,nope,3\n');
      await expect(genericToDataset({ dir: input, tStartMs: 0 })).rejects.toThrow(`${activations}:3: synapse 'nope' is not in`);
      await writeFile(activations, 'trial,synapse,time_ms\n7,s1,21.5\n');
      await expect(genericToDataset({ dir: input, tStartMs: 0 })).rejects.toThrow(`${activations}:2: trial '7' is not a trial number 0 … 2`);
      await writeFile(activations, 'trial,synapse\n0,s1\n');
      await expect(genericToDataset({ dir: input, tStartMs: 0 })).rejects.toThrow(`${activations}:1: header has no column 'time_ms'`);
      await writeFile(activations, 'trial,synapse,time_ms\n0,s1,\n');
      await expect(genericToDataset({ dir: input, tStartMs: 0 })).rejects.toThrow(`${activations}:2: time_ms '' is not a number`);
      const synapses = join(input, 'synapses.csv');
      await writeFile(synapses, 'id,soma_distance_um,type\ns1,-3,excitatory\n');
      await expect(genericToDataset({ dir: input, tStartMs: 0 })).rejects.toThrow(`${synapses}:2: soma_distance_um -3 is negative`);
      await writeFile(synapses, 'id,soma_distance_um,type\ns1,3,Martinotti\n');
      const error = await genericToDataset({ dir: input, tStartMs: 0 }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(OccamError);
      expect((error as Error).message).toMatch(new RegExp(`^${synapses}:2: unknown presynaptic cell type 'Martinotti'`));
      await writeFile(join(input, 'manifest.json'), JSON.stringify({ format: 'occam.neuron-input', version: 1, trials: 0 }));
      await expect(genericToDataset({ dir: input, tStartMs: 0 })).rejects.toThrow(/manifest\.json: invalid content\n {2}trials:/);
    }));
});

describe.skipIf(!HAVE_ISF_RUN)('generic format from the genuine ISF fixture', () => {
  it('gives exactly the dataset isfToDataset gives', () =>
    withTempDir(async (dir) => {
      const synapses = new Map<string, { id: string; somaDistanceUm: number; type: string; dendrite?: string }>();
      const activations: [string, number][][] = [];
      for (let run = 0; run < 6; run++) {
        const rows = await readIsfSynapseActivations(join(ISF_RUN, `simulation_run000${run}_synapses.csv`));
        const trial: [string, number][] = [];
        for (const r of rows) {
          const id = `${r.type}#${r.synapseId}`;
          synapses.set(id, { id, somaDistanceUm: r.somaDistance, type: r.type, dendrite: r.dendriteLabel });
          for (const t of r.activationTimes) trial.push([id, t]);
        }
        activations.push(trial);
      }
      const traces = await readIsfTraceSpikes(join(ISF_RUN, '20240_vm_all_traces.csv'));
      const input = join(dir, 'from-isf');
      await writeGenericInput(input, {
        manifest: { format: 'occam.neuron-input', version: 1, trials: 6, trialLengthMs: 345, stimulusMs: 245 },
        synapses: [...synapses.values()],
        activations,
        spikes: traces.spikeTimes,
      });
      const options = { refractoryExclusionMs: 20 };
      const fromGeneric = await genericToDataset({ dir: input, ...options });
      const fromIsf = await isfToDataset({ root: ISF_RUN, ...options });
      expect(fromGeneric.manifest.atoms).toEqual(fromIsf.manifest.atoms);
      expect([fromGeneric.manifest.nBins, fromGeneric.manifest.timeOrigin, fromGeneric.manifest.markers]).toEqual([195, 150, { stimulus: 95 }]);
      expect(Buffer.from(fromGeneric.inputs.buffer).equals(Buffer.from(fromIsf.inputs.buffer))).toBe(true);
      expect(Array.from(fromGeneric.target)).toEqual(Array.from(fromIsf.target));
      expect(Array.from(fromGeneric.scored)).toEqual(Array.from(fromIsf.scored));
    }));
});
