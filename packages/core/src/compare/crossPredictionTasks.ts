import { z } from 'zod';
import type { WeightedRankSweep } from '../bootstrap/weightedRankSweep.js';
import { readDataset } from '../dataset/readDataset.js';
import { OccamError, zodProblem } from '../errors.js';
import type { Executor } from '../executor/executor.js';
import type { TaskHandler } from '../executor/runTask.js';
import type { JsonValue } from '../executor/schema.js';
import type { TaskSpec } from '../executor/workFolder.js';
import { readReducedModel } from '../model/modelFile.js';
import { type CrossScore, compareModels, scoreOn, type System } from './compareModels.js';
import type { CompareResult } from './schema.js';

/** The task kind of one column of compare's cross-prediction matrix. */
export const CROSS_PREDICTION_TASK = 'compare.cross-prediction-column';

/** A system as files: what a task in another process reads. */
export interface SystemFiles {
  name: string;
  model: string;
  dataset: string;
}

const SystemFilesSchema = z.strictObject({ name: z.string(), model: z.string(), dataset: z.string() });
const ColumnParamsSchema = z.strictObject({ column: z.number().int().nonnegative(), systems: z.array(SystemFilesSchema).min(2) });

// Typed arrays travel as base64 of their bytes (little-endian, as every platform occam runs on): exact and compact.
const base64 = z.string().regex(/^[A-Za-z0-9+/]*={0,2}$/);
const SweepSchema = z.strictObject({ trialOf: base64, positive: base64, end: base64 });
const CellSchema = z.strictObject({
  auroc: z.number().nullable(),
  t2t: z.number().nullable(),
  stratified: z.number().nullable(),
  sweeps: z.strictObject({ auroc: SweepSchema, stratified: SweepSchema }),
});
const ColumnResultSchema = z.strictObject({ column: z.number().int().nonnegative(), cells: z.array(CellSchema) });

const bytesOf = (a: Int32Array | Uint8Array) => Buffer.from(a.buffer, a.byteOffset, a.byteLength).toString('base64');

function encodeSweep(s: WeightedRankSweep) {
  return { trialOf: bytesOf(s.trialOf), positive: bytesOf(s.positive), end: bytesOf(s.end) };
}

function decodeSweep(s: z.infer<typeof SweepSchema>, where: string): WeightedRankSweep {
  const trial = Buffer.from(s.trialOf, 'base64');
  const positive = new Uint8Array(Buffer.from(s.positive, 'base64'));
  const end = new Uint8Array(Buffer.from(s.end, 'base64'));
  if (trial.length % 4 !== 0 || trial.length / 4 !== positive.length || positive.length !== end.length)
    throw new OccamError(`${where}: a rank sweep's arrays disagree in length — the result file is damaged; remove it and run again`);
  const trialOf = new Int32Array(trial.length / 4);
  new Uint8Array(trialOf.buffer).set(trial);
  return { trialOf, positive, end };
}

/** One task per column system: its Dataset is read once and every system's model is scored on it. */
export function crossPredictionTasks(systems: SystemFiles[]): TaskSpec[] {
  return systems.map((_, column) => ({
    name: `cross-prediction-${column}`,
    kind: CROSS_PREDICTION_TASK,
    params: { column, systems: systems.map((s) => ({ name: s.name, model: s.model, dataset: s.dataset })) },
  }));
}

/** Runs one column task: reads the column's Dataset and every model, and returns the column's scores. */
export const crossPredictionColumnTask: TaskHandler = async (params, { task }) => {
  const parsed = ColumnParamsSchema.safeParse(params);
  if (!parsed.success) throw zodProblem(`task ${task.index} params`, parsed.error);
  const { column, systems } = parsed.data;
  if (column >= systems.length) throw new OccamError(`task ${task.index}: column ${column} is past the ${systems.length} systems`, { field: 'column' });
  const target = systems[column];
  const targetSystem = { model: await readReducedModel(target.model), dataset: await readDataset(target.dataset) };
  const cells = [];
  for (const row of systems) {
    const model = row === target ? targetSystem.model : await readReducedModel(row.model);
    const s = scoreOn(model, targetSystem);
    cells.push({
      auroc: s.auroc,
      t2t: s.t2t,
      stratified: s.stratified,
      sweeps: { auroc: encodeSweep(s.sweeps.auroc), stratified: encodeSweep(s.sweeps.stratified) },
    });
  }
  return { column, cells } satisfies JsonValue;
};

/** The column tasks' results back as the matrix compareModels takes (scores[row][column]). */
export function crossScoresFromColumns(values: JsonValue[], n: number, where: string): CrossScore[][] {
  const scores: CrossScore[][] = Array.from({ length: n }, () => new Array<CrossScore>(n));
  values.forEach((value, j) => {
    const parsed = ColumnResultSchema.safeParse(value);
    if (!parsed.success) throw zodProblem(`${where}: result of task ${j}`, parsed.error);
    if (parsed.data.column !== j || parsed.data.cells.length !== n)
      throw new OccamError(
        `${where}: result of task ${j} is for column ${parsed.data.column} with ${parsed.data.cells.length} rows, expected column ${j} with ${n}`,
      );
    parsed.data.cells.forEach((c, i) => {
      scores[i][j] = {
        auroc: c.auroc,
        t2t: c.t2t,
        stratified: c.stratified,
        sweeps: { auroc: decodeSweep(c.sweeps.auroc, where), stratified: decodeSweep(c.sweeps.stratified, where) },
      };
    });
  });
  return scores;
}

/**
 * compareModels with its cross-prediction matrix fanned out over `executor`, one task per column, in the
 * work folder `work`. The systems are given in memory (the rest of the comparison runs here) and as the
 * files they were read from (what the tasks read). The result equals compareModels(systems, options).
 */
export async function compareModelsOn(
  executor: Executor,
  work: string,
  systems: System[],
  files: SystemFiles[],
  options: Parameters<typeof compareModels>[1] = {},
  onProgress?: (done: number, total: number) => void,
): Promise<CompareResult> {
  if (files.length !== systems.length) throw new OccamError(`compare: ${systems.length} systems but ${files.length} file sets`);
  const values = await executor.run(work, crossPredictionTasks(files), { onProgress });
  return compareModels(systems, options, crossScoresFromColumns(values, systems.length, work));
}
