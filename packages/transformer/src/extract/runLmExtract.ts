import type { AtomSelectionInput } from '../atoms/schema.js';
import { parseBehaviourArg } from '../behaviour/resolveBehaviour.js';
import type { BehaviourInput } from '../behaviour/schema.js';
import { loadCondition } from '../condition/loadCondition.js';
import type { PaddingSide } from '../condition/padBatch.js';
import type { ConditionInput } from '../condition/schema.js';
import { LanguageModel } from '../model-dir/languageModel.js';
import { extractDatasetTo, type ExtractSummary } from './extractDataset.js';

/** Arguments of `occam lm extract --model DIR --condition FILE --behaviour … --out DATASET`. */
export interface LmExtractArgs {
  /** Model folder (or a hub id with allowRemote). */
  model: string;
  /** Condition JSON file, prompts .jsonl file, or a condition object. */
  condition: string | ConditionInput;
  /** `next-token-correct`, `target-top1:TOKEN`, `logit-diff:A,B`, `unit-above:HOOK:UNIT:THRESHOLD`, JSON, or an object. */
  behaviour: string | BehaviourInput;
  /** Output Dataset folder (written atomically). */
  out: string;
  atoms?: AtomSelectionInput;
  /** Prompts per forward pass; omitted: batches of up to `batchTokens` padded tokens (default 1536). */
  batchSize?: number;
  batchTokens?: number;
  padding?: PaddingSide;
  allowRemote?: boolean;
  threads?: number;
  /** gzip the arrays (.npy.gz). */
  compress?: boolean;
  /** Replace an existing folder at `out` that occam did not write. */
  force?: boolean;
  onProgress?: (done: number, total: number) => void;
}

export interface LmExtractResult extends ExtractSummary {
  out: string;
  behaviour: string;
  condition: string;
}

/** Load the model, resolve the condition and behaviour, extract into the Dataset folder; returns a summary. */
export async function runLmExtract(args: LmExtractArgs): Promise<LmExtractResult> {
  const model = await LanguageModel.load(args.model, { allowRemote: args.allowRemote, threads: args.threads });
  try {
    const prompts = await loadCondition(args.condition, { size: model.vocabSize, tokenizer: model.tokenizer });
    const behaviour = typeof args.behaviour === 'string' ? parseBehaviourArg(args.behaviour) : args.behaviour;
    // Written as the batches complete: memory holds one batch, not the Dataset.
    const result = await extractDatasetTo(args.out, model, prompts, behaviour, {
      batchSize: args.batchSize,
      batchTokens: args.batchTokens,
      padding: args.padding,
      atoms: args.atoms,
      onProgress: args.onProgress,
      compress: args.compress,
      force: args.force,
    });
    return { ...result.summary, out: args.out, behaviour: result.behaviour.label, condition: prompts.name };
  } finally {
    await model.dispose();
  }
}
