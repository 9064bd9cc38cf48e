import { execFile, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { readDataset, type Dataset } from '@occam/core';

// One random-init tiny-lm model per architecture (GPT-2, Llama) exported in the layouts real toolchains produce
// (Optimum: with and without past_key_values inputs / present outputs, weights inline or in
// onnx/model.onnx_data), each checked by export.py's own onnxruntime-vs-PyTorch verification, then
// `occam lm extract` through the built CLI on every layout: the Dataset must be the plain export's (same atoms,
// targets, scored cells, values to float tolerance).
const hasTorch = spawnSync('/usr/bin/python3', ['-c', 'import torch, onnx'], { stdio: 'ignore' }).status === 0;
const repoRoot = fileURLToPath(new URL('../../..', import.meta.url));
const tinyLm = join(repoRoot, 'tools/tiny-lm');
const bin = join(repoRoot, 'apps/cli/dist/main.js');
const run = promisify(execFile);

interface Layout {
  name: string;
  flags: string[];
  files: string[];
}
const PLAIN: Layout = { name: 'plain', flags: [], files: ['model.onnx'] };
const WITH_PAST: Layout = { name: 'with-past', flags: ['--with-past'], files: ['model.onnx'] };
const EXTERNAL: Layout = { name: 'external', flags: ['--external-data'], files: ['model.onnx', 'model.onnx_data'] };
const BOTH: Layout = { name: 'with-past-external', flags: ['--with-past', '--external-data'], files: ['model.onnx', 'model.onnx_data'] };

describe.skipIf(!hasTorch)('tools/tiny-lm export layouts under occam lm extract', () => {
  const tmp = mkdtempSync(join(tmpdir(), 'tiny-lm-layouts-'));
  afterAll(() => rmSync(tmp, { recursive: true, force: true }));
  const condition = join(tmp, 'condition.json');
  writeFileSync(condition, JSON.stringify({ kind: 'repeated-random', period: 7, count: 48, seed: 5 }));

  /** Train nothing (random init), export in each layout, extract each with the built CLI; layouts[0] is the reference. */
  async function extractEach(arch: 'gpt2' | 'llama', layouts: Layout[]): Promise<Map<string, Dataset>> {
    expect(existsSync(bin), 'build the CLI first: npx tsc -b apps/cli').toBe(true);
    const runDir = join(tmp, `${arch}-run`);
    // a wider-than-fixture shape (3 layers, d 96) so head/layer indexing is not the 2 × 64 fixtures' by accident
    await run('/usr/bin/python3', [
      join(tinyLm, 'train.py'),
      '--arch',
      arch,
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
    const datasets = new Map<string, Dataset>();
    for (const layout of layouts) {
      const dir = join(tmp, `${arch}-${layout.name}`);
      const exported = await run('/usr/bin/python3', [join(tinyLm, 'export.py'), '--checkpoint', join(runDir, 'final.pt'), '--out', dir, ...layout.flags], {
        maxBuffer: 1 << 24,
      });
      // export.py exits non-zero when onnxruntime and PyTorch differ by >= 1e-4; its summary line says it ran
      expect(exported.stdout).toMatch(/onnxruntime vs torch: max \|diff\| logits/);
      expect(readdirSync(join(dir, 'onnx')).sort()).toEqual(layout.files);
      const config = JSON.parse(readFileSync(join(dir, 'config.json'), 'utf8')) as { model_type: string };
      expect(config.model_type).toBe(arch);
      const out = join(tmp, `${arch}-${layout.name}-dataset`);
      await run('node', [bin, 'lm', 'extract', '--model', dir, '--condition', condition, '--behaviour', 'next-token-correct', '--out', out, '--quiet'], {
        maxBuffer: 1 << 24,
      });
      datasets.set(layout.name, await readDataset(out));
    }
    return datasets;
  }

  function expectSameAsPlain(datasets: Map<string, Dataset>, layouts: Layout[]): void {
    const plain = datasets.get(layouts[0].name)!;
    expect(plain.manifest.atoms.length).toBeGreaterThan(20);
    expect(plain.manifest.nTrials).toBe(48);
    let scale = 0;
    for (const v of plain.inputs) scale = Math.max(scale, Math.abs(v));
    for (const layout of layouts.slice(1)) {
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
  }

  it('gives the same Dataset from the plain, with-past and external-data exports (GPT-2 layout)', async () => {
    const layouts = [PLAIN, WITH_PAST, EXTERNAL, BOTH];
    expectSameAsPlain(await extractEach('gpt2', layouts), layouts);
  }, 180_000);

  it('gives the same Dataset from the plain, with-past and external-data exports (Llama layout)', async () => {
    const layouts = [PLAIN, WITH_PAST, EXTERNAL];
    const datasets = await extractEach('llama', layouts);
    expectSameAsPlain(datasets, layouts);
    // occam found every block of the Llama graph: attention atoms for each of the 3 layers × 4 heads, and the
    // gated MLP's hidden units (mlp.hook_post = act_fn(gate) * up) in each layer
    const atoms = datasets.get('plain')!.manifest.atoms.map((a) => a.attributes);
    const heads = new Set(atoms.filter((a) => a.component === 'attn').map((a) => `${a.layer}.${a.head}`));
    expect([...heads].sort()).toEqual(['0.0', '0.1', '0.2', '0.3', '1.0', '1.1', '1.2', '1.3', '2.0', '2.1', '2.2', '2.3']);
    const mlpLayers = new Set(atoms.filter((a) => a.component === 'mlp-neurons').map((a) => a.layer));
    expect([...mlpLayers].sort()).toEqual([0, 1, 2]);
  }, 180_000);
});
