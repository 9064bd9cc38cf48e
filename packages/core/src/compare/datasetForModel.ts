import type { Dataset } from '../dataset/dataset.js';
import { buildLayout } from '../design/layout.js';
import type { ReducedModel } from '../model/schema.js';

/** Another system's Dataset as one model sees it, and which groups did not match. */
export interface DatasetForModel {
  dataset: Dataset;
  /** Groups the data forms under the model's spec that the model has no weights for: their atoms are left out. */
  unknown: string[];
  /** The model's groups that have no atoms in the data: they contribute nothing there. */
  absent: string[];
}

/**
 * Systems with different atom sets (networks of different depths or layouts) are matched by group, the
 * labels the model's own spec forms from atom attribute values (e.g. a binned relative depth and a
 * component), never by atom id. A group of the data that the model does not know has no weight in it, so
 * predicting without its atoms is the model's own prediction; leaving them out is what lets a model fitted
 * on one system score another whose atom set is a superset. When every group is known the Dataset is
 * returned as it is, so systems with the same atoms compare exactly as before.
 */
export function datasetForModel(model: ReducedModel, ds: Dataset): DatasetForModel {
  const known = new Set(model.layout.groups);
  // Labels only: the spatial axis plays no part in which group an atom falls in.
  let groups: { label: string; atoms: number[] }[];
  try {
    groups = buildLayout({ ...model.spec, spatial: undefined }, ds.manifest.atoms).groups;
  } catch {
    // No group at all under the model's spec: the caller's own layout raises the error that says why.
    return { dataset: ds, unknown: [], absent: [] };
  }
  const present = new Set(groups.map((g) => g.label));
  const unknown = groups.filter((g) => !known.has(g.label));
  const absent = model.layout.groups.filter((g) => !present.has(g));
  if (unknown.length === 0) return { dataset: ds, unknown: [], absent };
  const drop = new Set(unknown.flatMap((g) => g.atoms));
  const keep = ds.manifest.atoms.map((_, i) => i).filter((i) => !drop.has(i));
  const cells = ds.manifest.nTrials * ds.manifest.nBins;
  const Inputs = ds.inputs.constructor as new (n: number) => Dataset['inputs'];
  const inputs = new Inputs(keep.length * cells);
  // inputs are atom-major, so each kept atom is one contiguous block
  keep.forEach((a, k) => inputs.set(ds.inputs.subarray(a * cells, (a + 1) * cells), k * cells));
  return {
    dataset: { ...ds, manifest: { ...ds.manifest, atoms: keep.map((i) => ds.manifest.atoms[i]) }, inputs },
    unknown: unknown.map((g) => g.label),
    absent,
  };
}
