import {
  BoundResultSchema,
  type BoundResult,
  checkFilterSampleCounts,
  InterventionResultSchema,
  checkReducedModel,
  OccamError,
  readJsonFile,
  ReducedModelSchema,
  SearchResultSchema,
  type SearchResult,
  zodProblem,
  type ReducedModel,
} from '@occam/core';
import type { ZodError } from 'zod';
import { ComparisonMatrixSchema, type ComparisonMatrix } from './comparisonMatrix.js';
import { CompareResultViewSchema, matricesFromCompare, type SystemControl } from './compareResult.js';
import { attachFilterBands } from './filterBands.js';
import { DynamicsResultSchema, type DynamicsResult } from './dynamicsResult.js';
import { interventionViewOfLanguageModel, interventionViewOfNeuron, LmInterventionResultViewSchema, type InterventionView } from './interventionResult.js';
import { ParetoFrontSchema, type ParetoFront } from './paretoFront.js';
import { paretoFromSearch } from './paretoFromSearch.js';

/**
 * A result file the report can draw, told apart by its `format` field. occam's own search and comparison
 * outputs are converted to the report's views (a Pareto front, matrices).
 */
export type ReportResult =
  | { kind: 'model'; path: string; model: ReducedModel }
  | { kind: 'search'; path: string; result: ParetoFront }
  | { kind: 'matrices'; path: string; result: ComparisonMatrix[]; controls?: SystemControl[] }
  | { kind: 'dynamics'; path: string; result: DynamicsResult }
  | { kind: 'bound'; path: string; result: BoundResult }
  | { kind: 'intervention'; path: string; result: InterventionView };

export const RESULT_FORMATS = [
  'occam.reduced-model',
  'occam.search',
  'occam.compare',
  'occam.dynamics',
  'occam.bound',
  'occam.intervention-result',
  'occam.pareto',
  'occam.matrix',
] as const;

/** Validate parsed JSON as one of the result formats; errors name the file and the field. */
export function parseResult(json: unknown, file: string): ReportResult {
  const format = json !== null && typeof json === 'object' ? (json as { format?: unknown }).format : undefined;
  const parse = <T>(schema: { safeParse(v: unknown): { success: true; data: T } | { success: false; error: ZodError } }): T => {
    const r = schema.safeParse(json);
    if (!r.success) throw zodProblem(file, r.error);
    return r.data;
  };
  switch (format) {
    case 'occam.reduced-model': {
      checkFilterSampleCounts(json, file);
      const model = parse(ReducedModelSchema);
      checkReducedModel(model, file);
      return { kind: 'model', path: file, model: attachFilterBands(json, model, file) };
    }
    case 'occam.search':
      parse(SearchResultSchema);
      // The file as written: candidates' intervals may be a field the search schema does not know yet.
      return { kind: 'search', path: file, result: paretoFromSearch(json as SearchResult, undefined, file) };
    case 'occam.pareto':
      return { kind: 'search', path: file, result: parse(ParetoFrontSchema) };
    case 'occam.compare': {
      const view = parse(CompareResultViewSchema);
      return { kind: 'matrices', path: file, result: matricesFromCompare(view), controls: view.controls ?? [] };
    }
    case 'occam.matrix':
      return { kind: 'matrices', path: file, result: [parse(ComparisonMatrixSchema)] };
    case 'occam.dynamics':
      return { kind: 'dynamics', path: file, result: parse(DynamicsResultSchema) };
    case 'occam.bound':
      return { kind: 'bound', path: file, result: parse(BoundResultSchema) };
    case 'occam.intervention-result': {
      const system = (json as { system?: unknown }).system;
      if (system === 'neuron') return { kind: 'intervention', path: file, result: interventionViewOfNeuron(parse(InterventionResultSchema)) };
      if (system === 'language-model')
        return { kind: 'intervention', path: file, result: interventionViewOfLanguageModel(parse(LmInterventionResultViewSchema)) };
      throw new OccamError(
        `${file}: "system" is ${system === undefined ? 'missing' : JSON.stringify(system)}, expected "neuron" or "language-model" (an occam intervene result)`,
        { file, field: 'system' },
      );
    }
    default:
      throw new OccamError(
        `${file}: not a result occam can report: "format" is ${format === undefined ? 'missing' : JSON.stringify(format)}, expected one of ${RESULT_FORMATS.join(', ')}`,
        { file, field: 'format' },
      );
  }
}

/** Read and validate one result file (a ReducedModel, search, comparison, dynamics, bound or intervention JSON). */
export async function readResultFile(path: string): Promise<ReportResult> {
  return parseResult(await readJsonFile(path, { what: 'result file' }), path);
}
