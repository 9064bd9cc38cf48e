import { mkdtemp, readFile, writeFile, readdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createDataset, decodeNpy, encodeNpy, readDataset, readNpy, writeDataset, writeNpy, compactArray, OccamError } from '@occam/core';

function tinyDataset() {
  return createDataset(
    {
      format: 'occam.dataset',
      version: 1,
      nTrials: 2,
      nBins: 3,
      binWidth: 1,
      binUnit: 'ms',
      atoms: [
        { id: 'a', attributes: { type: 'excitatory', distance: 25 } },
        { id: 'b', attributes: { type: 'inhibitory', distance: 75 } },
      ],
      target: { kind: 'binary' },
      metadata: { condition: 'test', seed: 4 },
    },
    {
      inputs: Uint8Array.from([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11]),
      target: Uint8Array.from([0, 1, 0, 0, 0, 1]),
      scored: Uint8Array.from([1, 1, 1, 0, 1, 1]),
    },
  );
}

describe('NPY', () => {
  it('round-trips every dtype and writes a 64-byte aligned v1.0 header', () => {
    for (const data of [
      Uint8Array.from([1, 2, 3, 4, 5, 6]),
      Uint16Array.from([1, 600, 3, 4, 5, 6]),
      Float32Array.from([0.5, -1, 2, 3, 4, 5]),
      Float64Array.from([1e-300, 2, 3, 4, 5, 6]),
      Int32Array.from([-1, 2, 3, 4, 5, 6]),
    ]) {
      const bytes = encodeNpy({
        dtype:
          data instanceof Uint8Array
            ? 'uint8'
            : data instanceof Uint16Array
              ? 'uint16'
              : data instanceof Float32Array
                ? 'float32'
                : data instanceof Float64Array
                  ? 'float64'
                  : 'int32',
        shape: [2, 3],
        data,
      });
      expect(bytes[6]).toBe(1);
      expect((10 + (bytes[8] | (bytes[9] << 8))) % 64).toBe(0);
      const back = decodeNpy(bytes);
      expect(back.shape).toEqual([2, 3]);
      expect(Array.from(back.data)).toEqual(Array.from(data));
    }
  });
  it('rejects a truncated file, a bad magic and Fortran order, naming the file', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'occam-npy-'));
    const good = encodeNpy({ dtype: 'float32', shape: [4], data: Float32Array.from([1, 2, 3, 4]) });
    await writeFile(join(dir, 'cut.npy'), good.subarray(0, good.length - 3));
    await expect(readNpy(join(dir, 'cut.npy'))).rejects.toThrow(/cut\.npy: expected 16 data bytes/);
    await writeFile(join(dir, 'magic.npy'), Buffer.from('hello world, not numpy'));
    await expect(readNpy(join(dir, 'magic.npy'))).rejects.toThrow(/magic\.npy: not a NumPy/);
    const fortran = Buffer.from(good);
    const text = fortran.toString('latin1').replace("'fortran_order': False", "'fortran_order': True ");
    await writeFile(join(dir, 'f.npy'), Buffer.from(text, 'latin1'));
    await expect(readNpy(join(dir, 'f.npy'))).rejects.toThrow(/Fortran-ordered/);
  });
  it('gzip variant round-trips', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'occam-npy-'));
    await writeNpy(join(dir, 'x.npy.gz'), { dtype: 'uint16', shape: [3], data: Uint16Array.from([7, 8, 9]) });
    expect(Array.from((await readNpy(join(dir, 'x.npy.gz'))).data)).toEqual([7, 8, 9]);
  });
});

describe('Dataset directory', () => {
  it('round-trips through manifest.json and NPY files, atomically', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'occam-ds-'));
    const ds = tinyDataset();
    await writeDataset(join(dir, 'd'), ds);
    const back = await readDataset(join(dir, 'd'));
    expect(back.manifest).toEqual(ds.manifest);
    expect(Array.from(back.inputs)).toEqual(Array.from(ds.inputs));
    expect(Array.from(back.scored)).toEqual(Array.from(ds.scored));
    expect((await readdir(dir)).filter((f) => f.includes('.tmp'))).toEqual([]);
    await writeDataset(join(dir, 'z'), ds, { compress: true });
    expect(Array.from((await readDataset(join(dir, 'z'))).target)).toEqual(Array.from(ds.target));
  });
  it('rejects a corrupted manifest naming the file and field', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'occam-ds-'));
    await writeDataset(join(dir, 'd'), tinyDataset());
    const path = join(dir, 'd', 'manifest.json');
    const m = JSON.parse(await readFile(path, 'utf8'));
    m.nBins = -3;
    await writeFile(path, JSON.stringify(m));
    await expect(readDataset(join(dir, 'd'))).rejects.toThrow(/manifest\.json: invalid content\n\s+nBins:/);
    await writeFile(path, '{ not json');
    await expect(readDataset(join(dir, 'd'))).rejects.toThrow(/manifest\.json: not valid JSON/);
  });
  it('rejects arrays whose shape disagrees with the manifest, naming the NPY file', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'occam-ds-'));
    await writeDataset(join(dir, 'd'), tinyDataset());
    await writeNpy(join(dir, 'd', 'target.npy'), { dtype: 'uint8', shape: [3, 2], data: new Uint8Array(6) });
    await expect(readDataset(join(dir, 'd'))).rejects.toThrow(/target\.npy: shape \[3,2\] does not match the manifest, expected \[2,3\]/);
    await writeNpy(join(dir, 'd', 'target.npy'), { dtype: 'uint8', shape: [2, 3], data: Uint8Array.from([0, 2, 0, 0, 0, 0]) });
    await expect(readDataset(join(dir, 'd'))).rejects.toThrow(/target kind is 'binary' but value 2 at trial 0, bin 1/);
  });
  it('chooses compact dtypes', () => {
    expect(compactArray([0, 1, 255])).toBeInstanceOf(Uint8Array);
    expect(compactArray([0, 256])).toBeInstanceOf(Uint16Array);
    expect(compactArray([0.5])).toBeInstanceOf(Float32Array);
    expect(compactArray([-1])).toBeInstanceOf(Float32Array);
  });
  it('createDataset rejects duplicate atom ids and wrong array lengths', () => {
    expect(() =>
      createDataset(
        {
          ...tinyDataset().manifest,
          atoms: [
            { id: 'a', attributes: {} },
            { id: 'a', attributes: {} },
          ],
        },
        { inputs: new Uint8Array(12), target: new Uint8Array(6) },
      ),
    ).toThrow(OccamError);
    expect(() => createDataset(tinyDataset().manifest, { inputs: new Uint8Array(11), target: new Uint8Array(6) })).toThrow(
      /inputs: expected shape \[2, 2, 3\]/,
    );
  });
});
