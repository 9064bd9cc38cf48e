import { z } from 'zod';
import { ConditionSchema } from './schema.js';

/**
 * The condition file format as JSON Schema (draft 2020-12, input view: defaults optional), generated
 * from the zod schema so the two cannot drift; tools/schemas/generate.mjs writes it to
 * schemas/condition.schema.json beside core's formats.
 */
export function conditionJsonSchemas(): Record<string, unknown> {
  return {
    condition: {
      ...(z.toJSONSchema(ConditionSchema, { io: 'input', unrepresentable: 'any' }) as Record<string, unknown>),
      title:
        'occam language-model condition: which prompts to run (repeated-random, stochastic-copy, periodic-corrupted, mixture, template, natural-text, jsonl)',
    },
  };
}
