import { randomBytes } from 'node:crypto';
import { readdir, rm } from 'node:fs/promises';
import { hostname } from 'node:os';
import { join } from 'node:path';

/**
 * Every temporary occam writes carries the writer's host and pid, so a later run can tell a live writer's
 * work in progress from a dead one's leftovers: `<tag>.<host>~<pid>~<random>`. The host matters on shared
 * file systems (a cluster's scratch): a pid means nothing on another machine, so another host's
 * temporaries are never touched.
 */
const HOST = hostname().replace(/[^A-Za-z0-9_-]/g, '_') || 'host';

export function temporaryName(tag: string): string {
  return `${tag}.${HOST}~${process.pid}~${randomBytes(4).toString('hex')}`;
}

const OWNER = /\.([A-Za-z0-9_-]+)~(\d+)~[0-9a-f]{8}/;

/** The writer that made a temporary name, if it is one of occam's. */
export function temporaryOwner(name: string): { host: string; pid: number } | null {
  const m = OWNER.exec(name);
  return m ? { host: m[1], pid: Number(m[2]) } : null;
}

export function processIsAlive(pid: number): boolean {
  if (pid === process.pid) return true;
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: the process exists but belongs to someone else.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** True when `name` is a temporary of a writer on this host that no longer runs. */
export function isDeadTemporary(name: string): boolean {
  const owner = temporaryOwner(name);
  return owner !== null && owner.host === HOST && !processIsAlive(owner.pid);
}

/** True when `name` is a temporary of this very process (an earlier write of the same run). */
export function isOwnTemporary(name: string): boolean {
  const owner = temporaryOwner(name);
  return owner !== null && owner.host === HOST && owner.pid === process.pid;
}

/**
 * Remove the leftovers of killed writers in `dir` whose names start with `prefix` (e.g. `.model.json.`):
 * only names that carry this host and a pid that no longer runs. Nothing else is ever removed.
 */
export async function removeDeadTemporaries(dir: string, prefix: string): Promise<string[]> {
  let names: string[];
  try {
    names = await readdir(dir);
  } catch {
    return [];
  }
  const removed: string[] = [];
  for (const name of names) {
    if (!name.startsWith(prefix) || !isDeadTemporary(name)) continue;
    await rm(join(dir, name), { recursive: true, force: true });
    removed.push(name);
  }
  return removed;
}
