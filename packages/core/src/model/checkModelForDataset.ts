import type { Dataset } from '../dataset/dataset.js';
import { OccamError } from '../errors.js';
import type { ReadLimits } from '../io/limits.js';
import { checkSpecForDataset } from '../spec/checkSpecForDataset.js';
import { layoutForModel } from './predict.js';
import type { ReducedModel } from './schema.js';

/**
 * Check, before any prediction, that a model applies to a dataset: its lags fit the dataset's trials, its
 * groups and spatial attribute exist among the dataset's atoms, and its coefficients match the layout rebuilt
 * there. Every failure names the model file, the dataset and the mismatch (not a bare "coefficients" error
 * deep inside a comparison or a report).
 */
export function checkModelForDataset(model: ReducedModel, ds: Dataset, where: { modelFile: string; dataset: string; limits?: Partial<ReadLimits> }): void {
  try {
    checkSpecForDataset(model.spec, ds, { specFile: `${where.modelFile} (spec)`, dataset: where.dataset, spatialPerValue: false, limits: where.limits });
    const layout = layoutForModel(model, ds);
    for (const [name, got, want] of [
      ['K', layout.K, model.layout.K],
      ['J', layout.J, model.layout.J],
      ['H', layout.H, model.layout.H],
    ] as const) {
      if (got !== want)
        throw new OccamError(`its spec gives ${name} = ${got} basis functions on this dataset, but layout.${name} is ${want}`, { field: `layout.${name}` });
    }
  } catch (error) {
    if (!(error instanceof OccamError)) throw error;
    const text = error.message.startsWith(`${where.modelFile} (spec): `) ? error.message.slice(where.modelFile.length + 9) : error.message;
    throw new OccamError(`${where.modelFile}: the model does not fit the dataset ${where.dataset}: ${text}`, {
      file: where.modelFile,
      field: error.where?.field,
    });
  }
}
