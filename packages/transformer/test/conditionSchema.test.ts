import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConditionSchema, conditionJsonSchemas, loadCondition, loadLmTokenizer } from '@occam/transformer';
import { repoRoot } from './fixtures.js';

describe('condition JSON Schema and examples', () => {
  it('schemas/condition.schema.json matches the zod schema (regenerate with node tools/schemas/generate.mjs)', () => {
    const committed = JSON.parse(readFileSync(join(repoRoot, 'schemas/condition.schema.json'), 'utf8'));
    expect(committed, 'schemas/condition.schema.json is stale').toEqual(JSON.parse(JSON.stringify(conditionJsonSchemas().condition)));
  });

  it('every examples/*.condition.json is valid and runs on the bundled tiny model (within its 32-token context)', async () => {
    const model = join(repoRoot, 'data/models/induction-2l-s1');
    const config = JSON.parse(readFileSync(join(model, 'config.json'), 'utf8'));
    const vocab = { size: 68, tokenizer: await loadLmTokenizer(model, config) };
    const files = readdirSync(join(repoRoot, 'examples')).filter((f) => f.endsWith('.condition.json'));
    expect(files).toEqual(
      expect.arrayContaining([
        'stochastic-copy.condition.json',
        'periodic-corrupted.condition.json',
        'mixture.condition.json',
        'template-word-lists.condition.json',
      ]),
    );
    for (const f of files) {
      const path = join(repoRoot, 'examples', f);
      expect(ConditionSchema.safeParse(JSON.parse(readFileSync(path, 'utf8'))).success, f).toBe(true);
      const set = await loadCondition(path, vocab);
      expect(set.prompts.length, f).toBeGreaterThan(0);
      for (const p of set.prompts) expect(p.tokens.length, f).toBeLessThanOrEqual(32);
    }
  });
});
