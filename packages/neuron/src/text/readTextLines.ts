import { readFile } from 'node:fs/promises';
import { fileSystemError } from './inputError.js';

/**
 * Read a small text file (one trial's synapse activations, a few hundred kB) whole and split it into lines;
 * faster than streaming for files read ten thousand times over. Line i of the result is line i + 1 of the file.
 */
export async function readTextLines(file: string): Promise<string[]> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    throw fileSystemError(file, error);
  }
  const lines = text.split('\n');
  if (lines.length > 0 && lines[lines.length - 1] === '') lines.pop();
  for (let i = 0; i < lines.length; i++) {
    const l = lines[i];
    if (l.endsWith('\r')) lines[i] = l.slice(0, -1);
  }
  return lines;
}
