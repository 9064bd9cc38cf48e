import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ReducedModelSchema } from '@occam/core';

// `occam lm reduce` with its defaults prints the selectivity beside a random-weights control, with its
// interval, for any model: a trained one (clearly above 0), an untrained one (an interval holding 0), and a
// Llama-layout export (another architecture, random weights).
const repo = fileURLToPath(new URL('../../../', import.meta.url));
const bin = join(repo, 'apps/cli/bin/occam.js');
const copyTrained = join(repo, 'data/models/copy-l6-s1');
const copyRandom = join(repo, 'data/models/copy-l6-random');
const llama = join(repo, 'packages/transformer/test/fixtures/tiny-llama');
const have = [copyTrained, copyRandom].every((d) => existsSync(join(d, 'config.json')));

let dir: string;
let condition: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'occam-lm-reduce-'));
  condition = join(dir, 'copy.condition.json');
  const example = JSON.parse(await readFile(join(repo, 'examples/stochastic-copy.condition.json'), 'utf8'));
  await writeFile(condition, JSON.stringify({ ...example, count: 240 }));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function reduce(model: string, name: string, cond = condition) {
  const out = join(dir, `${name}.json`);
  const { stdout, stderr } = await promisify(execFile)(
    'node',
    [bin, 'lm', 'reduce', '--model', model, '--condition', cond, '--behaviour', 'next-token-correct', '--out', out],
    {
      maxBuffer: 1 << 26,
    },
  );
  const model_ = ReducedModelSchema.parse(JSON.parse(await readFile(out, 'utf8')));
  return { stdout, stderr, model: model_, controlFile: join(dir, `${name}.control.json`) };
}

describe.skipIf(!have)('lm reduce beside its random-weights control (defaults)', () => {
  it('a trained copy model: selectivity clearly above 0, printed with its interval', async () => {
    const r = await reduce(copyTrained, 'trained');
    const c = r.model.control!;
    expect(c.control.kind).toBe('random-weights');
    expect(c.selectivity.stratifiedAuroc.low!).toBeGreaterThan(0.1);
    expect(c.selectivity.bitsPerEvent.low!).toBeGreaterThan(0);
    expect(r.stdout).toMatch(/selectivity \(trained − control\)/);
    expect(r.stdout).toMatch(/stratified AUROC − 0\.5\s+0\.\d{3} \[0\.\d{3}, 0\.\d{3}\]/);
    expect(existsSync(r.controlFile)).toBe(true);
    // the default atoms do not read the answer: no warning that the control explains as much
    expect(c.warning).toBeNull();
    expect(r.model.spec.includeReadoutAtoms).toBe(false);
  });
  it('an untrained model: its selectivity interval holds 0', async () => {
    const r = await reduce(copyRandom, 'untrained');
    const s = r.model.control!.selectivity.stratifiedAuroc;
    expect(s.low!).toBeLessThan(0);
    expect(s.high!).toBeGreaterThan(0);
  });
  it.skipIf(!existsSync(join(llama, 'config.json')))('another architecture (Llama layout): prints a selectivity with its interval', async () => {
    const text = join(dir, 'llama.condition.json');
    await writeFile(text, JSON.stringify({ kind: 'repeated-random', period: 5, count: 120, seed: 3 }));
    const r = await reduce(llama, 'llama', text);
    const s = r.model.control!.selectivity.stratifiedAuroc;
    expect(r.stdout).toMatch(/selectivity/);
    expect(s.low === null || s.low <= s.estimate!).toBe(true);
  });
});
