import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
import { fileSystemError } from './inputError.js';

export interface NumberedLine {
  /** The line without its line break (a trailing `\r` is removed too). */
  text: string;
  /** 1-based line number. */
  line: number;
}

/**
 * Stream a text file line by line, so that files far larger than memory (a voltage-trace file of a thousand
 * runs) can be read. File-system failures become OccamErrors naming the file.
 */
export async function* readLines(file: string): AsyncGenerator<NumberedLine> {
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
      yield { text: text.endsWith('\r') ? text.slice(0, -1) : text, line };
    }
  } catch (error) {
    throw fileSystemError(file, error);
  } finally {
    lines.close();
    stream.destroy();
  }
}
