// @occam/transformer: ONNX language models → canonical hooks → per-token atoms and behaviours → a core Dataset.

// model folder, tokenizer, runtime
export { resolveModelDirectory, type ModelDirectory, type ModelDirectoryOptions } from './model-dir/modelDirectory.js';
export { loadLmTokenizer, type LmTokenizer } from './model-dir/lmTokenizer.js';
export { LanguageModel, type HookTensor, type ForwardOutput, type HookShape, type LoadOptions, type GraphExtension } from './model-dir/languageModel.js';
export { buildFeeds } from './model-dir/feeds.js';
export { checkExternalData } from './model-dir/externalData.js';

// ONNX graph: reader, structure, hooks, extra outputs
export { ProtobufReader } from './onnx/protobufReader.js';
export { parseOnnxModel, type OnnxModel, type OnnxGraph, type OnnxNode, type TensorRef, type ValueInfo } from './onnx/onnxModel.js';
export { GraphIndex, layerScopeOf } from './onnx/graphIndex.js';
export { linearLayerProducing, type LinearLayer } from './onnx/linearLayer.js';
export {
  discoverModelStructure,
  rawTensorCandidates,
  type ModelStructure,
  type BlockStructure,
  type FinalNorm,
  type ResidualNorm,
  type HookView,
} from './onnx/modelStructure.js';
export { canonicalHooks, resolveHooks, BLOCK_HOOKS, type HookSite } from './onnx/hooks.js';
export { appendGraphOutputs, type ExtraOutput } from './onnx/exposeOutputs.js';
export { GraphFragment, appendGraph, type FragmentDim } from './onnx/graphFragment.js';
export { readTensorFloat32 } from './onnx/tensorData.js';

// conditions
export * from './condition/schema.js';
export { loadCondition } from './condition/loadCondition.js';
export { readJsonlPrompts } from './condition/jsonlPrompts.js';
export { repeatedRandomPrompts } from './condition/repeatedRandom.js';
export { templatePrompts } from './condition/templatePrompts.js';
export { naturalTextPrompts } from './condition/naturalText.js';
export { stochasticCopyPrompts } from './condition/stochasticCopy.js';
export { periodicCorruptedPrompts } from './condition/periodicCorrupted.js';
export { mixturePrompts } from './condition/mixture.js';
export { readSlotWordLists } from './condition/templatePrompts.js';
export { checkPromptsFit } from './condition/promptFit.js';
export { conditionLimits, DEFAULT_CONDITION_LIMITS, CONDITION_LIMIT_ENV, type ConditionLimits } from './condition/conditionLimits.js';
export { conditionJsonSchemas } from './condition/conditionJsonSchemas.js';
export { padBatch, type PaddedBatch, type PaddingSide } from './condition/padBatch.js';
export { scoredMask, type Prompt, type PromptSet } from './condition/promptSet.js';
export type { Vocabulary } from './condition/vocabulary.js';

// behaviours
export * from './behaviour/schema.js';
export { resolveBehaviour, parseBehaviourArg, type ResolvedBehaviour, type PositionContext } from './behaviour/resolveBehaviour.js';
export { tokenDirection, differenceDirection, projectLogits, type LogitDirection } from './behaviour/logitDirection.js';

// atoms
export * from './atoms/schema.js';
export { buildAtomPlan, hookStage, type AtomPlan } from './atoms/atomPlan.js';
export type { AtomSource } from './atoms/atomKinds.js';
export { buildGraphAtoms, type GraphAtoms } from './atoms/graphAtoms.js';
export { FinalReadout } from './atoms/finalReadout.js';
export { NormReadout, type ResidualReadout } from './atoms/normReadout.js';
export { UnitReadout, mlpUnitLayer } from './atoms/unitReadout.js';
export { tokenFeature } from './atoms/tokenFeatures.js';
export { resolveInputPatterns, inputPatternAtoms, inputPatternColumns, answerTokens, type ResolvedInputPatterns } from './atoms/inputPatterns.js';

// extraction
export {
  extractDataset,
  trialLabels,
  DEFAULT_BATCH_TOKENS,
  defaultBatchTokens,
  type ExtractOptions,
  type ExtractResult,
  type ExtractSummary,
} from './extract/extractDataset.js';
export { extractDatasetTo, type ExtractToResult } from './extract/extractDataset.js';
export { runLmExtract, type LmExtractArgs, type LmExtractResult } from './extract/runLmExtract.js';

// sharded extraction: prompt shards as executor tasks (local or SLURM), merged into the unsharded run's bytes
export { batchRanges, shardRanges } from './shard/shardRanges.js';
export { extractShardTask, EXTRACT_SHARD_TASK, ExtractShardParamsSchema, promptsHash } from './shard/extractShardTask.js';
export { runShardedExtract, type ShardedExtractArgs, type ShardedExtractResult } from './shard/runShardedExtract.js';

// controls: the same architecture with other weights, extracted under the same prompts, behaviour and atoms
export {
  writeRandomWeightsControl,
  controlRecord,
  type RandomWeightsOptions,
  type RandomWeightsControl,
  type RedrawnTensor,
} from './controls/randomWeights.js';
export { weightTensors, normTensors, type WeightTensor, type NormTensor, type WeightRole } from './controls/weightTensors.js';
export { architectureDifferences, loadControlModel } from './controls/loadControl.js';
export { extractWithControl, type ControlledExtraction } from './controls/extractWithControl.js';
export {
  runLmExtractWithControl,
  type ControlChoice,
  type LmExtractWithControlArgs,
  type LmExtractWithControlResult,
} from './controls/runLmExtractWithControl.js';
export { reduceLanguageModel, type ReduceLanguageModelArgs, type ReduceLanguageModelResult } from './reduce/reduceLanguageModel.js';
export { reduceCheckpoints, reduceCheckpoint, listCheckpoints, type CheckpointReduction, type CheckpointReductionArgs } from './reduce/reduceCheckpoints.js';
export { reduceCheckpointsOn } from './reduce/reduceCheckpointsOn.js';
export { dynamicsCheckpointTask, DYNAMICS_CHECKPOINT_TASK, DynamicsCheckpointParamsSchema } from './reduce/dynamicsCheckpointTask.js';

// interventions: ablations inside the ONNX graph and resampled tokens, against the reduced model's predicted change
export * from './intervention/schema.js';
export { ablateInGraph, type AblateOptions, type AblationRecord } from './intervention/ablateInGraph.js';
export { componentMean, ablationHook } from './intervention/componentMean.js';
export { resampleTokenAtOffset, type ResampledPrompts, type VariantOrigin } from './intervention/resampleToken.js';
export { LmInterventionResultSchema, LmInterventionOutcomeSchema, type LmInterventionResult, type LmInterventionOutcome } from './intervention/resultSchema.js';
export { interventionJsonSchemas } from './intervention/interventionJsonSchemas.js';
export {
  interveneLanguageModel,
  lmMissRule,
  DEFAULT_LM_CHECK_OPTIONS,
  type InterveneLanguageModelArgs,
  type LmCheckOptions,
} from './intervention/interveneLanguageModel.js';
