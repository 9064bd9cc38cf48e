import { createHash } from 'node:crypto';
import { readdir, stat } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { OccamError, type TaskHandler, zodProblem } from '@occam/core';
import { z } from 'zod';
import { parseBehaviourArg } from '../behaviour/resolveBehaviour.js';
import type { BehaviourInput } from '../behaviour/schema.js';
import { loadCondition } from '../condition/loadCondition.js';
import type { Prompt } from '../condition/promptSet.js';
import type { ConditionInput } from '../condition/schema.js';
import { extractDatasetTo } from '../extract/extractDataset.js';
import type { AtomSelectionInput } from '../atoms/schema.js';
import { LanguageModel } from '../model-dir/languageModel.js';

/** The task kind of one prompt shard of `lm extract`. */
export const EXTRACT_SHARD_TASK = 'lm.extract-shard';

/** What every shard of one extraction shares, and its own prompt range. Paths are as the user gave them. */
export const ExtractShardParamsSchema = z.strictObject({
  model: z.string(),
  condition: z.union([z.string(), z.record(z.string(), z.unknown())]),
  behaviour: z.union([z.string(), z.record(z.string(), z.unknown())]),
  atoms: z.record(z.string(), z.unknown()).optional(),
  batchSize: z.number().int().positive().optional(),
  batchTokens: z.number().int().positive().optional(),
  padding: z.enum(['left', 'right']).optional(),
  allowRemote: z.boolean().optional(),
  threads: z.number().int().positive().optional(),
  start: z.number().int().nonnegative(),
  end: z.number().int().positive(),
  /** The condition's prompt count and a hash of every prompt's tokens when the shards were planned. */
  promptCount: z.number().int().positive(),
  promptsHash: z.string(),
  /** Size and modification time of every file of the model folder when the shards were planned (null: a hub id). */
  modelFingerprint: z.string().nullable(),
});
export type ExtractShardParams = z.infer<typeof ExtractShardParamsSchema>;

/** Hash of the prompts' ids, tokens and scored positions: a shard refuses prompts other than those planned. */
export function promptsHash(prompts: Prompt[]): string {
  const h = createHash('sha256');
  for (const p of prompts) h.update(JSON.stringify([p.id, p.tokens, p.scored, p.label ?? null]));
  return h.digest('hex');
}

/**
 * A cheap fingerprint of a model folder: every regular file's path, size and modification time. It is part of
 * each task's parameters, so a work folder's results from weights since replaced under the same path are never
 * merged with shards of the new weights (the task hash changes), and a shard run after the weights changed
 * refuses. Hashing the bytes would cost a full read of a large model per task; a re-export rewrites the files.
 */
export async function modelFingerprint(dir: string): Promise<string | null> {
  const info = await stat(dir).catch(() => null);
  if (!info?.isDirectory()) return null;
  const h = createHash('sha256');
  const walk = async (d: string): Promise<void> => {
    const entries = (await readdir(d, { withFileTypes: true })).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    for (const e of entries) {
      const path = join(d, e.name);
      if (e.isDirectory()) await walk(path);
      else if (e.isFile()) {
        const s = await stat(path);
        h.update(JSON.stringify([relative(dir, path), s.size, s.mtimeMs]));
      }
    }
  };
  await walk(dir);
  return h.digest('hex');
}

/** Where a shard task leaves its Dataset, under its outputs folder. */
export const shardDatasetDir = (outputDir: string) => join(outputDir, 'dataset');

/** Runs one shard: the unchanged extraction over the shard's prompts, its Dataset written into the work folder. */
export const extractShardTask: TaskHandler = async (params, { outputDir, task }) => {
  const parsed = ExtractShardParamsSchema.safeParse(params);
  if (!parsed.success) throw zodProblem(`task ${task.index} params`, parsed.error);
  const p = parsed.data;
  const model = await LanguageModel.load(p.model, { allowRemote: p.allowRemote, threads: p.threads });
  try {
    const prompts = await loadCondition(p.condition as string | ConditionInput, { size: model.vocabSize, tokenizer: model.tokenizer });
    if (prompts.prompts.length !== p.promptCount || promptsHash(prompts.prompts) !== p.promptsHash)
      throw new OccamError(
        `task ${task.index} (${task.name}): the condition now gives other prompts than when the shards were planned (${prompts.prompts.length} prompts, planned ${p.promptCount}) — did ${typeof p.condition === 'string' ? p.condition : 'the condition'} change? Start again with a new --work-dir`,
      );
    if ((await modelFingerprint(p.model)) !== p.modelFingerprint)
      throw new OccamError(
        `task ${task.index} (${task.name}): the model folder ${p.model} changed since the shards were planned (its files' sizes or times differ) — start again with a new --work-dir`,
      );
    if (p.end > prompts.prompts.length || p.start >= p.end)
      throw new OccamError(`task ${task.index}: prompt range [${p.start}, ${p.end}) is outside the ${prompts.prompts.length} prompts`);
    const behaviour = typeof p.behaviour === 'string' ? parseBehaviourArg(p.behaviour) : (p.behaviour as BehaviourInput);
    const shard = { ...prompts, prompts: prompts.prompts.slice(p.start, p.end) };
    const result = await extractDatasetTo(shardDatasetDir(outputDir), model, shard, behaviour, {
      batchSize: p.batchSize,
      batchTokens: p.batchTokens,
      padding: p.padding,
      atoms: p.atoms as AtomSelectionInput | undefined,
      force: true,
    });
    const s = result.summary;
    return {
      batches: s.batches,
      maxBatchPrompts: s.maxBatchPrompts,
      seconds: s.seconds,
      peakRssBytes: s.peakRssBytes,
      atomsComputed: s.atomsComputed,
      atomsNote: s.atomsNote,
      behaviour: result.behaviour.label,
      condition: prompts.name,
    };
  } finally {
    await model.dispose();
  }
};
