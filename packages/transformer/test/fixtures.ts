import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
export const repoRoot = resolve(here, '../../..');
/** data/models (OCCAM_MODELS_DIR overrides it, e.g. to try freshly exported models). */
export const modelsDir = process.env.OCCAM_MODELS_DIR ?? join(repoRoot, 'data', 'models');

/** The committed Llama-layout test model (random weights, external data). */
export const tinyLlama = join(here, 'fixtures', 'tiny-llama');
/** The same weights exported with past_key_values inputs (embedded weights). */
export const tinyLlamaPast = join(here, 'fixtures', 'tiny-llama-past');

/** A tiny-lm fixture model folder (data/models/NAME), or null when it is not there. */
export function tinyLm(name: string): string | null {
  const dir = join(modelsDir, name);
  return existsSync(join(dir, 'config.json')) ? dir : null;
}

/** Title for a suite that needs a fixture: says why it is skipped when the folder is missing. */
export function needs(title: string, dir: string | null, name: string): string {
  if (dir) return title;
  const why = `SKIPPED: fixture data/models/${name} is missing (made by tools/tiny-lm)`;
  console.warn(`[@occam/transformer] ${title}: ${why}`);
  return `${title} — ${why}`;
}
