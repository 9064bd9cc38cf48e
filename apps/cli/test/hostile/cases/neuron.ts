import { chmod, cp, mkdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import type { Fixtures, HostileCase } from '../case.js';

// The neuron adapter's inputs as users have them and as they break: ISF synapse, spike-time and trace files
// (malformed, BOM, CRLF, UTF-16, 0-byte, header-only), one global spike-time file, traces in some run folders,
// cell-type maps, SWC morphologies and the import options. Every failure names the file (and line) and the
// problem; the legitimate variations succeed.

const SYN_HEADER = '# synapse type\tsynapse ID\tsoma distance\tsection ID\tsection pt ID\tdendrite label\tactivation times\n';
const SYN_LINE = 'L4ss_C2\t3\t120.5\t4\t7\tApicalDendrite\t246.5,250.25,\n';
const SPIKE_HEADER = '# trial\tspike times\n';

const SYN_A = 'isf/run_a/simulation_run0000_synapses.csv';
const SYN_B = 'isf/run_b/simulation_run0000_synapses.csv';
const SPK_A = 'isf/run_a/simulation_run0000_spike_times.csv';
const SPK_B = 'isf/run_b/simulation_run0000_spike_times.csv';

/** `occam neuron import` on the private copy `isf`, with the trial end the spike-time files cannot tell. */
const importArgs = (...extra: string[]) => ['neuron', 'import', '--isf', 'isf', '--out', 'ds', '--t-end', '345', ...extra];

/** Escape a path for a RegExp. */
const re = (path: string, suffix = '') => new RegExp(path.replace(/[.*+?^${}()|[\]\\]/g, '\\$&') + suffix);

/** The fixture's two run folders (run_a, run_b: one trial each, per-folder spike-time files), copied to `dir/isf`. */
async function isf(dir: string, fx: Fixtures): Promise<void> {
  await cp(fx.isf, join(dir, 'isf'), { recursive: true, dereference: true });
}

/** A case on a copy of the fixture, changed by `edit`, imported with `extra` options. */
function isfCase(name: string, edit: (dir: string) => Promise<void>, expect: HostileCase['expect'], extra: string[] = [], untouched?: string[]): HostileCase {
  return {
    name: `neuron/${name}`,
    setup: async (dir, fx) => {
      await isf(dir, fx);
      await edit(dir);
      return importArgs(...extra);
    },
    expect,
    ...(untouched ? { untouched } : {}),
  };
}

const write = (path: string, content: string | Uint8Array) => (dir: string) => writeFile(join(dir, path), content);
const fails = (...stderr: RegExp[]): HostileCase['expect'] => ({ exit: 1, stderr });
const usage = (...stderr: RegExp[]): HostileCase['expect'] => ({ exit: 2, stderr });
const wrote = (...stderr: RegExp[]): HostileCase['expect'] => ({ exit: 0, stdout: [/wrote ds: 2 trials/], stderr });
/** Stderr must hold no warning at all (a warning on an ordinary run would mean nothing). */
const NO_WARNING = /^(?![\s\S]*warning)/;

/** A synapse file of the fixture with `line` inserted as line 3, between two good lines. */
const badSynapseLine = (name: string, line: string, ...stderr: RegExp[]) =>
  isfCase(`synapses/${name}`, write(SYN_A, SYN_HEADER + SYN_LINE + line + SYN_LINE), fails(re(SYN_A, ':3:'), ...stderr));

/** A morphology whose section 1 is points 3, 4, 5 at 0, 10, 20 µm from the soma (ISF's convention). */
const SWC =
  ['# soma 1-2, basal dendrite 3-4-5 along x', '1 1 0 0 0 5 -1', '2 1 0 5 0 5 1', '3 3 10 0 0 1 1', '4 3 20 0 0 1 3', '5 3 30 0 0 1 4'].join('\n') + '\n';
/** Synapse files that place their synapses on that morphology: section 1 points 1 and 2. */
async function onMorphology(dir: string): Promise<void> {
  await writeFile(join(dir, SYN_A), SYN_HEADER + 'L4ss_C2\t0\t10.2\t1\t1\tDendrite\t250,\n');
  await writeFile(join(dir, SYN_B), SYN_HEADER + 'L1_C2\t0\t19.8\t1\t2\tDendrite\t251,\n');
}
const swcCase = (name: string, swc: string, ...stderr: RegExp[]) =>
  isfCase(
    `swc/${name}`,
    async (dir) => {
      await onMorphology(dir);
      await writeFile(join(dir, 'cell.swc'), swc);
    },
    fails(...stderr),
    ['--morphology', 'cell.swc'],
  );

const cellTypesCase = (name: string, file: string, content: string | Uint8Array, expect: HostileCase['expect']) =>
  isfCase(`cell-types/${name}`, write(file, content), expect, ['--cell-types', file]);

/** A global spike-time file `spikes.csv` (run_a/run0000 = trial 0, run_b/run0000 = trial 1) in place of the per-folder ones. */
const globalSpikes = (name: string, content: string | Uint8Array, expect: HostileCase['expect'], extra: string[] = []) =>
  isfCase(
    `spikes-file/${name}`,
    async (dir) => {
      await rm(join(dir, SPK_A));
      await rm(join(dir, SPK_B));
      await writeFile(join(dir, 'spikes.csv'), content);
    },
    expect,
    ['--spikes', 'spikes.csv', ...extra],
    ['spikes.csv'],
  );

/** run_a gets a voltage-trace file with `content` (its spike-time file removed). */
const traces = (content: string) => async (dir: string) => {
  await rm(join(dir, SPK_A));
  await writeFile(join(dir, 'isf/run_a/0000_vm_all_traces.csv'), content);
};
const TRACES_A = 'isf/run_a/0000_vm_all_traces.csv';
const GOOD_TRACE = 't\tVm run 00\n100.0\t-70\n255.0\t-70\n255.5\t20\n256.0\t-70\n345.025\t-70\n';

export const cases: HostileCase[] = [
  // ISF synapse-activation files: one bad line, named by file and line.
  badSynapseLine('missing-column', 'L4ss_C2\t3\t120.5\t4\t7\tApicalDendrite\n', /expected 7 tab-separated fields/, /found 6/),
  badSynapseLine('extra-column', 'L4ss_C2\t3\t120.5\t4\t7\tApicalDendrite\t250,\tfast\n', /expected 7 tab-separated fields/, /found 8/),
  badSynapseLine('non-numeric-time', 'L4ss_C2\t3\t120.5\t4\t7\tApicalDendrite\t246.5,abc,\n', /activation times: 'abc' is not a number/),
  badSynapseLine('negative-distance', 'L4ss_C2\t3\t-0.5\t4\t7\tApicalDendrite\t246.5,\n', /soma distance -0.5 is negative/),
  badSynapseLine('nan-distance', 'L4ss_C2\t3\tnan\t4\t7\tApicalDendrite\t246.5,\n', /soma distance 'nan' is not a finite number/),
  badSynapseLine('distance-in-nm', 'L4ss_C2\t3\t120500\t4\t7\tApicalDendrite\t246.5,\n', /beyond the plausible maximum of 5000 µm/, /units/),
  badSynapseLine('fractional-section', 'L4ss_C2\t3\t120.5\t4.5\t7\tApicalDendrite\t246.5,\n', /section ID '4.5' is not a non-negative integer/),
  badSynapseLine('synapse-id-text', 'L4ss_C2\tthree\t120.5\t4\t7\tApicalDendrite\t246.5,\n', /synapse ID 'three' is not a non-negative integer/),
  badSynapseLine('empty-type', '\t3\t120.5\t4\t7\tApicalDendrite\t246.5,\n', /synapse type is empty/),
  badSynapseLine('empty-label', 'L4ss_C2\t3\t120.5\t4\t7\t\t246.5,\n', /dendrite label is empty/),
  badSynapseLine('hex-time', 'L4ss_C2\t3\t120.5\t4\t7\tApicalDendrite\t0x1f,\n', /'0x1f' is not a number/),
  isfCase(
    'synapses/comma-separated',
    write(SYN_A, SYN_HEADER + SYN_LINE.replace(/\t/g, ',')),
    fails(re(SYN_A, ':2:'), /expected 7 tab-separated fields/, /found 1/),
  ),
  isfCase('synapses/binary-garbage', write(SYN_A, gzipSync(Buffer.from(SYN_HEADER + SYN_LINE))), fails(re(SYN_A, ':1:'))),
  isfCase('synapses/utf16', write(SYN_A, Buffer.from('\uFEFF' + SYN_HEADER + SYN_LINE, 'utf16le')), fails(re(SYN_A, ':1:'), /UTF-16/, /UTF-8/)),
  isfCase('synapses/zero-bytes', write(SYN_A, ''), fails(re(SYN_A), /empty file \(0 bytes\)/, /--allow-empty-trials/), [], [SYN_B]),
  isfCase('synapses/blank-lines-only', write(SYN_A, '\n\n  \n'), fails(re(SYN_A), /empty file \(blank lines only\)/)),
  isfCase('synapses/zero-bytes-allowed', write(SYN_A, ''), wrote(/warning: 1 of 2 synapse files is empty \(0 bytes\)/, re(SYN_A), /without synaptic input/), [
    '--allow-empty-trials',
  ]),
  isfCase('synapses/header-only', write(SYN_A, SYN_HEADER), wrote(NO_WARNING)),
  isfCase('synapses/bom', write(SYN_A, '\uFEFF' + SYN_HEADER + SYN_LINE), wrote(NO_WARNING), [], [SYN_A]),
  isfCase('synapses/bom-crlf', write(SYN_A, ('\uFEFF' + SYN_HEADER + SYN_LINE).replace(/\n/g, '\r\n')), wrote(NO_WARNING)),
  isfCase(
    'synapses/times-far-outside-trial',
    write(SYN_A, SYN_HEADER + SYN_LINE + 'L4ss_C2\t4\t120.5\t4\t7\tApicalDendrite\t250000,-3,\n'),
    wrote(/warning: 2 synapse activations lie outside the simulated trial/, re(SYN_A, ':3'), /t = 250000 ms/),
  ),
  isfCase(
    'synapses/unknown-cell-types',
    async (dir) => {
      await writeFile(join(dir, SYN_A), SYN_HEADER + SYN_LINE + 'L7x_C2\t0\t300\t4\t7\tApicalDendrite\t250,\n');
      await writeFile(join(dir, SYN_B), SYN_HEADER + 'Chandelier_D2\t0\t30\t1\t0\tDendrite\t252,\n');
    },
    fails(/unknown presynaptic cell types 'Chandelier'/, /'L7x' \(synapse type 'L7x_C2'/, re(SYN_B, ':2:'), re(SYN_A, ':3'), /--cell-types FILE/),
  ),
  isfCase(
    'synapses/two-files-one-run',
    write('isf/run_a/simulation_run00000_synapses.csv', SYN_HEADER + SYN_LINE),
    fails(/isf\/run_a: two synapse files for run 0/),
  ),

  // Per-folder ISF spike-time files.
  isfCase('spike-times/missing-trial', write(SPK_A, SPIKE_HEADER), fails(re(SPK_A, ':2:'), /no line for trial 0/, /simulation_run0000_synapses\.csv/)),
  isfCase(
    'spike-times/orphan-trial',
    write(SPK_A, SPIKE_HEADER + '0\t255.5,\n1\t260,\n'),
    fails(re(SPK_A, ':3:'), /trial 1 has spike times but no simulation_run0001_synapses\.csv/),
  ),
  isfCase('spike-times/non-numeric', write(SPK_A, SPIKE_HEADER + '0\t255.5,2x6,\n'), fails(re(SPK_A, ':2:'), /spike times: '2x6' is not a number/)),
  isfCase(
    'spike-times/duplicate-trial',
    write(SPK_A, SPIKE_HEADER + '0\t255.5,\n0\t\n'),
    fails(re(SPK_A, ':3:'), /trial 0 is listed twice \(first at line 2\)/),
  ),
  isfCase('spike-times/three-fields', write(SPK_A, SPIKE_HEADER + '0\t255.5,\t1\n'), fails(re(SPK_A, ':2:'), /expected 2 tab-separated fields/)),
  isfCase('spike-times/zero-bytes', write(SPK_A, ''), fails(re(SPK_A), /empty file \(0 bytes\)/, /# trial<TAB>spike times/)),
  isfCase('spike-times/negative-trial', write(SPK_A, SPIKE_HEADER + '-1\t255.5,\n'), fails(re(SPK_A, ':2:'), /trial '-1' is not a non-negative integer/)),
  isfCase('spike-times/bom-crlf', write(SPK_A, ('\uFEFF' + SPIKE_HEADER + '0\t255.5,\n').replace(/\n/g, '\r\n')), wrote(NO_WARNING)),
  isfCase(
    'spike-times/spike-far-outside-trial',
    write(SPK_A, SPIKE_HEADER + '0\t255.5,1e9,\n'),
    wrote(/warning: 1 output spike lies outside the simulated trial/, re(SPK_A, ':2'), /t = 1000000000 ms/),
  ),

  // One global spike-time file (--spikes), numbered by global trial: run_a/run0000 = 0, run_b/run0000 = 1.
  globalSpikes('ok', SPIKE_HEADER + '1\t260.5,\n0\t\n', wrote(NO_WARNING)),
  globalSpikes('bom-crlf', ('\uFEFF' + SPIKE_HEADER + '0\t255.5,\n1\t\n').replace(/\n/g, '\r\n'), wrote(NO_WARNING)),
  globalSpikes(
    'unknown-trial',
    SPIKE_HEADER + '0\t\n1\t\n2\t260,\n',
    fails(/spikes\.csv:4:/, /trial 2 is not a trial of the data/, /numbered 0 … 1/, /lists 3 trials/),
  ),
  globalSpikes('one-based', SPIKE_HEADER + '1\t\n2\t260,\n', fails(/spikes\.csv:3:/, /look 1-based/)),
  globalSpikes(
    'missing-trial',
    SPIKE_HEADER + '0\t255.5,\n',
    fails(/spikes\.csv:3:/, /no line for trial 1 \(run_b\/simulation_run0000_synapses\.csv\)/, /the file lists 1 trial/),
  ),
  globalSpikes('duplicate-trial', SPIKE_HEADER + '0\t\n1\t\n0\t255,\n', fails(/spikes\.csv:4:/, /trial 0 is listed twice/)),
  globalSpikes('zero-bytes', '', fails(/spikes\.csv/, /empty file \(0 bytes\)/)),
  globalSpikes('semicolons', SPIKE_HEADER + '0\t255.5;260\n1\t\n', fails(/spikes\.csv:2:/, /'255\.5;260' is not a number/)),
  globalSpikes('synapse-file-given', SYN_HEADER + SYN_LINE, fails(/spikes\.csv:2:/, /expected 2 tab-separated fields/)),
  globalSpikes('with-traces-only-source', SPIKE_HEADER + '0\t\n1\t\n', usage(/--spikes/, /--spike-source traces/), ['--spike-source', 'traces']),
  isfCase('spikes-file/missing', async () => {}, fails(/nope\.csv: no such file or directory/), ['--spikes', 'nope.csv']),
  isfCase('spikes-file/directory', async (dir) => mkdir(join(dir, 'spikes.csv')), fails(/spikes\.csv: is a directory/), ['--spikes', 'spikes.csv']),
  isfCase(
    'spikes-file/none-and-no-source',
    async (dir) => {
      await rm(join(dir, SPK_B));
      await writeFile(join(dir, 'isf/spike_times.csv'), SPIKE_HEADER + '0\t\n1\t\n');
    },
    fails(/isf\/run_b: no output spikes for 1 of 2 run directories/, /pass --spikes isf\/spike_times\.csv/),
  ),

  // Voltage traces in some run folders.
  isfCase(
    'traces/in-one-folder-with-global-file',
    async (dir) => {
      await traces(GOOD_TRACE)(dir);
      await rm(join(dir, SPK_B));
      await writeFile(join(dir, 'spikes.csv'), SPIKE_HEADER + '1\t262,\n');
    },
    wrote(NO_WARNING),
    ['--spikes', 'spikes.csv'],
  ),
  isfCase('traces/only-traces-but-folder-without', traces(GOOD_TRACE), fails(/isf\/run_b: no output spikes for 1 of 2/, /no \*_vm_all_traces\.csv/), [
    '--spike-source',
    'traces',
  ]),
  isfCase('traces/short-row', traces('t\tVm run 00\n100.0\t-70\n100.025\n'), fails(re(TRACES_A, ':3:'), /expected 2 tab-separated values/)),
  isfCase('traces/bad-header', traces('time\tVm run 00\n100.0\t-70\n'), fails(re(TRACES_A, ':1:'), /expected t<TAB>Vm run 00/)),
  isfCase('traces/bom-header', traces('\uFEFF' + GOOD_TRACE.replace(/\n/g, '\r\n')), wrote(NO_WARNING)),
  isfCase('traces/wrong-run-column', traces('t\tVm run 01\n100.0\t-70\n345.025\t-70\n'), fails(re(TRACES_A, ':1:'), /no column 'Vm run 00'/)),
  isfCase('traces/time-goes-back', traces('t\tVm run 00\n100.0\t-70\n100.025\t-70\n100.0\t-70\n'), fails(re(TRACES_A, ':4:'), /does not increase/)),
  isfCase('traces/voltage-text', traces('t\tVm run 00\n100.0\t-70\n100.025\tNaN\n'), fails(re(TRACES_A, ':3:'), /Vm run 00: 'NaN' is not a number/)),
  isfCase(
    'traces/end-before-t-end',
    traces('t\tVm run 00\n100.0\t-70\n300.0\t-70\n'),
    fails(re(TRACES_A), /the traces end at 300 ms, before the dataset's end at 345 ms/),
  ),
  isfCase('traces/header-only', traces('t\tVm run 00\n'), fails(re(TRACES_A), /no samples/)),

  // Cell-type maps.
  cellTypesCase('bad-sign', 'types.tsv', 'L7x\texcitatory\nL8x\texitatory\n', fails(/types\.tsv:2:/, /sign 'exitatory'/, /expected excitatory or inhibitory/)),
  cellTypesCase('conflict', 'types.tsv', 'L7x\texcitatory\nL7x\tinhibitory\n', fails(/types\.tsv:2:/, /excitatory at line 1/)),
  cellTypesCase('three-fields', 'types.tsv', 'L7x\texcitatory\tfast\n', fails(/types\.tsv:1:/, /expected 2 fields/)),
  cellTypesCase('json-trailing-comma', 'types.json', '{"L7x": "excitatory",}', fails(/types\.json/, /not valid JSON/)),
  cellTypesCase('json-array', 'types.json', '["L7x", "excitatory"]', fails(/types\.json/, /found an array/)),
  cellTypesCase('json-number', 'types.json', '{"L7x": 1}', fails(/types\.json/, /L7x/)),
  cellTypesCase('zero-bytes', 'types.tsv', '', fails(/types\.tsv/, /empty file \(0 bytes\)/)),
  cellTypesCase('too-large', 'types.tsv', 'L7x\texcitatory\n'.repeat(80_000), fails(/types\.tsv/, /too large for a cell-type map/)),
  isfCase('cell-types/missing', async () => {}, fails(/types\.json: no such file or directory/), ['--cell-types', 'types.json']),
  isfCase(
    'cell-types/default-maps-unknown',
    async (dir) => {
      await writeFile(join(dir, SYN_A), SYN_HEADER + SYN_LINE + 'L7x_C2\t0\t300\t4\t7\tApicalDendrite\t250,\n');
      await writeFile(join(dir, 'types.tsv'), '\uFEFFtype\tsign\r\n*\tinhibitory\r\n');
    },
    wrote(NO_WARNING),
    ['--cell-types', 'types.tsv'],
  ),

  // SWC morphologies (--morphology).
  swcCase('missing-column', SWC + '6 3 40 0 0 1\n', /cell\.swc:7:/, /expected 7 whitespace-separated fields/),
  swcCase('text-coordinate', SWC + '6 3 40 zero 0 1 5\n', /cell\.swc:7:/, /y 'zero' is not a finite number/),
  swcCase('unknown-parent', SWC + '6 3 40 0 0 1 42\n', /cell\.swc:7:/, /parent 42 of point 6 is not in the file/),
  swcCase('duplicate-id', SWC + '5 3 40 0 0 1 4\n', /cell\.swc:7:/, /point id 5 appears twice/),
  swcCase('cycle', SWC + '6 3 40 0 0 1 7\n7 3 50 0 0 1 6\n', /cell\.swc:7:/, /cycle/),
  swcCase('zero-bytes', '', /cell\.swc/, /no points/),
  isfCase(
    'swc/section-numbering-mismatch',
    async (dir) => {
      await writeFile(join(dir, 'cell.swc'), SWC);
    },
    fails(re(SYN_A, ':2:'), /section 4, point 7/, /the morphology cell\.swc has no section 4/, /--morphology/),
    ['--morphology', 'cell.swc'],
  ),
  isfCase(
    'swc/distance-disagrees',
    async (dir) => {
      await onMorphology(dir);
      await writeFile(join(dir, SYN_A), SYN_HEADER + 'L4ss_C2\t0\t15\t1\t1\tDendrite\t250,\n');
      await writeFile(join(dir, 'cell.swc'), SWC);
    },
    fails(re(SYN_A, ':2:'), /soma distance 15 µm, the morphology 10\.000 µm/, /cell\.swc:5/, /--morphology-tolerance/),
    ['--morphology', 'cell.swc'],
  ),
  isfCase(
    'swc/consistent',
    async (dir) => {
      await onMorphology(dir);
      await writeFile(join(dir, 'cell.swc'), SWC);
    },
    wrote(NO_WARNING),
    ['--morphology', 'cell.swc'],
    ['cell.swc'],
  ),
  isfCase('swc/missing', async () => {}, fails(/cell\.swc: no such file or directory/), ['--morphology', 'cell.swc']),

  // Options out of range or contradictory: usage errors naming the option, before any file is read.
  isfCase('options/threshold-out-of-range', async () => {}, usage(/--spike-threshold must be ≥ -200 and ≤ 200 mV, got 500/), ['--spike-threshold', '500']),
  isfCase('options/threshold-not-a-number', async () => {}, usage(/--spike-threshold must be a number \(mV\), got 'zero'/), ['--spike-threshold', 'zero']),
  isfCase('options/spike-source-unknown', async () => {}, usage(/--spike-source must be auto, traces or file, got 'voltage'/), ['--spike-source', 'voltage']),
  isfCase('options/threshold-with-file-source', async () => {}, usage(/--spike-threshold applies to voltage traces/), [
    '--spike-source',
    'file',
    '--spike-threshold',
    '10',
  ]),
  isfCase('options/tolerance-without-morphology', async () => {}, usage(/--morphology-tolerance needs --morphology/), ['--morphology-tolerance', '2']),
  isfCase('options/tolerance-negative', async () => {}, usage(/--morphology-tolerance must be ≥ 0 µm/), ['--morphology', 'x.swc', '--morphology-tolerance=-1']),
  isfCase('options/refractory-negative', async () => {}, usage(/--refractory-exclusion must be ≥ 0 ms/), ['--refractory-exclusion=-5']),
  isfCase('options/window-reversed', async () => {}, usage(/--window FROM,TO must have FROM < TO, got '300,245'/), ['--window', '300,245']),
  isfCase('options/t-end-before-t-start', async () => {}, usage(/--t-end must be > 200 ms, got 150/), ['--t-start', '200', '--t-end', '150']),
  {
    name: 'neuron/options/t-start-after-traces',
    setup: async (dir, fx) => {
      await isf(dir, fx);
      await traces(GOOD_TRACE)(dir);
      await rm(join(dir, SPK_B));
      await writeFile(join(dir, 'isf/run_b/0000_vm_all_traces.csv'), GOOD_TRACE);
      return ['neuron', 'import', '--isf', 'isf', '--out', 'ds', '--t-start', '400'];
    },
    expect: fails(/no time bins: tStartMs \(--t-start\) 400 ms is not before the end of the data \(345 ms\)/),
  },
  isfCase('options/threshold-without-traces', async () => {}, wrote(/warning: --spike-threshold had no effect/), ['--spike-threshold', '10']),

  // The ISF root itself.
  {
    name: 'neuron/root/missing',
    setup: async () => ['neuron', 'import', '--isf', 'nothing-here', '--out', 'ds', '--t-end', '345'],
    expect: fails(/nothing-here: no such file or directory/),
  },
  {
    name: 'neuron/root/is-a-file',
    setup: async (dir) => {
      await writeFile(join(dir, 'sim.csv'), SYN_HEADER);
      return ['neuron', 'import', '--isf', 'sim.csv', '--out', 'ds', '--t-end', '345'];
    },
    expect: fails(/sim\.csv: not a directory/),
  },
  {
    name: 'neuron/root/no-run-folders',
    setup: async (dir) => {
      await mkdir(join(dir, 'sim', 'empty'), { recursive: true });
      await writeFile(join(dir, 'sim', 'empty', 'notes.txt'), 'nothing yet\n');
      return ['neuron', 'import', '--isf', 'sim', '--out', 'ds', '--t-end', '345'];
    },
    expect: fails(/sim: no ISF run directories found/),
  },
  {
    name: 'neuron/root/unreadable-synapse-file',
    setup: async (dir, fx) => {
      await isf(dir, fx);
      await chmod(join(dir, SYN_A), 0o000);
      return importArgs();
    },
    // Root reads every file: then the import succeeds, which is right; otherwise the file is named.
    expect: process.getuid?.() === 0 ? wrote() : fails(re(SYN_A), /permission denied/),
  },
];
