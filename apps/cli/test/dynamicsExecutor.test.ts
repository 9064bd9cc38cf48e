import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { cp, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REPO } from './hostile/fixtures.js';
import { runCli } from './runCli.js';

// `occam dynamics --executor local --work-dir DIR` through the built CLI: the file it writes is the serial run's,
// byte for byte (`cmp`), and a rerun with the same work folder reduces nothing again.
const stepsDir = join(REPO, 'data/models/copy-l6-s1-steps');
const picked = ['step-000000', 'step-001000'];
const have = picked.every((s) => existsSync(join(stepsDir, s, 'config.json')));
if (!have) console.warn('[dynamicsExecutor.test] SKIPPED: data/models/copy-l6-s1-steps is missing (made by tools/tiny-lm)');

describe.skipIf(!have)('occam dynamics with the local executor', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'occam-dynamics-cli-'));
    for (const s of picked) await cp(join(stepsDir, s), join(dir, 'steps', s), { recursive: true });
    const example = JSON.parse(await readFile(join(REPO, 'examples/stochastic-copy.condition.json'), 'utf8'));
    await writeFile(join(dir, 'copy.condition.json'), JSON.stringify({ ...example, count: 30 }));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it("--executor local --work-dir writes the serial run's file, byte for byte; a rerun in the work folder reduces nothing", async () => {
    const common = ['dynamics', '--checkpoints', 'steps', '--condition', 'copy.condition.json', '--behaviour', 'next-token-correct', '--quiet'];
    const serial = await runCli([...common, '--out', 'serial.json'], { cwd: dir });
    expect(serial.stderr).toBe('');
    expect(serial.code).toBe(0);
    const tasks = await runCli([...common, '--out', 'tasks.json', '--executor', 'local', '--work-dir', 'work'], { cwd: dir });
    expect(tasks.stderr).toBe('');
    expect(tasks.code).toBe(0);
    execFileSync('cmp', ['serial.json', 'tasks.json'], { cwd: dir });
    expect(readdirSync(join(dir, 'work', 'results')).sort()).toEqual(['0.json', '1.json']);

    const results = join(dir, 'work', 'results', '1.json');
    const written = (await stat(results)).mtimeMs;
    const again = await runCli([...common, '--out', 'again.json', '--work-dir', 'work'], { cwd: dir });
    expect(again.code).toBe(0);
    execFileSync('cmp', ['serial.json', 'again.json'], { cwd: dir });
    expect((await stat(results)).mtimeMs).toBe(written);
  });
});
