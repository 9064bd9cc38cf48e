import { spawnSync } from 'node:child_process';
import { existsSync, lstatSync, readdirSync, readFileSync, realpathSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkOutputPath, DIRECTORY_CRASH_POINTS, FILE_CRASH_POINTS, OccamError, versionStoreOf, writeDirectoryAtomic, writeFileAtomic } from '@occam/core';

let root: string;
beforeAll(async () => {
  root = realpathSync(await mkdtemp(join(tmpdir(), 'occam-out-')));
});
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

async function refused(p: Promise<unknown>, ...fragments: RegExp[]): Promise<void> {
  const error = await p.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(OccamError);
  for (const f of fragments) expect((error as Error).message).toMatch(f);
}

describe('checkOutputPath refuses outputs that would destroy what occam did not write', () => {
  it('the working folder, its parents, home and / as a directory output — even with force', async () => {
    await refused(checkOutputPath({ path: process.cwd(), kind: 'directory', force: true }), /working folder/);
    await refused(checkOutputPath({ path: '.', kind: 'directory', force: true }), /working folder/);
    await refused(checkOutputPath({ path: '..', kind: 'directory', force: true }), /working folder or one of its parents/);
    await refused(checkOutputPath({ path: '/', kind: 'directory', force: true }), /root/);
  });
  it('an output equal to an input, or containing one (also through a symlink) — even with force', async () => {
    const proj = join(root, 'proj');
    await mkdir(join(proj, 'sim'), { recursive: true });
    await writeFile(join(proj, 'sim', 'a.csv'), 'x');
    await refused(checkOutputPath({ path: proj, kind: 'directory', inputs: [join(proj, 'sim')], force: true }), /contains the input/);
    await refused(checkOutputPath({ path: join(proj, 'sim'), kind: 'directory', inputs: [join(proj, 'sim')], force: true }), /is also an input/);
    await refused(checkOutputPath({ path: join(proj, 'sim', 'a.csv'), kind: 'file', inputs: [join(proj, 'sim', 'a.csv')], force: true }), /is also an input/);
    await symlink(proj, join(root, 'alias'));
    await refused(checkOutputPath({ path: join(root, 'alias'), kind: 'directory', inputs: [join(proj, 'sim')], force: true }), /contains the input/);
  });
  it('a non-empty folder or a file occam did not write, unless force', async () => {
    const dir = join(root, 'foreign');
    await mkdir(dir);
    await writeFile(join(dir, 'notes.txt'), 'mine');
    await refused(checkOutputPath({ path: dir, kind: 'directory' }), /not empty/, /--force/);
    await expect(checkOutputPath({ path: dir, kind: 'directory', force: true })).resolves.toBe(dir);
    await refused(checkOutputPath({ path: join(dir, 'notes.txt'), kind: 'file' }), /not written by occam/);
    await refused(checkOutputPath({ path: join(dir, 'notes.txt'), kind: 'directory' }), /is a file/);
    await writeFile(join(dir, 'model.json'), '{\n "format": "occam.reduced-model",\n "version": 1\n}\n');
    await expect(checkOutputPath({ path: join(dir, 'model.json'), kind: 'file' })).resolves.toBe(join(dir, 'model.json'));
  });
  it('the wrong kind, and a parent that cannot hold it', async () => {
    await refused(checkOutputPath({ path: root, kind: 'file' }), /is a folder/);
    await refused(checkOutputPath({ path: '/dev/null', kind: 'file' }), /not a regular file/);
    await writeFile(join(root, 'plain'), 'x');
    await refused(checkOutputPath({ path: join(root, 'plain', 'deeper', 'model.json'), kind: 'file' }), /is not a folder/);
  });
  it('accepts a new path, an empty folder, and a Dataset occam wrote', async () => {
    await expect(checkOutputPath({ path: join(root, 'new', 'ds'), kind: 'directory' })).resolves.toBeTruthy();
    await mkdir(join(root, 'empty'));
    await expect(checkOutputPath({ path: join(root, 'empty'), kind: 'directory' })).resolves.toBeTruthy();
    await writeDirectoryAtomic(join(root, 'ours'), async (d) => writeFile(join(d, 'a'), '1'));
    await expect(checkOutputPath({ path: join(root, 'ours'), kind: 'directory' })).resolves.toBeTruthy();
  });
});

describe('writeDirectoryAtomic: the path is always a complete old or new version', () => {
  it('replaces through a symlink flip and keeps exactly one version', async () => {
    const out = join(root, 'ds1');
    for (const v of ['one', 'two', 'three']) await writeDirectoryAtomic(out, async (d) => writeFile(join(d, 'v.txt'), v));
    expect(lstatSync(out).isSymbolicLink()).toBe(true);
    expect(readFileSync(join(out, 'v.txt'), 'utf8')).toBe('three');
    expect(readdirSync(versionStoreOf(out)).filter((e) => e.startsWith('v.'))).toHaveLength(1);
    expect(readdirSync(root).filter((e) => e.includes('.link'))).toHaveLength(0);
  });
  it('refuses a foreign folder without force and replaces it with force', async () => {
    const out = join(root, 'ds2');
    await mkdir(out);
    await writeFile(join(out, 'theirs.txt'), 'keep');
    await refused(
      writeDirectoryAtomic(out, async (d) => writeFile(join(d, 'v.txt'), 'new')),
      /not written by occam/,
    );
    expect(readFileSync(join(out, 'theirs.txt'), 'utf8')).toBe('keep');
    await writeDirectoryAtomic(out, async (d) => writeFile(join(d, 'v.txt'), 'new'), { force: true });
    expect(readFileSync(join(out, 'v.txt'), 'utf8')).toBe('new');
    expect(existsSync(join(out, 'theirs.txt'))).toBe(false);
  });
  it('a failing fill leaves the old version in place and nothing behind', async () => {
    const out = join(root, 'ds3');
    await writeDirectoryAtomic(out, async (d) => writeFile(join(d, 'v.txt'), 'old'));
    await expect(
      writeDirectoryAtomic(out, async () => {
        throw new Error('fill failed');
      }),
    ).rejects.toThrow('fill failed');
    expect(readFileSync(join(out, 'v.txt'), 'utf8')).toBe('old');
    expect(readdirSync(versionStoreOf(out))).toHaveLength(1);
  });
  it("removes a dead writer's leftovers, never a live writer's", async () => {
    const out = join(root, 'ds4');
    await writeDirectoryAtomic(out, async (d) => writeFile(join(d, 'v.txt'), 'old'));
    const store = versionStoreOf(out);
    const host = readdirSync(store)[0].split('.')[1].split('~')[0];
    // pid 2^22 + 1 is above Linux's pid_max limit, so it never names a live process.
    await mkdir(join(store, `tmp.${host}~4194305~0badc0de`));
    await mkdir(join(store, `tmp.${host}~${process.ppid}~0badc0de`));
    await mkdir(join(store, `tmp.otherhost~4194305~0badc0de`));
    await writeFile(join(root, `.m.json.${host}~4194305~0badc0de.tmp`), 'partial');
    await writeDirectoryAtomic(out, async (d) => writeFile(join(d, 'v.txt'), 'new'));
    await writeFileAtomic(join(root, 'm.json'), '{}');
    const left = readdirSync(store);
    expect(left).not.toContain(`tmp.${host}~4194305~0badc0de`);
    expect(left).toContain(`tmp.${host}~${process.ppid}~0badc0de`);
    expect(left).toContain(`tmp.otherhost~4194305~0badc0de`);
    expect(existsSync(join(root, `.m.json.${host}~4194305~0badc0de.tmp`))).toBe(false);
  });
});

// kill -9 at every step of the write protocol, in a real child process (the built package, as the CLI runs it).
const dist = fileURLToPath(new URL('../dist/index.js', import.meta.url));
const child = (script: string, crashAt: string) =>
  spawnSync(process.execPath, ['--input-type=module', '-e', `import * as core from ${JSON.stringify(dist)};\n${script}`], {
    env: { ...process.env, OCCAM_CRASH_AT: crashAt },
    encoding: 'utf8',
  });

describe.skipIf(!existsSync(dist))('kill -9 during a write never leaves a partial or missing output', () => {
  for (const point of DIRECTORY_CRASH_POINTS) {
    it(`directory output, killed at ${point}`, async () => {
      const out = join(root, `kill-${point.replace(/\W/g, '_')}`);
      const write = (v: string) =>
        `await core.writeDirectoryAtomic(${JSON.stringify(out)}, async (d) => { const fs = await import('node:fs/promises'); await fs.writeFile(d + '/a.txt', '${v}'.repeat(1000)); await fs.writeFile(d + '/b.txt', '${v}'); });`;
      expect(child(write('old'), '').status).toBe(0);
      const r = child(write('new'), point);
      expect(r.signal).toBe('SIGKILL');
      const a = await readFile(join(out, 'a.txt'), 'utf8');
      const b = await readFile(join(out, 'b.txt'), 'utf8');
      expect([
        ['old'.repeat(1000), 'old'],
        ['new'.repeat(1000), 'new'],
      ]).toContainEqual([a, b]);
      // the next write cleans up whatever the killed one left
      expect(child(write('third'), '').status).toBe(0);
      expect(await readFile(join(out, 'b.txt'), 'utf8')).toBe('third');
      expect(readdirSync(versionStoreOf(out))).toHaveLength(1);
      expect(readdirSync(root).filter((e) => e.startsWith(`.kill-${point.replace(/\W/g, '_')}.`) && e.endsWith('.link'))).toHaveLength(0);
    });
  }
  for (const point of FILE_CRASH_POINTS) {
    it(`file output, killed at ${point}`, async () => {
      const dir = join(root, `killfile-${point.replace(/\W/g, '_')}`);
      await mkdir(dir);
      const out = join(dir, 'model.json');
      const write = (v: string) => `await core.writeFileAtomic(${JSON.stringify(out)}, JSON.stringify({ v: '${v}', pad: 'x'.repeat(100000) }));`;
      expect(child(write('old'), '').status).toBe(0);
      expect(child(write('new'), point).signal).toBe('SIGKILL');
      expect(['old', 'new']).toContain(JSON.parse(await readFile(out, 'utf8')).v);
      expect(child(write('third'), '').status).toBe(0);
      expect(readdirSync(dir)).toEqual(['model.json']);
    });
  }
});
