import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { ReducedModelSchema } from '@occam/core';
import { plantedCellSpec, writePlantedCell } from './plantedCell.js';
import { runCli } from './runCli.js';

// Runs the built CLI exactly as a user does (`npm test` builds it first).
let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'occam-cli-'));
  await writePlantedCell(dir);
});

describe('occam CLI', () => {
  it('fit writes a valid ReducedModel and prints the summary with baselines', async () => {
    const r = await runCli(['fit', '--data', join(dir, 'ds'), '--spec', join(dir, 'spec.json'), '--out', join(dir, 'model.json')]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/AUROC per bin/);
    expect(r.stdout).toMatch(/PSTH/);
    expect(r.stdout).toMatch(/trial-to-trial AUROC/);
    expect(ReducedModelSchema.safeParse(JSON.parse(await readFile(join(dir, 'model.json'), 'utf8'))).success).toBe(true);
  });
  it('--json prints machine-readable output only', async () => {
    const r = await runCli(['fit', '--data', join(dir, 'ds'), '--spec', join(dir, 'spec.json'), '--out', join(dir, 'm2.json'), '--json']);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout).format).toBe('occam.reduced-model');
  });
  it('bad usage exits 2 with a hint; bad data exits 1 naming the file, never a stack trace', async () => {
    const unknown = await runCli(['frobnicate']);
    expect(unknown.code).toBe(2);
    const missing = await runCli(['fit', '--data', join(dir, 'ds')]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/missing --spec/);
    await writeFile(join(dir, 'bad-spec.json'), JSON.stringify({ ...plantedCellSpec, temporal: { maxLag: -1 } }));
    const bad = await runCli(['fit', '--data', join(dir, 'ds'), '--spec', join(dir, 'bad-spec.json'), '--out', join(dir, 'x.json')]);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/bad-spec\.json: invalid content/);
    expect(bad.stderr).not.toMatch(/\s+at .*\.js:\d+/);
    const nodata = await runCli(['fit', '--data', join(dir, 'nope'), '--spec', join(dir, 'spec.json'), '--out', join(dir, 'x.json')]);
    expect(nodata.code).toBe(1);
    expect(nodata.stderr).toMatch(/nope\/manifest\.json: not found/);
  });
  it('every command has --help with an example', async () => {
    for (const cmd of [['fit'], ['demo'], ['search'], ['compare'], ['neuron', 'reduce'], ['neuron', 'import']]) {
      const r = await runCli([...cmd, '--help']);
      expect(r.code).toBe(0);
      expect(r.stdout).toMatch(/Example:\n\s+occam /);
    }
  });
});
