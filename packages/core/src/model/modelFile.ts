import { readFile } from 'node:fs/promises';
import { OccamError, zodProblem } from '../errors.js';
import { writeFileAtomic } from '../io/atomicWrite.js';
import { ReducedModelSchema, type ReducedModel } from './schema.js';

export async function writeReducedModel(path: string, model: ReducedModel): Promise<void> {
  await writeFileAtomic(path, JSON.stringify(model, null, 1) + '\n');
}

export async function readReducedModel(path: string): Promise<ReducedModel> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    throw new OccamError(`${path}: cannot read (${(error as NodeJS.ErrnoException).code ?? String(error)})`, { file: path });
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new OccamError(`${path}: not valid JSON (${(error as Error).message})`, { file: path });
  }
  const parsed = ReducedModelSchema.safeParse(json);
  if (!parsed.success) throw zodProblem(path, parsed.error);
  return parsed.data;
}
