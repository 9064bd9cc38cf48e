import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { fitReducedModel, neuronLikeAtoms, plantedDataset, writeDataset, writeReducedModel } from '@occam/core';

const python = '/usr/bin/python3';
const hasNumpy =
  existsSync(python) &&
  (() => {
    try {
      execFileSync(python, ['-c', 'import numpy']);
      return true;
    } catch {
      return false;
    }
  })();
const script = fileURLToPath(new URL('../../../docs/load_occam.py', import.meta.url));

describe.skipIf(!hasNumpy)('Python interop (docs/load_occam.py with numpy and json only)', () => {
  it('loads a Dataset (NPY and NPY.GZ) and a ReducedModel written by occam', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'occam-py-'));
    const spec = {
      groupBy: ['type'],
      temporal: { minLag: 0, maxLag: 10, basis: { kind: 'raisedCosineLog' as const, count: 3, firstPeak: 0, lastPeak: 6, offset: 1.5 } },
    };
    const { dataset } = plantedDataset({
      nTrials: 120,
      nBins: 40,
      seed: 2,
      spec,
      atoms: neuronLikeAtoms(3),
      truth: {
        intercept: -3.5,
        spatial: [[1], [1]],
        temporal: [
          [0.3, 0.5, 0.2],
          [-0.2, -0.3, -0.1],
        ],
        history: [],
      },
      backgroundRate: 0.2,
      stimulusBin: 10,
      evokedRate: 1,
      scoredWindow: [8, 35],
    });
    const model = fitReducedModel(dataset, spec);
    await writeDataset(join(dir, 'ds'), dataset);
    await writeDataset(join(dir, 'dsgz'), dataset, { compress: true });
    await writeReducedModel(join(dir, 'model.json'), model);
    for (const ds of ['ds', 'dsgz']) {
      const out = execFileSync(python, [script, join(dir, ds), join(dir, 'model.json')], { encoding: 'utf8' });
      expect(out).toMatch(/dataset: 6 atoms x 120 trials x 40 bins \(uint8\)/);
      expect(out).toMatch(new RegExp(`held-out AUROC ${model.metrics.test.model.auroc!.toFixed(3)}`));
      expect(out).toMatch(/type=excitatory: temporal filter peaks/);
    }
  });
});
