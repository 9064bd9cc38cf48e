import { execFile, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { readDataset, type Dataset } from '@occam/core';

// One random-init tiny-lm model exported in the layouts real toolchains produce (Optimum: with and without
// past_key_values inputs / present outputs, weights inline or in onnx/model.onnx_data), each checked by
// export.py's own onnxruntime-vs-PyTorch verification, then `occam lm extract` through the built CLI on every
// layout: the Dataset must be the plain export's (same atoms, targets, scored cells, values to float tolerance).
const hasTorch = spawnSync('/usr/bin/python3', ['-c', 'import torch, onnx'], { stdio: 'ignore' }).status === 0;
const repoRoot = fileURLToPath(new URL('../../..', import.meta.url));
const tinyLm = join(repoRoot, 'tools/tiny-lm');
const bin = join(repoRoot, 'apps/cli/dist/main.js');
const run = promisify(execFile);

const LAYOUTS: { name: string; flags: string[]; files: string[] }[] = [
  { name: 'plain', flags: [], files: ['model.onnx'] },
  { name: 'with-past', flags: ['--with-past'], files: ['model.onnx'] },
  { name: 'external', flags: ['--external-data'], files: ['model.onnx', 'model.onnx_data'] },
  { name: 'with-past-external', flags: ['--with-past', '--external-data'], files: ['model.onnx', 'model.onnx_data'] },
];

describe.skipIf(!hasTorch)('tools/tiny-lm export layouts under occam lm extract', () => {
  const tmp = mkdtempSync(join(tmpdir(), 'tiny-lm-layouts-'));
  afterAll(() => rmSync(tmp, { recursive: true, force: true }));

  it('gives the same Dataset from the plain, with-past and external-data exports', async () => {
    expect(existsSync(bin), 'build the CLI first: npx tsc -b apps/cli').toBe(true);
    const runDir = join(tmp, 'run');
    // a wider-than-fixture shape (3 layers, d 96) so head/layer indexing is not the 2 × 64 fixtures' by accident
    await run('/usr/bin/python3', [
      join(tinyLm, 'train.py'),
      '--task',
      'induction',
      '--layers',
      '3',
      '--heads',
      '4',
      '--d-model',
      '96',
      '--random-init',
      '--seed',
      '3',
      '--out',
      runDir,
      '--quiet',
    ]);
    const condition = join(tmp, 'condition.json');
    writeFileSync(condition, JSON.stringify({ kind: 'repeated-random', period: 7, count: 48, seed: 5 }));

    const datasets = new Map<string, Dataset>();
    for (const layout of LAYOUTS) {
      const dir = join(tmp, layout.name);
      const exported = await run('/usr/bin/python3', [join(tinyLm, 'export.py'), '--checkpoint', join(runDir, 'final.pt'), '--out', dir, ...layout.flags], {
        maxBuffer: 1 << 24,
      });
      // export.py exits non-zero when onnxruntime and PyTorch differ by >= 1e-4; its summary line says it ran
      expect(exported.stdout).toMatch(/onnxruntime vs torch: max \|diff\| logits/);
      expect(readdirSync(join(dir, 'onnx')).sort()).toEqual(layout.files);
      const out = join(tmp, `${layout.name}-dataset`);
      await run('node', [bin, 'lm', 'extract', '--model', dir, '--condition', condition, '--behaviour', 'next-token-correct', '--out', out, '--quiet'], {
        maxBuffer: 1 << 24,
      });
      datasets.set(layout.name, await readDataset(out));
    }

    const plain = datasets.get('plain')!;
    expect(plain.manifest.atoms.length).toBeGreaterThan(20);
    expect(plain.manifest.nTrials).toBe(48);
    let scale = 0;
    for (const v of plain.inputs) scale = Math.max(scale, Math.abs(v));
    for (const layout of LAYOUTS.slice(1)) {
      const d = datasets.get(layout.name)!;
      expect(
        d.manifest.atoms.map((a) => a.id),
        layout.name,
      ).toEqual(plain.manifest.atoms.map((a) => a.id));
      expect([d.manifest.nTrials, d.manifest.nBins], layout.name).toEqual([plain.manifest.nTrials, plain.manifest.nBins]);
      expect(Array.from(d.target), layout.name).toEqual(Array.from(plain.target));
      expect(Array.from(d.scored), layout.name).toEqual(Array.from(plain.scored));
      let worst = 0;
      for (let i = 0; i < plain.inputs.length; i++) worst = Math.max(worst, Math.abs(d.inputs[i] - plain.inputs[i]));
      // the with-past graph computes attention over a concatenation with an empty past: same maths, possibly
      // another kernel order, so float32 rounding may differ slightly
      expect(worst / Math.max(1, scale), `${layout.name}: max |Δ atom| ${worst} (scale ${scale})`).toBeLessThan(1e-5);
    }
  }, 180_000);
});
