import { lstat, mkdir, open, readdir, readlink, rename, rm, rmdir, symlink } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { OccamError } from '../errors.js';
import { crashPoint } from './crashPoint.js';
import { syncDirectory, writeFileDurable } from './durableFs.js';
import { isDeadTemporary, isOwnTemporary, removeDeadTemporaries, temporaryName } from './temporaryNames.js';

/**
 * Write a file so that readers never see it half-written: a synced temp file in the same folder, renamed
 * over the target, then the folder synced. Leftover temporaries of killed writers of the same file are
 * removed first. This does not decide whether the target may be replaced: see `checkOutputPath`.
 */
export async function writeFileAtomic(path: string, data: string | Uint8Array): Promise<void> {
  const dir = dirname(path);
  await mkdir(dir, { recursive: true });
  const prefix = `.${basename(path)}.`;
  await removeDeadTemporaries(dir, prefix);
  const tmp = join(dir, `${temporaryName(`.${basename(path)}`)}.tmp`);
  try {
    await writeFileDurable(tmp, data);
    crashPoint('file:temp-synced');
    await rename(tmp, path);
    crashPoint('file:renamed');
    await syncDirectory(dir);
  } catch (error) {
    await rm(tmp, { force: true });
    throw error;
  }
}

/** Where the versions of a directory output live: a hidden sibling, `.<name>.occam-versions/`. */
export function versionStoreOf(path: string): string {
  return join(dirname(path), `.${basename(path)}.occam-versions`);
}

/**
 * If `path` is a directory output that occam wrote (a symlink into its own version store), the version it
 * points to; otherwise null.
 */
export async function currentVersionOf(path: string): Promise<string | null> {
  let target: string;
  try {
    target = await readlink(path);
  } catch {
    return null;
  }
  const store = `.${basename(path)}.occam-versions`;
  const parts = target.split('/');
  if (parts.length !== 2 || parts[0] !== store || !parts[1].startsWith('v.')) return null;
  return join(versionStoreOf(path), parts[1]);
}

export interface DirectoryWriteOptions {
  /** Replace a directory at `path` that occam did not write (it is removed once the new one is in place). */
  force?: boolean;
}

/**
 * Write a whole directory output so that `path` always resolves to a complete directory — the old one or
 * the new one, never a partial one and never nothing once it has existed. rename(2) cannot replace a
 * non-empty directory, but it can replace a symlink atomically, so `path` is a relative symlink into a
 * hidden version store beside it:
 *
 *   path  →  .<name>.occam-versions/v.<host>~<pid>~<rand>/   (manifest.json, arrays, …)
 *
 * A new version is filled in a temp folder of the store, synced, renamed to its final name, and `path` is
 * flipped to it by renaming a fresh symlink over it; the old version is removed last. A killed run leaves
 * at most a temp folder or an unreferenced version, both removed by the next write to the same path.
 * Readers follow the symlink as they would a directory (`numpy.load('path/inputs.npy')` works); to move
 * the output elsewhere, copy it with `cp -rL`.
 *
 * `path` must be absent, an empty directory, or a symlink occam made; anything else is refused unless
 * `force` (then the foreign directory is moved into the store and removed after the flip).
 */
export async function writeDirectoryAtomic(path: string, fill: (tmpDir: string) => Promise<void>, options: DirectoryWriteOptions = {}): Promise<void> {
  const parent = dirname(path);
  const name = basename(path);
  const store = versionStoreOf(path);
  const previous = await currentVersionOf(path);
  const existing = await lstat(path).catch(() => null);
  let foreign = false;
  if (existing && previous === null) {
    const emptyDir = existing.isDirectory() && (await readdir(path)).length === 0;
    if (!emptyDir) {
      if (!options.force) {
        throw new OccamError(
          `${path}: already exists and was not written by occam — refusing to replace it (choose another path, remove it yourself, or pass --force)`,
          { file: path },
        );
      }
      foreign = true;
    }
  }
  await mkdir(store, { recursive: true });
  await removeStaleVersions(store, previous);
  await removeDeadTemporaries(parent, `.${name}.`);
  const tmp = join(store, temporaryName('tmp'));
  const version = join(store, temporaryName('v'));
  const link = join(parent, `${temporaryName(`.${name}`)}.link`);
  try {
    await mkdir(tmp);
    await fill(tmp);
    await syncTree(tmp);
    crashPoint('dir:version-filled');
    await rename(tmp, version);
    await syncDirectory(store);
    crashPoint('dir:version-renamed');
    await symlink(`${basename(store)}/${basename(version)}`, link);
    crashPoint('dir:link-made');
    let aside: string | null = null;
    if (existing && previous === null) {
      if (foreign) {
        aside = join(store, temporaryName('replaced'));
        await rename(path, aside);
      } else {
        await rmdir(path);
      }
    }
    await rename(link, path);
    await syncDirectory(parent);
    crashPoint('dir:link-flipped');
    if (previous) await rm(previous, { recursive: true, force: true });
    if (aside) await rm(aside, { recursive: true, force: true });
    await syncDirectory(store);
    crashPoint('dir:old-removed');
  } catch (error) {
    await rm(tmp, { recursive: true, force: true });
    await rm(link, { force: true });
    if ((await currentVersionOf(path)) !== version) await rm(version, { recursive: true, force: true });
    throw error;
  }
}

/**
 * Leftovers in a version store: temp folders of dead writers, and versions that the output no longer
 * points to whose writer is gone (a run killed between the flip and the removal of the old version).
 */
async function removeStaleVersions(store: string, current: string | null): Promise<void> {
  for (const entry of await readdir(store)) {
    const full = join(store, entry);
    if (full === current) continue;
    if (isDeadTemporary(entry) || (entry.startsWith('v.') && isOwnTemporary(entry))) await rm(full, { recursive: true, force: true });
  }
}

/** Flush every file and folder under `dir` (the files were written by ordinary writes inside `fill`). */
async function syncTree(dir: string): Promise<void> {
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const full = join(dir, entry.name);
    if (entry.isDirectory()) await syncTree(full);
    else if (entry.isFile()) {
      const h = await open(full, 'r');
      try {
        await h.sync();
      } finally {
        await h.close();
      }
    }
  }
  await syncDirectory(dir);
}
