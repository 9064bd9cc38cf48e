import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { BoundResultSchema } from '@occam/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writePlantedCell } from './plantedCell.js';
import { runCli } from './runCli.js';

const tool = fileURLToPath(new URL('../../../tools/tcn-bound/train.py', import.meta.url));
const hasTorch = (() => {
  try {
    execFileSync('/usr/bin/python3', ['-c', 'import torch, numpy'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
})();

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'occam-bound-cli-'));
  await writePlantedCell(dir);
  const fit = await runCli(['fit', '--data', join(dir, 'ds'), '--spec', join(dir, 'spec.json'), '--out', join(dir, 'model.json'), '--quiet']);
  expect(fit.code, fit.stderr).toBe(0);
});
afterAll(async () => rm(dir, { recursive: true, force: true }));

describe.skipIf(!hasTorch)('occam bound with the TCN tool (PyTorch)', () => {
  it('trains the TCN (--quick) through the CLI and prints reduced vs rich GLM vs TCN vs PSTH with the captured fractions', async () => {
    const started = Date.now();
    const out = join(dir, 'bound.json');
    const r = await runCli([
      'bound',
      '--data',
      join(dir, 'ds'),
      '--model',
      join(dir, 'model.json'),
      '--tcn',
      '--tcn-quick',
      '--resamples',
      '200',
      '--out',
      out,
    ]);
    expect(r.code, r.stderr).toBe(0);
    expect(Date.now() - started).toBeLessThan(60_000);
    expect(r.stdout).toMatch(/PSTH\s+reduced\s+rich GLM\s+TCN/);
    expect(r.stdout).toMatch(/the reduction captures .* of the rich GLM's log-likelihood gain over the PSTH, and .* of its stratified-AUROC gain/);
    // a quick TCN may not beat the PSTH clearly: then its share is undefined and said so, with the reason
    expect(r.stdout).toMatch(
      /the reduction captures .* of the TCN's log-likelihood gain over the PSTH|the reduction's share of the TCN's gains is not defined here/,
    );
    expect(r.stderr).toMatch(/tcn-bound: fold 1\/1 candidate 1\/1/);
    const result = BoundResultSchema.parse(JSON.parse(await readFile(out, 'utf8')));
    expect(Object.keys(result.predictors)).toEqual(['reduced', 'richGlm', 'tcn']);
    expect(result.references.map((x) => x.reference)).toEqual(['richGlm', 'tcn']);
    expect(result.tcn!.hyperparameters.quick).toBe(true);
    expect(result.tcn!.predictions).toBeNull(); // trained in a scratch folder that is gone
    expect(result.timing.tcnSeconds).toBeGreaterThan(0);
    // The same held-out trials for all: the reduced model's split.
    const model = JSON.parse(await readFile(join(dir, 'model.json'), 'utf8'));
    expect(result.validation.heldOutTrials).toBe(model.provenance.testTrials.length);
    expect(result.predictors.reduced.stratifiedAuroc.estimate).toBeCloseTo(model.metrics.test.stratifiedAuroc.model, 10);
    // Every figure with its interval, the PSTH's stratified AUROC exactly 0.5.
    expect(result.psth.stratifiedAuroc.estimate).toBe(0.5);
    for (const p of Object.values(result.predictors)) expect(p.logLikPerBin.low).not.toBeNull();
  });

  it('reads predictions the tool wrote from the plan occam wrote (--write-plan, then --tcn-predictions)', async () => {
    const plan = join(dir, 'plan.json');
    const w = await runCli(['bound', '--data', join(dir, 'ds'), '--model', join(dir, 'model.json'), '--write-plan', plan]);
    expect(w.code, w.stderr).toBe(0);
    expect(w.stdout).toContain('tools/tcn-bound/train.py');
    const predictions = join(dir, 'tcn');
    execFileSync('/usr/bin/python3', [tool, '--data', join(dir, 'ds'), '--plan', plan, '--out', predictions, '--quick'], { stdio: 'ignore' });
    expect(existsSync(join(predictions, 'manifest.json'))).toBe(true);
    const out = join(dir, 'bound2.json');
    const r = await runCli([
      'bound',
      '--data',
      join(dir, 'ds'),
      '--model',
      join(dir, 'model.json'),
      '--tcn-predictions',
      predictions,
      '--resamples',
      '100',
      '--out',
      out,
      '--quiet',
    ]);
    expect(r.code, r.stderr).toBe(0);
    const result = BoundResultSchema.parse(JSON.parse(await readFile(out, 'utf8')));
    expect(result.tcn!.predictions).toBe(predictions);
    // Same seed, same plan: the tool is deterministic, so the TCN's figures match the first run's.
    const first = BoundResultSchema.parse(JSON.parse(await readFile(join(dir, 'bound.json'), 'utf8')));
    expect(result.predictors.tcn.logLikPerBin.estimate).toBe(first.predictors.tcn.logLikPerBin.estimate);
  });
});

/** A Python on PATH without torch (this machine's pyenv python3), or null. */
const torchlessPython = (() => {
  try {
    const exe = execFileSync('python3', ['-c', 'import sys, importlib.util; print(sys.executable if importlib.util.find_spec("torch") is None else "")'], {
      encoding: 'utf8',
    }).trim();
    return exe || null;
  } catch {
    return null;
  }
})();

describe('occam bound refusals', () => {
  it.skipIf(torchlessPython === null)("passes on the tool's own words when the Python has no torch, and writes nothing", async () => {
    const out = join(dir, 'never2.json');
    const r = await runCli(['bound', '--data', join(dir, 'ds'), '--model', join(dir, 'model.json'), '--tcn', '--python', torchlessPython!, '--out', out]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/--tcn: .*train\.py failed \(exit 2\):\n {2}tcn-bound: .* has no (torch|numpy)/);
    expect(r.stderr).toMatch(/python3-torch/);
    expect(r.stderr).not.toMatch(/Traceback|\n\s+at /);
    expect(existsSync(out)).toBe(false);
  });

  it('says what is needed when --python names no program, and writes nothing', async () => {
    const out = join(dir, 'never.json');
    const r = await runCli(['bound', '--data', join(dir, 'ds'), '--model', join(dir, 'model.json'), '--tcn', '--python', '/nonexistent/python3', '--out', out]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/--tcn needs \/nonexistent\/python3 with torch and numpy .* was not found/);
    expect(r.stderr).not.toMatch(/\n\s+at /);
    expect(existsSync(out)).toBe(false);
  });

  it('refuses a folder that is not a predictions directory, naming its manifest', async () => {
    const r = await runCli([
      'bound',
      '--data',
      join(dir, 'ds'),
      '--model',
      join(dir, 'model.json'),
      '--out',
      join(dir, 'x.json'),
      '--tcn-predictions',
      join(dir, 'ds'),
    ]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`${join(dir, 'ds', 'manifest.json')}: invalid content`);
    expect(r.stderr).toMatch(/format: .*occam\.bound-predictions/);
    expect(existsSync(join(dir, 'x.json'))).toBe(false);
  });

  it('needs --out or --write-plan', async () => {
    const r = await runCli(['bound', '--data', join(dir, 'ds'), '--model', join(dir, 'model.json')]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/missing --out FILE/);
  });
});
