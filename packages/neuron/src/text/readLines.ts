import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
import { open } from 'node:fs/promises';
import { fileSystemError } from './inputError.js';
import { checkUtf8, stripBom } from './textEncoding.js';

export interface NumberedLine {
  /** The line without its line break (a trailing `\r` is removed too). */
  text: string;
  /** 1-based line number. */
  line: number;
}

/**
 * Stream a text file line by line, so that files far larger than memory (a voltage-trace file of a thousand
 * runs) can be read. File-system failures become OccamErrors naming the file. A UTF-8 byte-order mark is
 * dropped from the first line; UTF-16 is refused by name.
 */
export async function* readLines(file: string): AsyncGenerator<NumberedLine> {
  checkUtf8(await readHead(file), file);
  const stream = createReadStream(file, { encoding: 'utf8' });
  // Surface open errors (ENOENT, EISDIR) as readable errors rather than an unhandled stream event.
  const opened = new Promise<void>((resolve, reject) => {
    stream.once('ready', () => resolve());
    stream.once('error', (error) => reject(fileSystemError(file, error)));
  });
  await opened;
  const lines = createInterface({ input: stream, crlfDelay: Infinity });
  let line = 0;
  try {
    for await (const text of lines) {
      line++;
      const bare = text.endsWith('\r') ? text.slice(0, -1) : text;
      yield { text: line === 1 ? stripBom(bare) : bare, line };
    }
  } catch (error) {
    throw fileSystemError(file, error);
  } finally {
    lines.close();
    stream.destroy();
  }
}

async function readHead(file: string): Promise<Uint8Array> {
  try {
    const handle = await open(file, 'r');
    try {
      const head = new Uint8Array(4);
      const { bytesRead } = await handle.read(head, 0, 4, 0);
      return head.subarray(0, bytesRead);
    } finally {
      await handle.close();
    }
  } catch (error) {
    throw fileSystemError(file, error);
  }
}
