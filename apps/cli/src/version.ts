import { readFileSync } from 'node:fs';

/** The CLI's version, as its package.json says (dist/version.js and src/version.ts both sit one level below it). */
export function cliVersion(): string {
  const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version?: unknown };
  return typeof pkg.version === 'string' ? pkg.version : 'unknown';
}
