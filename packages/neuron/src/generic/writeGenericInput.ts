import { writeDirectoryAtomic, zodProblem } from '@occam/core';
import { createWriteStream } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { finished } from 'node:stream/promises';
import { GENERIC_MANIFEST_FILE, GenericManifestSchema, isPerTrialPattern, perTrialFile, type GenericManifestInput } from './genericManifest.js';
import { ACTIVATIONS_HEADER, SPIKES_HEADER, SYNAPSES_HEADER, TRIAL_ACTIVATIONS_HEADER } from './genericInputFiles.js';

export interface GenericInputContent {
  manifest: GenericManifestInput;
  synapses: readonly { id: string; somaDistanceUm: number; type: string; dendrite?: string }[];
  /** Activations per trial: activations[trial] = [synapse id, time ms][]. */
  activations: readonly (readonly (readonly [string, number])[])[];
  /** Output spike times per trial, in ms. */
  spikes: readonly (readonly number[])[];
}

/**
 * Write a folder in occam's generic neuron-input format (atomically: readers never see half of it).
 * Useful for converting other simulators' output, and as the reference for the format.
 */
export async function writeGenericInput(dir: string, content: GenericInputContent): Promise<void> {
  const parsed = GenericManifestSchema.safeParse(content.manifest);
  if (!parsed.success) throw zodProblem(`${dir}/${GENERIC_MANIFEST_FILE}`, parsed.error);
  const m = parsed.data;
  await writeDirectoryAtomic(dir, async (tmp) => {
    await writeFile(join(tmp, GENERIC_MANIFEST_FILE), JSON.stringify(content.manifest, null, 2) + '\n');
    await writeLines(join(tmp, m.synapses), [SYNAPSES_HEADER, ...content.synapses.map((s) => `${s.id},${s.somaDistanceUm},${s.type},${s.dendrite ?? ''}`)]);
    if (isPerTrialPattern(m.activations)) {
      for (let trial = 0; trial < m.trials; trial++) {
        const rows = content.activations[trial] ?? [];
        await writeLines(join(tmp, perTrialFile(m.activations, trial)), [TRIAL_ACTIVATIONS_HEADER, ...rows.map(([id, t]) => `${id},${t}`)]);
      }
    } else {
      const rows: string[] = [ACTIVATIONS_HEADER];
      content.activations.forEach((trialRows, trial) => {
        for (const [id, t] of trialRows) rows.push(`${trial},${id},${t}`);
      });
      await writeLines(join(tmp, m.activations), rows);
    }
    const spikeRows: string[] = [SPIKES_HEADER];
    content.spikes.forEach((times, trial) => {
      for (const t of times) spikeRows.push(`${trial},${t}`);
    });
    await writeLines(join(tmp, m.spikes), spikeRows);
  });
}

async function writeLines(file: string, lines: Iterable<string>): Promise<void> {
  await mkdir(dirname(file), { recursive: true });
  const out = createWriteStream(file, { encoding: 'utf8' });
  for (const line of lines) {
    if (!out.write(line + '\n')) await new Promise<void>((resolve) => out.once('drain', () => resolve()));
  }
  out.end();
  await finished(out);
}
