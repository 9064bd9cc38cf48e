import { describe, expect, it } from 'vitest';
import { join } from 'node:path';
import {
  detectSpikes,
  findIsfRunDirectories,
  parseIsfSynapseType,
  readIsfPresynapticCells,
  readIsfSynapseActivations,
  readIsfTraceSpikes,
  readIsfVoltageTraces,
} from '@occam/neuron';
import { HAVE_ISF_RUN, ISF_EXAMPLE, ISF_RUN } from './fixtures.js';

describe('ISF synapse type', () => {
  it('splits <cell type>_<column> at the first underscore, straddler columns included', () => {
    expect(parseIsfSynapseType('L4ss_C2')).toEqual({ cellType: 'L4ss', column: 'C2' });
    expect(parseIsfSynapseType('L2_Alpha')).toEqual({ cellType: 'L2', column: 'Alpha' });
    expect(parseIsfSynapseType('L23Trans_B2')).toEqual({ cellType: 'L23Trans', column: 'B2' });
    expect(parseIsfSynapseType('VPM')).toEqual({ cellType: 'VPM', column: undefined });
  });
});

describe('spike detection', () => {
  it('finds upward crossings with linear interpolation, not downward ones or a start above threshold', () => {
    const t = [0, 1, 2, 3, 4, 5, 6];
    const v = [10, -10, 10, 30, -5, -1, 3];
    expect(detectSpikes({ t, v })).toEqual([1.5, 5 + 1 / 4]);
    expect(detectSpikes({ t, v }, 20)).toEqual([2.5]);
    expect(detectSpikes({ t: [0, 1], v: [-1, 0] })).toEqual([1]);
  });
});

describe.skipIf(!HAVE_ISF_RUN)('genuine ISF files (fixtures/isf-example)', () => {
  it('reads a synapse-activation file exactly', async () => {
    const file = join(ISF_RUN, 'simulation_run0000_synapses.csv');
    const rows = await readIsfSynapseActivations(file);
    expect(rows).toHaveLength(4428); // 4429 lines, one header
    expect(rows[0]).toEqual({
      type: 'L1_C1',
      cellType: 'L1',
      column: 'C1',
      synapseId: 19,
      somaDistance: 1539.71545505,
      sectionId: 50,
      sectionPtId: 80,
      dendriteLabel: 'ApicalDendrite',
      activationTimes: [14.3144635349],
      line: 2,
    });
    const straddler = rows.find((r) => r.line === 29)!;
    expect(straddler).toMatchObject({ type: 'L23Trans_B2', cellType: 'L23Trans', column: 'B2', synapseId: 3, somaDistance: 974.222878958 });
    expect(straddler.activationTimes).toEqual([94.176048297, 180.586061431]);
    expect(rows.find((r) => r.line === 86)).toMatchObject({ cellType: 'L2', column: 'Alpha', sectionId: 26, sectionPtId: 11 });
    expect(rows.find((r) => r.line === 1012)).toMatchObject({ cellType: 'L45Peak', somaDistance: 0, dendriteLabel: 'Soma' });
    expect(rows.find((r) => r.line === 1135)!.activationTimes).toEqual([57.1721894255, 95.5163625137, 193.328049522, 223.61559395, 253.003006133]);
    const labels = new Map<string, number>();
    for (const r of rows) labels.set(r.dendriteLabel, (labels.get(r.dendriteLabel) ?? 0) + 1);
    expect(Object.fromEntries(labels)).toEqual({ ApicalDendrite: 2451, Dendrite: 1922, Soma: 55 });
    expect(rows[rows.length - 1]).toMatchObject({ type: 'VPM_E1', synapseId: 3, somaDistance: 156.98671896, line: 4429 });
  });

  it('reads every trial file with the expected line counts', async () => {
    const lines = [4429, 4297, 4281, 4396, 4394, 4349];
    for (let run = 0; run < 6; run++) {
      const rows = await readIsfSynapseActivations(join(ISF_RUN, `simulation_run000${run}_synapses.csv`));
      expect(rows.length).toBe(lines[run] - 1);
    }
  });

  it('reads a presynaptic-cells file exactly', async () => {
    const cells = await readIsfPresynapticCells(join(ISF_RUN, 'simulation_run0000_presynaptic_cells.csv'));
    expect(cells).toHaveLength(5560);
    expect(cells[0]).toEqual({ type: 'L1_B1', cellType: 'L1', column: 'B1', cellId: 0, spikeTimes: [66.1219815159], line: 2 });
    expect(cells[1].spikeTimes).toEqual([174.863960609, 281.277497845]);
    expect(cells.find((c) => c.line === 123)).toMatchObject({ cellType: 'L2', column: 'Alpha', cellId: 6, spikeTimes: [48.4045435614, 319.487818395] });
  });

  it('reads the soma voltage traces and detects the spikes the fixture README lists', async () => {
    const file = join(ISF_RUN, '20240_vm_all_traces.csv');
    const traces = await readIsfVoltageTraces(file);
    expect(traces.t.length).toBe(9802);
    expect(traces.t[0]).toBe(100);
    expect(traces.t[traces.t.length - 1]).toBe(345.025);
    expect(traces.runs.map((r) => r.run)).toEqual([0, 1, 2, 3, 4, 5]);
    expect(traces.runs[1].column).toBe('Vm run 01');
    expect(traces.runs[0].v[0]).toBe(-61.4607218758);
    expect(traces.runs[5].v[1]).toBe(-64.5014820696);

    const spikes = traces.runs.map((r) => detectSpikes({ t: traces.t, v: r.v }));
    const rounded = spikes.map((s) => s.map((t) => Math.round(t * 10) / 10));
    expect(rounded).toEqual([[259.8], [103.6, 112.2, 133.1, 260.5], [261], [261.6, 342.5], [261.3, 295], [261.1]]);
    // One evoked spike per trial in 259.8–261.6 ms.
    for (const s of spikes) expect(s.filter((t) => t > 245 && t < 290).every((t) => t >= 259.8 && t <= 261.6)).toBe(true);

    const streamed = await readIsfTraceSpikes(file);
    expect(streamed.spikeTimes).toEqual(spikes);
    expect([streamed.tFirst, streamed.tLast]).toEqual([100, 345.025]);
  });

  it('finds the run directory below a root', async () => {
    const runs = await findIsfRunDirectories(ISF_EXAMPLE);
    expect(runs).toHaveLength(1);
    expect(runs[0].label).toBe('C2_evoked_20240');
    expect(runs[0].trials.map((t) => t.run)).toEqual([0, 1, 2, 3, 4, 5]);
    expect(runs[0].traceFile).toBe(join(ISF_RUN, '20240_vm_all_traces.csv'));
    expect(runs[0].spikeTimesFile).toBeUndefined();
    expect(runs[0].trials[2].presynapticCellsFile).toBe(join(ISF_RUN, 'simulation_run0002_presynaptic_cells.csv'));
  });
});
