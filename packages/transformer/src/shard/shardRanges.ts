import { OccamError } from '@occam/core';
import { DEFAULT_BATCH_TOKENS } from '../extract/extractDataset.js';
import type { Prompt } from '../condition/promptSet.js';

/**
 * The forward passes of an extraction, as [start, end) prompt ranges: `batchSize` prompts each when given,
 * else as many consecutive prompts as fit `batchTokens` padded tokens (prompts × longest), at least one.
 * This is extractDataset's own rule (extract/extractDataset.ts, batchEnd), restated here because shards must
 * start on a pass boundary: a pass started anywhere else would pad other prompts together, and onnxruntime's
 * sums over a different batch need not round the same way. The sharding test compares bytes, so a change
 * of that rule that is not made here too fails it.
 */
export function batchRanges(prompts: Prompt[], options: { batchSize?: number; batchTokens?: number }): [number, number][] {
  const ranges: [number, number][] = [];
  const batchSize = options.batchSize ?? null;
  const batchTokens = options.batchTokens ?? DEFAULT_BATCH_TOKENS;
  for (let start = 0; start < prompts.length; ) {
    let end: number;
    if (batchSize !== null) end = Math.min(start + batchSize, prompts.length);
    else {
      end = start + 1;
      let width = prompts[start].tokens.length;
      while (end < prompts.length) {
        const w = Math.max(width, prompts[end].tokens.length);
        if ((end - start + 1) * w > batchTokens) break;
        width = w;
        end++;
      }
    }
    ranges.push([start, end]);
    start = end;
  }
  return ranges;
}

/**
 * Split the prompts into at most `shards` consecutive ranges of whole forward passes, as even in passes as
 * they go (fewer shards when there are fewer passes).
 */
export function shardRanges(prompts: Prompt[], shards: number, options: { batchSize?: number; batchTokens?: number }): [number, number][] {
  if (!(Number.isInteger(shards) && shards >= 1)) throw new OccamError(`shards must be a whole number ≥ 1, got ${shards}`, { field: 'shards' });
  const batches = batchRanges(prompts, options);
  const n = Math.min(shards, batches.length);
  const out: [number, number][] = [];
  for (let k = 0; k < n; k++) {
    const from = Math.floor((k * batches.length) / n);
    const to = Math.floor(((k + 1) * batches.length) / n);
    out.push([batches[from][0], batches[to - 1][1]]);
  }
  return out;
}
