import { execFileSync, spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

// A few training steps, an ONNX export and the ONNX-vs-PyTorch logits check, with Debian's python3-torch.
const hasTorch = spawnSync('/usr/bin/python3', ['-c', 'import torch, onnx'], { stdio: 'ignore' }).status === 0;
const script = fileURLToPath(new URL('../smoke.sh', import.meta.url));

describe.skipIf(!hasTorch)('tools/tiny-lm smoke training and export (PyTorch from Debian)', () => {
  it('trains a few steps, exports a Hugging Face-style ONNX directory and matches PyTorch logits', () => {
    const out = execFileSync('bash', [script], {
      encoding: 'utf8',
      cwd: fileURLToPath(new URL('../../..', import.meta.url)),
      timeout: 600_000,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    expect(out).toMatch(/tiny-lm smoke OK/);
  }, 600_000);
});
