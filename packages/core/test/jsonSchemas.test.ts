import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { jsonSchemas } from '@occam/core';

describe('published JSON Schemas', () => {
  it('match the zod schemas in the code (regenerate with node tools/schemas/generate.mjs)', async () => {
    for (const [name, schema] of Object.entries(jsonSchemas())) {
      const file = new URL(`../../../schemas/${name}.schema.json`, import.meta.url);
      const committed = JSON.parse(await readFile(file, 'utf8'));
      expect(committed, `schemas/${name}.schema.json is stale`).toEqual(JSON.parse(JSON.stringify(schema)));
    }
  });
});
