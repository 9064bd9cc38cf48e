import { realpathSync } from 'node:fs';
import { open, stat } from 'node:fs/promises';
import { isAbsolute, relative, resolve, sep } from 'node:path';
import { OccamError } from '@occam/core';
import { conditionLimits, describeInputLimit } from './conditionLimits.js';

/**
 * Where a condition's relative paths resolve: the condition file's folder (or the working directory for
 * a condition given as an object), and the file that named them, for messages.
 */
export interface ConditionBase {
  dir: string;
  /** The condition file (or 'condition' for an object). */
  file: string;
  /** How messages name `dir`: "the condition file's folder", "the working folder". */
  dirName: string;
}

const inside = (root: string, p: string) => {
  const rel = relative(root, p);
  return rel === '' || (!rel.startsWith('..' + sep) && rel !== '..' && !isAbsolute(rel));
};

/**
 * A path written in a condition: absolute paths are taken as given (the user named them explicitly);
 * relative ones resolve against the condition file's folder and must stay inside it, also after
 * following symbolic links, so a shared condition file cannot read `../../secret`.
 */
export function conditionPath(base: ConditionBase, written: string, field: string): string {
  if (isAbsolute(written)) return written;
  const path = resolve(base.dir, written);
  const escape = () =>
    new OccamError(
      `${base.file}: ${field} '${written}' resolves to ${path}, outside ${base.dirName} ${base.dir}; move the file into that folder, or give an absolute path`,
      { file: base.file, field },
    );
  if (!inside(base.dir, path)) throw escape();
  let real: string;
  try {
    real = realpathSync(path);
  } catch {
    return path; // missing: readConditionFile says so, naming the file
  }
  let realDir = base.dir;
  try {
    realDir = realpathSync(base.dir);
  } catch {
    /* the folder exists (the condition file was read from it); keep the written form */
  }
  if (!inside(realDir, real)) throw escape();
  return path;
}

/**
 * A condition's input file as UTF-8 text (a BOM dropped): must exist, be a regular file and be within
 * the input limit (conditionLimits); `what` says what the file is for ("prompts file", "word list", …).
 */
export async function readConditionFile(path: string, what: string, referredBy?: ConditionBase, field?: string): Promise<string> {
  const by = referredBy ? ` (${field ?? 'path'} in ${referredBy.file})` : '';
  let info;
  try {
    info = await stat(path);
  } catch {
    throw new OccamError(`${path}: ${what} not found${by}`, { file: path });
  }
  if (!info.isFile()) throw new OccamError(`${path}: ${what} must be a regular file${info.isDirectory() ? ', got a folder' : ''}${by}`, { file: path });
  const limits = conditionLimits();
  if (info.size > limits.maxInputBytes)
    throw new OccamError(`${path}: ${what} is ${info.size} bytes, over the ${describeInputLimit(limits)}${by}`, { file: path });
  const handle = await open(path, 'r');
  try {
    // read at most one byte more than stat said: a file that grows after stat is noticed, never read unbounded
    const buf = new Uint8Array(info.size + 1);
    let n = 0;
    for (;;) {
      const { bytesRead } = await handle.read(buf, n, buf.length - n, n);
      if (bytesRead === 0) break;
      n += bytesRead;
      if (n === buf.length) break;
    }
    if (n > info.size) throw new OccamError(`${path}: ${what} changed while being read${by}; read it again once it is complete`, { file: path });
    const text = new TextDecoder('utf-8', { fatal: false }).decode(buf.subarray(0, n));
    return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  } finally {
    await handle.close();
  }
}
