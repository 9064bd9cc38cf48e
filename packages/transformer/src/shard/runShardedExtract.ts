import {
  concatenateManifests,
  type DatasetManifest,
  type Executor,
  type JsonValue,
  OccamError,
  readDatasetManifest,
  type TaskSpec,
  workPaths,
  writeConcatenatedTrials,
} from '@occam/core';
import { loadCondition } from '../condition/loadCondition.js';
import type { LmExtractArgs, LmExtractResult } from '../extract/runLmExtract.js';
import { LanguageModel } from '../model-dir/languageModel.js';
import { EXTRACT_SHARD_TASK, type ExtractShardParams, modelFingerprint, promptsHash, shardDatasetDir } from './extractShardTask.js';
import { shardRanges } from './shardRanges.js';

export interface ShardedExtractArgs extends LmExtractArgs {
  executor: Executor;
  /** The shared work folder: task files, each shard's Dataset, logs. */
  work: string;
  /** How many prompt shards (fewer when the condition has fewer forward passes). */
  shards: number;
}

export interface ShardedExtractResult extends LmExtractResult {
  shards: number;
  executor: Executor['kind'];
}

/**
 * `lm extract` split by prompts: the condition's prompts are cut into shards of whole forward passes, each
 * shard is extracted by the unchanged extraction as one task of `executor`, and the shard Datasets are streamed,
 * one in memory at a time, into `out` — the same bytes one unsharded run writes (test/extractDatasetTo.test.ts,
 * apps/cli/test/slurm.test.ts).
 */
export async function runShardedExtract(args: ShardedExtractArgs): Promise<ShardedExtractResult> {
  const started = performance.now();
  // The prompts are resolved here once to plan the shards (a condition needs the model's tokenizer and vocabulary).
  const model = await LanguageModel.load(args.model, { allowRemote: args.allowRemote, threads: args.threads });
  let tasks: TaskSpec[];
  try {
    const prompts = await loadCondition(args.condition, { size: model.vocabSize, tokenizer: model.tokenizer });
    if (prompts.prompts.length === 0) throw new OccamError(`condition ${prompts.name}: no prompts`);
    const ranges = shardRanges(prompts.prompts, args.shards, { batchSize: args.batchSize, batchTokens: args.batchTokens });
    const hash = promptsHash(prompts.prompts);
    const fingerprint = await modelFingerprint(args.model);
    tasks = ranges.map(([start, end], k) => {
      const params: ExtractShardParams = {
        model: args.model,
        condition: args.condition as ExtractShardParams['condition'],
        behaviour: args.behaviour as ExtractShardParams['behaviour'],
        ...(args.atoms ? { atoms: args.atoms as Record<string, unknown> } : {}),
        ...(args.batchSize !== undefined ? { batchSize: args.batchSize } : {}),
        ...(args.batchTokens !== undefined ? { batchTokens: args.batchTokens } : {}),
        ...(args.padding ? { padding: args.padding } : {}),
        ...(args.allowRemote ? { allowRemote: true } : {}),
        ...(args.threads !== undefined ? { threads: args.threads } : {}),
        start,
        end,
        promptCount: prompts.prompts.length,
        promptsHash: hash,
        modelFingerprint: fingerprint,
      };
      return { name: `extract-shard-${k}`, kind: EXTRACT_SHARD_TASK, params: params as unknown as JsonValue };
    });
  } finally {
    await model.dispose();
  }
  const values = await args.executor.run(args.work, tasks, { onProgress: args.onProgress });
  const parts = tasks.map((t) => shardDatasetDir(workPaths.outputs(args.work, t.name)));
  const manifests = [];
  for (const dir of parts) manifests.push(await readDatasetManifest(dir));
  let m: DatasetManifest;
  try {
    m = concatenateManifests(manifests, { perTrialMetadata: { trialLabels: '' } });
  } catch (error) {
    if (!(error instanceof OccamError)) throw error;
    // e.g. one shard's first prompt made the in-graph atoms fail, so that shard computed them in JS
    throw new OccamError(`the shard Datasets in ${args.work}/outputs cannot be merged: ${error.message} — run without --shards`, error.where);
  }
  // one shard in memory at a time, not the merged Dataset
  const { scoredBins, positiveScoredBins: events } = await writeConcatenatedTrials(args.out, parts, m, { compress: args.compress, force: args.force });

  const summaries = values as Record<string, JsonValue>[];
  const readoutAtoms = m.atoms.filter((a) => a.attributes.readsReadout === 'yes').length;
  const meta = m.metadata as Record<string, unknown>;
  return {
    prompts: m.nTrials,
    bins: m.nBins,
    atoms: m.atoms.length,
    scoredBins,
    events: m.target.kind === 'binary' ? events : null,
    batches: summaries.reduce((s, v) => s + (v.batches as number), 0),
    maxBatchPrompts: Math.max(...summaries.map((v) => v.maxBatchPrompts as number)),
    readsReadout: readoutAtoms > 0,
    readoutAtoms,
    readoutNote: (meta.readoutNote as string | undefined) ?? null,
    atomNotes: (meta.atomNotes as string[] | undefined) ?? [],
    atomsComputed: meta.atomsComputed as 'graph' | 'js',
    atomsNote: (summaries.find((v) => v.atomsNote)?.atomsNote as string | undefined) ?? null,
    seconds: (performance.now() - started) / 1000,
    peakRssBytes: Math.max(...summaries.map((v) => v.peakRssBytes as number)),
    hooks: (meta.hooks as string[] | undefined) ?? [],
    out: args.out,
    behaviour: summaries[0].behaviour as string,
    condition: summaries[0].condition as string,
    shards: tasks.length,
    executor: args.executor.kind,
  };
}
