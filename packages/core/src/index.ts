export { OccamError, zodProblem } from './errors.js';
export { OCCAM_VERSION, FIT_REVISION } from './version.js';
export { writeFileAtomic, writeDirectoryAtomic, versionStoreOf, currentVersionOf, type DirectoryWriteOptions } from './io/atomicWrite.js';
export { checkOutputPath, type OutputKind, type OutputPathCheck } from './io/outputPath.js';
export { FILE_CRASH_POINTS, DIRECTORY_CRASH_POINTS } from './io/crashPoint.js';
export { readNpy, writeNpy, encodeNpy, decodeNpy, dtypeOf, type NpyArray, type NpyDtype, type NpyData } from './io/npy.js';
export * from './dataset/schema.js';
export { createDataset, compactArray, type Dataset, type InputArray, type TargetArray } from './dataset/dataset.js';
export { readDataset, readDatasetManifest } from './dataset/readDataset.js';
export { writeDataset } from './dataset/writeDataset.js';
export { writeDatasetStreamed, DATASET_STREAM_CRASH_POINT, type StreamedDatasetLayout, type TrialBlock, type TrialSink } from './dataset/datasetWriter.js';
export * from './bases/schema.js';
export { raisedCosineLogBasis } from './bases/raisedCosineLogBasis.js';
export { isfRaisedCosineBasis } from './bases/isfRaisedCosineBasis.js';
export { evaluateBasis, basisMatrix, lagGrid, type EvaluatedBasis } from './bases/evaluateBasis.js';
export * from './spec/schema.js';
export {
  buildLayout,
  inputColumn,
  inputColumnCount,
  inputColumns,
  historyColumn,
  historyColumns,
  designColumnCount,
  coefficientIndex,
  parameterCount,
  type ColumnShape,
  type DesignLayout,
  type Group,
} from './design/layout.js';
export { buildDesign, type Design } from './design/buildDesign.js';
export { familyOps, bernoulli, poisson, gaussian, type FamilyOps } from './glm/families.js';
export { fitGlm, type GlmFit, type GlmFitOptions } from './glm/fitGlm.js';
export { fitSeparable, separableBeta, separableHessian, separableParameterIndex, type SeparableFit } from './glm/fitSeparable.js';
export { fitGroupLassoPath, type ColumnGroup, type GroupLassoPath, type GroupLassoPathOptions } from './glm/fitGroupLassoPath.js';
export { ridgePenalty, type Penalty } from './glm/penalty.js';
export { runSolver, type GlmSolver, type GlmFitSolver, type GlmProblem, type SolverResult as GlmSolverResult } from './glm/solvers/glmSolver.js';
export { glmSolvers, type GlmSolverName } from './glm/solvers/solverRegistry.js';
export { backtrackingLineSearch, type BacktrackingRule, type LineSearchResult } from './glm/solvers/lineSearch.js';
export { Cholesky } from './linalg/cholesky.js';
export { evaluateObjective, linearPredictor, type GlmData } from './glm/objective.js';
export { fitLookupNonlinearity, applyLookup, type LookupTable } from './glm/lookupNonlinearity.js';
export { auroc, stratifiedAuroc, rocCurve } from './metrics/auroc.js';
export { logLikelihood, deviance, pseudoR2, brierScore, bestThresholdAccuracy } from './metrics/likelihood.js';
export { psthBaseline, constantRate } from './metrics/baselines.js';
export { bestThreshold, accuracyAt } from './metrics/accuracyThreshold.js';
export { binStrata, strataSupport } from './metrics/strata.js';
export type { ScoredRows } from './bootstrap/scoredRows.js';
export {
  bootstrapFigures,
  pairedBootstrap,
  type BootstrapOptions,
  type BootstrapSummary,
  type PairedBootstrapSummary,
  type ModelIntervals,
  type FigureIntervals,
  type Interval,
} from './bootstrap/bootstrapFigures.js';
export { trialStatistics, figuresAt, trialsOf, FIGURE_NAMES, type FigureName, type Figures, type TrialStatistics } from './bootstrap/trialStatistics.js';
export { forEachTrialResample, percentileInterval } from './bootstrap/trialResampling.js';
export { prepareRankSweep, sweepAuroc, type WeightedRankSweep } from './bootstrap/weightedRankSweep.js';
export { coincidenceFactor, coincidenceCounts, gammaFromCounts, type CoincidenceCounts } from './metrics/coincidence.js';
export { coincidenceInterval } from './bootstrap/coincidenceInterval.js';
export { trialFolds, trialSplit } from './validation/trialFolds.js';
export * from './model/schema.js';
export { fitReducedModel, fitReducedModelWithPredictions, type FitProgress, type FitOptions } from './model/fitReducedModel.js';
export { sampleFilters, normaliseRankOne, normaliseRankOneAt, rankOneReference } from './model/sampleFilters.js';
export { filterBands, filterDraws, withBands, FILTER_BAND_DRAWS, FILTER_BAND_LEVEL, type FilterBands, type FilterDraws } from './model/filterBands.js';
export { modelFilterDraws, type SystemDraws } from './compare/filterSimilarityIntervals.js';
export { predictReducedModel, simulateReducedModel, layoutForModel, type Prediction } from './model/predict.js';
export { readReducedModel, writeReducedModel } from './model/modelFile.js';
export { mulberry32, shuffled } from './random/rng.js';
export { plantedDataset, plantedBeta, neuronLikeAtoms, type PlantedTruth, type PlantedOptions } from './simulation/plantedDataset.js';
export * from './search/schema.js';
export { featureFamilies } from './search/featureFamilies.js';
export { runSearch, type SearchHooks } from './search/runSearch.js';
export { parseSearchOptions, SearchOptionError } from './search/searchOptions.js';
export { SearchCheckpoint, CheckpointHeaderSchema, searchFingerprint } from './search/searchCheckpoint.js';
export { candidateIntervals, figureOfMetric, CANDIDATE_INTERVAL_LEVEL } from './search/candidateIntervals.js';
export type { SearchStrategy, StrategyWalk, StrategyContext, Levels } from './search/strategies/searchStrategy.js';
export { SEARCH_STRATEGIES, strategiesNamed } from './search/strategies/strategyTable.js';
export { decidingFigure } from './search/sufficiencyByBootstrap.js';
export { groupLassoRoute, type GroupLassoRoute } from './search/groupLassoRoute.js';
export { CandidatePool } from './search/candidatePool.js';
export { executorScorer, type CandidateScorer, type SearchExecutor } from './search/candidateScorer.js';
export { SEARCH_CANDIDATE_TASK, searchCandidateTask, candidateTasks, datasetDigest } from './search/candidateTasks.js';
export { specAblations, type SpecAblation } from './spec/specAblations.js';
export * from './compare/schema.js';
export * from './compose/schema.js';
export { composeConditions, type ComposeOptions } from './compose/composeConditions.js';
export type { LabelledDataset } from './compose/conditionStack.js';
export { compareModels, scoreOn, type CrossScore, type System } from './compare/compareModels.js';
export {
  compareModelsOn,
  crossPredictionTasks,
  crossPredictionColumnTask,
  crossScoresFromColumns,
  CROSS_PREDICTION_TASK,
  type SystemFiles,
} from './compare/crossPredictionTasks.js';
export { concatenateTrials, concatenateManifests } from './dataset/concatenateTrials.js';
export { writeConcatenatedTrials, type ConcatenatedCounts } from './dataset/writeConcatenatedTrials.js';
export * from './executor/schema.js';
export type { Executor } from './executor/executor.js';
export { localExecutor } from './executor/localExecutor.js';
export { slurmExecutor, arraySpec, type SlurmOptions } from './executor/slurmExecutor.js';
export { runTaskAt, type TaskHandler, type TaskHandlers } from './executor/runTask.js';
export { workPaths, taskKey, writeTaskFiles, readTaskFile, readTaskResult, claimWorkFolder, WORK_FOLDER_MARK, type TaskSpec } from './executor/workFolder.js';
export { cosineSimilarity } from './compare/filterSimilarity.js';
export { jsonSchemas } from './schemas/jsonSchemas.js';
export { DynamicsResultSchema, DynamicsPointSchema, type DynamicsResult, type DynamicsResultInput } from './dynamics/schema.js';
export { detectChangePoint, steepestChange, piecewiseLinearChange } from './dynamics/detectChangePoint.js';
export { trainingDynamics, type DynamicsMetric } from './dynamics/trainingDynamics.js';
export { readJsonFile } from './io/readJsonFile.js';
export { readLimits, formatBytes, DEFAULT_LIMITS, LIMIT_ENV, type ReadLimits } from './io/limits.js';
export { openRegularFile } from './io/openRegularFile.js';
export { NPY_MAX_HEADER_BYTES, type ReadNpyOptions } from './io/npy.js';
export { checkSpecForDataset, type SpecCheckOptions } from './spec/checkSpecForDataset.js';
export { checkReducedModel, checkFilterSampleCounts } from './model/modelFile.js';
export { checkModelForDataset } from './model/checkModelForDataset.js';
export { readSpecFile } from './spec/readSpecFile.js';
export { candidatesBesideControl } from './search/candidatesBesideControl.js';
export { ControlComparisonSchema, compareWithControl, answerReadingWarning, CONTROL_WARNING_SHARE, type ControlComparison } from './model/controlComparison.js';
export { validationPlan, type PlanFold } from './bound/validationPlan.js';
export { fitRichGlm, type RichGlmOptions, type RichGlmResult, type RichGlmDescription, type RichGlmFold } from './bound/richGlm.js';
export {
  readExternalPredictions,
  ExternalPredictionsManifestSchema,
  PREDICTION_FILES,
  type ExternalPredictions,
  type ExternalPredictionsManifest,
} from './bound/externalPredictions.js';
export { boundComparison, type BoundComparison, type BoundReference, type BoundReferenceComparison, type CapturedFraction } from './bound/boundComparison.js';
export { BoundResultSchema, BoundPlanSchema, type BoundResult, type BoundPlan } from './bound/schema.js';
export { runBound, boundPlan, type BoundOptions } from './bound/runBound.js';
export { plantedInteractionDataset, type PlantedInteraction } from './bound/plantedInteraction.js';
export * from './intervention/schema.js';
export {
  InterventionResultSchema,
  InterventionOutcomeSchema,
  EstimateSchema,
  AcrossInterventionsSchema,
  type InterventionResult,
  type InterventionOutcome,
  type Estimate,
} from './intervention/resultSchema.js';
export { readInterventionFile } from './intervention/readInterventionFile.js';
export { selectAtoms } from './intervention/selectAtoms.js';
export { applyIntervention, shiftBins, type AppliedIntervention } from './intervention/applyIntervention.js';
export { forwardResponse, type ForwardResponse, type ForwardOptions } from './intervention/forwardResponse.js';
export { interventionCheck, DEFAULT_CHECK_OPTIONS, type SimulatedRun, type InterventionCheckOptions } from './intervention/interventionCheck.js';
export {
  missRule,
  outcomeLine,
  signedChange,
  slopeThroughOrigin,
  slopeLeavingOneOut,
  leaveOneOutText,
  pearson,
  type ObservedChange,
  type SlopeLeaveOneOut,
} from './intervention/outcomeText.js';
