import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { InterventionResultSchema } from '@occam/core';
import { runCli } from '../../../apps/cli/test/runCli.js';

// End to end on the real tools: tools/neuron-sim reruns a few trials under interventions (NEURON from Debian),
// occam neuron import reads every folder, occam intervene predicts the changes with the bundled v1 reduced model
// and sets them beside the simulated ones. Skipped where /usr/bin/python3 has no NEURON.
const python = '/usr/bin/python3';
const hasNeuron = spawnSync(python, ['-c', 'import neuron'], { stdio: 'ignore' }).status === 0;
const root = fileURLToPath(new URL('../../..', import.meta.url));
const simulate = join(root, 'tools/neuron-sim/simulate.py');
const model = join(root, 'results/models/v1-C2.model.json');

const list = {
  system: 'neuron',
  interventions: [
    { name: 'no inhibition', silence: { type: ['inhibitory'] } },
    { name: 'excitation 3 ms later', shift: { select: { type: ['excitatory'] }, bins: 3 } },
    { name: 'inhibition halved', scale: { select: { type: ['inhibitory'] }, factor: 0.5 } },
  ],
};
const folders: Record<string, string> = {
  'no inhibition': 'C2_no-inhibition',
  'excitation 3 ms later': 'C2_excitation-3-ms-later',
  'inhibition halved': 'C2_inhibition-halved',
};

/** synapse type<TAB>ID → activation times, from an ISF synapses file. */
async function synapses(file: string): Promise<Map<string, number[]>> {
  const out = new Map<string, number[]>();
  for (const line of (await readFile(file, 'utf8')).split('\n').slice(1)) {
    if (!line) continue;
    const f = line.split('\t');
    out.set(`${f[0]}\t${f[1]}`, f[6].split(',').filter(Boolean).map(Number));
  }
  return out;
}

describe.skipIf(!hasNeuron)('tools/neuron-sim --interventions → occam neuron import → occam intervene', () => {
  it('reruns the same trials under each intervention and reports predicted vs simulated changes', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'occam-neuron-intervene-'));
    const listFile = join(dir, 'interventions.json');
    await writeFile(listFile, JSON.stringify(list));
    const sim = join(dir, 'sim');
    execFileSync(
      python,
      [
        simulate,
        '--variant',
        'v1',
        '--condition',
        'C2',
        '--trials',
        '6',
        '--chunk-size',
        '3',
        '--tstop',
        '300',
        '--jobs',
        '1',
        '--no-traces',
        '--interventions',
        listFile,
        '--out',
        sim,
      ],
      { cwd: root, stdio: 'pipe', timeout: 600_000 },
    );
    // The files say what was done: inhibitory synapses gone, excitatory ones untouched; excitation 3 ms later;
    // halved conductances leave the activation times as they were.
    const base = await synapses(join(sim, 'v1/C2/run_0000/simulation_run0001_synapses.csv'));
    const noInh = await synapses(join(sim, 'v1/C2_no-inhibition/run_0000/simulation_run0001_synapses.csv'));
    const later = await synapses(join(sim, 'v1/C2_excitation-3-ms-later/run_0000/simulation_run0001_synapses.csv'));
    const halved = await synapses(join(sim, 'v1/C2_inhibition-halved/run_0000/simulation_run0001_synapses.csv'));
    const inhibitory = (key: string) => /^(SymLocal\d|L45Sym|L45Peak|L1|L23Trans|L56Trans)_/.test(key);
    expect([...noInh.keys()].some(inhibitory)).toBe(false);
    expect(new Map([...base].filter(([k]) => !inhibitory(k)))).toEqual(noInh);
    expect(halved).toEqual(base);
    let shifted = 0;
    for (const [k, ts] of base) {
      if (inhibitory(k)) expect(later.get(k)).toEqual(ts);
      else {
        const moved = ts.map((t) => Math.round((t + 3) * 1e4) / 1e4).filter((t) => t < 300);
        if (moved.length) expect(later.get(k)).toEqual(moved);
        shifted += moved.length;
      }
    }
    expect(shifted).toBeGreaterThan(100);
    const manifest = JSON.parse(await readFile(join(sim, 'v1/C2_no-inhibition/manifest.json'), 'utf8'));
    expect(manifest.intervention).toEqual(list.interventions[0]);

    const data = join(dir, 'ds-C2');
    const imported = await runCli(['neuron', 'import', '--isf', join(sim, 'v1/C2'), '--t-end', '300', '--out', data]);
    expect(imported.code, imported.stderr).toBe(0);
    const args = ['intervene', '--model', model, '--data', data, '--interventions', listFile, '--samples', '5', '--resamples', '200'];
    for (const [name, folder] of Object.entries(folders)) {
      const out = join(dir, `ds-${folder}`);
      const r = await runCli(['neuron', 'import', '--isf', join(sim, 'v1', folder), '--t-end', '300', '--out', out]);
      expect(r.code, r.stderr).toBe(0);
      args.push('--simulated', `${name}=${out}`);
    }
    const resultFile = join(dir, 'intervene.json');
    const r = await runCli([...args, '--out', resultFile]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/no inhibition: predicted change/);
    const result = InterventionResultSchema.parse(JSON.parse(await readFile(resultFile, 'utf8')));
    expect(result.measure).toMatchObject({ trials: 6, pairedBy: 'trialIds' });
    for (const i of result.interventions) expect(i.simulated!.untouchedInputMismatches).toBe(0);
    // Removing all inhibition raises the response in the cell and in the reduced model.
    const noInhibition = result.interventions[0];
    expect(noInhibition.simulated!.change.estimate!).toBeGreaterThan(0);
    expect(noInhibition.predicted.change.estimate!).toBeGreaterThan(0);
    expect(result.acrossInterventions.count).toBe(3);
    expect(result.acrossInterventions.correlation).not.toBeNull();
  }, 600_000);
});
