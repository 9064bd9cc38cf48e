import { realpath, stat } from 'node:fs/promises';
import { isAbsolute, join, relative, resolve, sep } from 'node:path';
import { OccamError, zodProblem } from '../errors.js';
import type { ReadLimits } from '../io/limits.js';
import { readNpy, type NpyDtype } from '../io/npy.js';
import { readJsonFile } from '../io/readJsonFile.js';
import { createDataset, type Dataset, type InputArray, type TargetArray } from './dataset.js';
import { DatasetManifestSchema, type DatasetManifest } from './schema.js';

/**
 * Read and validate a Dataset directory (manifest.json + NPY arrays). Nothing outside the directory is read:
 * every file the manifest names must resolve (after symlinks) inside it and be a regular file. Each array's
 * header is checked against the manifest's shape before its data is read, and non-finite values are
 * reported here, with their place, rather than surfacing later as a failed fit.
 */
export async function readDataset(dir: string, options: { limits?: Partial<ReadLimits> } = {}): Promise<Dataset> {
  const manifestPath = join(dir, 'manifest.json');
  const m = await readDatasetManifest(dir, options);
  const inputsPath = await confinedFile(dir, manifestPath, 'inputs', m.files.inputs);
  const targetPath = await confinedFile(dir, manifestPath, 'target', m.files.target);
  const scoredPath = await confinedFile(dir, manifestPath, 'scored', m.files.scored);
  const values: NpyDtype[] = ['uint8', 'uint16', 'float32'];
  // One at a time, smallest first: a bad array fails before a larger one is read, and nothing is left reading after an error.
  const scored = await readNpy(scoredPath, {
    shape: [m.nTrials, m.nBins],
    dtypes: ['uint8', 'bool'],
    namedBy: 'manifest files.scored',
    limits: options.limits,
  });
  const target = await readNpy(targetPath, { shape: [m.nTrials, m.nBins], dtypes: values, namedBy: 'manifest files.target', limits: options.limits });
  const inputs = await readNpy(inputsPath, {
    shape: [m.atoms.length, m.nTrials, m.nBins],
    dtypes: values,
    namedBy: 'manifest files.inputs',
    limits: options.limits,
  });
  if (m.target.kind !== 'real' && target.dtype === 'float32') {
    throw new OccamError(`${targetPath}: target kind '${m.target.kind}' needs an integer dtype, found float32`, {
      file: targetPath,
      field: 'target.kind',
    });
  }
  if (inputs.dtype === 'float32') checkFinite(inputsPath, inputs.data, m, true);
  if (target.dtype === 'float32') checkFinite(targetPath, target.data, m, false);
  if (m.target.kind === 'binary') {
    const t = target.data;
    for (let i = 0; i < t.length; i++) {
      if (t[i] > 1) {
        throw new OccamError(`${targetPath}: target kind is 'binary' but value ${t[i]} at trial ${Math.floor(i / m.nBins)}, bin ${i % m.nBins}`, {
          file: targetPath,
          field: 'target.kind',
        });
      }
    }
  }
  const s = scored.data;
  for (let i = 0; i < s.length; i++) {
    if (s[i] > 1) {
      throw new OccamError(`${scoredPath}: scored must be 0 or 1, found ${s[i]} at trial ${Math.floor(i / m.nBins)}, bin ${i % m.nBins}`, {
        file: scoredPath,
        field: 'scored',
      });
    }
  }
  return createDataset(m, {
    inputs: inputs.data as InputArray,
    target: target.data as TargetArray,
    scored: scored.data as Uint8Array,
  });
}

/** A Dataset directory's manifest, read and checked as `readDataset` reads it, without its arrays. */
export async function readDatasetManifest(dir: string, options: { limits?: Partial<ReadLimits> } = {}): Promise<DatasetManifest> {
  const manifestPath = join(dir, 'manifest.json');
  let dirStats;
  try {
    dirStats = await stat(dir);
  } catch {
    throw new OccamError(`${manifestPath}: not found (no directory ${dir}) — a dataset is a directory with manifest.json and .npy arrays`, {
      file: manifestPath,
    });
  }
  if (!dirStats.isDirectory()) {
    throw new OccamError(`${dir}: not a directory — a dataset is a directory with manifest.json and .npy arrays`, { file: dir });
  }
  const realManifest = await realpath(manifestPath).catch(() => {
    throw new OccamError(`${manifestPath}: not found — a dataset is a directory with manifest.json and .npy arrays`, { file: manifestPath });
  });
  if (!realManifest.startsWith((await realpath(dir)) + sep)) {
    throw new OccamError(
      `${manifestPath}: resolves (through a symbolic link) to ${realManifest}, outside the dataset directory; the manifest must lie inside it`,
      {
        file: manifestPath,
      },
    );
  }
  const json = await readJsonFile(manifestPath, { what: 'dataset manifest', limits: options.limits });
  const parsed = DatasetManifestSchema.safeParse(json);
  if (!parsed.success) throw zodProblem(manifestPath, parsed.error);
  return parsed.data;
}

/**
 * The path of a file the manifest names, refused unless it stays inside the dataset directory once every
 * symlink is resolved and is a regular file: a manifest is data, and data must not make occam read
 * `../elsewhere`, `/etc/passwd`, `/dev/zero` or a pipe.
 */
async function confinedFile(dir: string, manifestPath: string, field: 'inputs' | 'target' | 'scored', name: string): Promise<string> {
  const where = `files.${field} "${name}"`;
  if (isAbsolute(name) || /^[A-Za-z]:[\\/]/.test(name)) {
    throw new OccamError(`${manifestPath}: ${where} is an absolute path; dataset files must be named relative to the dataset directory and lie inside it`, {
      file: manifestPath,
      field: `files.${field}`,
    });
  }
  const path = join(dir, name);
  const lexical = relative(resolve(dir), resolve(path));
  if (lexical === '') {
    throw new OccamError(`${manifestPath}: ${where} names the dataset directory itself; expected a .npy or .npy.gz file inside it`, {
      file: manifestPath,
      field: `files.${field}`,
    });
  }
  if (lexical === '..' || lexical.startsWith(`..${sep}`) || isAbsolute(lexical)) {
    throw new OccamError(`${manifestPath}: ${where} points outside the dataset directory ${dir}; dataset files must lie inside it`, {
      file: manifestPath,
      field: `files.${field}`,
    });
  }
  let real: string;
  try {
    real = await realpath(path);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new OccamError(`${manifestPath}: ${where}: ${path} ${code === 'ENOENT' ? 'not found' : `cannot be read (${code})`}`, {
      file: manifestPath,
      field: `files.${field}`,
    });
  }
  const realDir = await realpath(dir);
  if (!real.startsWith(realDir + sep)) {
    throw new OccamError(
      `${manifestPath}: ${where} resolves (through a symbolic link) to ${real}, outside the dataset directory; dataset files must lie inside it`,
      { file: manifestPath, field: `files.${field}` },
    );
  }
  const stats = await stat(real);
  if (!stats.isFile()) {
    const kind = stats.isDirectory()
      ? 'a directory'
      : stats.isFIFO()
        ? 'a named pipe (FIFO)'
        : stats.isCharacterDevice() || stats.isBlockDevice()
          ? 'a device'
          : 'not a regular file';
    throw new OccamError(`${manifestPath}: ${where} is ${kind}, expected a regular .npy or .npy.gz file`, {
      file: manifestPath,
      field: `files.${field}`,
    });
  }
  return path;
}

/** NaN or ±Infinity anywhere is refused with the count and the first place, as (atom, trial, bin) for inputs. */
function checkFinite(file: string, data: ArrayLike<number>, m: DatasetManifest, isInputs: boolean): void {
  let count = 0;
  let first = -1;
  for (let i = 0; i < data.length; i++) {
    const v = data[i];
    if (v - v !== 0) {
      if (first < 0) first = i;
      count++;
    }
  }
  if (count === 0) return;
  const cells = m.nTrials * m.nBins;
  const cell = first % cells;
  const at = `trial ${Math.floor(cell / m.nBins)}, bin ${cell % m.nBins}`;
  const place = isInputs ? `atom ${Math.floor(first / cells)} ('${m.atoms[Math.floor(first / cells)].id}'), ${at}` : at;
  throw new OccamError(
    `${file}: ${count} non-finite value${count === 1 ? '' : 's'} (NaN or ±Infinity) in the ${isInputs ? 'inputs' : 'target'}; the first, ${data[first]}, at ${place} — replace or drop them before fitting`,
    { file, field: isInputs ? 'inputs' : 'target' },
  );
}
