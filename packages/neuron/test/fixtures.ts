import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The shared fixtures folder beside the repository (`../shared/fixtures` from the repo root). */
export const FIXTURES = fileURLToPath(new URL('../../../../shared/fixtures/', import.meta.url));
export const ISF_EXAMPLE = join(FIXTURES, 'isf-example');
export const ISF_RUN = join(ISF_EXAMPLE, 'C2_evoked_20240');
export const ISF_SWC = join(ISF_EXAMPLE, '86_C2_center.swc');
/** Tests that read the genuine ISF files skip cleanly when the fixtures are not checked out beside the repo. */
export const HAVE_ISF_RUN = existsSync(join(ISF_RUN, 'simulation_run0000_synapses.csv'));
export const HAVE_ISF_SWC = existsSync(ISF_SWC);

export async function withTempDir<T>(fn: (dir: string) => Promise<T>): Promise<T> {
  const dir = await mkdtemp(join(tmpdir(), 'occam-neuron-'));
  try {
    return await fn(dir);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
