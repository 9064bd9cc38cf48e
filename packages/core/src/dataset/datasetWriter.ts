import { createReadStream, createWriteStream } from 'node:fs';
import { open, rm, type FileHandle } from 'node:fs/promises';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { createGzip } from 'node:zlib';
import { OccamError } from '../errors.js';
import { writeDirectoryAtomic, writeFileAtomic } from '../io/atomicWrite.js';
import { crashPoint } from '../io/crashPoint.js';
import { dtypeOf, npyHeader, npyItemBytes, type NpyDtype } from '../io/npy.js';
import { checkManifest, type InputArray, type TargetArray } from './dataset.js';
import type { DatasetManifest, DatasetManifestInput } from './schema.js';

/** What a streamed Dataset's arrays will be, fixed before the first trial: their headers are written first. */
export interface StreamedDatasetLayout {
  atoms: number;
  nTrials: number;
  nBins: number;
  inputs: 'uint8' | 'uint16' | 'float32';
  target: 'uint8' | 'uint16' | 'float32';
}

/**
 * Consecutive trials of a Dataset, laid out as a Dataset of just those trials: inputs [atoms, trials, nBins]
 * (atom-major), target and scored [trials, nBins], with the full Dataset's nBins.
 */
export interface TrialBlock {
  inputs: InputArray;
  target: TargetArray;
  scored: Uint8Array;
}

/** Takes the trials in order, block by block; each block goes to disk before `write` resolves. */
export interface TrialSink {
  write(block: TrialBlock): Promise<void>;
  /** Trials written so far. */
  readonly trials: number;
}

/** The crash point passed after every block a streamed write puts on disk (the kill -9 test stops there). */
export const DATASET_STREAM_CRASH_POINT = 'dataset:block-written';

/**
 * Write a Dataset directory whose trials arrive a block at a time, so that memory holds one block, not the
 * whole Dataset — the same files, byte for byte, as `writeDataset` of the same Dataset, with the same atomic
 * guarantees (inside `writeDirectoryAtomic`: `dir` is the old output or the complete new one, never a partial
 * one; an existing `dir` occam did not write is refused before `produce` starts, unless `force`).
 *
 * `produce` writes every trial through the sink, in order, and returns the manifest, which is written last:
 * counts or metadata known only at the end can go in it. If `produce` throws, nothing is written.
 * Each array is a .npy file whose header is written first and whose rows are placed at their offsets (inputs
 * are atom-major, so a block's trials land in one run per atom); with `compress` each finished file is then
 * gzipped as a stream (level 9, as `writeNpy` does for `.npy.gz`) and the plain file removed.
 */
export async function writeDatasetStreamed(
  dir: string,
  layout: StreamedDatasetLayout,
  produce: (sink: TrialSink) => Promise<DatasetManifestInput>,
  options: { compress?: boolean; force?: boolean } = {},
): Promise<DatasetManifest> {
  const { atoms: A, nTrials: N, nBins } = layout;
  if (![A, N, nBins].every((n) => Number.isSafeInteger(n) && n > 0))
    throw new OccamError(`streamed dataset: atoms, nTrials and nBins must be positive integers, got ${A}, ${N}, ${nBins}`);
  const ext = options.compress ? '.npy.gz' : '.npy';
  const files = { inputs: `inputs${ext}`, target: `target${ext}`, scored: `scored${ext}` };
  let written: DatasetManifest | null = null;
  await writeDirectoryAtomic(
    dir,
    async (tmp) => {
      const arrays = [
        { name: 'inputs', dtype: layout.inputs as NpyDtype, shape: [A, N, nBins] },
        { name: 'target', dtype: layout.target as NpyDtype, shape: [N, nBins] },
        { name: 'scored', dtype: 'uint8' as NpyDtype, shape: [N, nBins] },
      ].map((a) => ({ ...a, path: join(tmp, `${a.name}.npy`), header: npyHeader(a.dtype, a.shape), bytes: npyItemBytes(a.dtype) }));
      const handles: FileHandle[] = [];
      let manifestInput: DatasetManifestInput;
      let trials = 0;
      try {
        for (const a of arrays) {
          const h = await open(a.path, 'wx');
          handles.push(h);
          await h.write(a.header, 0, a.header.length, 0);
        }
        const [inputs, target, scored] = arrays;
        const sink: TrialSink = {
          get trials() {
            return trials;
          },
          write: async (block) => {
            const n = block.target.length / nBins;
            if (!Number.isInteger(n) || n < 1 || trials + n > N)
              throw new OccamError(`streamed dataset: a block of ${block.target.length} target values is not 1–${N - trials} trials of ${nBins} bins`);
            checkBlock('inputs', block.inputs, inputs.dtype, A * n * nBins);
            checkBlock('target', block.target, target.dtype, n * nBins);
            checkBlock('scored', block.scored, 'uint8', n * nBins);
            const run = n * nBins;
            for (let a = 0; a < A; a++) await writeRun(handles[0], block.inputs, a * run, run, inputs.header.length + (a * N + trials) * nBins * inputs.bytes);
            await writeRun(handles[1], block.target, 0, run, target.header.length + trials * nBins * target.bytes);
            await writeRun(handles[2], block.scored, 0, run, scored.header.length + trials * nBins);
            trials += n;
            crashPoint(DATASET_STREAM_CRASH_POINT);
          },
        };
        manifestInput = await produce(sink);
      } finally {
        for (const h of handles) await h.close();
      }
      if (trials !== N) throw new OccamError(`streamed dataset: ${trials} trials were written, the layout promised ${N}`);
      const m = checkManifest(manifestInput);
      if (m.nTrials !== N || m.nBins !== nBins || m.atoms.length !== A)
        throw new OccamError(
          `streamed dataset: the manifest says ${m.atoms.length} atoms × ${m.nTrials} trials × ${m.nBins} bins, the arrays were written as ${A} × ${N} × ${nBins}`,
        );
      if (options.compress)
        for (const a of arrays) {
          await pipeline(createReadStream(a.path), createGzip({ level: 9 }), createWriteStream(`${a.path}.gz`, { flags: 'wx' }));
          await rm(a.path);
        }
      written = m;
      await writeFileAtomic(join(tmp, 'manifest.json'), JSON.stringify({ ...m, files }, null, 2) + '\n');
    },
    { force: options.force },
  );
  return written!;
}

function checkBlock(name: string, data: InputArray | TargetArray, dtype: NpyDtype, length: number): void {
  if (dtypeOf(data) !== dtype || data.length !== length)
    throw new OccamError(`streamed dataset: block ${name} is ${data.length} ${dtypeOf(data)} values, expected ${length} ${dtype}`);
}

/** Write `count` values of `data` from `from` at byte `position`, all of them (a positional write may be short). */
async function writeRun(handle: FileHandle, data: InputArray | TargetArray, from: number, count: number, position: number): Promise<void> {
  const bytes = new Uint8Array(data.buffer, data.byteOffset + from * data.BYTES_PER_ELEMENT, count * data.BYTES_PER_ELEMENT);
  for (let done = 0; done < bytes.length; ) {
    const { bytesWritten } = await handle.write(bytes, done, bytes.length - done, position + done);
    done += bytesWritten;
  }
}
