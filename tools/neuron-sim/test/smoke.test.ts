import { execFileSync, spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

// The NEURON generator's own smoke test (compile mechanisms, simulate a few trials, check the ISF files,
// determinism, chunking and resume), run with Debian's python3-neuron. Skipped where NEURON is missing.
const python = '/usr/bin/python3';
const hasNeuron = spawnSync(python, ['-c', 'import neuron'], { stdio: 'ignore' }).status === 0;
const script = fileURLToPath(new URL('../test_smoke.py', import.meta.url));

describe.skipIf(!hasNeuron)('tools/neuron-sim smoke simulation (NEURON from Debian)', () => {
  it('simulates, writes ISF-format files and is deterministic per seed', () => {
    const out = execFileSync(python, [script], { encoding: 'utf8', cwd: fileURLToPath(new URL('../../..', import.meta.url)), timeout: 600_000 });
    expect(out).toMatch(/test_smoke: OK/);
  }, 600_000);
});
