import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { interventionJsonSchemas } from '@occam/transformer';

describe('language-model intervention JSON Schemas', () => {
  it('match the zod schemas (regenerate with node tools/schemas/generate.mjs)', () => {
    for (const [name, schema] of Object.entries(interventionJsonSchemas())) {
      const committed = JSON.parse(readFileSync(new URL(`../../../schemas/${name}.schema.json`, import.meta.url), 'utf8'));
      expect(committed, `schemas/${name}.schema.json is stale`).toEqual(JSON.parse(JSON.stringify(schema)));
    }
  });
});
