import { mulberry32, OccamError } from '@occam/core';
import { conditionPath, readConditionFile, type ConditionBase } from './conditionFiles.js';
import type { Prompt, PromptSet } from './promptSet.js';
import type { TemplatePrompts } from './schema.js';
import { unknownWords, withBos, type Vocabulary } from './vocabulary.js';

const SLOT = /\{(\w+)\}/g;

/**
 * Fill a template's {SLOT}s with seeded draws from each slot's values; a slot that appears twice gets
 * the same value. Every position but the first is scored. Slots given as word-list files must be read
 * first (readSlotWordLists) and passed as `wordLists`.
 */
export function templatePrompts(c: TemplatePrompts, vocab: Vocabulary, wordLists: Record<string, string[]> = {}): PromptSet {
  const names = [...new Set([...c.template.matchAll(SLOT)].map((m) => m[1]))];
  const missing = names.filter((n) => !(n in c.slots));
  if (missing.length) throw new OccamError(`template: slot(s) ${missing.map((m) => `{${m}}`).join(', ')} have no values in "slots"`, { field: 'slots' });
  const values: Record<string, string[]> = {};
  for (const n of names) {
    const v = c.slots[n];
    const list = Array.isArray(v) ? v : wordLists[n];
    if (!list)
      throw new OccamError(`template: slot {${n}} names the word list '${(v as { file: string }).file}', which was not read (use loadCondition)`, {
        field: `slots.${n}`,
      });
    values[n] = list;
  }
  const rand = mulberry32(c.seed);
  const prompts: Prompt[] = [];
  for (let i = 0; i < c.count; i++) {
    const pick: Record<string, string> = {};
    for (const n of names) pick[n] = values[n][Math.floor(rand() * values[n].length)];
    const text = c.template.replace(SLOT, (_, n: string) => pick[n]);
    const content = vocab.tokenizer.encode(text, { bos: false });
    const unknown = unknownWords(text, content, vocab);
    if (unknown) throw new OccamError(`template: prompt ${i} ("${text.length > 80 ? text.slice(0, 80) + '…' : text}"): ${unknown}`, { field: 'template' });
    prompts.push({ id: `tpl-${i}`, tokens: withBos(content, vocab, c.bos), scored: null });
  }
  const lists = Object.fromEntries(
    Object.entries(c.slots).flatMap(([n, v]) => (Array.isArray(v) ? [] : [[n, { file: v.file, values: values[n]?.length ?? 0 }]])),
  );
  return {
    name: 'template',
    prompts,
    markers: {},
    metadata: { template: c.template, seed: c.seed, ...(Object.keys(lists).length ? { wordLists: lists } : {}) },
  };
}

/**
 * The word lists a template's slots name: one value per line, path relative to the condition file's
 * folder (and inside it). A trailing "\r" is dropped and blank lines are skipped; other whitespace is
 * part of the value (a leading space changes a BPE token). `at` prefixes field names in messages (a
 * mixture component's path).
 */
export async function readSlotWordLists(c: TemplatePrompts, base: ConditionBase, at = ''): Promise<Record<string, string[]>> {
  const lists: Record<string, string[]> = {};
  for (const [name, v] of Object.entries(c.slots)) {
    if (Array.isArray(v)) continue;
    const field = `${at ? `${at}.` : ''}slots.${name}.file`;
    const path = conditionPath(base, v.file, field);
    const text = await readConditionFile(path, `word list for slot {${name}}`, base, field);
    const words = text
      .split('\n')
      .map((l) => l.replace(/\r$/, ''))
      .filter((l) => l.trim() !== '');
    if (words.length === 0) throw new OccamError(`${path}: word list for slot {${name}} has no values (one per line; blank lines are skipped)`, { file: path });
    lists[name] = words;
  }
  return lists;
}
