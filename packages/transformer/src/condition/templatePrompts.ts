import { mulberry32, OccamError } from '@occam/core';
import type { Prompt, PromptSet } from './promptSet.js';
import type { TemplatePrompts } from './schema.js';
import { withBos, type Vocabulary } from './vocabulary.js';

const SLOT = /\{(\w+)\}/g;

/**
 * Fill a template's {SLOT}s with seeded draws from each slot's values; a slot that appears twice gets
 * the same value. Every position but the first is scored.
 */
export function templatePrompts(c: TemplatePrompts, vocab: Vocabulary): PromptSet {
  const names = [...new Set([...c.template.matchAll(SLOT)].map((m) => m[1]))];
  const missing = names.filter((n) => !(n in c.slots));
  if (missing.length) throw new OccamError(`template: slot(s) ${missing.map((m) => `{${m}}`).join(', ')} have no values in "slots"`, { field: 'slots' });
  const rand = mulberry32(c.seed);
  const prompts: Prompt[] = [];
  for (let i = 0; i < c.count; i++) {
    const pick: Record<string, string> = {};
    for (const n of names) {
      const values = c.slots[n];
      pick[n] = values[Math.floor(rand() * values.length)];
    }
    const text = c.template.replace(SLOT, (_, n: string) => pick[n]);
    prompts.push({ id: `tpl-${i}`, tokens: withBos(vocab.tokenizer.encode(text, { bos: false }), vocab, c.bos), scored: null });
  }
  return { name: 'template', prompts, markers: {}, metadata: { template: c.template, seed: c.seed } };
}
