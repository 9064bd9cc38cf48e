import { mulberry32, OccamError, shuffled } from '@occam/core';
import { readConditionFile } from './conditionFiles.js';
import type { Prompt, PromptSet } from './promptSet.js';
import type { NaturalText } from './schema.js';
import { withBos, type Vocabulary } from './vocabulary.js';

/**
 * Natural text: the whole file tokenised once, cut into windows of `windowTokens` tokens (BOS
 * included), every `stride` tokens; with `count`, that many windows drawn without replacement (seeded).
 */
export async function naturalTextPrompts(c: NaturalText, path: string, vocab: Vocabulary): Promise<PromptSet> {
  const text = await readConditionFile(path, 'text file');
  const all = vocab.tokenizer.encode(text, { bos: false });
  const body = c.windowTokens - (c.bos ? 1 : 0);
  const stride = c.stride ?? body;
  const windows: Prompt[] = [];
  for (let start = 0; start + body <= all.length; start += stride) {
    windows.push({ id: `text-${start}`, tokens: withBos(all.slice(start, start + body), vocab, c.bos), scored: null });
  }
  if (windows.length === 0) throw new OccamError(`${path}: ${all.length} tokens, fewer than one window of ${body}`, { file: path });
  let prompts = windows;
  if (c.count !== undefined) {
    if (c.count > windows.length)
      throw new OccamError(`${path}: only ${windows.length} windows of ${c.windowTokens} tokens, ${c.count} requested`, { file: path, field: 'count' });
    prompts = shuffled(windows, mulberry32(c.seed)).slice(0, c.count);
  }
  return { name: 'natural-text', prompts, markers: {}, metadata: { source: path, windowTokens: c.windowTokens, stride, tokens: all.length } };
}
