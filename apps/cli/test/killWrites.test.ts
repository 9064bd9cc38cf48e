import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DIRECTORY_CRASH_POINTS, FILE_CRASH_POINTS, readDataset, ReducedModelSchema } from '@occam/core';
import type { Fixtures } from './hostile/case.js';
import { buildFixtures } from './hostile/fixtures.js';

// kill -9 of every writing command at every step of its write protocol (OCCAM_CRASH_AT, see core's
// crashPoint) and at random moments: afterwards the output path holds the complete old output or the
// complete new one — never a partial one, never nothing — and the next run leaves no debris.

const bin = fileURLToPath(new URL('../bin/occam.js', import.meta.url));
const runCli = (args: string[], cwd: string, crashAt = '') =>
  spawnSync(process.execPath, [bin, ...args], { cwd, env: { ...process.env, OCCAM_CRASH_AT: crashAt }, encoding: 'utf8' });

let fx: Fixtures;
let dir: string;
beforeAll(async () => {
  fx = await buildFixtures();
  dir = await mkdtemp(join(tmpdir(), 'occam-kill-'));
  const spec = JSON.parse(await readFile(fx.spec, 'utf8'));
  await writeFile(join(dir, 'specA.json'), JSON.stringify(spec));
  await writeFile(join(dir, 'specB.json'), JSON.stringify({ ...spec, regularization: { ridge: 10, smoothness: 0 } }));
  // two checkpoints of a training run, for dynamics: the same model at two steps is enough to write a result
  for (const step of ['step-000001', 'step-000002']) await cp(fx.lmModel, join(dir, 'steps', step), { recursive: true });
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** Snapshot of an output: the bytes of every file under it (following the dataset symlink). */
async function snapshot(path: string): Promise<string> {
  if (!existsSync(path)) return '<absent>';
  const names = existsSync(join(path, 'manifest.json')) ? readdirSync(path).sort() : null;
  if (!names) return readFile(path, 'utf8');
  const parts = await Promise.all(names.map(async (n) => `${n}:${(await readFile(join(path, n))).toString('base64')}`));
  return parts.join('|');
}

/** Leftovers beside an output: temp files, links, and versions other than the current one. */
function debris(parent: string): string[] {
  const out: string[] = [];
  for (const e of readdirSync(parent)) {
    if (/\.tmp$|\.link$/.test(e)) out.push(e);
    if (e.endsWith('.occam-versions'))
      out.push(
        ...readdirSync(join(parent, e))
          .filter((v) => !v.startsWith('v.'))
          .map((v) => `${e}/${v}`),
      );
    if (e.endsWith('.occam-versions') && readdirSync(join(parent, e)).length > 1) out.push(`${e} holds ${readdirSync(join(parent, e)).length} versions`);
  }
  return out;
}

interface WritingCommand {
  name: string;
  /** Argument lists for the old and the new output (they differ, so old and new can be told apart). */
  old: (d: string) => string[];
  next: (d: string) => string[];
  outputs: (d: string) => string[];
  points: readonly string[];
  valid: (path: string) => Promise<void>;
}

const validModel = async (p: string) => {
  expect(ReducedModelSchema.safeParse(JSON.parse(await readFile(p, 'utf8'))).success).toBe(true);
};
const validDataset = async (p: string) => {
  await readDataset(p);
};

const commands: WritingCommand[] = [
  {
    name: 'fit',
    old: (d) => ['fit', '--data', fx.dataset, '--spec', join(dir, 'specA.json'), '--out', join(d, 'model.json'), '--quiet'],
    next: (d) => ['fit', '--data', fx.dataset, '--spec', join(dir, 'specB.json'), '--out', join(d, 'model.json'), '--quiet'],
    outputs: (d) => [join(d, 'model.json')],
    points: FILE_CRASH_POINTS,
    valid: validModel,
  },
  {
    name: 'report',
    old: (d) => ['report', fx.model, '--out', join(d, 'report.html'), '--title', 'old', '--quiet'],
    next: (d) => ['report', fx.model, '--out', join(d, 'report.html'), '--title', 'new', '--quiet'],
    outputs: (d) => [join(d, 'report.html')],
    points: FILE_CRASH_POINTS,
    valid: async (p) => expect(await readFile(p, 'utf8')).toMatch(/<\/html>\s*$/),
  },
  {
    name: 'compare',
    old: (d) => ['compare', '--system', `a=${fx.model}@${fx.dataset}`, '--system', `b=${fx.model}@${fx.dataset}`, '--out', join(d, 'cmp.json'), '--quiet'],
    next: (d) => ['compare', '--system', `a=${fx.model}@${fx.dataset}`, '--system', `c=${fx.model}@${fx.dataset}`, '--out', join(d, 'cmp.json'), '--quiet'],
    outputs: (d) => [join(d, 'cmp.json')],
    points: FILE_CRASH_POINTS,
    valid: async (p) => expect(JSON.parse(await readFile(p, 'utf8')).format).toBe('occam.compare'),
  },
  {
    name: 'search',
    old: (d) => ['search', '--data', fx.dataset, '--max-lag', '2', '--strategies', 'forward', '--folds', '2', '--out', join(d, 's.json'), '--quiet'],
    next: (d) => ['search', '--data', fx.dataset, '--max-lag', '3', '--strategies', 'forward', '--folds', '2', '--out', join(d, 's.json'), '--quiet'],
    outputs: (d) => [join(d, 's.json')],
    points: FILE_CRASH_POINTS,
    valid: async (p) => expect(JSON.parse(await readFile(p, 'utf8')).format).toBe('occam.search'),
  },
  {
    name: 'neuron import',
    old: (d) => ['neuron', 'import', '--isf', fx.isf, '--window', '240,260', '--t-end', '300', '--out', join(d, 'ds'), '--quiet'],
    next: (d) => ['neuron', 'import', '--isf', fx.isf, '--window', '245,270', '--t-end', '300', '--out', join(d, 'ds'), '--quiet'],
    outputs: (d) => [join(d, 'ds')],
    points: [...DIRECTORY_CRASH_POINTS, ...FILE_CRASH_POINTS],
    valid: validDataset,
  },
  {
    name: 'lm extract',
    old: (d) => [
      'lm',
      'extract',
      '--model',
      fx.lmModel,
      '--condition',
      fx.lmCondition,
      '--behaviour',
      'next-token-correct',
      '--out',
      join(d, 'lm.dataset'),
      '--quiet',
    ],
    next: (d) => [
      'lm',
      'extract',
      '--model',
      fx.lmModel,
      '--condition',
      fx.lmCondition,
      '--behaviour',
      'next-token-correct',
      '--padding',
      'left',
      '--out',
      join(d, 'lm.dataset'),
      '--quiet',
    ],
    outputs: (d) => [join(d, 'lm.dataset')],
    points: [...DIRECTORY_CRASH_POINTS, ...FILE_CRASH_POINTS],
    valid: validDataset,
  },
  {
    name: 'dynamics',
    old: (d) => [
      'dynamics',
      '--checkpoints',
      join(dir, 'steps'),
      '--condition',
      fx.lmCondition,
      '--behaviour',
      'next-token-correct',
      '--control',
      'none',
      '--out',
      join(d, 'dyn.json'),
      '--quiet',
    ],
    next: (d) => [
      'dynamics',
      '--checkpoints',
      join(dir, 'steps'),
      '--condition',
      fx.lmCondition,
      '--behaviour',
      'next-token-correct',
      '--control',
      'none',
      '--metric',
      'auroc',
      '--out',
      join(d, 'dyn.json'),
      '--quiet',
    ],
    outputs: (d) => [join(d, 'dyn.json')],
    points: FILE_CRASH_POINTS,
    valid: async (p) => expect(JSON.parse(await readFile(p, 'utf8')).format).toBe('occam.dynamics'),
  },
  {
    name: 'lm reduce',
    old: (d) => [
      'lm',
      'reduce',
      '--model',
      fx.lmModel,
      '--condition',
      fx.lmCondition,
      '--behaviour',
      'next-token-correct',
      '--out',
      join(d, 'lm.json'),
      '--quiet',
    ],
    next: (d) => [
      'lm',
      'reduce',
      '--model',
      fx.lmModel,
      '--condition',
      fx.lmCondition,
      '--behaviour',
      'next-token-correct',
      '--padding',
      'left',
      '--batch-size',
      '1',
      '--out',
      join(d, 'lm.json'),
      '--quiet',
    ],
    outputs: (d) => [join(d, 'lm.dataset'), join(d, 'lm.json')],
    points: [...DIRECTORY_CRASH_POINTS, ...FILE_CRASH_POINTS],
    valid: async (p) => (p.endsWith('.json') ? validModel(p) : validDataset(p)),
  },
];

describe('kill -9 of a writing command leaves the old output or the new one, never a partial or missing one', () => {
  for (const c of commands) {
    it(`${c.name}: at every step of the write protocol`, async () => {
      const d = await mkdtemp(join(dir, 'c-'));
      const first = runCli(c.old(d), d);
      expect(first.status, first.stderr).toBe(0);
      const old = await Promise.all(c.outputs(d).map(snapshot));
      const seen: string[][] = [];
      for (const point of c.points) {
        const r = runCli(c.next(d), d, point);
        expect(r.signal, `the run must reach ${point} and die there`).toBe('SIGKILL');
        for (const out of c.outputs(d)) {
          expect(existsSync(out), `${out} after kill at ${point}`).toBe(true);
          await c.valid(out);
        }
        seen.push(await Promise.all(c.outputs(d).map(snapshot)));
      }
      const last = runCli(c.next(d), d);
      expect(last.status, last.stderr).toBe(0);
      expect(debris(d)).toEqual([]);
      const next = await Promise.all(c.outputs(d).map(snapshot));
      // every state seen after a kill is, output by output, exactly the old bytes or exactly the new ones
      for (const state of seen) state.forEach((s, i) => expect([old[i], next[i]]).toContain(s));
    });
  }

  it('neuron import killed at random moments', async () => {
    const d = await mkdtemp(join(dir, 'rand-'));
    const cmd = commands.find((c) => c.name === 'neuron import')!;
    expect(runCli(cmd.old(d), d).status).toBe(0);
    const t0 = Date.now();
    expect(runCli(cmd.next(d), d).status).toBe(0);
    const duration = Date.now() - t0;
    // a deterministic spread of kill times over the run (the random part is where the OS happens to be)
    for (const frac of [0.2, 0.35, 0.5, 0.6, 0.7, 0.8, 0.85, 0.9, 0.95, 1.0]) {
      const child = spawn(process.execPath, [bin, ...cmd.old(d)], { cwd: d, stdio: 'ignore' });
      const closed = new Promise((r) => child.on('close', r));
      await new Promise((r) => setTimeout(r, frac * duration));
      child.kill('SIGKILL');
      await closed;
      await cmd.valid(join(d, 'ds'));
    }
    expect(runCli(cmd.old(d), d).status).toBe(0);
    expect(debris(d)).toEqual([]);
  });
});
