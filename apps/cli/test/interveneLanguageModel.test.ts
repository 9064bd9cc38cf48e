import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { LmInterventionResultSchema } from '@occam/transformer';
import { runCli } from './runCli.js';

// occam intervene with a language-model list, through the built CLI, on the bundled copy model (copies the token
// 6 back with p = 0.6; its four layer-0 heads copy together). A reduced model on input-pattern atoms must predict
// what resampling the copy source does, must not predict an ablation it cannot see (a miss, said so), and a
// resample elsewhere changes nothing on either side.
const root = fileURLToPath(new URL('../../../', import.meta.url));
const copyModel = join(root, 'data/models/copy-l6-s1');
let dir: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'occam-intervene-lm-'));
  const condition = JSON.parse(await readFile(join(root, 'examples/stochastic-copy.condition.json'), 'utf8'));
  await writeFile(join(dir, 'condition.json'), JSON.stringify({ ...condition, count: 40 }));
  await writeFile(
    join(dir, 'interventions.json'),
    JSON.stringify({
      system: 'language-model',
      interventions: [
        { kind: 'ablate-head', layer: 0, head: [0, 1, 2, 3], how: 'zero', name: 'layer-0 heads zero' },
        { kind: 'resample-token', offset: 5, name: 'copy source resampled' },
        { kind: 'resample-token', offset: 6, name: 'token 6 back resampled' },
      ],
    }),
  );
  const reduce = await runCli([
    'lm',
    'reduce',
    '--model',
    copyModel,
    '--condition',
    join(dir, 'condition.json'),
    '--behaviour',
    'next-token-correct',
    '--control',
    'none',
    '--out',
    join(dir, 'reduced.json'),
    '--quiet',
  ]);
  expect(reduce.code, reduce.stderr).toBe(0);
});

describe('occam intervene on a language model (ablations in the ONNX graph, resampled tokens)', () => {
  it('predicts the resampled copy source, reports the ablation it cannot see as a miss, and writes a valid result', async () => {
    const out = join(dir, 'intervene.json');
    const r = await runCli([
      'intervene',
      '--model',
      join(dir, 'reduced.json'),
      '--interventions',
      join(dir, 'interventions.json'),
      '--lm-model',
      copyModel,
      '--condition',
      join(dir, 'condition.json'),
      '--behaviour',
      'next-token-correct',
      '--resamples',
      '200',
      '--out',
      out,
    ]);
    expect(r.code, r.stderr).toBe(0);
    const result = LmInterventionResultSchema.parse(JSON.parse(await readFile(out, 'utf8')));
    const by = Object.fromEntries(result.interventions.map((i) => [i.name, i]));
    const source = by['copy source resampled'];
    expect(source.actual.change.estimate!).toBeLessThan(-0.4);
    expect(source.predicted.change.estimate!).toBeLessThan(-0.3);
    expect(source.miss).toBe(false);
    const heads = by['layer-0 heads zero'];
    expect(heads.actual.change.high!).toBeLessThan(-0.4);
    expect(Math.abs(heads.predicted.change.estimate!)).toBeLessThan(0.05);
    expect(heads.miss).toBe(true);
    expect(heads.line).toMatch(/predicts \(almost\) no change/);
    expect(Math.abs(by['token 6 back resampled'].actual.change.estimate!)).toBeLessThan(0.05);
    expect(r.stdout).toMatch(/MISS layer-0 heads zero/);
    expect(r.stdout).toMatch(/1 miss\(es\)/);
  });

  it('refuses neuron-only options with a language-model list, and a list that is neither', async () => {
    const wrong = await runCli([
      'intervene',
      '--model',
      join(dir, 'reduced.json'),
      '--interventions',
      join(dir, 'interventions.json'),
      '--data',
      join(dir, 'reduced.dataset'),
      '--out',
      join(dir, 'x.json'),
    ]);
    expect(wrong.code, wrong.stderr).toBe(2);
    expect(wrong.stderr).toMatch(/--data is for neuron lists/);
    await writeFile(join(dir, 'bad.json'), JSON.stringify({ system: 'language-model', interventions: [{ kind: 'ablate-heads', layer: 0, how: 'zero' }] }));
    const bad = await runCli([
      'intervene',
      '--model',
      join(dir, 'reduced.json'),
      '--interventions',
      join(dir, 'bad.json'),
      '--lm-model',
      copyModel,
      '--condition',
      join(dir, 'condition.json'),
      '--behaviour',
      'next-token-correct',
      '--out',
      join(dir, 'y.json'),
    ]);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/bad\.json/);
    expect(bad.stderr).not.toMatch(/\n\s+at /);
  });
});
