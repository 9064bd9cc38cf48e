import { writeFileAtomic, writeReducedModel, type ReducedModel } from '@occam/core';

/** The output path that means standard output, for options that write one file (`--out -`). */
export const STDOUT = '-';

/** Write one output: to stdout for `-` (resolving once the bytes are handed to the OS), else atomically to the file. */
export async function writeTextOutput(path: string, text: string): Promise<void> {
  if (path !== STDOUT) return writeFileAtomic(path, text);
  await new Promise<void>((resolve, reject) => process.stdout.write(text, (error) => (error ? reject(error) : resolve())));
}

/** A reduced model to its file (core's writer) or to stdout in the same form. */
export async function writeModelOutput(path: string, model: ReducedModel): Promise<void> {
  if (path !== STDOUT) return writeReducedModel(path, model);
  await writeTextOutput(path, JSON.stringify(model, null, 1) + '\n');
}

/** The line that says where an output went: nothing for stdout (the output itself is there). */
export function wroteLine(path: string): string {
  return path === STDOUT ? '' : `\nwrote ${path}`;
}
