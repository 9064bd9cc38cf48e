import { readFile } from 'node:fs/promises';
import { dirname, isAbsolute, resolve } from 'node:path';
import { OccamError, zodProblem } from '@occam/core';
import { readJsonlPrompts } from './jsonlPrompts.js';
import { naturalTextPrompts } from './naturalText.js';
import type { PromptSet } from './promptSet.js';
import { repeatedRandomPrompts } from './repeatedRandom.js';
import { ConditionSchema, type ConditionInput } from './schema.js';
import { templatePrompts } from './templatePrompts.js';
import type { Vocabulary } from './vocabulary.js';

/**
 * Resolve a condition to prompts. `condition` is a parsed object or a path: a `.jsonl` path is a
 * prompts file; any other path is a JSON condition file (relative paths inside it resolve against
 * its folder).
 */
export async function loadCondition(condition: ConditionInput | string, vocab: Vocabulary): Promise<PromptSet> {
  let input: unknown = condition;
  let file = 'condition';
  let base = process.cwd();
  if (typeof condition === 'string') {
    file = condition;
    if (condition.endsWith('.jsonl')) input = { kind: 'jsonl', path: resolve(condition) };
    else {
      let text: string;
      try {
        text = await readFile(condition, 'utf8');
      } catch {
        throw new OccamError(`${condition}: condition file not found`, { file: condition });
      }
      try {
        input = JSON.parse(text);
      } catch (error) {
        throw new OccamError(`${condition}: not valid JSON (${(error as Error).message})`, { file: condition });
      }
      base = dirname(resolve(condition));
    }
  }
  const parsed = ConditionSchema.safeParse(input);
  if (!parsed.success) throw zodProblem(file, parsed.error);
  const c = parsed.data;
  const at = (p: string) => (isAbsolute(p) ? p : resolve(base, p));
  switch (c.kind) {
    case 'repeated-random':
      return repeatedRandomPrompts(c, vocab);
    case 'jsonl':
      return readJsonlPrompts(at(c.path), vocab, c.bos);
    case 'template':
      return templatePrompts(c, vocab);
    case 'natural-text':
      return naturalTextPrompts(c, at(c.path), vocab);
  }
}
