import { zodProblem } from '../errors.js';
import type { ReadLimits } from '../io/limits.js';
import { readJsonFile } from '../io/readJsonFile.js';
import { SpecSchema, type Spec } from './schema.js';

/** Read a spec file (size-checked before parsing) and validate it; problems name the file and the field. */
export async function readSpecFile(path: string, options: { limits?: Partial<ReadLimits> } = {}): Promise<Spec> {
  const parsed = SpecSchema.safeParse(await readJsonFile(path, { what: 'spec file', limits: options.limits }));
  if (!parsed.success) throw zodProblem(path, parsed.error, SpecSchema);
  return parsed.data;
}
