import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

// `npx occam …` as the README has it: npm itself must have nothing to warn about (an unknown .npmrc key is
// warned about on every call by npm ≥ 11.2).
const root = fileURLToPath(new URL('../../../', import.meta.url));

describe('npx occam', () => {
  it('prints no npm warning', async () => {
    const { stdout, stderr } = await promisify(execFile)('npx', ['--no-install', 'occam', '--version'], { cwd: root });
    expect(stdout.trim()).toMatch(/^\d+\.\d+\.\d+/);
    expect(stderr).not.toMatch(/npm (warn|WARN)/);
    expect(stderr).toBe('');
  });
});
