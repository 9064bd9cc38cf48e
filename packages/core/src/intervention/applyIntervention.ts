import { createDataset, type Dataset, type InputArray } from '../dataset/dataset.js';
import { OccamError } from '../errors.js';
import type { NeuronIntervention } from './schema.js';
import { selectAtoms } from './selectAtoms.js';

export interface AppliedIntervention {
  dataset: Dataset;
  /** The atoms the operation changed (indices into the dataset's atoms). */
  atoms: number[];
}

/**
 * A new Dataset whose inputs are changed by the intervention; target and scored bins are the original's (what
 * the system did without it — the prediction replaces them). Pure: the original arrays are not touched.
 * - silence: the selected atoms' inputs become 0;
 * - shift by k bins: input at bin t moves to bin t + k within each trial; what moves past either end is dropped
 *   and the bins it leaves are 0 (the simulator instead shifts activations from before the dataset's first bin
 *   in, a difference only in the first k bins, far from a scored window that starts after the longest lag);
 * - scale: the selected atoms' inputs are multiplied by the factor (the inputs become float32).
 */
export function applyIntervention(ds: Dataset, intervention: NeuronIntervention, where = `intervention '${intervention.name}'`): AppliedIntervention {
  const { nTrials, nBins, atoms } = ds.manifest;
  const cells = nTrials * nBins;
  if (intervention.silence) {
    const picked = selectAtoms(atoms, intervention.silence, `${where}: silence`);
    const inputs = ds.inputs.slice() as InputArray;
    for (const a of picked) inputs.fill(0, a * cells, (a + 1) * cells);
    return { dataset: withInputs(ds, inputs), atoms: picked };
  }
  if (intervention.shift) {
    const picked = selectAtoms(atoms, intervention.shift.select, `${where}: shift.select`);
    const k = shiftBins(ds, intervention.shift, `${where}: shift`);
    const inputs = ds.inputs.slice() as InputArray;
    for (const a of picked) {
      for (let tr = 0; tr < nTrials; tr++) {
        const base = (a * nTrials + tr) * nBins;
        const row = ds.inputs.subarray(base, base + nBins);
        const out = inputs.subarray(base, base + nBins);
        out.fill(0);
        if (k > 0) out.set(row.subarray(0, Math.max(0, nBins - k)), Math.min(k, nBins));
        else out.set(row.subarray(Math.min(-k, nBins)), 0);
      }
    }
    return { dataset: withInputs(ds, inputs), atoms: picked };
  }
  if (intervention.scale) {
    const picked = selectAtoms(atoms, intervention.scale.select, `${where}: scale.select`);
    const { factor } = intervention.scale;
    const inputs = Float32Array.from(ds.inputs);
    for (const a of picked) for (let i = a * cells; i < (a + 1) * cells; i++) inputs[i] = ds.inputs[i] * factor;
    return { dataset: withInputs(ds, inputs), atoms: picked };
  }
  throw new OccamError(`${where}: no operation (silence, shift or scale)`, { field: where });
}

/** A shift in whole bins: `bins` as given, `ms` converted through the dataset's bin width (ms or s bins only). */
export function shiftBins(ds: Dataset, shift: { bins?: number; ms?: number }, where: string): number {
  if (shift.bins !== undefined) return shift.bins;
  const { binWidth, binUnit } = ds.manifest;
  const perBin = binUnit === 'ms' ? binWidth : binUnit === 's' ? binWidth * 1000 : NaN;
  if (!Number.isFinite(perBin))
    throw new OccamError(`${where}: a shift in ms needs bins in time units; this dataset's bins are ${binUnit}s — give the shift in bins`, { field: where });
  const k = shift.ms! / perBin;
  if (Math.abs(k - Math.round(k)) > 1e-9) throw new OccamError(`${where}: ${shift.ms} ms is not a whole number of ${perBin} ms bins`, { field: where });
  return Math.round(k);
}

function withInputs(ds: Dataset, inputs: InputArray): Dataset {
  return createDataset(ds.manifest, { inputs, target: ds.target, scored: ds.scored });
}
