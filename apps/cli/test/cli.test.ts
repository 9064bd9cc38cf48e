import { execFile } from 'node:child_process';
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { beforeAll, describe, expect, it } from 'vitest';
import { neuronLikeAtoms, plantedDataset, writeDataset, ReducedModelSchema } from '@occam/core';

// Runs the built CLI exactly as a user does (`npm test` builds it first).
const bin = fileURLToPath(new URL('../bin/occam.js', import.meta.url));
const run = async (args: string[]) => {
  try {
    const { stdout, stderr } = await promisify(execFile)('node', [bin, ...args], { maxBuffer: 1 << 26 });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
};

let dir: string;
const spec = {
  groupBy: ['type'],
  spatial: { attribute: 'distance', basis: { kind: 'raisedCosineLog', count: 3, firstPeak: 25, lastPeak: 225, offset: 50 } },
  temporal: { minLag: 0, maxLag: 16, basis: { kind: 'raisedCosineLog', count: 4, firstPeak: 0, lastPeak: 10, offset: 1.5 } },
  history: { maxLag: 8, basis: { kind: 'raisedCosineLog', count: 3, firstPeak: 1, lastPeak: 4, offset: 1 } },
};

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'occam-cli-'));
  const { dataset } = plantedDataset({
    nTrials: 200,
    nBins: 50,
    seed: 3,
    spec,
    atoms: neuronLikeAtoms(5),
    truth: {
      intercept: -4.8,
      spatial: [
        [1, 0.4, 0.05],
        [0.3, 0.8, 1],
      ],
      temporal: [
        [0.5, 0.9, 0.4, 0.1],
        [-0.5, -0.7, -0.4, -0.1],
      ],
      history: [-5, -2, -0.3],
    },
    backgroundRate: 0.1,
    stimulusBin: 15,
    evokedRate: 0.8,
    scoredWindow: [12, 45],
  });
  await writeDataset(join(dir, 'ds'), dataset);
  await writeFile(join(dir, 'spec.json'), JSON.stringify(spec));
});

describe('occam CLI', () => {
  it('fit writes a valid ReducedModel and prints the summary with baselines', async () => {
    const r = await run(['fit', '--data', join(dir, 'ds'), '--spec', join(dir, 'spec.json'), '--out', join(dir, 'model.json')]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/AUROC per bin/);
    expect(r.stdout).toMatch(/PSTH/);
    expect(r.stdout).toMatch(/trial-to-trial AUROC/);
    expect(ReducedModelSchema.safeParse(JSON.parse(await readFile(join(dir, 'model.json'), 'utf8'))).success).toBe(true);
  });
  it('--json prints machine-readable output only', async () => {
    const r = await run(['fit', '--data', join(dir, 'ds'), '--spec', join(dir, 'spec.json'), '--out', join(dir, 'm2.json'), '--json']);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout).format).toBe('occam.reduced-model');
  });
  it('bad usage exits 2 with a hint; bad data exits 1 naming the file, never a stack trace', async () => {
    const unknown = await run(['frobnicate']);
    expect(unknown.code).toBe(2);
    const missing = await run(['fit', '--data', join(dir, 'ds')]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/missing --spec/);
    await writeFile(join(dir, 'bad-spec.json'), JSON.stringify({ ...spec, temporal: { maxLag: -1 } }));
    const bad = await run(['fit', '--data', join(dir, 'ds'), '--spec', join(dir, 'bad-spec.json'), '--out', join(dir, 'x.json')]);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/bad-spec\.json: invalid content/);
    expect(bad.stderr).not.toMatch(/\s+at .*\.js:\d+/);
    const nodata = await run(['fit', '--data', join(dir, 'nope'), '--spec', join(dir, 'spec.json'), '--out', join(dir, 'x.json')]);
    expect(nodata.code).toBe(1);
    expect(nodata.stderr).toMatch(/nope\/manifest\.json: not found/);
  });
  it('every command has --help with an example', async () => {
    for (const cmd of [['fit'], ['demo'], ['search'], ['compare'], ['neuron', 'reduce'], ['neuron', 'import']]) {
      const r = await run([...cmd, '--help']);
      expect(r.code).toBe(0);
      expect(r.stdout).toMatch(/Example:\n\s+occam /);
    }
  });
});
