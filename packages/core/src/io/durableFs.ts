import { open } from 'node:fs/promises';

/**
 * A rename is atomic but not durable until the directory that holds it is flushed: after a power cut the
 * directory could still show the old entry, or neither. So every file is synced before it is renamed into
 * place, and the directory after.
 */
export async function syncDirectory(dir: string): Promise<void> {
  const handle = await open(dir, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/** Write `data` to a new file and flush it to disk before returning. */
export async function writeFileDurable(path: string, data: string | Uint8Array): Promise<void> {
  const handle = await open(path, 'wx');
  try {
    await handle.writeFile(data);
    await handle.sync();
  } finally {
    await handle.close();
  }
}
