import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, realpathSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createDataset,
  DATASET_STREAM_CRASH_POINT,
  readDataset,
  versionStoreOf,
  writeDataset,
  writeDatasetStreamed,
  type Dataset,
  type TrialSink,
} from '@occam/core';

let root: string;
beforeAll(async () => {
  root = realpathSync(await mkdtemp(join(tmpdir(), 'occam-stream-')));
});
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

/** A small Dataset with every cell distinct: any misplaced run of bins changes the bytes. */
function planted(inputs: 'float32' | 'uint16', target: 'uint8' | 'float32'): Dataset {
  const A = 3;
  const N = 7;
  const B = 5;
  let x = 12345;
  const next = () => (x = (x * 1103515245 + 12345) % 2147483648);
  const inp =
    inputs === 'float32'
      ? Float32Array.from({ length: A * N * B }, () => next() / 2 ** 31 - 0.5)
      : Uint16Array.from({ length: A * N * B }, () => next() % 60000);
  const tgt = target === 'uint8' ? Uint8Array.from({ length: N * B }, () => next() % 2) : Float32Array.from({ length: N * B }, () => next() / 2 ** 20);
  const scored = Uint8Array.from({ length: N * B }, () => (next() % 3 ? 1 : 0));
  return createDataset(
    {
      format: 'occam.dataset',
      version: 1,
      nTrials: N,
      nBins: B,
      binWidth: 1,
      binUnit: 'token',
      atoms: Array.from({ length: A }, (_, a) => ({ id: `atom${a}`, attributes: { layer: a, sign: 'pos' } })),
      target: { kind: target === 'uint8' ? 'binary' : 'real', name: 'behaviour' },
      trialIds: Array.from({ length: N }, (_, t) => `p${t}`),
      trialFeatures: { period: Array.from({ length: N }, (_, t) => t % 3) },
      metadata: { condition: 'planted', labels: ['a', 'b'] },
    },
    { inputs: inp, target: tgt, scored },
  );
}

/** The trials [t0, t0 + n) of `ds` as a block: what an extraction hands the sink. */
function block(ds: Dataset, t0: number, n: number) {
  const { nTrials: N, nBins: B, atoms } = ds.manifest;
  const inputs = new (ds.inputs.constructor as new (n: number) => typeof ds.inputs)(atoms.length * n * B);
  for (let a = 0; a < atoms.length; a++) inputs.set(ds.inputs.subarray((a * N + t0) * B, (a * N + t0 + n) * B), a * n * B);
  return { inputs, target: ds.target.subarray(t0 * B, (t0 + n) * B), scored: ds.scored.subarray(t0 * B, (t0 + n) * B) };
}

const layoutOf = (ds: Dataset) => ({
  atoms: ds.manifest.atoms.length,
  nTrials: ds.manifest.nTrials,
  nBins: ds.manifest.nBins,
  inputs: ds.inputs instanceof Float32Array ? ('float32' as const) : ('uint16' as const),
  target: ds.target instanceof Uint8Array ? ('uint8' as const) : ('float32' as const),
});

async function stream(dir: string, ds: Dataset, sizes: number[], options: { compress?: boolean } = {}) {
  return writeDatasetStreamed(
    dir,
    layoutOf(ds),
    async (sink: TrialSink) => {
      for (const n of sizes) await sink.write(block(ds, sink.trials, n));
      return ds.manifest;
    },
    options,
  );
}

const files = (dir: string) => readdirSync(dir).sort();

describe('writeDatasetStreamed', () => {
  for (const [inputs, target] of [
    ['float32', 'uint8'],
    ['uint16', 'float32'],
  ] as const)
    for (const compress of [false, true])
      it(`writes writeDataset's bytes, every file (${inputs} inputs, ${target} target${compress ? ', gzip' : ''})`, async () => {
        const ds = planted(inputs, target);
        const whole = join(root, `whole-${inputs}-${compress}`);
        const streamed = join(root, `streamed-${inputs}-${compress}`);
        await writeDataset(whole, ds, { compress });
        // uneven blocks, the last of one trial
        await stream(streamed, ds, [3, 1, 2, 1], { compress });
        const names = files(whole);
        expect(names).toEqual(
          compress ? ['inputs.npy.gz', 'manifest.json', 'scored.npy.gz', 'target.npy.gz'] : ['inputs.npy', 'manifest.json', 'scored.npy', 'target.npy'],
        );
        expect(files(streamed)).toEqual(names);
        for (const name of names) expect(readFileSync(join(streamed, name)).equals(readFileSync(join(whole, name))), name).toBe(true);
        const back = await readDataset(streamed);
        expect(Array.from(back.inputs)).toEqual(Array.from(ds.inputs));
      });

  it('leaves no output when the producer fails midway, and keeps an older output as it was', async () => {
    const ds = planted('float32', 'uint8');
    const fresh = join(root, 'failed-fresh');
    const failing = writeDatasetStreamed(fresh, layoutOf(ds), async (sink) => {
      await sink.write(block(ds, 0, 3));
      throw new Error('forward pass failed');
    });
    await expect(failing).rejects.toThrow('forward pass failed');
    expect(existsSync(fresh)).toBe(false);
    expect(readdirSync(versionStoreOf(fresh))).toEqual([]);

    const kept = join(root, 'failed-kept');
    await writeDataset(kept, ds);
    const before = readFileSync(join(kept, 'inputs.npy'));
    const other = planted('float32', 'uint8');
    other.inputs.fill(7);
    await expect(stream(kept, other, [3])).rejects.toThrow(/3 trials were written, the layout promised 7/);
    expect(readFileSync(join(kept, 'inputs.npy')).equals(before)).toBe(true);
    expect(readdirSync(versionStoreOf(kept))).toHaveLength(1);
  });

  it('refuses blocks that do not fit the layout and a manifest that disagrees with it', async () => {
    const ds = planted('float32', 'uint8');
    const tooMany = writeDatasetStreamed(join(root, 'too-many'), layoutOf(ds), async (sink) => {
      await sink.write(block(ds, 0, 4));
      await sink.write({ inputs: new Float32Array(3 * 4 * 5), target: new Uint8Array(4 * 5), scored: new Uint8Array(4 * 5) });
      return ds.manifest;
    });
    await expect(tooMany).rejects.toThrow(/a block of 20 target values is not 1–3 trials of 5 bins/);
    const wrongType = writeDatasetStreamed(join(root, 'wrong-type'), { ...layoutOf(ds), inputs: 'uint16' }, async (sink) => {
      await sink.write(block(ds, 0, 7));
      return ds.manifest;
    });
    await expect(wrongType).rejects.toThrow(/block inputs is 105 float32 values, expected 105 uint16/);
    const wrongManifest = writeDatasetStreamed(join(root, 'wrong-manifest'), layoutOf(ds), async (sink) => {
      await sink.write(block(ds, 0, 7));
      return { ...ds.manifest, nBins: 6 };
    });
    await expect(wrongManifest).rejects.toThrow(/the manifest says 3 atoms × 7 trials × 6 bins, the arrays were written as 3 × 7 × 5/);
    for (const name of ['too-many', 'wrong-type', 'wrong-manifest']) expect(existsSync(join(root, name))).toBe(false);
  });

  it('refuses a folder occam did not write before producing anything', async () => {
    const ds = planted('float32', 'uint8');
    let produced = false;
    const foreign = join(root, 'foreign');
    const { mkdir, writeFile } = await import('node:fs/promises');
    await mkdir(foreign);
    await writeFile(join(foreign, 'notes.txt'), 'mine');
    await expect(
      writeDatasetStreamed(foreign, layoutOf(ds), async () => {
        produced = true;
        return ds.manifest;
      }),
    ).rejects.toThrow(/was not written by occam/);
    expect(produced).toBe(false);
  });
});

// kill -9 in the middle of the stream, in a real child process (the built package, as the CLI runs it).
const dist = fileURLToPath(new URL('../dist/index.js', import.meta.url));
describe.skipIf(!existsSync(dist))('kill -9 during a streamed write', () => {
  it(`killed at ${DATASET_STREAM_CRASH_POINT} (after the first block): the old output stays whole, the next write cleans up`, async () => {
    const out = join(root, 'killed');
    // the child streams 7 trials of constant value v, 2 trials a block
    const write = (v: number) => `
      const layout = { atoms: 2, nTrials: 7, nBins: 4, inputs: 'float32', target: 'uint8' };
      await core.writeDatasetStreamed(${JSON.stringify(out)}, layout, async (sink) => {
        while (sink.trials < 7) {
          const n = Math.min(2, 7 - sink.trials);
          await sink.write({ inputs: new Float32Array(2 * n * 4).fill(${v}), target: new Uint8Array(n * 4).fill(1), scored: new Uint8Array(n * 4).fill(1) });
        }
        return { format: 'occam.dataset', version: 1, nTrials: 7, nBins: 4, binWidth: 1, binUnit: 'token',
          atoms: [{ id: 'a', attributes: {} }, { id: 'b', attributes: {} }], target: { kind: 'binary' } };
      });`;
    const child = (v: number, crashAt: string) =>
      spawnSync(process.execPath, ['--input-type=module', '-e', `import * as core from ${JSON.stringify(dist)};\n${write(v)}`], {
        env: { ...process.env, OCCAM_CRASH_AT: crashAt },
        encoding: 'utf8',
      });
    const first = child(1, '');
    expect(first.stderr).toBe('');
    expect(first.status).toBe(0);
    expect(child(2, DATASET_STREAM_CRASH_POINT).signal).toBe('SIGKILL');
    const old = await readDataset(out);
    expect(new Set(old.inputs)).toEqual(new Set([1]));
    // the killed writer's temp folder is there until the next write to the same path removes it
    expect(readdirSync(versionStoreOf(out)).some((e) => e.startsWith('tmp.'))).toBe(true);
    expect(child(3, '').status).toBe(0);
    expect(new Set((await readDataset(out)).inputs)).toEqual(new Set([3]));
    expect(readdirSync(versionStoreOf(out))).toHaveLength(1);
  });
});
