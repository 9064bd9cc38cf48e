import { zodProblem } from '../errors.js';
import type { ReadLimits } from '../io/limits.js';
import { readJsonFile } from '../io/readJsonFile.js';
import { InterventionListSchema, type InterventionList } from './schema.js';

/** Read an intervention list (size-checked before parsing) and validate it; problems name the file and the field. */
export async function readInterventionFile(path: string, options: { limits?: Partial<ReadLimits> } = {}): Promise<InterventionList> {
  const parsed = InterventionListSchema.safeParse(await readJsonFile(path, { what: 'intervention list', limits: options.limits }));
  if (!parsed.success) throw zodProblem(path, parsed.error, InterventionListSchema);
  return parsed.data;
}
