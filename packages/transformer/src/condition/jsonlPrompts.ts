import { OccamError } from '@occam/core';
import { readConditionFile } from './conditionFiles.js';
import type { Prompt, PromptSet } from './promptSet.js';
import { PromptLineSchema } from './schema.js';
import { unknownWords, withBos, type Vocabulary } from './vocabulary.js';

/**
 * Prompts from a JSONL file, one object per line: {"text": "..."} (tokenised, BOS put first unless
 * `bos` is false) or {"tokens": [ids]} (used as given), with optional "id" and "scored" positions.
 * Blank lines are skipped; every problem names the file and line.
 */
export async function readJsonlPrompts(path: string, vocab: Vocabulary, bos: boolean): Promise<PromptSet> {
  const text = await readConditionFile(path, 'prompts file');
  const prompts: Prompt[] = [];
  const lines = text.split(/\r?\n/);
  const ids = new Map<string, number>();
  lines.forEach((raw, i) => {
    const line = i + 1;
    if (raw.trim() === '') return;
    const where = `${path}:${line}`;
    let value: unknown;
    try {
      value = JSON.parse(raw);
    } catch (error) {
      throw new OccamError(
        `${where}: not valid JSON (${(error as Error).message}); each line must be one object such as {"text": "..."} or {"tokens": [1, 2, 3]}`,
        { file: path, line },
      );
    }
    const parsed = PromptLineSchema.safeParse(value);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      const field = issue.path.join('.');
      throw new OccamError(`${where}: ${field ? `${field}: ` : ''}${issue.message}`, { file: path, line, field });
    }
    const p = parsed.data;
    let tokens: number[];
    if (p.tokens) {
      const bad = p.tokens.find((t) => t >= vocab.size);
      if (bad !== undefined)
        throw new OccamError(`${where}: token id ${bad} is outside the vocabulary (size ${vocab.size})`, { file: path, line, field: 'tokens' });
      tokens = p.tokens;
    } else {
      if (p.text!.trim() === '')
        throw new OccamError(`${where}: "text" is empty; give the prompt's text, or remove the line`, { file: path, line, field: 'text' });
      const content = vocab.tokenizer.encode(p.text!, { bos: false });
      if (content.length === 0) throw new OccamError(`${where}: "text" has no tokens`, { file: path, line, field: 'text' });
      const unknown = unknownWords(p.text!, content, vocab);
      if (unknown) throw new OccamError(`${where}: ${unknown}`, { file: path, line, field: 'text' });
      tokens = withBos(content, vocab, bos);
    }
    if (p.scored) {
      const bad = p.scored.find((s) => s >= tokens.length);
      if (bad !== undefined)
        throw new OccamError(`${where}: scored position ${bad} is beyond the prompt's ${tokens.length} tokens`, { file: path, line, field: 'scored' });
    }
    const id = p.id ?? `line-${line}`;
    const seen = ids.get(id);
    if (seen !== undefined)
      throw new OccamError(`${where}: id "${id}" was already used on line ${seen}; prompt ids must be unique`, { file: path, line, field: 'id' });
    ids.set(id, line);
    prompts.push({ id, tokens, scored: p.scored ?? null, source: { file: path, line } });
  });
  if (prompts.length === 0) throw new OccamError(`${path}: no prompts (the file has no non-blank lines)`, { file: path });
  return { name: 'jsonl', prompts, markers: {}, metadata: { source: path } };
}
