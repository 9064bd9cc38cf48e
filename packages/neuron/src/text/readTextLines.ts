import { readFile } from 'node:fs/promises';
import { fileSystemError } from './inputError.js';
import { checkUtf8, stripBom } from './textEncoding.js';

/**
 * Read a small text file (one trial's synapse activations, a few hundred kB) whole and split it into lines;
 * faster than streaming for files read ten thousand times over. Line i of the result is line i + 1 of the file.
 * A UTF-8 byte-order mark is dropped and CRLF line ends are accepted; UTF-16 is refused by name. A 0-byte
 * file gives no lines.
 */
export async function readTextLines(file: string): Promise<string[]> {
  let bytes: Buffer;
  try {
    bytes = await readFile(file);
  } catch (error) {
    throw fileSystemError(file, error);
  }
  checkUtf8(bytes.subarray(0, 4), file);
  const text = stripBom(bytes.toString('utf8'));
  const lines = text.split('\n');
  if (lines.length > 0 && lines[lines.length - 1] === '') lines.pop();
  for (let i = 0; i < lines.length; i++) {
    const l = lines[i];
    if (l.endsWith('\r')) lines[i] = l.slice(0, -1);
  }
  return lines;
}
