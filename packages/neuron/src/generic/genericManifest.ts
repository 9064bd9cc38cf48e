import { zodProblem } from '@occam/core';
import { readFile } from 'node:fs/promises';
import { z } from 'zod';
import { CellTypeSignsSchema } from '../cellTypes/cellTypeSigns.js';
import { fileSystemError, inputError } from '../text/inputError.js';

/**
 * `manifest.json` of occam's generic neuron input: a folder with the synapses, their activations and the
 * output spikes of a simulated (or recorded) neuron, for data that does not come from ISF.
 */
export const GenericManifestSchema = z
  .object({
    format: z.literal('occam.neuron-input'),
    version: z.literal(1),
    /** Number of trials; trials are numbered 0 … trials − 1 in the CSV files. */
    trials: z.number().int().positive(),
    /** Optional names for the trials (default `trial0000`, …). */
    trialIds: z.array(z.string().min(1)).optional(),
    /** Length of every trial in ms (the dataset ends at the last whole bin before it). */
    trialLengthMs: z.number().positive(),
    /** Stimulus time in ms, or null when the condition has none. */
    stimulusMs: z.number().finite().nullable().default(null),
    /** Synapse table: id, soma_distance_um, type[, dendrite]. */
    synapses: z.string().min(1).default('synapses.csv'),
    /**
     * Activations: one file with columns trial, synapse, time_ms, or a per-trial pattern containing
     * `{trial}` (e.g. `activations/trial_{trial:04}.csv`, columns synapse, time_ms).
     */
    activations: z.string().min(1).default('activations.csv'),
    /** Output spikes: trial, time_ms (a trial without rows has no spikes). */
    spikes: z.string().min(1).default('spikes.csv'),
    /** Cell type → excitatory | inhibitory, for synapse types that are cell types (over the defaults). */
    cellTypes: CellTypeSignsSchema.optional(),
    condition: z.string().optional(),
    description: z.string().optional(),
  })
  .refine((m) => !m.trialIds || m.trialIds.length === m.trials, { message: 'trialIds must have one entry per trial', path: ['trialIds'] })
  .refine((m) => !m.trialIds || new Set(m.trialIds).size === m.trialIds.length, { message: 'trialIds must be unique', path: ['trialIds'] });
export type GenericManifest = z.infer<typeof GenericManifestSchema>;
export type GenericManifestInput = z.input<typeof GenericManifestSchema>;

export const GENERIC_MANIFEST_FILE = 'manifest.json';

export async function readGenericManifest(file: string): Promise<GenericManifest> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    throw fileSystemError(file, error);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw inputError(file, undefined, `not valid JSON (${(error as Error).message})`);
  }
  const parsed = GenericManifestSchema.safeParse(json);
  if (!parsed.success) throw zodProblem(file, parsed.error);
  return parsed.data;
}

const TRIAL_PATTERN = /\{trial(?::0(\d+))?\}/g;

/** Whether an `activations` entry names one file per trial. */
export function isPerTrialPattern(activations: string): boolean {
  return /\{trial(?::0\d+)?\}/.test(activations);
}

/** The file of one trial for a per-trial pattern: `{trial}` → 7, `{trial:04}` → 0007. */
export function perTrialFile(pattern: string, trial: number): string {
  return pattern.replace(TRIAL_PATTERN, (_m, width: string | undefined) => (width ? String(trial).padStart(Number(width), '0') : String(trial)));
}

/** Default trial ids: `trial0000`, `trial0001`, … */
export function genericTrialIds(manifest: GenericManifest): string[] {
  return manifest.trialIds ?? Array.from({ length: manifest.trials }, (_, i) => `trial${String(i).padStart(4, '0')}`);
}
