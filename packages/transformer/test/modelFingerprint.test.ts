import { mkdtemp, mkdir, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { modelFingerprint } from '../src/shard/extractShardTask.js';

describe('modelFingerprint (a sharded extraction refuses weights replaced under the same folder)', () => {
  it('changes when a file of the folder is rewritten, and is null for a hub id', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'occam-fingerprint-'));
    await mkdir(join(dir, 'onnx'));
    await writeFile(join(dir, 'config.json'), '{}');
    await writeFile(join(dir, 'onnx', 'model.onnx'), 'weights-1');
    const first = await modelFingerprint(dir);
    expect(first).toMatch(/^[0-9a-f]{64}$/);
    expect(await modelFingerprint(dir)).toBe(first);
    await writeFile(join(dir, 'onnx', 'model.onnx'), 'weights-2');
    const when = new Date('2026-01-01T00:00:00Z');
    await utimes(join(dir, 'onnx', 'model.onnx'), when, when);
    expect(await modelFingerprint(dir)).not.toBe(first);
    expect(await modelFingerprint('some-org/some-model')).toBeNull();
  });
});
