import { mkdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { ControlComparisonSchema, type JsonValue, OccamError, ReducedModelSchema, SpecSchema, type Spec, type TaskHandler, zodProblem } from '@occam/core';
import { z } from 'zod';
import { BehaviourSchema, type BehaviourInput } from '../behaviour/schema.js';
import { loadCondition } from '../condition/loadCondition.js';
import type { ConditionInput } from '../condition/schema.js';
import { LanguageModel } from '../model-dir/languageModel.js';
import { modelFingerprint, promptsHash } from '../shard/extractShardTask.js';
import { fromExactJson, toExactJson } from './exactJson.js';
import { type CheckpointReduction, reduceCheckpoint } from './reduceCheckpoints.js';

/** The task kind of one checkpoint of `occam dynamics`: its reduction beside its random-weights control. */
export const DYNAMICS_CHECKPOINT_TASK = 'lm.dynamics-checkpoint';

/**
 * One checkpoint's reduction. Paths are as the user gave them (a SLURM task runs in the same folder). The
 * checkpoint folder's fingerprint and the hash of the prompts the condition gave there when the tasks were
 * planned are part of the parameters, so the task key changes with them: a kept work folder's result for other
 * weights or another condition file's content is never taken for this run's, and a task whose inputs changed
 * between planning and running refuses.
 */
export const DynamicsCheckpointParamsSchema = z.strictObject({
  dir: z.string().min(1),
  step: z.number().nonnegative(),
  condition: z.union([z.string().min(1), z.record(z.string(), z.unknown())]),
  behaviour: z.union([z.string().min(1), z.record(z.string(), z.unknown())]),
  spec: z.unknown(),
  specFile: z.string().optional(),
  control: z.strictObject({ kind: z.literal('random-weights'), seed: z.number().int() }).nullable(),
  /** Size and modification time of every file of the checkpoint folder (null: not a folder, e.g. a hub id). */
  modelFingerprint: z.string().nullable(),
  promptCount: z.number().int().nonnegative(),
  promptsHash: z.string().regex(/^[0-9a-f]{64}$/),
});
export type DynamicsCheckpointParams = z.infer<typeof DynamicsCheckpointParamsSchema>;

/** The prompts a condition gives under one checkpoint's tokenizer and vocabulary: their count and hash. */
export async function checkpointPrompts(dir: string, condition: string | ConditionInput): Promise<{ promptCount: number; promptsHash: string }> {
  const model = await LanguageModel.load(dir);
  try {
    const prompts = await loadCondition(condition, { size: model.vocabSize, tokenizer: model.tokenizer });
    return { promptCount: prompts.prompts.length, promptsHash: promptsHash(prompts.prompts) };
  } finally {
    await model.dispose();
  }
}

/** Runs one checkpoint task: checks its inputs are the planned ones, reduces, and returns the reduction (exact JSON). */
export const dynamicsCheckpointTask: TaskHandler = async (params, { outputDir, task }) => {
  const parsed = DynamicsCheckpointParamsSchema.safeParse(params);
  if (!parsed.success) throw zodProblem(`task ${task.index} params`, parsed.error);
  const p = parsed.data;
  const spec = SpecSchema.safeParse(p.spec);
  if (!spec.success) throw zodProblem(`task ${task.index} params.spec`, spec.error, SpecSchema);
  if (typeof p.behaviour !== 'string') {
    const b = BehaviourSchema.safeParse(p.behaviour);
    if (!b.success) throw zodProblem(`task ${task.index} params.behaviour`, b.error);
  }
  const where = `task ${task.index} (${task.name})`;
  if ((await modelFingerprint(p.dir)) !== p.modelFingerprint)
    throw new OccamError(
      `${where}: the checkpoint folder ${p.dir} changed since the tasks were planned (its files' sizes or times differ) — run occam dynamics again (its tasks are planned anew)`,
      { file: p.dir },
    );
  const condition = p.condition as string | ConditionInput;
  const now = await checkpointPrompts(p.dir, condition);
  if (now.promptCount !== p.promptCount || now.promptsHash !== p.promptsHash)
    throw new OccamError(
      `${where}: the condition now gives other prompts at ${p.dir} than when the tasks were planned (${now.promptCount} prompts, planned ${p.promptCount}) — did ${typeof p.condition === 'string' ? p.condition : 'a file the condition reads'} change? Run occam dynamics again`,
      typeof p.condition === 'string' ? { file: p.condition } : undefined,
    );
  // The Datasets and the control network are scratch, as in the serial run: a killed attempt's are cleared first,
  // and they are removed once the reduction is made (a control is a copy of the checkpoint's weights).
  const scratch = join(outputDir, 'scratch');
  await rm(scratch, { recursive: true, force: true });
  await mkdir(scratch, { recursive: true });
  try {
    const reduction = await reduceCheckpoint({
      dir: p.dir,
      step: p.step,
      condition,
      behaviour: p.behaviour as string | BehaviourInput,
      spec: spec.data,
      specFile: p.specFile,
      control: p.control,
      workDir: scratch,
    });
    return toExactJson(reduction);
  } finally {
    await rm(scratch, { recursive: true, force: true });
  }
};

const ReductionShape = z.strictObject({
  step: z.number(),
  dir: z.string(),
  model: z.unknown(),
  behaviourRate: z.number().nullable(),
  control: z.unknown(),
  notes: z.array(z.string()),
});

/**
 * A checkpoint task's result back as the reduction it was: checked (the model and the control comparison as their
 * files would be), then taken as written, its numbers exactly those the fit gave.
 */
export function checkpointReductionOf(value: JsonValue, where: string, planned: { dir: string; step: number }): CheckpointReduction {
  const decoded = fromExactJson(value);
  const shape = ReductionShape.safeParse(decoded);
  if (!shape.success) throw zodProblem(where, shape.error);
  const r = shape.data;
  if (r.dir !== planned.dir || r.step !== planned.step)
    throw new OccamError(`${where}: the result is for ${r.dir} (step ${r.step}), expected ${planned.dir} (step ${planned.step}) — remove it and run again`, {
      file: where,
    });
  // as a model file would hold it (JSON writes NaN as null): the schema judges the structure, not the exact numbers
  const asFile = (v: unknown) => JSON.parse(JSON.stringify(v)) as unknown;
  if (r.model !== null) {
    const m = ReducedModelSchema.safeParse(asFile(r.model));
    if (!m.success) throw zodProblem(`${where}: model`, m.error);
  }
  if (r.control !== null) {
    const c = ControlComparisonSchema.safeParse(asFile(r.control));
    if (!c.success) throw zodProblem(`${where}: control`, c.error);
  }
  return decoded as CheckpointReduction;
}

/** The task of checkpoint `index` (folder `dir`, `step`), its inputs' fingerprints taken now. */
export async function dynamicsCheckpointParams(args: {
  dir: string;
  step: number;
  condition: string | ConditionInput;
  behaviour: string | BehaviourInput;
  spec: Spec;
  specFile?: string;
  control: { kind: 'random-weights'; seed: number } | null;
}): Promise<DynamicsCheckpointParams> {
  const fingerprint = await modelFingerprint(args.dir);
  const prompts = await checkpointPrompts(args.dir, args.condition);
  return {
    dir: args.dir,
    step: args.step,
    condition: args.condition as DynamicsCheckpointParams['condition'],
    behaviour: args.behaviour as DynamicsCheckpointParams['behaviour'],
    spec: args.spec,
    ...(args.specFile !== undefined ? { specFile: args.specFile } : {}),
    control: args.control,
    modelFingerprint: fingerprint,
    ...prompts,
  };
}
