import { createHash } from 'node:crypto';
import { resolve } from 'node:path';
import { z } from 'zod';
import type { Dataset } from '../dataset/dataset.js';
import { readDataset } from '../dataset/readDataset.js';
import { OccamError, zodProblem } from '../errors.js';
import type { TaskHandler } from '../executor/runTask.js';
import type { JsonValue } from '../executor/schema.js';
import type { TaskSpec } from '../executor/workFolder.js';
import { SpecSchema, type Spec } from '../spec/schema.js';
import type { CandidateIntervalOptions } from './candidateIntervals.js';
import { CandidateSchema } from './schema.js';
import { scoreCandidate, type CandidateScore } from './scoreCandidate.js';

/** The task kind of one search candidate: its k folds scored on the search's Dataset. */
export const SEARCH_CANDIDATE_TASK = 'search.candidate';

const ParamsSchema = z.strictObject({
  dataset: z.string().min(1),
  digest: z.string().regex(/^[0-9a-f]{64}$/),
  spec: z.unknown(),
  intervals: z.strictObject({ resamples: z.number().int().positive(), seed: z.number().int() }).nullable(),
});

const ScoreSchema = CandidateSchema.pick({ parameters: true, metrics: true, intervals: true }).strict();

/**
 * What a Dataset's candidates are scored on: its manifest and every array's bytes. In each task's parameters,
 * so that a task never runs on a Dataset changed since the search read it, and a result left in a kept work
 * folder by a search of other data is never taken for this one's (the task key hashes the parameters).
 */
export function datasetDigest(ds: Dataset): string {
  const h = createHash('sha256');
  h.update(JSON.stringify(ds.manifest));
  for (const a of [ds.inputs, ds.target, ds.scored]) h.update(new Uint8Array(a.buffer, a.byteOffset, a.byteLength));
  return h.digest('hex');
}

/**
 * The search's Dataset in memory, by absolute folder, while a search in this process lends it (the local
 * executor's tasks then score on it without reading it again). A task of another process (an array task of
 * SLURM) reads the folder: each reads it once, and never a copy older than the folder.
 */
const lent = new Map<string, { ds: Dataset; digest: string }>();

/** Lets this process's candidate tasks use the search's Dataset in memory; `forget` when the search is over. */
export function lendDataset(folder: string, ds: Dataset, digest: string): { forget: () => void } {
  const key = resolve(folder);
  const entry = { ds, digest };
  lent.set(key, entry);
  return { forget: () => lent.get(key) === entry && lent.delete(key) };
}

async function datasetAt(folder: string): Promise<{ ds: Dataset; digest: string }> {
  const entry = lent.get(resolve(folder));
  if (entry) return entry;
  const ds = await readDataset(folder);
  return { ds, digest: datasetDigest(ds) };
}

/** One task per candidate, in order; `dataset` is the folder the search's Dataset was read from (absolute: tasks may run elsewhere). */
export function candidateTasks(dataset: string, digest: string, candidates: { spec: Spec; intervals?: CandidateIntervalOptions }[]): TaskSpec[] {
  return candidates.map(({ spec, intervals }, i) => ({
    name: `candidate-${i}`,
    kind: SEARCH_CANDIDATE_TASK,
    params: { dataset: resolve(dataset), digest, spec: spec as unknown as JsonValue, intervals: intervals ? { ...intervals } : null },
  }));
}

/** Runs one candidate task: scoreCandidate on the Dataset named, which must still be the one the search read. */
export const searchCandidateTask: TaskHandler = async (params, { task }) => {
  const parsed = ParamsSchema.safeParse(params);
  if (!parsed.success) throw zodProblem(`task ${task.index} params`, parsed.error);
  const spec = SpecSchema.safeParse(parsed.data.spec);
  if (!spec.success) throw zodProblem(`task ${task.index} params.spec`, spec.error);
  const { ds, digest } = await datasetAt(parsed.data.dataset);
  if (digest !== parsed.data.digest)
    throw new OccamError(`task ${task.index}: the Dataset at ${parsed.data.dataset} is not the one the search read (it changed since): run the search again`, {
      file: parsed.data.dataset,
    });
  return scoreCandidate(ds, spec.data, parsed.data.intervals ?? undefined) as unknown as JsonValue;
};

/**
 * A candidate task's result back as the score it was: checked, then taken as written (JSON keeps the key
 * order and every finite double exactly, so the merged search writes the same bytes as one scored here).
 */
export function candidateScoreOf(value: JsonValue, where: string): CandidateScore {
  const parsed = ScoreSchema.safeParse(value);
  if (!parsed.success) throw zodProblem(where, parsed.error);
  return value as unknown as CandidateScore;
}
