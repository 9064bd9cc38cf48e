import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { ComposeResultSchema, neuronLikeAtoms, plantedDataset, writeDataset } from '@occam/core';
import { runCli } from './runCli.js';

// Two conditions of one planted cell: the same excitatory filter, a fast inhibitory filter in A and a slow one
// in B (different shapes), B's input volley twice as large. The true composition: 'inhibitory condition-specific'.
const spec = {
  groupBy: ['type'],
  spatial: { attribute: 'distance', basis: { kind: 'raisedCosineLog', count: 3, firstPeak: 25, lastPeak: 275, offset: 50 } },
  temporal: { minLag: 0, maxLag: 16, basis: { kind: 'raisedCosineLog', count: 4, firstPeak: 0, lastPeak: 10, offset: 1.5 } },
  history: { maxLag: 8, basis: { kind: 'raisedCosineLog', count: 3, firstPeak: 1, lastPeak: 4, offset: 1 } },
};

function condition(seed: number, inhibitoryTemporal: number[], evokedRate: number, distanceBins = 6) {
  return plantedDataset({
    nTrials: 300,
    nBins: 50,
    seed,
    spec,
    atoms: neuronLikeAtoms(distanceBins),
    truth: {
      intercept: -4.6,
      spatial: [
        [1, 0.4, 0.05],
        [0.3, 0.8, 1],
      ],
      temporal: [[0.5, 0.9, 0.4, 0.1], inhibitoryTemporal],
      history: [-5, -2, -0.3],
    },
    backgroundRate: 0.1,
    stimulusBin: 15,
    evokedRate,
    scoredWindow: [12, 45],
  }).dataset;
}

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'occam-compose-'));
  await writeDataset(join(dir, 'A'), condition(11, [-1.6, -0.6, 0, 0], 0.8));
  await writeDataset(join(dir, 'B'), condition(12, [0, 0, -0.6, -1.6], 1.6));
  await writeDataset(join(dir, 'fewer-atoms'), condition(13, [0, 0, -0.6, -1.6], 1.6, 5));
  await writeFile(join(dir, 'spec.json'), JSON.stringify(spec));
});

describe('occam compose', () => {
  it('finds the planted composition from Datasets on disk, writes the result and prints the table', async () => {
    const out = join(dir, 'compose.json');
    const r = await runCli([
      'compose',
      '--condition',
      `A=${join(dir, 'A')}`,
      '--condition',
      `B=${join(dir, 'B')}`,
      '--spec',
      join(dir, 'spec.json'),
      '--folds',
      '3',
      '--resamples',
      '200',
      '--seed',
      '1',
      '--out',
      out,
    ]);
    expect(r.stderr).not.toMatch(/at .*\.js:\d+/);
    expect(r.code).toBe(0);
    const result = ComposeResultSchema.parse(JSON.parse(await readFile(out, 'utf8')));
    expect(result.minimal).toBe('specific:type=inhibitory');
    expect(result.conditions.map((c) => c.name)).toEqual(['A', 'B']);
    expect(r.stdout).toMatch(/^\* specific:type=inhibitory\s+41\s/m);
    expect(r.stdout).toContain('families that differ between conditions: type=inhibitory');
    expect(r.stdout).toMatch(/held-out condition accuracy 0\.[7-9]/);
    expect(r.stdout).toContain(`wrote ${out}`);
  }, 120_000);

  it('refuses one condition (usage) and conditions with different atoms (naming the condition), writing nothing', async () => {
    const out = join(dir, 'never.json');
    const one = await runCli(['compose', '--condition', `A=${join(dir, 'A')}`, '--spec', join(dir, 'spec.json'), '--out', out]);
    expect(one.code).toBe(2);
    expect(one.stderr).toContain('at least two --condition');
    const bad = await runCli([
      'compose',
      '--condition',
      `A=${join(dir, 'A')}`,
      '--condition',
      `small=${join(dir, 'fewer-atoms')}`,
      '--spec',
      join(dir, 'spec.json'),
      '--out',
      out,
    ]);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain("condition 'small' has different atoms");
    expect(bad.stderr).not.toMatch(/at .*\.js:\d+/);
    await expect(readFile(out)).rejects.toThrow();
  }, 60_000);
});
