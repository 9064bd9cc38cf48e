import { join } from 'node:path';
import { writeDirectoryAtomic, writeFileAtomic } from '../io/atomicWrite.js';
import { dtypeOf, writeNpy } from '../io/npy.js';
import type { Dataset } from './dataset.js';

/**
 * Write a Dataset directory atomically (see `writeDirectoryAtomic`: `dir` becomes a symlink into a hidden
 * version store, flipped to the new version only once it is complete). An existing `dir` that occam did not
 * write is refused unless `force`. `compress` gzips the arrays (`.npy.gz`), which shrinks sparse
 * spike/synapse counts 5–20×; plain `.npy` is what `numpy.load` opens directly.
 */
export async function writeDataset(dir: string, ds: Dataset, options: { compress?: boolean; force?: boolean } = {}): Promise<void> {
  const ext = options.compress ? '.npy.gz' : '.npy';
  const m = ds.manifest;
  const files = { inputs: `inputs${ext}`, target: `target${ext}`, scored: `scored${ext}` };
  const manifest = { ...m, files };
  await writeDirectoryAtomic(
    dir,
    async (tmp) => {
      await writeNpy(join(tmp, files.inputs), {
        dtype: dtypeOf(ds.inputs),
        shape: [m.atoms.length, m.nTrials, m.nBins],
        data: ds.inputs,
      });
      await writeNpy(join(tmp, files.target), { dtype: dtypeOf(ds.target), shape: [m.nTrials, m.nBins], data: ds.target });
      await writeNpy(join(tmp, files.scored), { dtype: 'uint8', shape: [m.nTrials, m.nBins], data: ds.scored });
      await writeFileAtomic(join(tmp, 'manifest.json'), JSON.stringify(manifest, null, 2) + '\n');
    },
    { force: options.force },
  );
}
