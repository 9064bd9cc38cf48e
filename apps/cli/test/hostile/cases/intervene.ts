import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { createDataset, readDataset, writeDataset } from '@occam/core';
import type { HostileCase } from '../case.js';

// occam intervene's inputs: the intervention list (strict, like a spec), the --simulated pairs, and a rerun that
// is not the same trials. Each must fail before any forward run, naming the file or option and the problem.

const good = { system: 'neuron', interventions: [{ name: 'no inhibition', silence: { type: ['inhibitory'] } }] };

async function setupWith(dir: string, fx: { dataset: string; model: string }, list: unknown, extra: string[] = []): Promise<string[]> {
  await writeFile(join(dir, 'list.json'), typeof list === 'string' ? list : JSON.stringify(list));
  return ['intervene', '--model', fx.model, '--data', fx.dataset, '--interventions', 'list.json', ...extra, '--out', 'out.json'];
}

/** A language-model list whose --work-dir is `workDir` (the reduced model need not match: the folder is checked first). */
async function lmWorkDir(dir: string, fx: { model: string; lmModel: string; lmCondition: string }): Promise<string[]> {
  await writeFile(
    join(dir, 'list.json'),
    JSON.stringify({ system: 'language-model', interventions: [{ kind: 'ablate-head', layer: 0, head: [0], how: 'zero' }] }),
  );
  return ['intervene', '--model', fx.model, '--interventions', 'list.json', '--lm-model', fx.lmModel, '--condition', fx.lmCondition];
}

export const cases: HostileCase[] = [
  {
    // --work-dir is an output: a folder of someone else's files is refused before any forward pass
    name: 'intervene/work-dir-foreign-folder',
    setup: async (dir, fx) => {
      await mkdir(join(dir, 'mine'));
      await writeFile(join(dir, 'mine', 'notes.txt'), 'keep me');
      return [...(await lmWorkDir(dir, fx)), '--behaviour', 'next-token-correct', '--work-dir', 'mine', '--out', 'out.json'];
    },
    expect: { exit: 1, stderr: [/--work-dir mine: is a folder occam did not write and it is not empty/] },
    untouched: ['mine/notes.txt'],
  },
  {
    name: 'intervene/work-dir-inside-the-network-folder',
    setup: async (dir, fx) => [
      ...(await lmWorkDir(dir, fx)),
      '--behaviour',
      'next-token-correct',
      '--work-dir',
      join(fx.lmModel, 'ablated'),
      '--out',
      'out.json',
    ],
    expect: { exit: 1, stderr: [/--work-dir .*ablated: lies inside the input folder/] },
  },
  {
    name: 'intervene/unknown-key',
    setup: (dir, fx) => setupWith(dir, fx, { system: 'neuron', interventions: [{ name: 'x', silense: { type: ['inhibitory'] } }] }),
    expect: { exit: 1, stderr: [/list\.json: invalid content/, /unknown key 'silense' \(did you mean 'silence'\?\)/] },
  },
  {
    name: 'intervene/two-operations',
    setup: (dir, fx) =>
      setupWith(dir, fx, {
        system: 'neuron',
        interventions: [{ name: 'x', silence: { type: ['inhibitory'] }, scale: { select: { type: ['inhibitory'] }, factor: 2 } }],
      }),
    expect: { exit: 1, stderr: [/list\.json/, /exactly one operation: silence, shift or scale/] },
  },
  {
    name: 'intervene/unknown-system',
    setup: (dir, fx) => setupWith(dir, fx, { system: 'robot', interventions: [] }),
    expect: { exit: 1, stderr: [/list\.json: invalid content/, /system/] },
  },
  {
    // a language-model list is run on the network itself: a neuron Dataset is the wrong input, said before any work
    name: 'intervene/language-model-list-with-data',
    setup: (dir, fx) => setupWith(dir, fx, { system: 'language-model', interventions: [{ kind: 'resample-token', offset: 1 }] }),
    expect: { exit: 2, stderr: [/--data is for neuron lists; list\.json is a language-model list/] },
  },
  {
    name: 'intervene/not-json',
    setup: (dir, fx) => setupWith(dir, fx, '{"system": "neuron", "interventions": ['),
    expect: { exit: 1, stderr: [/list\.json/] },
  },
  {
    name: 'intervene/attribute-no-atom-has',
    setup: (dir, fx) => setupWith(dir, fx, { system: 'neuron', interventions: [{ name: 'x', silence: { typ: ['inhibitory'] } }] }),
    expect: { exit: 1, stderr: [/intervention 'x': silence: no atom has the attribute 'typ' \(did you mean 'type'\?\)/] },
  },
  {
    name: 'intervene/selection-matches-nothing',
    setup: (dir, fx) => setupWith(dir, fx, { system: 'neuron', interventions: [{ name: 'x', silence: { distance: { min: 100000 } } }] }),
    expect: { exit: 1, stderr: [/intervention 'x': silence: the selection matches no atom \(the atoms have distance: /] },
  },
  {
    name: 'intervene/simulated-without-equals',
    setup: (dir, fx) => setupWith(dir, fx, good, ['--simulated', 'no-inhibition']),
    expect: { exit: 2, stderr: [/--simulated takes NAME=DATASET/] },
  },
  {
    name: 'intervene/simulated-unknown-name',
    setup: (dir, fx) => setupWith(dir, fx, good, ['--simulated', `no inhibitoin=${fx.dataset}`]),
    expect: { exit: 1, stderr: [/no intervention named 'no inhibitoin' \(did you mean 'no inhibition'\?\)/] },
  },
  {
    name: 'intervene/simulated-missing-dataset',
    setup: (dir, fx) => setupWith(dir, fx, good, ['--simulated', 'no inhibition=nowhere']),
    expect: { exit: 1, stderr: [/nowhere/] },
  },
  {
    name: 'intervene/simulated-not-the-same-trials',
    // A "rerun" whose trials come in reverse order: the atoms the intervention leaves alone differ from the data.
    async setup(dir, fx) {
      const ds = await readDataset(fx.dataset);
      const { nTrials, nBins, atoms } = ds.manifest;
      const inputs = ds.inputs.slice();
      for (let a = 0; a < atoms.length; a++)
        for (let tr = 0; tr < nTrials; tr++)
          inputs.set(ds.inputs.subarray((a * nTrials + tr) * nBins, (a * nTrials + tr + 1) * nBins), (a * nTrials + (nTrials - 1 - tr)) * nBins);
      await writeDataset(join(dir, 'reversed'), createDataset(ds.manifest, { inputs, target: ds.target, scored: ds.scored }));
      return setupWith(dir, fx, good, ['--simulated', 'no inhibition=reversed']);
    },
    expect: { exit: 1, stderr: [/reversed: \d+ input cells of atoms that 'no inhibition' leaves alone differ from the data .*not a rerun of the same trials/] },
  },
];
