import { describe, expect, it } from 'vitest';
import { copyFile, mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { OccamError, type Dataset } from '@occam/core';
import { isfToDataset, numberIsfTrials, findIsfRunDirectories, readCellTypeMap, readIsfSynapseActivations, readIsfTraceSpikes } from '@occam/neuron';
import { HAVE_ISF_RUN, HAVE_ISF_SWC, ISF_RUN, ISF_SWC, withTempDir } from './fixtures.js';

// Inputs as users have them: files written the way ISF writes them (tab-separated, '#' header, each time
// followed by a comma), arranged the ways real data sets are (one global spike file, traces in some runs).

const SYN_HEADER = '# synapse type\tsynapse ID\tsoma distance\tsection ID\tsection pt ID\tdendrite label\tactivation times\n';
const SPIKE_HEADER = '# trial\tspike times\n';

/** Expect an OccamError whose message names `file[:line]` and contains every fragment. */
async function rejects(promise: Promise<unknown>, where: string, ...fragments: (string | RegExp)[]): Promise<string> {
  let error: unknown;
  try {
    await promise;
  } catch (e) {
    error = e;
  }
  expect(error).toBeInstanceOf(OccamError);
  const message = (error as Error).message;
  expect(message).toContain(where);
  for (const f of fragments) {
    if (typeof f === 'string') expect(message).toContain(f);
    else expect(message).toMatch(f);
  }
  return message;
}

/** Bins holding an output spike, per trial. */
function spikeBins(ds: Dataset): number[][] {
  const { nTrials, nBins } = ds.manifest;
  return Array.from({ length: nTrials }, (_, t) => {
    const bins: number[] = [];
    for (let b = 0; b < nBins; b++) if (ds.target[t * nBins + b]) bins.push(b);
    return bins;
  });
}

/** Total activations binned for one trial, over all atoms. */
function trialInputs(ds: Dataset, trial: number): number {
  const { nTrials, nBins, atoms } = ds.manifest;
  let sum = 0;
  for (let a = 0; a < atoms.length; a++) for (let b = 0; b < nBins; b++) sum += ds.inputs[(a * nTrials + trial) * nBins + b];
  return sum;
}

/** Two run folders: a (runs 0000, 0001) and b (runs 0000, 0002), one small synapse file per trial. */
async function twoFolders(dir: string): Promise<{ a: string; b: string }> {
  const a = join(dir, 'a');
  const b = join(dir, 'b');
  await mkdir(a, { recursive: true });
  await mkdir(b, { recursive: true });
  const line = (t: number) => `L4ss_C2\t3\t120.5\t4\t7\tApicalDendrite\t${t},\n`;
  await writeFile(join(a, 'simulation_run0000_synapses.csv'), SYN_HEADER + line(250.5));
  await writeFile(join(a, 'simulation_run0001_synapses.csv'), SYN_HEADER + line(251.5));
  await writeFile(join(b, 'simulation_run0000_synapses.csv'), SYN_HEADER + line(252.5));
  await writeFile(join(b, 'simulation_run0002_synapses.csv'), SYN_HEADER + line(253.5));
  return { a, b };
}

describe('--spikes: one spike-time file numbered by global trial', () => {
  it('numbers trials over sorted run folders, then by run index, with no gaps', () =>
    withTempDir(async (dir) => {
      await twoFolders(dir);
      const numbered = numberIsfTrials(await findIsfRunDirectories(dir));
      expect(numbered.map((t) => [t.global, t.directory.label, t.files.run])).toEqual([
        [0, 'a', 0],
        [1, 'a', 1],
        [2, 'b', 0],
        [3, 'b', 2],
      ]);
      // ISF's own writer, as the genuine files show: trial, tab, each time followed by a comma.
      const spikes = join(dir, 'spike_times.csv');
      await writeFile(spikes, SPIKE_HEADER + '2\t260.5,\n0\t255.25,270.5,\n3\t\n1\t290.0,\n');
      const ds = await isfToDataset({ root: dir, spikesFile: spikes, tEndMs: 345 });
      expect(ds.manifest.trialIds).toEqual(['a/run0000', 'a/run0001', 'b/run0000', 'b/run0002']);
      expect(spikeBins(ds)).toEqual([[105, 120], [140], [110], []]);
      expect(ds.manifest.metadata.spikeSources).toEqual({ traces: 0, runSpikeFile: 0, globalSpikeFile: 4 });
    }));

  it('names the file and line of an unknown trial, a 1-based numbering, a duplicate, and lists missing trials', () =>
    withTempDir(async (dir) => {
      await twoFolders(dir);
      const spikes = join(dir, 'spike_times.csv');
      await writeFile(spikes, SPIKE_HEADER + '0\t\n1\t\n2\t\n3\t\n4\t260,\n');
      await rejects(
        isfToDataset({ root: dir, spikesFile: spikes, tEndMs: 345 }),
        `${spikes}:6:`,
        'trial 4 is not a trial of the data',
        'numbered 0 … 3',
        'lists 5 trials',
      );
      await writeFile(spikes, SPIKE_HEADER + '1\t\n2\t\n3\t\n4\t260,\n');
      await rejects(isfToDataset({ root: dir, spikesFile: spikes, tEndMs: 345 }), `${spikes}:5:`, 'look 1-based');
      await writeFile(spikes, SPIKE_HEADER + '0\t\n1\t\n1\t\n2\t\n3\t\n');
      await rejects(isfToDataset({ root: dir, spikesFile: spikes, tEndMs: 345 }), `${spikes}:4:`, 'trial 1 is listed twice (first at line 3)');
      await writeFile(spikes, SPIKE_HEADER + '0\t\n2\t\n');
      await rejects(
        isfToDataset({ root: dir, spikesFile: spikes, tEndMs: 345 }),
        `${spikes}:4:`,
        'no lines for trials 1 (a/simulation_run0001_synapses.csv), 3 (b/simulation_run0002_synapses.csv)',
        'the file lists 2 trials',
      );
      await writeFile(spikes, '');
      await rejects(isfToDataset({ root: dir, spikesFile: spikes, tEndMs: 345 }), spikes, 'empty file (0 bytes)');
      await writeFile(spikes, SPIKE_HEADER + '0\t260.5;261\n');
      await rejects(isfToDataset({ root: dir, spikesFile: spikes, tEndMs: 345 }), `${spikes}:2:`, "'260.5;261' is not a number");
    }));

  it('without --spikes, a folder lacking spikes is named and a top-level spike file suggested', () =>
    withTempDir(async (dir) => {
      const { a } = await twoFolders(dir);
      await writeFile(join(a, '0000_spike_times.csv'), SPIKE_HEADER + '0\t\n1\t\n');
      await writeFile(join(dir, 'spike_times.csv'), SPIKE_HEADER + '0\t\n');
      await rejects(
        isfToDataset({ root: dir, tEndMs: 345 }),
        join(dir, 'b'),
        'no output spikes for 1 of 2 run directories',
        `pass --spikes ${join(dir, 'spike_times.csv')}`,
      );
    }));
});

describe.skipIf(!HAVE_ISF_RUN)('voltage traces in only some run folders (genuine ISF files)', () => {
  /** Folder `traced` = the genuine run folder with its traces; folder `untraced` = copies of two of its synapse files. */
  async function mixed(dir: string): Promise<string> {
    const traced = join(dir, 'sim', 'traced');
    const untraced = join(dir, 'sim', 'untraced');
    await mkdir(traced, { recursive: true });
    await mkdir(untraced, { recursive: true });
    for (let r = 0; r < 6; r++) await copyFile(join(ISF_RUN, `simulation_run000${r}_synapses.csv`), join(traced, `simulation_run000${r}_synapses.csv`));
    await copyFile(join(ISF_RUN, '20240_vm_all_traces.csv'), join(traced, '20240_vm_all_traces.csv'));
    await copyFile(join(ISF_RUN, 'simulation_run0000_synapses.csv'), join(untraced, 'simulation_run0000_synapses.csv'));
    await copyFile(join(ISF_RUN, 'simulation_run0001_synapses.csv'), join(untraced, 'simulation_run0001_synapses.csv'));
    return join(dir, 'sim');
  }

  it('auto: traces where present, the global file elsewhere; traces alone name the folders without them', () =>
    withTempDir(async (dir) => {
      const root = await mixed(dir);
      const spikes = join(dir, 'spike_times.csv');
      // Global numbers: traced/run0000 … run0005 = 0 … 5, untraced/run0000 = 6, untraced/run0001 = 7.
      await writeFile(spikes, SPIKE_HEADER + '6\t262.5,\n7\t\n');
      const ds = await isfToDataset({ root, spikesFile: spikes });
      expect(ds.manifest.nBins).toBe(195); // the trial length comes from the traces (345.025 ms)
      expect(spikeBins(ds)).toEqual([[109], [110], [110], [111, 192], [111, 144], [111], [112], []]);
      expect(ds.manifest.metadata.spikeSources).toEqual({ traces: 6, runSpikeFile: 0, globalSpikeFile: 2 });
      expect(ds.manifest.metadata.spikeSource).toBe('traces+globalSpikeFile');

      await rejects(isfToDataset({ root, spikeSource: 'traces' }), join(root, 'untraced'), 'no output spikes for 1 of 2', 'no *_vm_all_traces.csv');
      await rejects(isfToDataset({ root }), join(root, 'untraced'), 'no output spikes for 1 of 2', '--spikes FILE');
      // `file` reads every trial from the file, the traced folder's too: those lines must be there.
      await rejects(
        isfToDataset({ root, spikesFile: spikes, spikeSource: 'file' }),
        `${spikes}:4:`,
        'no lines for trials 0 (traced/simulation_run0000_synapses.csv)',
        '(6 in all)',
      );
    }));

  it('--spike-threshold moves the detection: at 20 mV the runs whose spikes peak lower have none', () =>
    withTempDir(async (dir) => {
      const root = await mixed(dir);
      const spikes = join(dir, 'spike_times.csv');
      await writeFile(spikes, SPIKE_HEADER + '6\t\n7\t\n');
      const peaks = await readIsfTraceSpikes(join(ISF_RUN, '20240_vm_all_traces.csv'), { thresholdMv: 20 });
      expect(peaks.spikeTimes.map((s) => s.length > 0)).toEqual([true, true, false, false, true, true]);
      const ds = await isfToDataset({ root, spikesFile: spikes, spikeThresholdMv: 20 });
      const bins = spikeBins(ds);
      expect(bins[2]).toEqual([]);
      expect(bins[3]).toEqual([]);
      expect(bins[0]).toEqual([109]);
      expect(ds.manifest.metadata.spikeThresholdMv).toBe(20);
      await expect(isfToDataset({ root, spikesFile: spikes, spikeThresholdMv: 5000 })).rejects.toThrow(/spikeThresholdMv/);
    }));
});

describe('cell-type maps', () => {
  it('reads JSON and TSV (BOM, CRLF, comments, header), with "*" as the default', () =>
    withTempDir(async (dir) => {
      const json = join(dir, 'types.json');
      await writeFile(json, '{ "L7x": "excitatory", "Martinotti": "Inhibitory", "*": "inhibitory" }');
      expect(await readCellTypeMap(json)).toEqual({ L7x: 'excitatory', Martinotti: 'inhibitory', '*': 'inhibitory' });
      const tsv = join(dir, 'types.tsv');
      await writeFile(tsv, '\uFEFFcell type\tsign\r\n# our own types\r\nL7x\texcitatory\r\nL5tt_C2\tinhibitory\r\n');
      expect(await readCellTypeMap(tsv)).toEqual({ L7x: 'excitatory', L5tt_C2: 'inhibitory' });
    }));

  it('rejects a bad sign, a conflict, a wrong shape and an empty file, naming file and line', () =>
    withTempDir(async (dir) => {
      const tsv = join(dir, 'types.tsv');
      await writeFile(tsv, 'L7x\texcitatory\nL8x\texitatory\n');
      await rejects(readCellTypeMap(tsv), `${tsv}:2:`, "sign 'exitatory'", 'expected excitatory or inhibitory');
      await writeFile(tsv, 'L7x\texcitatory\nL7x\tinhibitory\n');
      await rejects(readCellTypeMap(tsv), `${tsv}:2:`, 'excitatory at line 1');
      await writeFile(tsv, 'L7x\texcitatory\tfast\n');
      await rejects(readCellTypeMap(tsv), `${tsv}:1:`, 'expected 2 fields');
      await writeFile(tsv, '');
      await rejects(readCellTypeMap(tsv), tsv, 'empty file (0 bytes)');
      const json = join(dir, 'types.json');
      await writeFile(json, '["L7x"]');
      await rejects(readCellTypeMap(json), json, 'found an array');
      await writeFile(json, '{"L7x": "excitatory",}');
      await rejects(readCellTypeMap(json), json, 'not valid JSON');
      await writeFile(json, '{"L7x": 1}');
      await rejects(readCellTypeMap(json), json, 'L7x');
    }));

  it('lists every unknown type in the data, and "*" maps them', () =>
    withTempDir(async (dir) => {
      const run = join(dir, 'run');
      await mkdir(run);
      await writeFile(
        join(run, 'simulation_run0000_synapses.csv'),
        SYN_HEADER + 'L7x_C2\t0\t30\t1\t0\tDendrite\t250,251,\nL4ss_C2\t0\t30\t1\t0\tDendrite\t250,\n',
      );
      await writeFile(join(run, 'simulation_run0001_synapses.csv'), SYN_HEADER + 'Chandelier_D2\t0\t60\t1\t0\tDendrite\t252,\n');
      await writeFile(join(run, 'x_spike_times.csv'), SPIKE_HEADER + '0\t\n1\t\n');
      const first = join(run, 'simulation_run0000_synapses.csv');
      await rejects(
        isfToDataset({ root: dir, tEndMs: 345 }),
        `${join(run, 'simulation_run0001_synapses.csv')}:2:`,
        "unknown presynaptic cell types 'Chandelier' (synapse type 'Chandelier_D2'; 1 activation)",
        `'L7x' (synapse type 'L7x_C2'; 2 activations; first at ${first}:2)`,
        '--cell-types FILE',
      );
      const ds = await isfToDataset({ root: dir, tEndMs: 345, cellTypes: { '*': 'inhibitory', L7x: 'excitatory' } });
      const atom = (id: string) => ds.manifest.atoms.findIndex((a) => a.id === id);
      const at = (id: string, trial: number, bin: number) => ds.inputs[(atom(id) * 2 + trial) * 195 + bin];
      expect(at('E_0-50um', 0, 100)).toBe(2); // L7x and L4ss at 250 ms
      expect(at('I_50-100um', 1, 102)).toBe(1); // Chandelier → "*" → inhibitory
    }));
});

describe('--morphology: soma distances from an SWC, checked against the file', () => {
  // A soma (1, 2), a basal dendrite 3–4–5 along x with a branch at 5 into 6–7 and 8, 10 µm steps.
  const SWC = [
    '# a small typed morphology',
    '1 1 0 0 0 5 -1',
    '2 1 0 5 0 5 1',
    '3 3 10 0 0 1 1',
    '4 3 20 0 0 1 3',
    '5 3 30 0 0 1 4',
    '6 3 40 0 0 1 5',
    '7 3 70 0 0 1 6',
    '8 3 30 10 0 1 5',
  ].join('\n');

  it('takes distances from the SWC (section, point) within the tolerance; errors name both files', () =>
    withTempDir(async (dir) => {
      const swc = join(dir, 'cell.swc');
      await writeFile(swc, SWC + '\n');
      const run = join(dir, 'run');
      await mkdir(run);
      const syn = join(run, 'simulation_run0000_synapses.csv');
      // Section 1 = points 3, 4, 5 (distances 0, 10, 20), on the soma: pt 0 is its own first point. Sections 2
      // (6, 7: 30, 60 µm) and 3 (8: 30 µm) branch off point 5, so NEURON's pt 0 is point 5 (20 µm), pt 1 point 6 …
      await writeFile(syn, SYN_HEADER + 'L4ss_C2\t0\t19.7\t1\t2\tDendrite\t250,\nL4ss_C2\t1\t59.6\t2\t2\tDendrite\t251,\n');
      await writeFile(join(run, 'x_spike_times.csv'), SPIKE_HEADER + '0\t\n');
      const opts = { root: dir, tEndMs: 345, distanceBinUm: 20, maxDistanceUm: 100, morphology: swc };
      const ds = await isfToDataset(opts);
      const atom = (id: string) => ds.manifest.atoms.findIndex((a) => a.id === id);
      expect(ds.inputs[atom('E_20-40um') * 195 + 100]).toBe(1); // 19.7 in the file, 20 on the SWC
      expect(ds.inputs[atom('E_60-80um') * 195 + 101]).toBe(1); // 59.6 in the file, 60 on the SWC
      expect(ds.manifest.metadata.somaDistanceSource).toBe('morphology');

      // The file says 49.6 µm for section 2 point 2, the SWC 60: outside the default 1 µm tolerance.
      await writeFile(syn, SYN_HEADER + 'L4ss_C2\t0\t49.6\t2\t2\tDendrite\t250,\n');
      await rejects(isfToDataset(opts), `${syn}:2:`, 'soma distance 49.6 µm, the morphology 60.000 µm', `${swc}:8`, '--morphology-tolerance');
      expect((await isfToDataset({ ...opts, morphologyToleranceUm: 20 })).manifest.nTrials).toBe(1);
      await writeFile(syn, SYN_HEADER + 'L4ss_C2\t0\t20\t9\t0\tDendrite\t250,\n');
      await rejects(isfToDataset(opts), `${syn}:2:`, `the morphology ${swc} has no section 9 (sections 0 … 3)`);
      await writeFile(syn, SYN_HEADER + 'L4ss_C2\t0\t20\t3\t4\tDendrite\t250,\n');
      await rejects(isfToDataset(opts), `${syn}:2:`, `section 3 of the morphology (${swc}:9) has 2 points (0 … 1)`);
      await writeFile(syn, SYN_HEADER + 'L4ss_C2\t0\t20\t3\t0\tDendrite\t250,\nL4ss_C2\t0\t30\t3\t1\tDendrite\t250,\n');
      expect((await isfToDataset(opts)).manifest.metadata.synapseActivations).toMatchObject({ counted: 2 });
      // An SWC converted from .hoc repeats the branch point at the start of each child section: no point is added.
      const repeated = SWC.replace('6 3 40 0 0 1 5', '6 3 30 0 0 1 5\n9 3 40 0 0 1 6').replace('7 3 70 0 0 1 6', '7 3 70 0 0 1 9');
      await writeFile(swc, repeated + '\n');
      await writeFile(syn, SYN_HEADER + 'L4ss_C2\t0\t20\t2\t0\tDendrite\t250,\nL4ss_C2\t0\t30\t2\t1\tDendrite\t250,\nL4ss_C2\t0\t60\t2\t2\tDendrite\t250,\n');
      expect((await isfToDataset(opts)).manifest.metadata.synapseActivations).toMatchObject({ counted: 3 });
      await writeFile(swc, SWC + '\n');
      await writeFile(swc, SWC + '\n9 3 1 2 3 1 42\n');
      await rejects(isfToDataset(opts), `${swc}:10:`, 'parent 42 of point 9 is not in the file');
    }));

  it.skipIf(!HAVE_ISF_RUN || !HAVE_ISF_SWC)("refuses the genuine fixture's SWC, whose section numbering is not ISF's", () =>
    rejects(
      isfToDataset({ root: ISF_RUN, morphology: ISF_SWC }),
      `${join(ISF_RUN, 'simulation_run0000_synapses.csv')}:2:`,
      'section 50, point 80',
      ISF_SWC,
      "NEURON's import",
    ),
  );
});

describe('BOM, CRLF, empty files and times outside the trial', () => {
  it('a UTF-8 BOM and CRLF line ends do not hide the header of synapse, spike and trace files', () =>
    withTempDir(async (dir) => {
      const run = join(dir, 'run');
      await mkdir(run);
      const crlfBom = (s: string) => '\uFEFF' + s.replace(/\n/g, '\r\n');
      await writeFile(join(run, 'simulation_run0000_synapses.csv'), crlfBom(SYN_HEADER + 'L4ss_C2\t3\t120.5\t4\t7\tApicalDendrite\t250.5,\n'));
      await writeFile(join(run, '0000_vm_all_traces.csv'), crlfBom('t\tVm run 00\n100.0\t-70\n260.0\t-70\n260.5\t20\n345.025\t-70\n'));
      const ds = await isfToDataset({ root: dir });
      expect(spikeBins(ds)).toEqual([[110]]);
      expect(trialInputs(ds, 0)).toBe(1);
      const spikes = join(dir, 'spikes.csv');
      await writeFile(spikes, crlfBom(SPIKE_HEADER + '0\t261.5,\n'));
      expect(spikeBins(await isfToDataset({ root: dir, spikesFile: spikes, spikeSource: 'file', tEndMs: 345 }))).toEqual([[111]]);
      await writeFile(spikes, Buffer.from('\uFEFF' + SPIKE_HEADER + '0\t261.5,\n', 'utf16le'));
      await rejects(isfToDataset({ root: dir, spikesFile: spikes, spikeSource: 'file', tEndMs: 345 }), `${spikes}:1:`, 'UTF-16');
    }));

  it('a 0-byte synapse file is an error unless allowed (then warned about); a header-only file is a trial without input', () =>
    withTempDir(async (dir) => {
      const run = join(dir, 'run');
      await mkdir(run);
      const empty = join(run, 'simulation_run0001_synapses.csv');
      await writeFile(join(run, 'simulation_run0000_synapses.csv'), SYN_HEADER);
      await writeFile(empty, '');
      await writeFile(join(run, 'x_spike_times.csv'), SPIKE_HEADER + '0\t\n1\t\n');
      await rejects(isfToDataset({ root: dir, tEndMs: 345 }), empty, 'empty file (0 bytes)', '--allow-empty-trials');
      const warnings: string[] = [];
      const ds = await isfToDataset({ root: dir, tEndMs: 345, allowEmptyTrials: true, onWarning: (m) => warnings.push(m) });
      expect(warnings).toEqual([
        `1 of 2 synapse files is empty (0 bytes), e.g. ${empty}; its trial is kept as a trial without synaptic input (--allow-empty-trials)`,
      ]);
      expect([trialInputs(ds, 0), trialInputs(ds, 1)]).toEqual([0, 0]);
      expect(ds.manifest.metadata.emptySynapseFiles).toBe(1);
      // Header only: legitimate, no warning.
      await writeFile(empty, SYN_HEADER);
      const quiet: string[] = [];
      await isfToDataset({ root: dir, tEndMs: 345, onWarning: (m) => quiet.push(m) });
      expect(quiet).toEqual([]);
      expect(await readIsfSynapseActivations(empty)).toEqual([]);
    }));

  it('counts activations and spikes outside the simulated trial and warns once each, naming an example', () =>
    withTempDir(async (dir) => {
      const run = join(dir, 'run');
      await mkdir(run);
      const syn = join(run, 'simulation_run0000_synapses.csv');
      await writeFile(syn, SYN_HEADER + 'L4ss_C2\t3\t120.5\t4\t7\tApicalDendrite\t50,250,\nL4ss_C2\t4\t120.5\t4\t7\tApicalDendrite\t-5,250000,\n');
      const spikes = join(run, 'x_spike_times.csv');
      await writeFile(spikes, SPIKE_HEADER + '0\t260,1e9,\n');
      const warnings: string[] = [];
      const ds = await isfToDataset({ root: dir, tEndMs: 345, onWarning: (m) => warnings.push(m) });
      expect(warnings).toEqual([
        `2 synapse activations lie outside the simulated trial (before 0 ms or after its end at 345 ms) and are not in the dataset, e.g. ${syn}:3 (t = -5 ms); check the time units`,
        `1 output spike lies outside the simulated trial (before 0 ms or after its end at 345 ms) and is not in the dataset, e.g. ${spikes}:2 (t = 1000000000 ms); check the time units`,
      ]);
      const tally = ds.manifest.metadata.synapseActivations as { outsideTrial: number; outsideTimeRange: number; counted: number };
      expect(tally).toMatchObject({ outsideTrial: 2, outsideTimeRange: 3, counted: 1 });
      // The genuine data set has none: no warning on an ordinary run.
      if (HAVE_ISF_RUN) {
        const genuine: string[] = [];
        await isfToDataset({ root: ISF_RUN, onWarning: (m) => genuine.push(m) });
        expect(genuine).toEqual([]);
      }
      expect(await readFile(syn, 'utf8')).toContain('250000');
    }));
});
