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
    const why = code === 'ENOENT' ? 'not found' : code === 'EACCES' ? 'permission denied' : code === 'EISDIR' ? 'is a directory' : code ?? String(error);
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
