import type { Dataset } from '../dataset/dataset.js';
import { buildDesign } from '../design/buildDesign.js';
import { buildLayout, type DesignLayout } from '../design/layout.js';
import { OccamError } from '../errors.js';
import { familyOps } from '../glm/families.js';
import { applyLookup } from '../glm/lookupNonlinearity.js';
import { linearPredictor } from '../glm/objective.js';
import { simulateOutput } from './simulate.js';
import type { ReducedModel } from './schema.js';

/** Rebuild the model's design layout on another dataset's atoms (same groups, same spatial values). */
export function layoutForModel(model: ReducedModel, ds: Dataset): DesignLayout {
  const layout = buildLayout(model.spec, ds.manifest.atoms, {
    groups: model.layout.groups,
    spatialValues: model.layout.spatialValues,
  });
  if (layout.p !== model.coefficients.beta.length) {
    throw new OccamError(`model has ${model.coefficients.beta.length} coefficients but its layout on this dataset has ${layout.p}`, {
      field: 'coefficients.beta',
    });
  }
  return layout;
}

function modelBeta(model: ReducedModel): Float64Array {
  const beta = new Float64Array(1 + model.coefficients.beta.length);
  beta[0] = model.coefficients.intercept;
  beta.set(model.coefficients.beta, 1);
  return beta;
}

export interface Prediction {
  trial: Int32Array;
  bin: Int32Array;
  /** Linear predictor (weighted net input incl. history). */
  wni: Float64Array;
  /** Probability (bernoulli) or mean (poisson, gaussian) through the GLM link. */
  mean: Float64Array;
  /** Through the lookup nonlinearity, when the model has one. */
  lookup: Float64Array | null;
  target: Float64Array;
}

/** Predict every scored bin (or every bin) of a dataset, conditioning on its recorded output history. */
export function predictReducedModel(model: ReducedModel, ds: Dataset, options: { rows?: 'scored' | 'all' } = {}): Prediction {
  const layout = layoutForModel(model, ds);
  const design = buildDesign(ds, layout, { rows: options.rows ?? 'scored' });
  const wni = linearPredictor({ X: design.X, n: design.n, p: design.p, y: design.y }, modelBeta(model));
  const fam = familyOps(model.spec.family);
  const table = model.nonlinearity.lookup;
  return {
    trial: design.trial,
    bin: design.bin,
    wni,
    mean: wni.map((e) => fam.mean(e)),
    lookup: table ? wni.map((e) => applyLookup(table, e)) : null,
    target: design.y,
  };
}

/** Sample output spikes bin by bin with the model's history feedback, for the given trials of a dataset. */
export function simulateReducedModel(model: ReducedModel, ds: Dataset, options: { trials?: number[]; seed?: number } = {}): number[][] {
  const layout = layoutForModel(model, ds);
  const trials = options.trials ?? Array.from({ length: ds.manifest.nTrials }, (_, i) => i);
  return simulateOutput(ds, layout, model.spec.family, modelBeta(model), trials, options.seed ?? 0);
}
