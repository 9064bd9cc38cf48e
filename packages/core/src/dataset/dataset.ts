import { OccamError } from '../errors.js';
import type { DatasetManifest, DatasetManifestInput } from './schema.js';
import { DatasetManifestSchema } from './schema.js';

export type InputArray = Uint8Array | Uint16Array | Float32Array;
export type TargetArray = Uint8Array | Uint16Array | Float32Array;

/**
 * A Dataset in memory: compact typed arrays, never float64 copies of everything.
 * inputs[(atom * nTrials + trial) * nBins + bin], target[trial * nBins + bin], scored likewise.
 */
export interface Dataset {
  manifest: DatasetManifest;
  inputs: InputArray;
  target: TargetArray;
  scored: Uint8Array;
}

export function createDataset(manifest: DatasetManifestInput, arrays: { inputs: InputArray; target: TargetArray; scored?: Uint8Array }): Dataset {
  const m = checkManifest(manifest);
  const cells = m.nTrials * m.nBins;
  const scored = arrays.scored ?? new Uint8Array(cells).fill(1);
  checkLength('inputs', arrays.inputs.length, m.atoms.length * cells, `[${m.atoms.length}, ${m.nTrials}, ${m.nBins}]`);
  checkLength('target', arrays.target.length, cells, `[${m.nTrials}, ${m.nBins}]`);
  checkLength('scored', scored.length, cells, `[${m.nTrials}, ${m.nBins}]`);
  return { manifest: m, inputs: arrays.inputs, target: arrays.target, scored };
}

/** A manifest parsed and checked for what the schema alone cannot say (unique atom ids, one entry per trial); the arrays are not looked at. */
export function checkManifest(manifest: DatasetManifestInput): DatasetManifest {
  const parsed = DatasetManifestSchema.safeParse(manifest);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new OccamError(`dataset manifest: ${issue.path.join('.') || '(root)'}: ${issue.message}`, {
      field: issue.path.join('.'),
    });
  }
  const m = parsed.data;
  const ids = new Set<string>();
  for (const atom of m.atoms) {
    if (ids.has(atom.id)) throw new OccamError(`dataset manifest: atoms: duplicate atom id '${atom.id}'`, { field: 'atoms' });
    ids.add(atom.id);
  }
  if (m.trialIds && m.trialIds.length !== m.nTrials) {
    throw new OccamError(`dataset manifest: trialIds has ${m.trialIds.length} entries, expected nTrials = ${m.nTrials}`, {
      field: 'trialIds',
    });
  }
  for (const [name, values] of Object.entries(m.trialFeatures ?? {}))
    if (values.length !== m.nTrials)
      throw new OccamError(`dataset manifest: trialFeatures.${name} has ${values.length} entries, expected nTrials = ${m.nTrials}`, {
        field: `trialFeatures.${name}`,
      });
  return m;
}

function checkLength(name: string, got: number, want: number, shape: string): void {
  if (got !== want) throw new OccamError(`dataset ${name}: expected shape ${shape} (${want} values), got ${got}`, { field: name });
}

/**
 * The smallest dtype that stores `values` exactly: uint8, then uint16 for non-negative integers,
 * else float32. Spike counts and synapse activations per bin are small integers, so a neuron-sized
 * dataset (60 atoms × 10⁴ trials × 400 bins) takes 240 MB as uint8 instead of 1.9 GB as float64.
 */
export function compactArray(values: ArrayLike<number>): InputArray {
  let integer = true;
  let max = 0;
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (!(v >= 0) || v !== Math.floor(v)) {
      integer = false;
      break;
    }
    if (v > max) max = v;
  }
  if (integer && max <= 255) return Uint8Array.from(values);
  if (integer && max <= 65535) return Uint16Array.from(values);
  return Float32Array.from(values);
}

export function atomCount(ds: Dataset): number {
  return ds.manifest.atoms.length;
}

/** Trials × bins of the target as 0/1 or counts. */
export function targetAt(ds: Dataset, trial: number, bin: number): number {
  return ds.target[trial * ds.manifest.nBins + bin];
}
