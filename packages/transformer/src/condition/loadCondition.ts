import { dirname, resolve } from 'node:path';
import { OccamError, zodProblem } from '@occam/core';
import { conditionPath, readConditionFile, type ConditionBase } from './conditionFiles.js';
import { checkPlannedTokens, checkTotalTokens, conditionLimits } from './conditionLimits.js';
import { readJsonlPrompts } from './jsonlPrompts.js';
import { mixturePrompts } from './mixture.js';
import { naturalTextPrompts } from './naturalText.js';
import { periodicCorruptedPrompts } from './periodicCorrupted.js';
import { checkPromptsFit } from './promptFit.js';
import type { PromptSet } from './promptSet.js';
import { repeatedRandomPrompts } from './repeatedRandom.js';
import { ConditionSchema, type Condition, type ConditionInput } from './schema.js';
import { stochasticCopyPrompts } from './stochasticCopy.js';
import { readSlotWordLists, templatePrompts } from './templatePrompts.js';
import type { Vocabulary } from './vocabulary.js';

/**
 * Resolve a condition to prompts. `condition` is a parsed object or a path: a `.jsonl` path is a
 * prompts file; any other path is a JSON condition file, whose relative paths resolve against its
 * folder and must stay inside it (absolute paths are taken as given). An object's relative paths
 * resolve against the working directory. Every prompt is checked against the model's vocabulary and
 * context before it is returned.
 */
export async function loadCondition(condition: ConditionInput | string, vocab: Vocabulary): Promise<PromptSet> {
  let input: unknown = condition;
  let base: ConditionBase = { dir: process.cwd(), file: 'condition', dirName: 'the working folder' };
  if (typeof condition === 'string') {
    const path = resolve(condition);
    base = { dir: dirname(path), file: condition, dirName: "the condition file's folder" };
    if (condition.endsWith('.jsonl')) input = { kind: 'jsonl', path };
    else {
      const text = await readConditionFile(condition, 'condition file');
      try {
        input = JSON.parse(text);
      } catch (error) {
        throw new OccamError(`${condition}: not valid JSON (${(error as Error).message})`, { file: condition });
      }
    }
  }
  const parsed = ConditionSchema.safeParse(input);
  if (!parsed.success) throw zodProblem(base.file, parsed.error);
  const set = await resolveCondition(parsed.data, vocab, base, '');
  checkTotalTokens(
    set.prompts.reduce((n, p) => n + p.tokens.length, 0),
    conditionLimits(),
    base.file,
  );
  checkPromptsFit(set, vocab, base.file);
  return set;
}

async function resolveCondition(c: Condition, vocab: Vocabulary, base: ConditionBase, at: string): Promise<PromptSet> {
  const field = (f: string) => (at ? `${at}.${f}` : f);
  checkPlannedTokens(c, conditionLimits(), `${base.file}${at ? ` (${at})` : ''}`);
  const set = await (async (): Promise<PromptSet> => {
    switch (c.kind) {
      case 'repeated-random':
        return repeatedRandomPrompts(c, vocab);
      case 'jsonl':
        return readJsonlPrompts(conditionPath(base, c.path, field('path')), vocab, c.bos);
      case 'template':
        return templatePrompts(c, vocab, await readSlotWordLists(c, base, at));
      case 'natural-text':
        return naturalTextPrompts(c, conditionPath(base, c.path, field('path')), vocab);
      case 'stochastic-copy':
        return stochasticCopyPrompts(c, vocab);
      case 'periodic-corrupted':
        return periodicCorruptedPrompts(c, vocab);
      case 'mixture':
        return mixturePrompts(c, (component, where) => resolveCondition(component, vocab, base, where));
    }
  })().catch((error: unknown) => {
    // a generator's own error names its field; say which condition file (and mixture component) it came from
    if (error instanceof OccamError && !error.where?.file) {
      throw new OccamError(`${base.file}${at ? ` (${at})` : ''}: ${error.message}`, { ...error.where, file: base.file });
    }
    throw error;
  });
  // generated prompts are named by their condition file and index in messages
  for (const [i, p] of set.prompts.entries()) p.source ??= { file: base.file, index: i };
  return set;
}
