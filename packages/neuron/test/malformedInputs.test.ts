import { describe, expect, it } from 'vitest';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { OccamError } from '@occam/core';
import { isfToDataset, readIsfPresynapticCells, readIsfSpikeTimes, readIsfSynapseActivations, readIsfTraceSpikes, resolveCellTypeSigns } from '@occam/neuron';
import { withTempDir } from './fixtures.js';

const HEADER = '# synapse type\tsynapse ID\tsoma distance\tsection ID\tsection pt ID\tdendrite label\tactivation times\n';
const GOOD = 'L4ss_C2\t3\t120.5\t4\t7\tApicalDendrite\t246.5,250.25,\n';

/** Expect an OccamError whose message names `file:line` and contains every fragment. */
async function rejects(promise: Promise<unknown>, file: string, line: number | undefined, ...fragments: string[]): Promise<void> {
  let error: unknown;
  try {
    await promise;
  } catch (e) {
    error = e;
  }
  expect(error).toBeInstanceOf(OccamError);
  const message = (error as Error).message;
  expect(message).toContain(line === undefined ? file : `${file}:${line}:`);
  for (const f of fragments) expect(message).toContain(f);
}

describe('malformed ISF synapse files are rejected with file and line', () => {
  const cases: [string, string, string[]][] = [
    ['missing column', 'L4ss_C2\t3\t120.5\t4\t7\tApicalDendrite\n', ['expected 7 tab-separated fields', 'found 6']],
    ['non-numeric time', 'L4ss_C2\t3\t120.5\t4\t7\tApicalDendrite\t246.5,abc,\n', ["'abc' is not a number", 'activation times']],
    ['negative distance', 'L4ss_C2\t3\t-0.5\t4\t7\tApicalDendrite\t246.5,\n', ['soma distance -0.5 is negative']],
    ['non-finite distance', 'L4ss_C2\t3\tnan\t4\t7\tApicalDendrite\t246.5,\n', ["soma distance 'nan' is not a finite number"]],
    ['implausible distance', 'L4ss_C2\t3\t120500\t4\t7\tApicalDendrite\t246.5,\n', ['beyond the plausible maximum of 5000 µm']],
    ['non-integer section', 'L4ss_C2\t3\t120.5\t4.5\t7\tApicalDendrite\t246.5,\n', ["section ID '4.5' is not a non-negative integer"]],
  ];
  for (const [name, bad, fragments] of cases) {
    it(name, () =>
      withTempDir(async (dir) => {
        const file = join(dir, 'simulation_run0000_synapses.csv');
        await writeFile(file, HEADER + GOOD + bad + GOOD);
        await rejects(readIsfSynapseActivations(file), file, 3, ...fragments);
      }),
    );
  }

  it('honours a configurable maximum distance', () =>
    withTempDir(async (dir) => {
      const file = join(dir, 'simulation_run0000_synapses.csv');
      await writeFile(file, HEADER + GOOD);
      await rejects(readIsfSynapseActivations(file, { maxSomaDistanceUm: 100 }), file, 2, 'maximum of 100 µm');
    }));

  it('accepts an active synapse with an empty time list and CRLF line ends', () =>
    withTempDir(async (dir) => {
      const file = join(dir, 'simulation_run0000_synapses.csv');
      await writeFile(file, (HEADER + GOOD + 'L1_C2\t0\t1300\t50\t1\tApicalDendrite\t\n').replace(/\n/g, '\r\n'));
      const rows = await readIsfSynapseActivations(file);
      expect(rows.map((r) => r.activationTimes)).toEqual([[246.5, 250.25], []]);
    }));

  it('names a missing file without a stack trace', async () => {
    await rejects(
      readIsfSynapseActivations('/nonexistent/simulation_run0000_synapses.csv'),
      '/nonexistent/simulation_run0000_synapses.csv',
      undefined,
      'no such file',
    );
  });
});

describe('other malformed ISF files', () => {
  it('presynaptic cells: a non-integer cell ID', () =>
    withTempDir(async (dir) => {
      const file = join(dir, 'simulation_run0000_presynaptic_cells.csv');
      await writeFile(file, '# presynaptic cell type\tcell ID\tspike times\nL1_B1\t0\t66.1,\nL1_B1\tx\t66.1,\n');
      await rejects(readIsfPresynapticCells(file), file, 3, "cell ID 'x'");
    }));

  it('spike times: non-numeric time, duplicate trial; an empty trial is fine', () =>
    withTempDir(async (dir) => {
      const file = join(dir, 'a_spike_times.csv');
      await writeFile(file, '# trial\tspike times\n0\t260.5,\n1\t\n2\t1e2,\n');
      const ok = await readIsfSpikeTimes(file);
      expect([...ok.trials.entries()]).toEqual([
        [0, [260.5]],
        [1, []],
        [2, [100]],
      ]);
      await writeFile(file, '# trial\tspike times\n0\t260.5,\n1\t26o.5,\n');
      await rejects(readIsfSpikeTimes(file), file, 3, "'26o.5' is not a number");
      await writeFile(file, '# trial\tspike times\n0\t260.5,\n0\t\n');
      await rejects(readIsfSpikeTimes(file), file, 3, 'trial 0 is listed twice');
    }));

  it('voltage traces: a short row, a non-numeric value, a bad header', () =>
    withTempDir(async (dir) => {
      const file = join(dir, 'x_vm_all_traces.csv');
      await writeFile(file, 't\tVm run 00\tVm run 01\n100.0\t-60\t-61\n100.025\t-60\n');
      await rejects(readIsfTraceSpikes(file), file, 3, 'expected 3 tab-separated values');
      await writeFile(file, 't\tVm run 00\tVm run 01\n100.0\t-60\t-61\n100.025\t-60\tfoo\n');
      await rejects(readIsfTraceSpikes(file), file, 3, "Vm run 01: 'foo' is not a number");
      await writeFile(file, 'time\tVm run 00\n100.0\t-60\n');
      await rejects(readIsfTraceSpikes(file), file, 1, 'expected t<TAB>Vm run 00');
    }));
});

describe('isfToDataset rejects inconsistent run directories', () => {
  async function runDir(dir: string, synapseLines: string[]): Promise<string> {
    const run = join(dir, 'run_0000');
    await mkdir(run, { recursive: true });
    for (let i = 0; i < synapseLines.length; i++) {
      await writeFile(join(run, `simulation_run000${i}_synapses.csv`), HEADER + synapseLines[i]);
    }
    return run;
  }

  it('a trial whose spike line is missing', () =>
    withTempDir(async (dir) => {
      const run = await runDir(dir, [GOOD, GOOD]);
      const spikes = join(run, 'x_spike_times.csv');
      await writeFile(spikes, '# trial\tspike times\n0\t260.5,\n');
      await rejects(isfToDataset({ root: dir, tEndMs: 345 }), spikes, 3, 'no line for trial 1', 'simulation_run0001_synapses.csv');
    }));

  it('a trial without a voltage column', () =>
    withTempDir(async (dir) => {
      const run = await runDir(dir, [GOOD, GOOD]);
      const traces = join(run, 'x_vm_all_traces.csv');
      await writeFile(traces, 't\tVm run 00\n100\t-60\n400\t-60\n');
      await rejects(isfToDataset({ root: dir }), traces, 1, "no column 'Vm run 01'", 'simulation_run0001_synapses.csv');
    }));

  it('spike data for a run that has no synapse file', () =>
    withTempDir(async (dir) => {
      const run = await runDir(dir, [GOOD]);
      const traces = join(run, 'x_vm_all_traces.csv');
      await writeFile(traces, 't\tVm run 00\tVm run 01\n100\t-60\t-60\n400\t-60\t-60\n');
      await rejects(isfToDataset({ root: dir }), traces, 1, "column 'Vm run 01' has no simulation_run0001_synapses.csv", 'a synapse file is missing');
    }));

  it('a run directory with no spike data at all, and spike files without a trial length', () =>
    withTempDir(async (dir) => {
      const run = await runDir(dir, [GOOD]);
      await rejects(isfToDataset({ root: dir }), run, undefined, 'no output spikes', '*_vm_all_traces.csv');
      await writeFile(join(run, 'x_spike_times.csv'), '# trial\tspike times\n0\t\n');
      await expect(isfToDataset({ root: dir })).rejects.toThrow(/cannot tell the trial length.*tEndMs/);
      const ds = await isfToDataset({ root: dir, tEndMs: 345 });
      expect(ds.manifest.nBins).toBe(195);
    }));

  it('an unknown cell type names file, line and type, and the override fixes it', () =>
    withTempDir(async (dir) => {
      const run = await runDir(dir, [GOOD + 'L7x_C2\t0\t300\t4\t7\tApicalDendrite\t250,\n']);
      await writeFile(join(run, 'x_spike_times.csv'), '# trial\tspike times\n0\t260.5,\n');
      const file = join(run, 'simulation_run0000_synapses.csv');
      await rejects(isfToDataset({ root: dir, tEndMs: 345 }), file, 3, "unknown presynaptic cell type 'L7x'", "synapse type 'L7x_C2'", 'cellTypes', '"L7x"');
      const ds = await isfToDataset({ root: dir, tEndMs: 345, cellTypes: { L7x: 'inhibitory' } });
      const atom = ds.manifest.atoms.findIndex((a) => a.id === 'I_300-350um');
      expect(ds.inputs[atom * ds.manifest.nBins + 100]).toBe(1); // 250 ms → bin 100
    }));

  it('an invalid cell-type mapping is a readable error', async () => {
    expect(() => resolveCellTypeSigns({ L7x: 'exitatory' })).toThrow(OccamError);
    await expect(isfToDataset({ root: '.', cellTypes: { L7x: 'exitatory' as 'excitatory' } })).rejects.toThrow(/cellTypes\.L7x/);
  });
});
