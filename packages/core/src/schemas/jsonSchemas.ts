import { z } from 'zod';
import { BoundPlanSchema, BoundResultSchema } from '../bound/schema.js';
import { ExternalPredictionsManifestSchema } from '../bound/externalPredictions.js';
import { CompareResultSchema } from '../compare/schema.js';
import { ComposeResultSchema } from '../compose/schema.js';
import { DatasetManifestSchema } from '../dataset/schema.js';
import { DynamicsResultSchema } from '../dynamics/schema.js';
import { InterventionListSchema } from '../intervention/schema.js';
import { InterventionResultSchema } from '../intervention/resultSchema.js';
import { ReducedModelSchema } from '../model/schema.js';
import { SearchOptionsSchema, SearchResultSchema } from '../search/schema.js';
import { SpecSchema } from '../spec/schema.js';

/**
 * The file formats other tools read and write, as JSON Schema (draft 2020-12), generated from the zod
 * schemas so the two cannot drift: `schemas/*.schema.json` in the repository is checked against this.
 * Inputs (what a user writes: defaults optional) use the 'input' view; results use 'output'.
 */
export function jsonSchemas(): Record<string, unknown> {
  const make = (schema: z.ZodType, io: 'input' | 'output', title: string) => ({
    ...(z.toJSONSchema(schema, { io, unrepresentable: 'any' }) as Record<string, unknown>),
    title,
  });
  return {
    'dataset-manifest': make(DatasetManifestSchema, 'input', 'occam Dataset manifest (manifest.json beside inputs/target/scored .npy)'),
    spec: make(SpecSchema, 'input', 'occam Spec: which reduced model to fit'),
    'reduced-model': make(ReducedModelSchema, 'output', 'occam ReducedModel: a fitted, scored reduced model'),
    'search-options': make(SearchOptionsSchema, 'input', 'occam search options'),
    'search-result': make(SearchResultSchema, 'output', 'occam search result: candidates, Pareto front, minimal sufficient model'),
    'compare-result': make(CompareResultSchema, 'output', 'occam compare result: universality / condition transfer'),
    'dynamics-result': make(DynamicsResultSchema, 'output', 'occam dynamics result: a reduced model over training checkpoints'),
    'intervention-list': make(
      InterventionListSchema,
      'input',
      'occam intervention list: what to silence, shift or scale (occam intervene, tools/neuron-sim --interventions)',
    ),
    'intervention-result': make(InterventionResultSchema, 'output', 'occam intervene result: predicted vs simulated change per intervention'),
    'bound-plan': make(BoundPlanSchema, 'output', 'occam bound plan: the train/test trials a flexible reference (tools/tcn-bound) must use'),
    'bound-predictions': make(
      ExternalPredictionsManifestSchema,
      'input',
      "a flexible reference's held-out per-bin predictions (manifest.json beside probability/trial/bin .npy; written by tools/tcn-bound)",
    ),
    'compose-result': make(
      ComposeResultSchema,
      'output',
      'occam compose result: compositions of condition models, the minimal one, the families that differ, the gate',
    ),
    'bound-result': make(BoundResultSchema, 'output', 'occam bound result: reduced model vs rich GLM vs TCN vs PSTH on the same held-out trials'),
  };
}
