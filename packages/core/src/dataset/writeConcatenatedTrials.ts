import { OccamError } from '../errors.js';
import { dtypeOf } from '../io/npy.js';
import type { Dataset, InputArray, TargetArray } from './dataset.js';
import { writeDatasetStreamed } from './datasetWriter.js';
import { readDataset } from './readDataset.js';
import type { DatasetManifest } from './schema.js';

/** What the parts' scored bins held, counted while they were written. */
export interface ConcatenatedCounts {
  scoredBins: number;
  /** Scored bins whose target is above 0 (the events of a binary target). */
  positiveScoredBins: number;
}

/**
 * Write the concatenation of Dataset folders `partDirs` into `out` — byte for byte what
 * `writeDataset(out, concatenateTrials(parts))` writes — holding one part in memory at a time, not the whole
 * result. `manifest` is `concatenateManifests` of the parts' manifests (the caller reads and merges them
 * first, so a mismatch is reported before anything is written); each part read must still match it.
 */
export async function writeConcatenatedTrials(
  out: string,
  partDirs: string[],
  manifest: DatasetManifest,
  options: { compress?: boolean; force?: boolean } = {},
): Promise<ConcatenatedCounts> {
  if (partDirs.length === 0) throw new OccamError('writeConcatenatedTrials: no parts');
  const { nTrials: N, nBins } = manifest;
  const A = manifest.atoms.length;
  // The first part fixes the dtypes of the arrays (their headers are written before any trial).
  let part: Dataset | null = await readDataset(partDirs[0]);
  const inputsType = dtypeOf(part.inputs);
  const targetType = dtypeOf(part.target);
  if (
    (inputsType !== 'uint8' && inputsType !== 'uint16' && inputsType !== 'float32') ||
    (targetType !== 'uint8' && targetType !== 'uint16' && targetType !== 'float32')
  )
    throw new OccamError(`${partDirs[0]}: arrays of dtype ${inputsType} / ${targetType} cannot be concatenated`);
  const counts: ConcatenatedCounts = { scoredBins: 0, positiveScoredBins: 0 };
  await writeDatasetStreamed(
    out,
    { atoms: A, nTrials: N, nBins, inputs: inputsType, target: targetType },
    async (sink) => {
      for (let k = 0; k < partDirs.length; k++) {
        part ??= await readDataset(partDirs[k]);
        const { nTrials: n, nBins: b } = part.manifest;
        if (dtypeOf(part.inputs) !== inputsType || dtypeOf(part.target) !== targetType)
          throw new OccamError(`part ${k} stores its arrays in other dtypes than part 0`);
        if (part.manifest.atoms.length !== A || b > nBins || sink.trials + n > N)
          throw new OccamError(`part ${k} (${partDirs[k]}) changed since its manifest was merged: ${A} atoms, at most ${nBins} bins expected`);
        await sink.write(widened(part, nBins));
        for (let i = 0; i < part.scored.length; i++)
          if (part.scored[i]) {
            counts.scoredBins++;
            if (part.target[i] > 0) counts.positiveScoredBins++;
          }
        part = null;
      }
      return manifest;
    },
    options,
  );
  return counts;
}

/** A part's arrays with each trial's bins padded with zeros (not scored) to `nBins`. */
function widened(part: Dataset, nBins: number): { inputs: InputArray; target: TargetArray; scored: Uint8Array } {
  const { nTrials: n, nBins: b } = part.manifest;
  if (b === nBins) return part;
  const A = part.manifest.atoms.length;
  const make = <T extends InputArray | TargetArray>(like: T, length: number): T => new (like.constructor as new (n: number) => T)(length);
  const inputs = make(part.inputs, A * n * nBins);
  const target = make(part.target, n * nBins);
  const scored = new Uint8Array(n * nBins);
  for (let t = 0; t < n; t++) {
    target.set(part.target.subarray(t * b, (t + 1) * b), t * nBins);
    scored.set(part.scored.subarray(t * b, (t + 1) * b), t * nBins);
    for (let a = 0; a < A; a++) inputs.set(part.inputs.subarray((a * n + t) * b, (a * n + t + 1) * b), (a * n + t) * nBins);
  }
  return { inputs, target, scored };
}
