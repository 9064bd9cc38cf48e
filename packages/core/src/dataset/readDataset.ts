import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { OccamError, zodProblem } from '../errors.js';
import { readNpy, type NpyArray } from '../io/npy.js';
import { createDataset, type Dataset, type InputArray, type TargetArray } from './dataset.js';
import { DatasetManifestSchema } from './schema.js';

/** Read and validate a Dataset directory (manifest.json + NPY arrays). */
export async function readDataset(dir: string): Promise<Dataset> {
  const manifestPath = join(dir, 'manifest.json');
  let text: string;
  try {
    text = await readFile(manifestPath, 'utf8');
  } catch {
    throw new OccamError(`${manifestPath}: not found — a dataset is a directory with manifest.json and .npy arrays`, {
      file: manifestPath,
    });
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new OccamError(`${manifestPath}: not valid JSON (${(error as Error).message})`, { file: manifestPath });
  }
  const parsed = DatasetManifestSchema.safeParse(json);
  if (!parsed.success) throw zodProblem(manifestPath, parsed.error);
  const m = parsed.data;
  const [inputs, target, scored] = await Promise.all([
    readNpy(join(dir, m.files.inputs)),
    readNpy(join(dir, m.files.target)),
    readNpy(join(dir, m.files.scored)),
  ]);
  const inputsPath = join(dir, m.files.inputs);
  const targetPath = join(dir, m.files.target);
  const scoredPath = join(dir, m.files.scored);
  expectShape(inputsPath, inputs, [m.atoms.length, m.nTrials, m.nBins], ['uint8', 'uint16', 'float32']);
  expectShape(targetPath, target, [m.nTrials, m.nBins], ['uint8', 'uint16', 'float32']);
  expectShape(scoredPath, scored, [m.nTrials, m.nBins], ['uint8', 'bool']);
  if (m.target.kind !== 'real' && target.dtype === 'float32') {
    throw new OccamError(`${targetPath}: target kind '${m.target.kind}' needs an integer dtype, found float32`, {
      file: targetPath,
      field: 'target.kind',
    });
  }
  if (m.target.kind === 'binary') {
    const t = target.data;
    for (let i = 0; i < t.length; i++) {
      if (t[i] > 1) {
        throw new OccamError(
          `${targetPath}: target kind is 'binary' but value ${t[i]} at trial ${Math.floor(i / m.nBins)}, bin ${i % m.nBins}`,
          { file: targetPath, field: 'target.kind' },
        );
      }
    }
  }
  return createDataset(m, {
    inputs: inputs.data as InputArray,
    target: target.data as TargetArray,
    scored: scored.data as Uint8Array,
  });
}

function expectShape(file: string, array: NpyArray, shape: number[], dtypes: string[]): void {
  if (array.shape.length !== shape.length || array.shape.some((d, i) => d !== shape[i])) {
    throw new OccamError(`${file}: shape [${array.shape}] does not match the manifest, expected [${shape}]`, {
      file,
      field: 'shape',
    });
  }
  if (!dtypes.includes(array.dtype)) {
    throw new OccamError(`${file}: dtype ${array.dtype} not allowed here, expected one of ${dtypes.join(', ')}`, {
      file,
      field: 'dtype',
    });
  }
}
