export { buildReport } from './page/buildReport.js';
export { writeReport } from './io/writeReport.js';
export { reportFromFiles, type ReportFromFilesOptions } from './reportFromFiles.js';
export { reportDataForModel, type ReportDataOptions } from './data/reportDataForModel.js';
export type { ReportPrediction, RocSeries } from './data/reportPrediction.js';
export { subsetTrials } from './data/subsetTrials.js';
export type { ReportInput, ReportOptions, ReportControl } from './input/reportInput.js';
export { SelectivitySchema, IntervalSchema, type Selectivity, type SelectivityInput, type Interval } from './input/selectivity.js';
export { vocabularyFor, vocabularyForUnit, type Vocabulary } from './style/vocabulary.js';
export { ParetoFrontSchema, ParetoCandidateSchema, type ParetoFront, type ParetoFrontInput, type ParetoCandidate } from './input/paretoFront.js';
export { paretoFromSearch } from './input/paretoFromSearch.js';
export { CompareResultViewSchema, matricesFromCompare, type CompareResultView, type SystemControl } from './input/compareResult.js';
export { ComparisonMatrixSchema, type ComparisonMatrix, type ComparisonMatrixInput } from './input/comparisonMatrix.js';
export { DynamicsResultSchema, DynamicsPointSchema, type DynamicsResult, type DynamicsResultInput } from './input/dynamicsResult.js';
export { readResultFile, parseResult, RESULT_FORMATS, type ReportResult } from './input/readResultFile.js';
export { groupRole, groupColours, divergingColour, sequentialColour, ROLE_COLOURS, SERIES, type GroupRole } from './style/palette.js';
export {
  LmInterventionResultViewSchema,
  interventionViewOfNeuron,
  interventionViewOfLanguageModel,
  type InterventionView,
  type InterventionPoint,
  type InterventionTimeCourse,
  type LmInterventionResultView,
} from './input/interventionResult.js';
