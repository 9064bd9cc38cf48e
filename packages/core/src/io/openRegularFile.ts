import { constants, type Stats } from 'node:fs';
import { open, type FileHandle } from 'node:fs/promises';
import { OccamError } from '../errors.js';

export interface OpenedFile {
  handle: FileHandle;
  stats: Stats;
}

function kindOf(stats: Stats): string {
  if (stats.isDirectory()) return 'a directory';
  if (stats.isFIFO()) return 'a named pipe (FIFO)';
  if (stats.isCharacterDevice()) return 'a character device';
  if (stats.isBlockDevice()) return 'a block device';
  if (stats.isSocket()) return 'a socket';
  return 'not a regular file';
}

/**
 * Open a file for reading only if it is a regular file. O_NONBLOCK makes opening a FIFO return at once
 * (instead of waiting for a writer), and the kind is checked on the opened descriptor, so a device such as
 * /dev/zero or a pipe is refused before a byte is read. `what` says what the file is for (e.g. "JSON file").
 */
export async function openRegularFile(path: string, what: string): Promise<OpenedFile> {
  let handle: FileHandle;
  try {
    handle = await open(path, constants.O_RDONLY | constants.O_NONBLOCK);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const why = code === 'ENOENT' ? 'not found' : code === 'EACCES' ? 'permission denied' : code === 'EISDIR' ? 'is a directory' : (code ?? String(error));
    throw new OccamError(`${path}: cannot read the ${what} (${why})`, { file: path });
  }
  const stats = await handle.stat();
  if (!stats.isFile()) {
    await handle.close();
    throw new OccamError(`${path}: the ${what} is ${kindOf(stats)}, expected a regular file`, { file: path });
  }
  return { handle, stats };
}

/** Read exactly `length` bytes at `position` (a short file is the caller's problem: it gets fewer). */
export async function readAt(handle: FileHandle, length: number, position: number): Promise<Uint8Array> {
  const out = new Uint8Array(length);
  let done = 0;
  while (done < length) {
    const { bytesRead } = await handle.read(out, done, length - done, position + done);
    if (bytesRead === 0) break;
    done += bytesRead;
  }
  return done === length ? out : out.subarray(0, done);
}

/**
 * Read from the start until end of file, but never more than `max + 1` bytes (so the caller can tell "over the
 * limit"). Starts from the stat size and grows only if the file turns out longer than it said.
 */
export async function readBounded(handle: FileHandle, max: number, sizeHint: number): Promise<Uint8Array> {
  let out = new Uint8Array(Math.min(max + 1, Math.max(sizeHint + 1, 4096)));
  let done = 0;
  for (;;) {
    if (done === out.length) {
      if (out.length >= max + 1) break;
      const grown = new Uint8Array(Math.min(max + 1, out.length * 2));
      grown.set(out);
      out = grown;
    }
    const { bytesRead } = await handle.read(out, done, out.length - done, done);
    if (bytesRead === 0) break;
    done += bytesRead;
  }
  return out.subarray(0, done);
}
