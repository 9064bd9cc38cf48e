import { spawn } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Fixtures, HostileCase } from './case.js';
import { buildFixtures } from './fixtures.js';

// Every file under cases/ exports `cases: HostileCase[]`; together they are the hostile-input corpus.
const casesDir = fileURLToPath(new URL('./cases/', import.meta.url));
const modules = readdirSync(casesDir)
  .filter((f) => f.endsWith('.ts'))
  .sort();
const all: HostileCase[] = [];
for (const f of modules) all.push(...((await import(join(casesDir, f))) as { cases: HostileCase[] }).cases);

const bin = fileURLToPath(new URL('../../bin/occam.js', import.meta.url));
const preload = fileURLToPath(new URL('./maxRss.cjs', import.meta.url));
const MAX_RSS_KIB = 500 * 1024;

interface Outcome {
  code: number | null;
  signal: string | null;
  stdout: string;
  stderr: string;
  seconds: number;
  maxRssKiB: number;
}

function runCli(args: string[], cwd: string, limitSeconds: number, env: Record<string, string> = {}): Promise<Outcome> {
  const rssFile = join(cwd, '.occam-test-rss');
  return new Promise((resolve) => {
    const start = process.hrtime.bigint();
    const child = spawn(process.execPath, ['--require', preload, bin, ...args], {
      cwd,
      env: { ...process.env, ...env, OCCAM_TEST_RSS_FILE: rssFile, OCCAM_DEBUG: '' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    // Give the process twice its bound before killing, so a slow case fails on its time, not on a hang.
    const timer = setTimeout(() => child.kill('SIGKILL'), limitSeconds * 2000 + 2000);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      const seconds = Number(process.hrtime.bigint() - start) / 1e9;
      const maxRssKiB = existsSync(rssFile) ? Number(readFileSync(rssFile, 'utf8')) : NaN;
      resolve({ code, signal, stdout, stderr, seconds, maxRssKiB });
    });
  });
}

let fixtures: Fixtures;
beforeAll(async () => {
  fixtures = await buildFixtures();
});

describe(`hostile-input corpus (${all.length} cases)`, () => {
  it('has unique names and at least 150 cases', () => {
    expect(new Set(all.map((c) => c.name)).size).toBe(all.length);
    expect(all.length).toBeGreaterThanOrEqual(150);
  });
  for (const c of all) {
    it(c.name, async () => {
      const dir = await mkdtemp(join(tmpdir(), 'occam-hostile-'));
      try {
        const args = await c.setup(dir, fixtures);
        const before = new Map<string, Buffer>();
        for (const p of c.untouched ?? []) before.set(p, await readFile(join(dir, p)));
        const limit = c.seconds ?? 5;
        const r = await runCli(args, dir, limit, c.env);
        const shown = `occam ${args.join(' ')}\nexit ${r.code}${r.signal ? ` (${r.signal})` : ''}\nstderr: ${r.stderr}\nstdout: ${r.stdout.slice(0, 2000)}`;
        expect(r.code, shown).toBe(c.expect.exit);
        for (const re of c.expect.stderr ?? []) expect(r.stderr, shown).toMatch(re);
        for (const re of c.expect.stdout ?? []) expect(r.stdout, shown).toMatch(re);
        expect(r.stderr, shown).not.toMatch(/unexpected failure|\n\s+at .+:\d+:\d+\)?\n/);
        expect(r.seconds, shown).toBeLessThan(limit);
        expect(r.maxRssKiB, shown).toBeLessThan(MAX_RSS_KIB);
        for (const [p, bytes] of before) {
          expect(existsSync(join(dir, p)), `${p} must still exist\n${shown}`).toBe(true);
          expect((await readFile(join(dir, p))).equals(bytes), `${p} must be unchanged\n${shown}`).toBe(true);
        }
      } finally {
        await rm(dir, { recursive: true, force: true });
      }
    });
  }
});
