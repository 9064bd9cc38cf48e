import { OccamError } from '@occam/core';
import type { Prompt, PromptSet } from './promptSet.js';
import type { Vocabulary } from './vocabulary.js';

/** Where a prompt came from, for messages: "prompts.jsonl:7", or "cond.json: prompt 3 (id sc-3)". */
export function promptWhere(prompt: Prompt, index: number, conditionFile: string): { text: string; file: string; line?: number } {
  const s = prompt.source;
  if (s?.line !== undefined) return { text: `${s.file}:${s.line}`, file: s.file, line: s.line };
  return { text: `${s?.file ?? conditionFile}: prompt ${index} (id ${prompt.id})`, file: s?.file ?? conditionFile };
}

/**
 * Every prompt can be run by the model: at least one token, ids inside the vocabulary, and no longer
 * than the model's context (`vocab.tokenizer.contextLength`, when known). Checked before any forward
 * pass, so an over-long prompt is named here rather than surfacing as an onnxruntime index error.
 */
export function checkPromptsFit(set: PromptSet, vocab: Vocabulary, conditionFile: string): void {
  const context = vocab.tokenizer.contextLength;
  set.prompts.forEach((p, i) => {
    const problem = (message: string, field: string) => {
      const w = promptWhere(p, i, conditionFile);
      return new OccamError(`${w.text}: ${message}`, { file: w.file, line: w.line, field });
    };
    if (p.tokens.length === 0) throw problem('the prompt has no tokens', 'tokens');
    for (const t of p.tokens) {
      if (!Number.isInteger(t) || t < 0 || t >= vocab.size)
        throw problem(`token id ${t} is outside the model's vocabulary (ids 0–${vocab.size - 1})`, 'tokens');
    }
    if (context !== null && p.tokens.length > context) {
      const fromFile = p.source?.line !== undefined;
      const bos = vocab.tokenizer.bosId !== null && p.tokens[0] === vocab.tokenizer.bosId ? ' (BOS included)' : '';
      const fix = fromFile
        ? `shorten it to at most ${context} tokens`
        : `make the condition's prompts at most ${context} tokens (its length, period × repeats, template or windowTokens)`;
      throw problem(`the prompt has ${p.tokens.length} tokens${bos}, more than the model's context of ${context} positions; ${fix}`, 'tokens');
    }
  });
}
