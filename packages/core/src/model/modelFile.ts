import { zodProblem } from '../errors.js';
import { writeFileAtomic } from '../io/atomicWrite.js';
import { readJsonFile } from '../io/readJsonFile.js';
import { ReducedModelSchema, type ReducedModel } from './schema.js';

export async function writeReducedModel(path: string, model: ReducedModel): Promise<void> {
  await writeFileAtomic(path, JSON.stringify(model, null, 1) + '\n');
}

export async function readReducedModel(path: string): Promise<ReducedModel> {
  const parsed = ReducedModelSchema.safeParse(await readJsonFile(path));
  if (!parsed.success) throw zodProblem(path, parsed.error);
  return parsed.data;
}
