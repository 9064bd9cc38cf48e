import { execFileSync } from 'node:child_process';
import { cp, mkdir, readFile, rm, symlink, truncate, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { createDataset, encodeNpy, neuronLikeAtoms, writeDataset } from '@occam/core';
import type { Fixtures, HostileCase } from '../case.js';

// Core's read side: NumPy arrays, dataset manifests, specs, model and result JSON. Every hostile input here
// must fail on reading (before any fit), name the file and the problem, stay inside the dataset directory,
// and never take more than a few chunks of memory — whatever the file claims.

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

/** A private copy of the fixture dataset under `dir/name` (default ds), returned as that relative name. */
async function dataset(dir: string, fx: Fixtures, name = 'ds'): Promise<string> {
  // dereference: a dataset occam wrote is a symlink into its version store; copy the files, never the link.
  await cp(fx.dataset, join(dir, name), { recursive: true, dereference: true });
  return name;
}

async function editJson(path: string, edit: (j: Json) => void): Promise<void> {
  const j = JSON.parse(await readFile(path, 'utf8')) as Json;
  edit(j);
  await writeFile(path, JSON.stringify(j));
}

const manifest = (dir: string, edit: (m: Json) => void, name = 'ds') => editJson(join(dir, name, 'manifest.json'), edit);

/** A .npy file with a header written by hand (the lies numpy never tells), version 1 unless `major` says. */
function npy(header: string, data: Uint8Array = new Uint8Array(0), major = 1): Uint8Array {
  const text = header.padEnd(Math.ceil((header.length + 1 + 12) / 64) * 64 - 12) + '\n';
  const pre = major === 1 ? 10 : 12;
  const out = new Uint8Array(pre + text.length + data.length);
  out.set([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, major, 0]);
  if (major === 1) out.set([text.length & 0xff, text.length >> 8], 8);
  else new DataView(out.buffer).setUint32(8, text.length, true);
  for (let i = 0; i < text.length; i++) out[pre + i] = text.charCodeAt(i);
  out.set(data, pre + text.length);
  return out;
}

/** The fixture's manifest (atoms × trials × bins), read from a copy. */
async function shapeOf(dir: string, name = 'ds'): Promise<{ atoms: number; nTrials: number; nBins: number }> {
  const m = JSON.parse(await readFile(join(dir, name, 'manifest.json'), 'utf8')) as Json;
  return { atoms: m.atoms.length, nTrials: m.nTrials, nBins: m.nBins };
}

const fit = (data = 'ds', spec = 'spec.json') => ['fit', '--data', data, '--spec', spec, '--out', 'model.json'];

/** Copy the dataset and the spec, apply `edit` to the copy, and run `occam fit` on it. */
function fitCase(name: string, edit: (dir: string, fx: Fixtures) => Promise<void>, stderr: RegExp[], exit: 0 | 1 | 2 = 1): HostileCase {
  return {
    name: `core/${name}`,
    setup: async (dir, fx) => {
      await dataset(dir, fx);
      await cp(fx.spec, join(dir, 'spec.json'));
      await edit(dir, fx);
      return fit();
    },
    expect: { exit, stderr },
  };
}

/** Like fitCase, but the spec is edited. */
function specCase(name: string, edit: (spec: Json) => void, stderr: RegExp[]): HostileCase {
  return fitCase(name, (dir) => editJson(join(dir, 'spec.json'), edit), stderr);
}

/** A gzip stream of `total` zero bytes after `head`, built from repeated members so setup stays cheap. */
function gzipBomb(head: Uint8Array, totalMiB: number): Buffer {
  const zeros = gzipSync(Buffer.alloc(16 * 1024 * 1024), { level: 9 });
  return Buffer.concat([gzipSync(head), ...Array.from({ length: Math.ceil(totalMiB / 16) }, () => zeros)]);
}

/** A dataset of the fixture's kind (same atoms) with `nBins` bins and float32 arrays of our choosing. */
async function smallDataset(dir: string, name: string, opts: { nBins?: number; atoms?: Json[]; targetKind?: 'binary' | 'real' } = {}): Promise<string> {
  const atoms = (opts.atoms ?? neuronLikeAtoms(4)) as ReturnType<typeof neuronLikeAtoms>;
  const nTrials = 10;
  const nBins = opts.nBins ?? 40;
  const cells = nTrials * nBins;
  const inputs = new Uint8Array(atoms.length * cells).map((_, i) => ((i * 7919) % 3 === 0 ? 1 : 0));
  const target = new Uint8Array(cells).map((_, i) => ((i * 104729) % 11 === 0 ? 1 : 0));
  const ds = createDataset(
    { format: 'occam.dataset', version: 1, nTrials, nBins, binWidth: 1, binUnit: 'ms', atoms, target: { kind: opts.targetKind ?? 'binary' } },
    { inputs, target },
  );
  await writeDataset(join(dir, name), ds);
  return name;
}

const OVER_JSON_LIMIT = /over the 64 MiB limit on JSON files \(set OCCAM_MAX_JSON_BYTES to raise it\)/;

/** A 100 MiB JSON file: valid JSON (spaces after a small object), so only a size check stops it cheaply. */
async function hugeJson(path: string, head: Json): Promise<void> {
  const text = JSON.stringify(head);
  await writeFile(path, text.slice(0, -1) + ' '.repeat(100 * 1024 * 1024) + '}');
}

export const cases: HostileCase[] = [
  // ───────────── NumPy arrays ─────────────
  fitCase('npy-bad-magic', (d) => writeFile(join(d, 'ds/inputs.npy'), 'hello world, this is not numpy'), [/ds\/inputs\.npy: not a NumPy \.npy file/]),
  fitCase('npy-empty-file', (d) => writeFile(join(d, 'ds/target.npy'), ''), [/ds\/target\.npy: not a NumPy \.npy file/]),
  fitCase(
    'npy-truncated-data',
    async (d) => {
      const bytes = await readFile(join(d, 'ds/inputs.npy'));
      await writeFile(join(d, 'ds/inputs.npy'), bytes.subarray(0, bytes.length - 100));
    },
    [/ds\/inputs\.npy: expected \d+ data bytes .*found \d+ \(file truncated or the header lies\)/],
  ),
  fitCase('npy-truncated-header', (d) => truncate(join(d, 'ds/inputs.npy'), 40), [/ds\/inputs\.npy: truncated \.npy header/]),
  fitCase(
    'npy-trailing-bytes',
    async (d) => writeFile(join(d, 'ds/target.npy'), Buffer.concat([await readFile(join(d, 'ds/target.npy')), Buffer.alloc(4096)])),
    [/ds\/target\.npy: expected \d+ data bytes .*found \d+ \(trailing bytes/],
  ),
  fitCase(
    'npy-header-lies-huge-shape',
    async (d) => {
      const s = await shapeOf(d);
      await writeFile(join(d, 'ds/inputs.npy'), npy(`{'descr': '|u1', 'fortran_order': False, 'shape': (${s.atoms}, ${s.nTrials}, 4000000000000), }`));
    },
    [/ds\/inputs\.npy: shape \[8,60,4000000000000\] does not match the manifest, expected \[8,60,40\] \(manifest files\.inputs\)/],
  ),
  fitCase(
    'npy-header-lies-shape-matches-data-short',
    async (d) => {
      const s = await shapeOf(d);
      // Right shape, but only a tenth of the data: refused from the file size, before any data is read.
      await writeFile(
        join(d, 'ds/inputs.npy'),
        npy(`{'descr': '<f4', 'fortran_order': False, 'shape': (${s.atoms}, ${s.nTrials}, ${s.nBins}), }`, new Uint8Array(64)),
      );
    },
    [/ds\/inputs\.npy: expected 76800 data bytes .*found 64/],
  ),
  fitCase(
    'npy-shape-product-overflows',
    (d) => writeFile(join(d, 'ds/inputs.npy'), npy(`{'descr': '<f4', 'fortran_order': False, 'shape': (99999999999, 99999999999, 99999999999), }`)),
    [/ds\/inputs\.npy: the \.npy header's shape .* is impossibly large/],
  ),
  fitCase(
    'npy-header-length-huge-v2',
    async (d) => {
      const b = npy(`{'descr': '|u1', 'fortran_order': False, 'shape': (8, 60, 40), }`, new Uint8Array(0), 2);
      new DataView(b.buffer).setUint32(8, 0xfffffff0, true);
      await writeFile(join(d, 'ds/inputs.npy'), b);
    },
    [/ds\/inputs\.npy: the \.npy header claims 4294967280 bytes, more than the 65536 a NumPy header can need/],
  ),
  fitCase('npy-header-not-a-dict', (d) => writeFile(join(d, 'ds/scored.npy'), npy(`{}`)), [
    /ds\/scored\.npy: malformed \.npy header \(need descr, fortran_order, shape\)/,
  ]),
  fitCase('npy-negative-shape', (d) => writeFile(join(d, 'ds/target.npy'), npy(`{'descr': '|u1', 'fortran_order': False, 'shape': (-60, 40), }`)), [
    /ds\/target\.npy: invalid shape \(-60, 40\)/,
  ]),
  fitCase(
    'npy-unsupported-version',
    async (d) => {
      const b = await readFile(join(d, 'ds/inputs.npy'));
      b[6] = 9;
      await writeFile(join(d, 'ds/inputs.npy'), b);
    },
    [/ds\/inputs\.npy: unsupported \.npy version 9/],
  ),
  fitCase(
    'npy-int64-dtype',
    async (d) => {
      const s = await shapeOf(d);
      await writeFile(
        join(d, 'ds/target.npy'),
        npy(`{'descr': '<i8', 'fortran_order': False, 'shape': (${s.nTrials}, ${s.nBins}), }`, new Uint8Array(8 * s.nTrials * s.nBins)),
      );
    },
    [/ds\/target\.npy: dtype '<i8' is not supported/],
  ),
  fitCase(
    'npy-big-endian',
    async (d) => {
      const s = await shapeOf(d);
      await writeFile(
        join(d, 'ds/target.npy'),
        npy(`{'descr': '>f4', 'fortran_order': False, 'shape': (${s.nTrials}, ${s.nBins}), }`, new Uint8Array(4 * s.nTrials * s.nBins)),
      );
    },
    [/ds\/target\.npy: dtype '>f4' is not supported .*little-endian/],
  ),
  fitCase(
    'npy-object-dtype',
    (d) =>
      writeFile(join(d, 'ds/inputs.npy'), npy(`{'descr': '|O', 'fortran_order': False, 'shape': (8, 60, 40), }`, Buffer.from('\x80\x04\x95 pickle payload'))),
    [/ds\/inputs\.npy: dtype '\|O' is not supported/],
  ),
  fitCase(
    'npy-float64-inputs',
    async (d) => {
      const s = await shapeOf(d);
      await writeFile(
        join(d, 'ds/inputs.npy'),
        encodeNpy({ dtype: 'float64', shape: [s.atoms, s.nTrials, s.nBins], data: new Float64Array(s.atoms * s.nTrials * s.nBins) }),
      );
    },
    [/ds\/inputs\.npy: dtype float64 not allowed here, expected one of uint8, uint16, float32 \(manifest files\.inputs\)/],
  ),
  fitCase(
    'npy-fortran-order',
    async (d) => {
      const s = await shapeOf(d);
      await writeFile(
        join(d, 'ds/target.npy'),
        npy(`{'descr': '|u1', 'fortran_order': True, 'shape': (${s.nTrials}, ${s.nBins}), }`, new Uint8Array(s.nTrials * s.nBins)),
      );
    },
    [/ds\/target\.npy: Fortran-ordered arrays are not supported/],
  ),
  fitCase(
    'npy-transposed-target',
    async (d) => {
      const s = await shapeOf(d);
      await writeFile(join(d, 'ds/target.npy'), encodeNpy({ dtype: 'uint8', shape: [s.nBins, s.nTrials], data: new Uint8Array(s.nTrials * s.nBins) }));
    },
    [/ds\/target\.npy: shape \[40,60\] does not match the manifest, expected \[60,40\]/],
  ),
  fitCase(
    'npy-nan-in-inputs',
    async (d) => {
      const s = await shapeOf(d);
      const cells = s.nTrials * s.nBins;
      const x = new Float32Array(s.atoms * cells);
      x[2 * cells + 3 * s.nBins + 5] = NaN;
      x[5 * cells + 10] = Infinity;
      x[7 * cells] = -Infinity;
      await writeFile(join(d, 'ds/inputs.npy'), encodeNpy({ dtype: 'float32', shape: [s.atoms, s.nTrials, s.nBins], data: x }));
    },
    [/ds\/inputs\.npy: 3 non-finite values \(NaN or ±Infinity\) in the inputs; the first, NaN, at atom 2 \('E_100-150um'\), trial 3, bin 5/],
  ),
  fitCase(
    'npy-inf-in-real-target',
    async (d) => {
      const s = await shapeOf(d);
      const y = new Float32Array(s.nTrials * s.nBins);
      y[1 * s.nBins + 2] = Infinity;
      await writeFile(join(d, 'ds/target.npy'), encodeNpy({ dtype: 'float32', shape: [s.nTrials, s.nBins], data: y }));
      await manifest(d, (m) => (m.target.kind = 'real'));
    },
    [/ds\/target\.npy: 1 non-finite value \(NaN or ±Infinity\) in the target; the first, Infinity, at trial 1, bin 2/],
  ),
  fitCase(
    'npy-binary-target-holds-2',
    async (d) => {
      const s = await shapeOf(d);
      const y = new Uint8Array(s.nTrials * s.nBins);
      y[3 * s.nBins + 7] = 2;
      await writeFile(join(d, 'ds/target.npy'), encodeNpy({ dtype: 'uint8', shape: [s.nTrials, s.nBins], data: y }));
    },
    [/ds\/target\.npy: target kind is 'binary' but value 2 at trial 3, bin 7/],
  ),
  fitCase(
    'npy-scored-not-0-or-1',
    async (d) => {
      const s = await shapeOf(d);
      const y = new Uint8Array(s.nTrials * s.nBins).fill(1);
      y[s.nBins + 1] = 7;
      await writeFile(join(d, 'ds/scored.npy'), encodeNpy({ dtype: 'uint8', shape: [s.nTrials, s.nBins], data: y }));
    },
    [/ds\/scored\.npy: scored must be 0 or 1, found 7 at trial 1, bin 1/],
  ),
  fitCase(
    'npy-gz-bomb',
    async (d) => {
      const s = await shapeOf(d);
      // A correct header for the manifest's shape, then 3 GiB of zeros in a 3 MB file.
      const head = npy(`{'descr': '|u1', 'fortran_order': False, 'shape': (${s.atoms}, ${s.nTrials}, ${s.nBins}), }`);
      await writeFile(join(d, 'ds/inputs.npy.gz'), gzipBomb(head, 3072));
      await manifest(d, (m) => (m.files.inputs = 'inputs.npy.gz'));
    },
    [/ds\/inputs\.npy\.gz: decompresses to more than the 19200 data bytes its header declares .*reading stopped there/],
  ),
  fitCase(
    'npy-gz-bomb-without-header',
    async (d) => {
      await writeFile(join(d, 'ds/target.npy.gz'), gzipBomb(new Uint8Array(0), 2048));
      await manifest(d, (m) => (m.files.target = 'target.npy.gz'));
    },
    [/ds\/target\.npy\.gz: not a NumPy \.npy file/],
  ),
  fitCase(
    'npy-gz-bomb-header-claims-huge-shape',
    async (d) => {
      const head = npy(`{'descr': '|u1', 'fortran_order': False, 'shape': (8, 60, 40000000), }`);
      await writeFile(join(d, 'ds/inputs.npy.gz'), gzipBomb(head, 2048));
      await manifest(d, (m) => (m.files.inputs = 'inputs.npy.gz'));
    },
    [/ds\/inputs\.npy\.gz: shape \[8,60,40000000\] does not match the manifest, expected \[8,60,40\]/],
  ),
  fitCase(
    'npy-gz-bomb-lying-manifest',
    async (d) => {
      // Manifest and every header agree on 60 trials × 100 000 000 bins: 6 GB for the scored mask alone, over the
      // 4 GiB limit on one array — refused from the header, before inflating past it.
      const big = 100_000_000;
      for (const [f, shape] of [
        ['scored', `60, ${big}`],
        ['target', `60, ${big}`],
        ['inputs', `8, 60, ${big}`],
      ]) {
        await writeFile(join(d, `ds/${f}.npy.gz`), gzipBomb(npy(`{'descr': '|u1', 'fortran_order': False, 'shape': (${shape}), }`), 64));
      }
      await manifest(d, (m) => {
        m.files = { inputs: 'inputs.npy.gz', target: 'target.npy.gz', scored: 'scored.npy.gz' };
        m.nBins = big;
      });
    },
    [/ds\/scored\.npy\.gz: shape \[60,100000000\] uint8 is 5\.59 GiB of data, over the 4 GiB limit on one array \(set OCCAM_MAX_NPY_BYTES to raise it\)/],
  ),
  fitCase(
    'npy-gz-truncated',
    async (d) => {
      const gz = gzipSync(await readFile(join(d, 'ds/inputs.npy')));
      await writeFile(join(d, 'ds/inputs.npy.gz'), gz.subarray(0, Math.floor(gz.length / 2)));
      await manifest(d, (m) => (m.files.inputs = 'inputs.npy.gz'));
    },
    [/ds\/inputs\.npy\.gz: not a valid gzip file \(truncated/],
  ),
  fitCase(
    'npy-gz-not-gzip',
    async (d) => {
      await cp(join(d, 'ds/target.npy'), join(d, 'ds/target.npy.gz'));
      await manifest(d, (m) => (m.files.target = 'target.npy.gz'));
    },
    [/ds\/target\.npy\.gz: not a valid gzip file/],
  ),
  {
    name: 'core/npy-gz-dataset-fits',
    setup: async (dir, fx) => {
      await dataset(dir, fx);
      for (const f of ['inputs', 'target', 'scored']) await writeFile(join(dir, 'ds', `${f}.npy.gz`), gzipSync(await readFile(join(dir, 'ds', `${f}.npy`))));
      await manifest(dir, (m) => (m.files = { inputs: 'inputs.npy.gz', target: 'target.npy.gz', scored: 'scored.npy.gz' }));
      await cp(fx.spec, join(dir, 'spec.json'));
      return fit();
    },
    expect: { exit: 0, stdout: [/wrote model\.json/] },
    // a full fit on the shared fixture (the planted 60-trial dataset), not a rejection
    seconds: 20,
  },

  // ───────────── Dataset manifests: confinement ─────────────
  fitCase(
    'manifest-dotdot-escape',
    async (d) => {
      await mkdir(join(d, 'outside'));
      await cp(join(d, 'ds/inputs.npy'), join(d, 'outside/inputs.npy'));
      await manifest(d, (m) => (m.files.inputs = '../outside/inputs.npy'));
    },
    [/ds\/manifest\.json: files\.inputs "\.\.\/outside\/inputs\.npy" points outside the dataset directory ds/],
  ),
  fitCase(
    'manifest-nested-dotdot-escape',
    async (d) => {
      await mkdir(join(d, 'ds/sub'));
      await mkdir(join(d, 'outside'));
      await cp(join(d, 'ds/target.npy'), join(d, 'outside/target.npy'));
      await manifest(d, (m) => (m.files.target = 'sub/../../outside/target.npy'));
    },
    [/ds\/manifest\.json: files\.target "sub\/\.\.\/\.\.\/outside\/target\.npy" points outside the dataset directory/],
  ),
  fitCase(
    'manifest-absolute-path',
    async (d) => {
      await cp(join(d, 'ds/inputs.npy'), join(d, 'elsewhere.npy'));
      await manifest(d, (m) => (m.files.inputs = join(d, 'elsewhere.npy')));
    },
    [/ds\/manifest\.json: files\.inputs ".*elsewhere\.npy" is an absolute path; dataset files must be named relative to the dataset directory/],
  ),
  fitCase('manifest-dev-zero', (d) => manifest(d, (m) => (m.files.inputs = '/dev/zero')), [
    /ds\/manifest\.json: files\.inputs "\/dev\/zero" is an absolute path/,
  ]),
  fitCase(
    'manifest-symlink-to-dev-zero',
    async (d) => {
      await symlink('/dev/zero', join(d, 'ds/zero.npy'));
      await manifest(d, (m) => (m.files.inputs = 'zero.npy'));
    },
    [/ds\/manifest\.json: files\.inputs "zero\.npy" resolves \(through a symbolic link\) to \/dev\/zero, outside the dataset directory/],
  ),
  fitCase(
    'manifest-symlink-escape',
    async (d) => {
      await mkdir(join(d, 'outside'));
      await cp(join(d, 'ds/inputs.npy'), join(d, 'outside/secret.npy'));
      await symlink('../outside/secret.npy', join(d, 'ds/linked.npy'));
      await manifest(d, (m) => (m.files.inputs = 'linked.npy'));
    },
    [/ds\/manifest\.json: files\.inputs "linked\.npy" resolves \(through a symbolic link\) to .*outside\/secret\.npy, outside the dataset directory/],
  ),
  fitCase(
    'manifest-symlinked-folder-escape',
    async (d) => {
      await mkdir(join(d, 'outside'));
      await cp(join(d, 'ds/scored.npy'), join(d, 'outside/scored.npy'));
      await symlink(join(d, 'outside'), join(d, 'ds/arrays'));
      await manifest(d, (m) => (m.files.scored = 'arrays/scored.npy'));
    },
    [/ds\/manifest\.json: files\.scored "arrays\/scored\.npy" resolves \(through a symbolic link\) to .*outside\/scored\.npy, outside the dataset directory/],
  ),
  {
    name: 'core/manifest-symlink-inside-the-dataset-fits',
    setup: async (dir, fx) => {
      await dataset(dir, fx);
      await mkdir(join(dir, 'ds/arrays'));
      await cp(join(dir, 'ds/inputs.npy'), join(dir, 'ds/arrays/inputs-v2.npy'));
      await symlink('arrays/inputs-v2.npy', join(dir, 'ds/current.npy'));
      await manifest(dir, (m) => (m.files.inputs = 'current.npy'));
      await cp(fx.spec, join(dir, 'spec.json'));
      return fit();
    },
    expect: { exit: 0, stdout: [/wrote model\.json/] },
    // a full fit: a link that stays inside the dataset is allowed
    seconds: 20,
  },
  fitCase(
    'manifest-fifo',
    async (d) => {
      execFileSync('mkfifo', [join(d, 'ds/pipe.npy')]);
      await manifest(d, (m) => (m.files.target = 'pipe.npy'));
    },
    [/ds\/manifest\.json: files\.target "pipe\.npy" is a named pipe \(FIFO\), expected a regular \.npy or \.npy\.gz file/],
  ),
  fitCase(
    'manifest-file-is-directory',
    async (d) => {
      await mkdir(join(d, 'ds/inputs.d'));
      await manifest(d, (m) => (m.files.inputs = 'inputs.d'));
    },
    [/ds\/manifest\.json: files\.inputs "inputs\.d" is a directory/],
  ),
  fitCase('manifest-file-is-dataset-itself', (d) => manifest(d, (m) => (m.files.inputs = '.')), [
    /ds\/manifest\.json: files\.inputs "\." names the dataset directory itself/,
  ]),
  fitCase('manifest-file-missing', (d) => manifest(d, (m) => (m.files.target = 'nope.npy')), [
    /ds\/manifest\.json: files\.target "nope\.npy": ds\/nope\.npy not found/,
  ]),

  // ───────────── Dataset manifests: content ─────────────
  fitCase('manifest-absent', (d) => rm(join(d, 'ds/manifest.json')), [/ds\/manifest\.json: not found/]),
  fitCase(
    'manifest-json-symlink-escape',
    async (d) => {
      await cp(join(d, 'ds/manifest.json'), join(d, 'elsewhere.json'));
      await rm(join(d, 'ds/manifest.json'));
      await symlink(join(d, 'elsewhere.json'), join(d, 'ds/manifest.json'));
    },
    [/ds\/manifest\.json: resolves \(through a symbolic link\) to .*elsewhere\.json, outside the dataset directory/],
  ),
  fitCase('manifest-not-json', (d) => writeFile(join(d, 'ds/manifest.json'), '{"format": "occam.dataset",'), [/ds\/manifest\.json: not valid JSON/]),
  fitCase('manifest-missing-nbins', (d) => manifest(d, (m) => delete m.nBins), [/ds\/manifest\.json: invalid content\n\s+nBins:/]),
  fitCase('manifest-ntrials-string', (d) => manifest(d, (m) => (m.nTrials = '60')), [/ds\/manifest\.json: invalid content\n\s+nTrials:/]),
  fitCase('manifest-ntrials-zero', (d) => manifest(d, (m) => (m.nTrials = 0)), [/ds\/manifest\.json: invalid content\n\s+nTrials:/]),
  fitCase('manifest-huge-ntrials', (d) => manifest(d, (m) => (m.nTrials = 1_000_000_000)), [
    /ds\/(inputs|target|scored)\.npy: shape \[.*\] does not match the manifest, expected \[.*1000000000/,
  ]),
  fitCase('manifest-fewer-atoms-than-inputs', (d) => manifest(d, (m) => (m.atoms = m.atoms.slice(0, 3))), [
    /ds\/inputs\.npy: shape \[8,60,40\] does not match the manifest, expected \[3,60,40\]/,
  ]),
  fitCase('manifest-files-wrong-type', (d) => manifest(d, (m) => (m.files.inputs = 5)), [/ds\/manifest\.json: invalid content\n\s+files\.inputs:/]),
  fitCase('manifest-no-atoms', (d) => manifest(d, (m) => (m.atoms = [])), [/ds\/manifest\.json: invalid content\n\s+atoms:/]),
  fitCase('manifest-wrong-format', (d) => manifest(d, (m) => (m.format = 'occam.reduced-model')), [/ds\/manifest\.json: invalid content\n\s+format:/]),
  fitCase('manifest-100mb', async (d) => hugeJson(join(d, 'ds/manifest.json'), JSON.parse(await readFile(join(d, 'ds/manifest.json'), 'utf8'))), [
    /ds\/manifest\.json: the dataset manifest is 100 MiB, /,
    OVER_JSON_LIMIT,
  ]),
  fitCase(
    'manifest-is-fifo',
    async (d) => {
      await rm(join(d, 'ds/manifest.json'));
      execFileSync('mkfifo', [join(d, 'ds/manifest.json')]);
    },
    [/ds\/manifest\.json: the dataset manifest is a named pipe \(FIFO\), expected a regular file/],
  ),
  {
    name: 'core/data-is-a-file',
    setup: async (dir, fx) => {
      await writeFile(join(dir, 'ds'), 'not a folder');
      await cp(fx.spec, join(dir, 'spec.json'));
      return fit();
    },
    expect: { exit: 1, stderr: [/ds: not a directory — a dataset is a directory with manifest\.json/] },
  },

  // ───────────── Specs against the dataset ─────────────
  specCase('spec-huge-maxlag', (s) => (s.temporal.maxLag = 100_000_000), [
    /spec\.json: temporal\.maxLag is 100000000, over the 100000 limit on lags \(set OCCAM_MAX_LAG to raise it\)/,
  ]),
  specCase('spec-maxlag-not-shorter-than-trial', (s) => (s.temporal.maxLag = 40), [
    /spec\.json: temporal\.maxLag is 40 but a trial of ds has only 40 bins: every lag must be shorter than a trial \(at most 39\)/,
  ]),
  specCase('spec-huge-history-lag', (s) => (s.history.maxLag = 5_000_000), [/spec\.json: history\.maxLag is 5000000, over the 100000 limit on lags/]),
  specCase(
    'spec-huge-isf-phases',
    (s) => (s.temporal.basis = { kind: 'isfRaisedCosine', a: 2, c: 1, phases: Array.from({ length: 100_000 }, (_, i) => i / 1000) }),
    [/spec\.json: temporal\.basis has 100000 phases, over the 500 limit on functions per basis \(set OCCAM_MAX_BASIS_FUNCTIONS to raise it\)/],
  ),
  specCase(
    'spec-more-phases-than-lags',
    (s) => (s.temporal.basis = { kind: 'isfRaisedCosine', a: 2, c: 1, phases: Array.from({ length: 20 }, (_, i) => 1 + i / 4) }),
    [/spec\.json: temporal\.basis has 20 phases but there are only 9 lags \(0\.\.8\): use at most one function per lag/],
  ),
  specCase('spec-more-functions-than-history-lags', (s) => (s.history.basis = { kind: 'raisedCosineLog', count: 30, firstPeak: 1, lastPeak: 3, offset: 1 }), [
    /spec\.json: history\.basis has 30 functions but there are only 4 history lags/,
  ]),
  specCase(
    'spec-more-spatial-functions-than-values',
    (s) => (s.spatial.basis = { kind: 'raisedCosineLog', count: 10, firstPeak: 25, lastPeak: 175, offset: 50 }),
    [/spec\.json: spatial\.basis has 10 functions but there are only 4 distinct values of 'distance'/],
  ),
  specCase('spec-negative-maxlag', (s) => (s.temporal.maxLag = -3), [/spec\.json: invalid content\n\s+temporal\.maxLag:/]),
  specCase('spec-minlag-above-maxlag', (s) => Object.assign(s.temporal, { minLag: 6, maxLag: 2 }), [
    /spec\.json: invalid content\n\s+temporal\.maxLag: temporal\.maxLag must be ≥ temporal\.minLag/,
  ]),
  specCase('spec-spatial-attribute-categorical', (s) => (s.spatial.attribute = 'type'), [
    /spec\.json: spatial\.attribute 'type' is not a numeric attribute of any atom in ds/,
  ]),
  specCase('spec-spatial-attribute-missing', (s) => (s.spatial.attribute = 'depth'), [
    /spec\.json: spatial\.attribute 'depth' is not a numeric attribute .*attributes: type, distance/,
  ]),
  specCase('spec-group-by-missing-attribute', (s) => (s.groupBy = ['layer']), [/spec\.json: groupBy names attribute 'layer', which no atom of ds has/]),
  specCase('spec-binned-group-by-categorical', (s) => (s.groupBy = [{ attribute: 'type', edges: [0, 1, 2] }]), [
    /spec\.json: atom '.*' needs a numeric attribute 'type' for binned grouping/,
  ]),
  specCase('spec-exclude-everything', (s) => (s.exclude = { type: ['excitatory', 'inhibitory'] }), [
    /spec\.json: no atoms left after spec\.exclude and groupBy/,
  ]),
  {
    name: 'core/spec-not-json',
    setup: async (dir, fx) => {
      await writeFile(join(dir, 'spec.json'), '{ temporal: { maxLag: 8 } } // written by hand');
      return fit(fx.dataset);
    },
    expect: { exit: 1, stderr: [/spec\.json: not valid JSON/] },
  },
  {
    name: 'core/spec-100mb',
    setup: async (dir, fx) => {
      await hugeJson(join(dir, 'spec.json'), JSON.parse(await readFile(fx.spec, 'utf8')));
      return fit(fx.dataset);
    },
    expect: { exit: 1, stderr: [/spec\.json: the spec file is 100 MiB, /, OVER_JSON_LIMIT] },
  },
  {
    name: 'core/spec-is-directory',
    setup: async (dir, fx) => {
      await mkdir(join(dir, 'spec.json'));
      return fit(fx.dataset);
    },
    expect: { exit: 1, stderr: [/spec\.json: (the spec file is a directory|cannot read the spec file \(is a directory\))/] },
  },
  {
    name: 'core/spec-dev-zero',
    setup: async (dir, fx) => fit(fx.dataset, '/dev/zero'),
    expect: { exit: 1, stderr: [/\/dev\/zero: the spec file is a character device, expected a regular file/] },
  },
  {
    name: 'core/spec-fifo',
    setup: async (dir, fx) => {
      execFileSync('mkfifo', [join(dir, 'spec.json')]);
      return fit(fx.dataset);
    },
    expect: { exit: 1, stderr: [/spec\.json: the spec file is a named pipe \(FIFO\), expected a regular file/] },
  },
  {
    name: 'core/spec-is-a-model',
    setup: async (dir, fx) => fit(fx.dataset, fx.model),
    expect: { exit: 1, stderr: [/model\.json: invalid content\n\s+temporal:/] },
  },
  {
    name: 'core/spec-with-bom-fits',
    setup: async (dir, fx) => {
      await writeFile(join(dir, 'spec.json'), '\ufeff' + (await readFile(fx.spec, 'utf8')));
      return fit(fx.dataset);
    },
    expect: { exit: 0, stdout: [/wrote model\.json/] },
    // a full fit: a UTF-8 byte-order mark (as Windows editors write it) is not an error
    seconds: 20,
  },

  // ───────────── Model files ─────────────
  {
    name: 'core/model-100mb-report',
    setup: async (dir, fx) => {
      await hugeJson(join(dir, 'big.model.json'), JSON.parse(await readFile(fx.model, 'utf8')));
      return ['report', 'big.model.json', '--out', 'r.html'];
    },
    expect: { exit: 1, stderr: [/big\.model\.json: the result file is 100 MiB, /, OVER_JSON_LIMIT] },
  },
  {
    name: 'core/model-100mb-compare',
    setup: async (dir, fx) => {
      await hugeJson(join(dir, 'big.model.json'), JSON.parse(await readFile(fx.model, 'utf8')));
      return ['compare', '--system', `a=big.model.json@${fx.dataset}`, '--system', `b=${fx.model}@${fx.dataset}`, '--out', 'c.json'];
    },
    expect: { exit: 1, stderr: [/big\.model\.json: the model file is 100 MiB, /, OVER_JSON_LIMIT] },
  },
  {
    name: 'core/model-truncated',
    setup: async (dir, fx) => {
      const text = await readFile(fx.model, 'utf8');
      await writeFile(join(dir, 'cut.json'), text.slice(0, Math.floor(text.length / 2)));
      return ['report', 'cut.json', '--out', 'r.html'];
    },
    expect: { exit: 1, stderr: [/cut\.json: not valid JSON/] },
  },
  {
    name: 'core/model-wrong-version',
    setup: async (dir, fx) => {
      await cp(fx.model, join(dir, 'm.json'));
      await editJson(join(dir, 'm.json'), (m) => (m.version = 2));
      return ['report', 'm.json', '--out', 'r.html'];
    },
    expect: { exit: 1, stderr: [/m\.json: invalid content\n\s+version:/] },
  },
  {
    name: 'core/model-wrong-format-compare',
    setup: async (dir, fx) => {
      await writeFile(join(dir, 'm.json'), JSON.stringify({ format: 'occam.search', version: 1 }));
      return ['compare', '--system', `a=m.json@${fx.dataset}`, '--system', `b=${fx.model}@${fx.dataset}`, '--out', 'c.json'];
    },
    expect: { exit: 1, stderr: [/m\.json: not a reduced model: "format" is "occam\.search", expected "occam\.reduced-model"/] },
  },
  {
    name: 'core/model-coefficients-cut',
    setup: async (dir, fx) => {
      await cp(fx.model, join(dir, 'm.json'));
      await editJson(join(dir, 'm.json'), (m) => m.coefficients.beta.splice(3, 2));
      return ['report', 'm.json', '--out', 'r.html', '--data', fx.dataset];
    },
    expect: { exit: 1, stderr: [/m\.json: coefficients\.beta: has \d+ values but the layout \(2 groups × K 3 × J 3 \+ H 2\) needs 20/] },
  },
  {
    name: 'core/model-infinite-coefficient',
    setup: async (dir, fx) => {
      await cp(fx.model, join(dir, 'm.json'));
      const text = (await readFile(join(dir, 'm.json'), 'utf8')).replace(/"intercept": [^,\n]+/, '"intercept": 1e999');
      await writeFile(join(dir, 'm.json'), text);
      return ['report', 'm.json', '--out', 'r.html'];
    },
    expect: { exit: 1, stderr: [/m\.json: invalid content\n\s+coefficients\.intercept:/] },
  },
  {
    name: 'core/model-history-filter-5M-points',
    setup: async (dir, fx) => {
      await cp(fx.model, join(dir, 'm.json'));
      await editJson(join(dir, 'm.json'), (m) => {
        const n = 5_000_000;
        m.filters.history = { x: new Array(n).fill(0), y: new Array(n).fill(0) };
      });
      return ['report', 'm.json', '--out', 'r.html'];
    },
    expect: {
      exit: 1,
      stderr: [
        /m\.json: filters\.history has 5000000 sample points, over the 100000 limit on points per filter curve \(set OCCAM_MAX_FILTER_SAMPLES to raise it\)/,
      ],
    },
  },
  {
    name: 'core/model-groups-unknown-to-dataset-compare',
    setup: async (dir, fx) => {
      await dataset(dir, fx, 'other');
      await manifest(dir, (m) => m.atoms.forEach((a: Json) => (a.attributes.type = a.attributes.type === 'excitatory' ? 'E' : 'I')), 'other');
      return ['compare', '--system', `a=${fx.model}@other`, '--system', `b=${fx.model}@${fx.dataset}`, '--out', 'c.json'];
    },
    expect: { exit: 1, stderr: [/model\.json: the model does not fit the dataset other: dataset has group 'type=E' that the model does not know/] },
  },
  {
    name: 'core/model-groups-unknown-to-dataset-report',
    setup: async (dir, fx) => {
      await dataset(dir, fx, 'other');
      await manifest(dir, (m) => m.atoms.forEach((a: Json) => (a.attributes.type = a.attributes.type === 'excitatory' ? 'E' : 'I')), 'other');
      return ['report', fx.model, '--data', 'other', '--out', 'r.html'];
    },
    expect: { exit: 1, stderr: [/model\.json: the model does not fit the dataset other: dataset has group 'type=E'/] },
  },
  {
    name: 'core/model-lags-longer-than-dataset-trials',
    setup: async (dir, fx) => {
      await smallDataset(dir, 'short', { nBins: 6 });
      return ['compare', '--system', `a=${fx.model}@short`, '--system', `b=${fx.model}@${fx.dataset}`, '--out', 'c.json'];
    },
    expect: { exit: 1, stderr: [/model\.json: the model does not fit the dataset short: temporal\.maxLag is 8 but a trial of short has only 6 bins/] },
  },
  {
    name: 'core/model-spatial-attribute-missing-in-dataset',
    setup: async (dir, fx) => {
      await smallDataset(dir, 'flat', { atoms: neuronLikeAtoms(4).map((a) => ({ id: a.id, attributes: { type: a.attributes.type } })) });
      return ['report', fx.model, '--data', 'flat', '--out', 'r.html'];
    },
    expect: {
      exit: 1,
      stderr: [/model\.json: the model does not fit the dataset flat: spatial\.attribute 'distance' is not a numeric attribute of any atom in flat/],
    },
  },
  {
    name: 'core/model-as-dataset-manifest',
    setup: async (dir, fx) => {
      await mkdir(join(dir, 'ds'));
      await cp(fx.model, join(dir, 'ds/manifest.json'));
      return ['compare', '--system', `a=${fx.model}@ds`, '--system', `b=${fx.model}@${fx.dataset}`, '--out', 'c.json'];
    },
    expect: { exit: 1, stderr: [/ds\/manifest\.json: invalid content\n\s+format:/] },
  },

  // ───────────── Result files for report ─────────────
  {
    name: 'core/report-search-result-incomplete',
    setup: async (dir) => {
      await writeFile(join(dir, 's.json'), JSON.stringify({ format: 'occam.search', candidates: 'many' }));
      return ['report', 's.json', '--out', 'r.html'];
    },
    expect: { exit: 1, stderr: [/s\.json: invalid content/] },
  },
  {
    name: 'core/report-unknown-format',
    setup: async (dir) => {
      await writeFile(join(dir, 'x.json'), JSON.stringify({ hello: 'world' }));
      return ['report', 'x.json', '--out', 'r.html'];
    },
    expect: { exit: 1, stderr: [/x\.json: not a result occam can report: "format" is missing/] },
  },
  {
    name: 'core/report-compare-result-100mb',
    setup: async (dir) => {
      await hugeJson(join(dir, 'c.json'), { format: 'occam.compare' });
      return ['report', 'c.json', '--out', 'r.html'];
    },
    expect: { exit: 1, stderr: [/c\.json: the result file is 100 MiB, /, OVER_JSON_LIMIT] },
  },
  {
    name: 'core/report-result-dev-zero',
    setup: async () => ['report', '/dev/zero', '--out', 'r.html'],
    expect: { exit: 1, stderr: [/\/dev\/zero: the result file is a character device, expected a regular file/] },
  },
  {
    name: 'core/report-result-directory',
    setup: async (dir) => {
      await mkdir(join(dir, 'results.json'));
      return ['report', 'results.json', '--out', 'r.html'];
    },
    expect: { exit: 1, stderr: [/results\.json: (the result file is a directory|cannot read the result file \(is a directory\))/] },
  },
  {
    name: 'core/report-dynamics-not-json',
    setup: async (dir) => {
      await writeFile(join(dir, 'd.json'), '\x00\x01\x02 binary');
      return ['report', 'd.json', '--out', 'r.html'];
    },
    expect: { exit: 1, stderr: [/d\.json: not valid JSON/] },
  },
  {
    name: 'core/report-data-escapes',
    setup: async (dir, fx) => {
      await dataset(dir, fx);
      await manifest(dir, (m) => (m.files.inputs = '../../../../../../../../etc/passwd'));
      return ['report', fx.model, '--data', 'ds', '--out', 'r.html'];
    },
    expect: { exit: 1, stderr: [/ds\/manifest\.json: files\.inputs ".*etc\/passwd" points outside the dataset directory/] },
  },
  {
    name: 'core/report-model-with-data',
    setup: async (dir, fx) => ['report', fx.model, '--data', fx.dataset, '--out', 'r.html'],
    expect: { exit: 0, stdout: [/wrote r\.html/] },
    // a full report (prediction, simulation, figures) on the shared fixture
    seconds: 20,
  },

  // ───────────── Search ─────────────
  {
    name: 'core/search-max-lag-beyond-trial',
    setup: async (dir, fx) => ['search', '--data', fx.dataset, '--max-lag', '100000000', '--out', 's.json'],
    expect: { exit: 2, stderr: [/--max-lag must be a whole number from 0 to 39 \(a trial of .*dataset has 40 bins\), got 100000000/] },
  },
  {
    name: 'core/search-dataset-symlink-escape',
    setup: async (dir, fx) => {
      await dataset(dir, fx);
      await symlink(join(fx.dataset, 'target.npy'), join(dir, 'ds/t.npy'));
      await manifest(dir, (m) => (m.files.target = 't.npy'));
      return ['search', '--data', 'ds', '--max-lag', '8', '--out', 's.json'];
    },
    expect: {
      exit: 1,
      stderr: [/ds\/manifest\.json: files\.target "t\.npy" resolves \(through a symbolic link\) to .*target\.npy, outside the dataset directory/],
    },
  },
  {
    name: 'core/search-nan-inputs',
    setup: async (dir, fx) => {
      await dataset(dir, fx);
      const s = await shapeOf(dir);
      const x = new Float32Array(s.atoms * s.nTrials * s.nBins).fill(1);
      x[x.length - 1] = NaN;
      await writeFile(join(dir, 'ds/inputs.npy'), encodeNpy({ dtype: 'float32', shape: [s.atoms, s.nTrials, s.nBins], data: x }));
      return ['search', '--data', 'ds', '--max-lag', '8', '--out', 's.json'];
    },
    expect: { exit: 1, stderr: [/ds\/inputs\.npy: 1 non-finite value .*atom 7 \('I_150-200um'\), trial 59, bin 39/] },
  },

  // ───────────── Fit ─────────────
  {
    name: 'core/fit-fixture',
    setup: async (dir, fx) => fit(fx.dataset, fx.spec),
    expect: { exit: 0, stdout: [/wrote model\.json/] },
    // a full fit on the shared fixture: the baseline every rejection above is measured against
    seconds: 20,
  },
];
