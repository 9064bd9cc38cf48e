// Regenerate schemas/*.schema.json from the zod schemas (run after `npm run build`):
//   node tools/schemas/generate.mjs
// The tests packages/core/test/jsonSchemas.test.ts and packages/transformer/test/conditionSchema.test.ts fail
// when the committed files differ from the code.
import { writeFileSync, mkdirSync } from 'node:fs';
import { jsonSchemas } from '@occam/core';
import { conditionJsonSchemas } from '@occam/transformer';

const dir = new URL('../../schemas/', import.meta.url);
mkdirSync(dir, { recursive: true });
for (const [name, schema] of Object.entries({ ...jsonSchemas(), ...conditionJsonSchemas() })) {
  writeFileSync(new URL(`${name}.schema.json`, dir), JSON.stringify(schema, null, 2) + '\n');
  console.log(`schemas/${name}.schema.json`);
}
