import { constants } from 'node:fs';
import { access, lstat, open, readdir, realpath, stat } from 'node:fs/promises';
import { homedir } from 'node:os';
import { basename, dirname, isAbsolute, relative, resolve, sep } from 'node:path';
import { OccamError } from '../errors.js';
import { currentVersionOf } from './atomicWrite.js';

/** A file output (model, result, report) or a directory output (a Dataset). */
export type OutputKind = 'file' | 'directory';

export interface OutputPathCheck {
  /** The path as the user gave it. */
  path: string;
  kind: OutputKind;
  /** How to name the path in messages, e.g. `--out`. */
  label?: string;
  /** Every input path of the same command: the output may neither equal nor contain one. */
  inputs?: string[];
  /** Allow replacing an existing output that occam did not write. */
  force?: boolean;
}

/**
 * Pre-flight of an output path, run before any expensive work so that a wrong path fails in a second, not
 * after a fit. Refuses, with a message saying what to do:
 * - a path that equals, contains or lies inside one of the command's inputs (also through symlinks), always;
 * - the working folder, one of its ancestors, the home folder or `/` as a directory output, always;
 * - the wrong kind: a directory where a file goes, a device or FIFO, a file where a Dataset goes;
 * - an existing output occam did not write (no occam format marker in a file; a directory that is not
 *   occam's version-store symlink and not empty), unless `force`;
 * - a parent that is not a directory or not writable.
 * Returns the absolute path.
 */
export async function checkOutputPath(check: OutputPathCheck): Promise<string> {
  const label = check.label ?? 'output';
  const given = check.path;
  if (given.length === 0) throw new OccamError(`${label}: empty path`, { field: label });
  const abs = resolve(given);
  const real = await resolveThroughLinks(abs);
  const say = (what: string) => new OccamError(`${label} ${given}: ${what}`, { file: given, field: label });

  if (check.kind === 'directory') {
    const cwd = process.cwd();
    for (const protectedDir of [cwd, homedir(), '/']) {
      if (abs === protectedDir || isInside(protectedDir, abs)) {
        throw say(
          `is ${abs === '/' ? 'the file-system root' : abs === homedir() ? 'your home folder' : 'the working folder or one of its parents'} — occam writes this output as a new folder of its own; give a path for it, e.g. ${join2(given, 'dataset')}`,
        );
      }
    }
  }

  for (const input of check.inputs ?? []) {
    if (!input) continue;
    const inReal = await resolveThroughLinks(resolve(input));
    for (const out of new Set([abs, real])) {
      if (out === inReal || out === resolve(input)) throw say(`is also an input (${input}) — writing there would destroy it; choose another path`);
      if (isInside(inReal, out)) throw say(`contains the input ${input} — replacing it would destroy that input; choose another path`);
      if (isInside(out, inReal) && (await stat(inReal).catch(() => null))?.isDirectory()) {
        throw say(`lies inside the input folder ${input} — occam never writes into its inputs; choose a path outside it`);
      }
    }
  }

  const existing = await lstat(abs).catch(() => null);
  if (check.kind === 'directory') {
    if (existing) {
      if (existing.isSymbolicLink() && (await currentVersionOf(abs)) !== null) {
        // occam's own output: it will be replaced atomically.
      } else if (existing.isDirectory()) {
        if ((await readdir(abs)).length > 0 && !check.force) {
          throw say('is a folder occam did not write and it is not empty — refusing to replace it (choose a new path, or pass --force to replace it)');
        }
      } else if (!check.force) {
        throw say(`exists and is ${describe(existing)}, not a Dataset folder occam wrote — refusing to replace it (choose a new path, or pass --force)`);
      }
    }
  } else if (existing) {
    const target = existing.isSymbolicLink() ? await stat(abs).catch(() => null) : existing;
    if (target?.isDirectory()) throw say('is a folder — give a file path for this output');
    if (target && !target.isFile()) throw say(`is ${describe(target)}, not a regular file — give a file path`);
    if (target && !check.force && !(await looksWrittenByOccam(abs))) {
      throw say('exists and was not written by occam — refusing to overwrite it (choose a new path, or pass --force)');
    }
  }
  await checkParentWritable(abs, say);
  return abs;
}

/** The nearest existing ancestor must be a directory we may create entries in. */
async function checkParentWritable(abs: string, say: (what: string) => OccamError): Promise<void> {
  let dir = dirname(abs);
  for (;;) {
    const s = await stat(dir).catch((e: NodeJS.ErrnoException) => e);
    if (!(s instanceof Error)) {
      if (!s.isDirectory()) throw say(`cannot be created: ${dir} is not a folder`);
      try {
        await access(dir, constants.W_OK | constants.X_OK);
      } catch {
        throw say(`cannot be written: no write permission in ${dir}`);
      }
      return;
    }
    if (s.code !== 'ENOENT' && s.code !== 'ENOTDIR') throw say(`cannot be created: ${dir} (${s.code})`);
    const up = dirname(dir);
    if (up === dir) return;
    dir = up;
  }
}

/** occam's JSON outputs carry `"format": "occam.…"` near the top; its HTML reports a generator meta tag. */
async function looksWrittenByOccam(path: string): Promise<boolean> {
  const handle = await open(path, 'r');
  try {
    const buffer = Buffer.alloc(4096);
    const { bytesRead } = await handle.read(buffer, 0, buffer.length, 0);
    const head = buffer.subarray(0, bytesRead).toString('utf8');
    return /"format"\s*:\s*"occam\./.test(head) || /<meta name="generator" content="occam/.test(head);
  } finally {
    await handle.close();
  }
}

/** The real path of `p`, or of its nearest existing ancestor with the rest appended (for paths to be made). */
async function resolveThroughLinks(p: string): Promise<string> {
  const rest: string[] = [];
  let cur = p;
  for (;;) {
    try {
      const r = await realpath(cur);
      return rest.length ? resolve(r, ...rest.reverse()) : r;
    } catch {
      const up = dirname(cur);
      if (up === cur) return p;
      rest.push(basename(cur));
      cur = up;
    }
  }
}

/** True when `inner` lies strictly inside `outer`. */
function isInside(inner: string, outer: string): boolean {
  const rel = relative(outer, inner);
  return rel !== '' && !rel.startsWith('..') && !isAbsolute(rel) && rel.split(sep)[0] !== '..';
}

function describe(s: { isFile(): boolean; isDirectory(): boolean; isSymbolicLink(): boolean; isFIFO(): boolean; isSocket(): boolean }): string {
  if (s.isFile()) return 'a file';
  if (s.isDirectory()) return 'a folder';
  if (s.isSymbolicLink()) return 'a symbolic link';
  if (s.isFIFO()) return 'a FIFO';
  if (s.isSocket()) return 'a socket';
  return 'a device';
}

function join2(a: string, b: string): string {
  return a.endsWith('/') ? a + b : `${a}/${b}`;
}
