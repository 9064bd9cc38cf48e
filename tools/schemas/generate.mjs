// Regenerate schemas/*.schema.json from the zod schemas (run after `npm run build`):
//   node tools/schemas/generate.mjs
// The tests packages/core/test/jsonSchemas.test.ts, packages/transformer/test/conditionSchema.test.ts and
// packages/transformer/test/interventionJsonSchemas.test.ts fail
// when the committed files differ from the code.
import { writeFileSync, mkdirSync } from 'node:fs';
import { jsonSchemas } from '@occam/core';
import { conditionJsonSchemas, interventionJsonSchemas } from '@occam/transformer';

const dir = new URL('../../schemas/', import.meta.url);
mkdirSync(dir, { recursive: true });
for (const [name, schema] of Object.entries({ ...jsonSchemas(), ...conditionJsonSchemas(), ...interventionJsonSchemas() })) {
  writeFileSync(new URL(`${name}.schema.json`, dir), JSON.stringify(schema, null, 2) + '\n');
  console.log(`schemas/${name}.schema.json`);
}
