import { execFileSync } from 'node:child_process';
import { mkdir, mkdtemp, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  checkModelForDataset,
  checkReducedModel,
  checkSpecForDataset,
  createDataset,
  encodeNpy,
  fitReducedModel,
  neuronLikeAtoms,
  plantedDataset,
  readDataset,
  readJsonFile,
  readLimits,
  readNpy,
  readReducedModel,
  readSpecFile,
  SpecSchema,
  writeDataset,
  writeNpy,
  writeReducedModel,
  type Dataset,
  type ReducedModel,
  type SpecInput,
} from '@occam/core';

const spec: SpecInput = {
  groupBy: ['type'],
  spatial: { attribute: 'distance', basis: { kind: 'raisedCosineLog', count: 3, firstPeak: 25, lastPeak: 175, offset: 50 } },
  temporal: { minLag: 0, maxLag: 6, basis: { kind: 'raisedCosineLog', count: 3, firstPeak: 0, lastPeak: 4, offset: 1.5 } },
  history: { maxLag: 3, basis: { kind: 'raisedCosineLog', count: 2, firstPeak: 1, lastPeak: 2, offset: 1 } },
};

let dir: string;
let ds: Dataset;
let model: ReducedModel;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'occam-hostile-reads-'));
  ds = plantedDataset({
    nTrials: 40,
    nBins: 30,
    seed: 3,
    spec,
    atoms: neuronLikeAtoms(4),
    truth: {
      intercept: -3,
      spatial: [
        [1, 0.5, 0.1],
        [0.3, 0.6, 1],
      ],
      temporal: [
        [0.5, 0.8, 0.3],
        [-0.4, -0.6, -0.3],
      ],
      history: [-3, -1],
    },
    backgroundRate: 0.2,
    stimulusBin: 8,
    evokedRate: 0.9,
    scoredWindow: [6, 28],
  }).dataset;
  model = fitReducedModel(ds, spec);
});

const env = { ...process.env };
afterEach(() => {
  process.env = { ...env };
});

/** A fresh folder for one test. */
async function folder(name: string): Promise<string> {
  const d = join(dir, name);
  await mkdir(d, { recursive: true });
  return d;
}

/** A dataset directory written the way occam writes it, then its manifest rewritten by `edit`. */
async function datasetWith(name: string, edit: (m: Record<string, any>) => void = () => {}): Promise<string> {
  // eslint-disable-line @typescript-eslint/no-explicit-any
  const d = join(await folder(name), 'ds');
  await writeDataset(d, ds);
  const m = JSON.parse(await readFile(join(d, 'manifest.json'), 'utf8'));
  edit(m);
  await writeFile(join(d, 'manifest.json'), JSON.stringify(m));
  return d;
}

describe('limits', () => {
  it('are read from the environment (with size suffixes) and from options, options last', () => {
    process.env.OCCAM_MAX_JSON_BYTES = '2M';
    process.env.OCCAM_MAX_LAG = '50';
    const l = readLimits({ maxLag: 7 });
    expect(l.maxJsonBytes).toBe(2 * 1024 * 1024);
    expect(l.maxLag).toBe(7);
    expect(l.maxNpyBytes).toBe(4 * 1024 ** 3);
  });
  it('refuse a malformed environment value, naming the variable', () => {
    process.env.OCCAM_MAX_NPY_BYTES = 'lots';
    expect(() => readLimits()).toThrow(/OCCAM_MAX_NPY_BYTES="lots" is not a valid limit: expected a positive size in bytes/);
    process.env.OCCAM_MAX_NPY_BYTES = '';
    process.env.OCCAM_MAX_LAG = '10k';
    expect(() => readLimits()).toThrow(/OCCAM_MAX_LAG="10k" is not a valid limit: expected a positive whole number/);
  });
});

describe('JSON files', () => {
  it('are size-checked before reading; the limit is raised by OCCAM_MAX_JSON_BYTES', async () => {
    const d = await folder('json');
    const path = join(d, 'big.json');
    await writeFile(path, JSON.stringify({ pad: 'x'.repeat(3000) }));
    await expect(readJsonFile(path, { what: 'model file', limits: { maxJsonBytes: 1024 } })).rejects.toThrow(
      /big\.json: the model file is 2\.9 KiB, over the 1 KiB limit on JSON files \(set OCCAM_MAX_JSON_BYTES to raise it\)/,
    );
    process.env.OCCAM_MAX_JSON_BYTES = '1K';
    await expect(readJsonFile(path)).rejects.toThrow(/over the 1 KiB limit/);
    process.env.OCCAM_MAX_JSON_BYTES = '4K';
    expect(await readJsonFile(path)).toEqual({ pad: 'x'.repeat(3000) });
  });
  it('refuse devices, pipes and directories without reading or blocking', async () => {
    const d = await folder('json-kinds');
    execFileSync('mkfifo', [join(d, 'pipe.json')]);
    await expect(readJsonFile(join(d, 'pipe.json'))).rejects.toThrow(/pipe\.json: the JSON file is a named pipe \(FIFO\), expected a regular file/);
    await expect(readJsonFile('/dev/zero', { what: 'spec file' })).rejects.toThrow(/\/dev\/zero: the spec file is a character device/);
    await expect(readJsonFile(d)).rejects.toThrow(/json-kinds: (the JSON file is a directory|cannot read the JSON file \(is a directory\))/);
    await expect(readJsonFile(join(d, 'nope.json'))).rejects.toThrow(/nope\.json: cannot read the JSON file \(not found\)/);
  });
  it('hold a file whose stat size lies (a /proc file says 0 bytes) to the limit while reading', async () => {
    await expect(readJsonFile('/proc/self/status', { limits: { maxJsonBytes: 100 } })).rejects.toThrow(
      /\/proc\/self\/status: the JSON file is larger than it says, over the 100 B limit on JSON files/,
    );
  });
  it('accept a UTF-8 byte-order mark', async () => {
    const d = await folder('json-bom');
    await writeFile(join(d, 'spec.json'), '\ufeff' + JSON.stringify(spec));
    expect((await readSpecFile(join(d, 'spec.json'))).temporal.maxLag).toBe(6);
  });
});

describe('NPY limits', () => {
  const header = (shape: string, descr = '|u1') => {
    const text = `{'descr': '${descr}', 'fortran_order': False, 'shape': (${shape}), }`.padEnd(117) + '\n';
    const out = new Uint8Array(10 + text.length);
    out.set([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 1, 0, text.length & 0xff, text.length >> 8]);
    for (let i = 0; i < text.length; i++) out[10 + i] = text.charCodeAt(i);
    return out;
  };

  it('stop inflating a gzip bomb at the size its header declares, in bounded memory', async () => {
    const d = await folder('bomb');
    const zeros = gzipSync(Buffer.alloc(16 * 1024 * 1024), { level: 9 });
    // 2 GiB of zeros behind a header that declares 1 000 bytes
    await writeFile(join(d, 'x.npy.gz'), Buffer.concat([gzipSync(header('1000,')), ...Array.from({ length: 128 }, () => zeros)]));
    const before = process.memoryUsage().rss;
    const start = Date.now();
    await expect(readNpy(join(d, 'x.npy.gz'))).rejects.toThrow(/x\.npy\.gz: decompresses to more than the 1000 data bytes its header declares/);
    expect(Date.now() - start).toBeLessThan(2000);
    expect(process.memoryUsage().rss - before).toBeLessThan(100 * 1024 * 1024);
  });
  it('refuse an array over OCCAM_MAX_NPY_BYTES from its header alone', async () => {
    const d = await folder('npy-limit');
    await writeNpy(join(d, 'a.npy.gz'), { dtype: 'float32', shape: [64, 64], data: new Float32Array(64 * 64) });
    await writeNpy(join(d, 'a.npy'), { dtype: 'float32', shape: [64, 64], data: new Float32Array(64 * 64) });
    process.env.OCCAM_MAX_NPY_BYTES = '8K';
    for (const f of ['a.npy', 'a.npy.gz']) {
      await expect(readNpy(join(d, f))).rejects.toThrow(
        /shape \[64,64\] float32 is 16 KiB of data, over the 8 KiB limit on one array \(set OCCAM_MAX_NPY_BYTES to raise it\)/,
      );
    }
    process.env.OCCAM_MAX_NPY_BYTES = '16K';
    expect((await readNpy(join(d, 'a.npy.gz'))).shape).toEqual([64, 64]);
  });
  it('check the expected shape and dtype on the header, before the data', async () => {
    const d = await folder('npy-expect');
    // The header claims 10¹² bytes; only the header is there. Refused on shape, not on a failed allocation.
    await writeFile(join(d, 'h.npy'), header('1000000, 1000000'));
    await expect(readNpy(join(d, 'h.npy'), { shape: [3, 4], namedBy: 'manifest files.target' })).rejects.toThrow(
      /h\.npy: shape \[1000000,1000000\] does not match the manifest, expected \[3,4\] \(manifest files\.target\)/,
    );
    await writeFile(join(d, 'f.npy'), encodeNpy({ dtype: 'float64', shape: [3, 4], data: new Float64Array(12) }));
    await expect(readNpy(join(d, 'f.npy'), { shape: [3, 4], dtypes: ['uint8', 'float32'] })).rejects.toThrow(
      /dtype float64 not allowed here, expected one of uint8, float32/,
    );
  });
  it('refuse a header length no NumPy writer produces and a truncated gzip', async () => {
    const d = await folder('npy-header');
    const b = header('3,');
    b[8] = 0xff;
    b[9] = 0xff;
    await writeFile(join(d, 'short.npy'), b);
    await expect(readNpy(join(d, 'short.npy'))).rejects.toThrow(/short\.npy: truncated \.npy header \(65535 header bytes declared/);
    const gz = gzipSync(encodeNpy({ dtype: 'uint8', shape: [5000], data: new Uint8Array(5000).map((_, i) => (i * 31) % 251) }));
    await writeFile(join(d, 'cut.npy.gz'), gz.subarray(0, gz.length - 20));
    await expect(readNpy(join(d, 'cut.npy.gz'))).rejects.toThrow(/cut\.npy\.gz: not a valid gzip file \(truncated/);
  });
  it('refuse /dev/zero and a FIFO without blocking', async () => {
    const d = await folder('npy-kinds');
    execFileSync('mkfifo', [join(d, 'p.npy')]);
    await expect(readNpy(join(d, 'p.npy'))).rejects.toThrow(/p\.npy: the NumPy file is a named pipe/);
    await expect(readNpy('/dev/zero')).rejects.toThrow(/\/dev\/zero: the NumPy file is a character device/);
  });
});

describe('dataset confinement', () => {
  it('reads a dataset occam wrote, plain and compressed, and a link that stays inside it', async () => {
    const d = join(await folder('ok'), 'ds');
    await writeDataset(d, ds, { compress: true });
    expect(Array.from((await readDataset(d)).target)).toEqual(Array.from(ds.target));
    const e = await datasetWith('inside-link', (m) => (m.files.inputs = 'current.npy'));
    await symlink('inputs.npy', join(e, 'current.npy'));
    expect(Array.from((await readDataset(e)).inputs)).toEqual(Array.from(ds.inputs));
  });
  it('refuses files outside the dataset directory, by path or through a link, naming the field', async () => {
    const a = await datasetWith('dotdot', (m) => (m.files.inputs = '../x.npy'));
    await writeFile(join(a, '..', 'x.npy'), await readFile(join(a, 'inputs.npy')));
    await expect(readDataset(a)).rejects.toThrow(/manifest\.json: files\.inputs "\.\.\/x\.npy" points outside the dataset directory/);
    const b = await datasetWith('absolute', (m) => (m.files.target = '/dev/zero'));
    await expect(readDataset(b)).rejects.toThrow(/manifest\.json: files\.target "\/dev\/zero" is an absolute path/);
    const c = await datasetWith('link', (m) => (m.files.scored = 'linked.npy'));
    await writeFile(join(c, '..', 'outside.npy'), await readFile(join(c, 'scored.npy')));
    await symlink(join(c, '..', 'outside.npy'), join(c, 'linked.npy'));
    await expect(readDataset(c)).rejects.toThrow(
      /manifest\.json: files\.scored "linked\.npy" resolves \(through a symbolic link\) to .*outside\.npy, outside the dataset directory/,
    );
    const g = await datasetWith('manifest-link');
    await writeFile(join(g, '..', 'elsewhere.json'), await readFile(join(g, 'manifest.json')));
    await rm(join(g, 'manifest.json'));
    await symlink(join(g, '..', 'elsewhere.json'), join(g, 'manifest.json'));
    await expect(readDataset(g)).rejects.toThrow(/manifest\.json: resolves \(through a symbolic link\) to .*elsewhere\.json, outside the dataset directory/);
    const f = await datasetWith('fifo', (m) => (m.files.target = 'pipe'));
    execFileSync('mkfifo', [join(f, 'pipe')]);
    await expect(readDataset(f)).rejects.toThrow(/files\.target "pipe" is a named pipe \(FIFO\)/);
  });
  it('reports non-finite values with their count and first place', async () => {
    const d = await datasetWith('nan');
    const { atoms } = ds.manifest;
    const { nTrials, nBins } = ds.manifest;
    const x = Float32Array.from(ds.inputs);
    x[(3 * nTrials + 7) * nBins + 11] = -Infinity;
    x[(5 * nTrials + 1) * nBins + 2] = NaN;
    await writeNpy(join(d, 'inputs.npy'), { dtype: 'float32', shape: [atoms.length, nTrials, nBins], data: x });
    await expect(readDataset(d)).rejects.toThrow(
      new RegExp(
        `inputs\\.npy: 2 non-finite values \\(NaN or ±Infinity\\) in the inputs; the first, -Infinity, at atom 3 \\('${atoms[3].id}'\\), trial 7, bin 11`,
      ),
    );
  });
});

describe('specs against the dataset', () => {
  const parsed = (edit: (s: any) => void) => {
    // eslint-disable-line @typescript-eslint/no-explicit-any
    const s = structuredClone(spec) as any; // eslint-disable-line @typescript-eslint/no-explicit-any
    edit(s);
    return SpecSchema.parse(s);
  };
  const where = { specFile: 'my.spec.json', dataset: 'data/x' };
  it('passes the spec the dataset was planted with', () => {
    expect(() =>
      checkSpecForDataset(
        parsed(() => {}),
        ds,
        where,
      ),
    ).not.toThrow();
  });
  it('bounds lags by the trial length and by OCCAM_MAX_LAG', () => {
    expect(() =>
      checkSpecForDataset(
        parsed((s) => (s.temporal.maxLag = 30)),
        ds,
        where,
      ),
    ).toThrow(/my\.spec\.json: temporal\.maxLag is 30 but a trial of data\/x has only 30 bins: every lag must be shorter than a trial \(at most 29\)/);
    expect(() =>
      checkSpecForDataset(
        parsed((s) => (s.history.maxLag = 10 ** 9)),
        ds,
        where,
      ),
    ).toThrow(/history\.maxLag is 1000000000, over the 100000 limit on lags \(set OCCAM_MAX_LAG/);
    process.env.OCCAM_MAX_LAG = '5';
    expect(() =>
      checkSpecForDataset(
        parsed(() => {}),
        ds,
        where,
      ),
    ).toThrow(/temporal\.maxLag is 6, over the 5 limit on lags/);
  });
  it('allows at most one basis function per lag or attribute value, and OCCAM_MAX_BASIS_FUNCTIONS in all', () => {
    expect(() =>
      checkSpecForDataset(
        parsed((s) => (s.temporal.basis = { kind: 'isfRaisedCosine', a: 2, c: 1, phases: [1, 2, 3, 4, 5, 6, 7, 8] })),
        ds,
        where,
      ),
    ).toThrow(/temporal\.basis has 8 phases but there are only 7 lags \(0\.\.6\)/);
    expect(() =>
      checkSpecForDataset(
        parsed((s) => (s.spatial.basis.count = 5)),
        ds,
        where,
      ),
    ).toThrow(/spatial\.basis has 5 functions but there are only 4 distinct values of 'distance'/);
    expect(() =>
      checkSpecForDataset(
        parsed(() => {}),
        ds,
        { ...where, limits: { maxBasisFunctions: 2 } },
      ),
    ).toThrow(/temporal\.basis has 3 functions, over the 2 limit on functions per basis/);
  });
  it('bounds the design the fit would build', () => {
    expect(() =>
      checkSpecForDataset(
        parsed(() => {}),
        ds,
        { ...where, limits: { maxDesignBytes: 1000 } },
      ),
    ).toThrow(
      /my\.spec\.json: the design for data\/x would be .* \(\d+ scored bins × 20 columns: 2 groups × 3 spatial × 3 temporal functions \+ 2 history\), over the 1000 B limit on design matrices \(set OCCAM_MAX_DESIGN_BYTES/,
    );
  });
  it('names a grouping or spatial attribute the atoms do not have', () => {
    expect(() =>
      checkSpecForDataset(
        parsed((s) => (s.groupBy = ['layer'])),
        ds,
        where,
      ),
    ).toThrow(/groupBy names attribute 'layer', which no atom of data\/x has \(attributes: type, distance\)/);
    expect(() =>
      checkSpecForDataset(
        parsed((s) => (s.spatial.attribute = 'type')),
        ds,
        where,
      ),
    ).toThrow(/spatial\.attribute 'type' is not a numeric attribute of any atom in data\/x/);
  });
});

describe('model files', () => {
  it('round-trip, and a coefficient count that disagrees with the layout names the file', async () => {
    const d = await folder('model');
    await writeReducedModel(join(d, 'm.json'), model);
    expect((await readReducedModel(join(d, 'm.json'))).coefficients.beta).toEqual(model.coefficients.beta);
    const cut = structuredClone(model);
    cut.coefficients.beta.pop();
    expect(() => checkReducedModel(cut, 'cut.json')).toThrow(
      /cut\.json: coefficients\.beta: has 19 values but the layout \(2 groups × K 3 × J 3 \+ H 2\) needs 20/,
    );
  });
  it('refuse a filter curve over OCCAM_MAX_FILTER_SAMPLES', () => {
    const long = structuredClone(model);
    long.filters.history = { x: new Array(5000).fill(0), y: new Array(5000).fill(0) };
    expect(() => checkReducedModel(long, 'long.json', { maxFilterSamples: 1000 })).toThrow(
      /long\.json: filters\.history has 5000 sample points, over the 1000 limit on points per filter curve \(set OCCAM_MAX_FILTER_SAMPLES/,
    );
  });
  it('say which model and which dataset do not fit each other', () => {
    expect(() => checkModelForDataset(model, ds, { modelFile: 'm.json', dataset: 'ds' })).not.toThrow();
    const renamed = createDataset(
      { ...ds.manifest, atoms: ds.manifest.atoms.map((a) => ({ ...a, attributes: { ...a.attributes, type: String(a.attributes.type).slice(0, 3) } })) },
      { inputs: ds.inputs, target: ds.target, scored: ds.scored },
    );
    expect(() => checkModelForDataset(model, renamed, { modelFile: 'm.json', dataset: 'other' })).toThrow(
      /m\.json: the model does not fit the dataset other: dataset has group 'type=exc' that the model does not know/,
    );
    const short = createDataset(
      { ...ds.manifest, nBins: 5, markers: {} },
      {
        inputs: ds.inputs.subarray(0, ds.manifest.atoms.length * ds.manifest.nTrials * 5),
        target: ds.target.subarray(0, ds.manifest.nTrials * 5),
        scored: ds.scored.subarray(0, ds.manifest.nTrials * 5),
      },
    );
    expect(() => checkModelForDataset(model, short, { modelFile: 'm.json', dataset: 'short' })).toThrow(
      /m\.json: the model does not fit the dataset short: temporal\.maxLag is 6 but a trial of short has only 5 bins/,
    );
  });
});
