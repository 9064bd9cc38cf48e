import { readFile } from 'node:fs/promises';
import { OccamError } from '../errors.js';

/** Read a JSON file; a missing file or bad JSON is an OccamError naming the file. Validation is the caller's. */
export async function readJsonFile(path: string): Promise<unknown> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    throw new OccamError(`${path}: cannot read (${(error as NodeJS.ErrnoException).code ?? String(error)})`, { file: path });
  }
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new OccamError(`${path}: not valid JSON (${(error as Error).message})`, { file: path });
  }
}
