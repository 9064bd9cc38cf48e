// @occam/neuron: turns simulated neurons' synaptic input and output spikes into an occam Dataset.

// Excitatory / inhibitory cell types
export {
  SynapseSignSchema,
  CellTypeSignsSchema,
  DEFAULT_EXCITATORY_CELL_TYPES,
  DEFAULT_INHIBITORY_CELL_TYPES,
  DEFAULT_CELL_TYPE_SIGNS,
  resolveCellTypeSigns,
  synapseSign,
  lookupSynapseSign,
  DEFAULT_SIGN_KEY,
  type SynapseSign,
  type CellTypeSigns,
} from './cellTypes/cellTypeSigns.js';
export { readCellTypeMap, MAX_CELL_TYPE_MAP_BYTES } from './cellTypes/cellTypeMapFile.js';

// in_silico_framework (ISF) files
export { parseIsfSynapseType } from './isf/synapseType.js';
export {
  readIsfSynapseActivations,
  readIsfSynapseFile,
  parseIsfSynapseActivations,
  DEFAULT_MAX_SOMA_DISTANCE_UM,
  type IsfSynapseActivation,
  type SynapseFileOptions,
  type IsfSynapseFile,
} from './isf/synapseActivationFile.js';
export { readIsfPresynapticCells, type IsfPresynapticCell } from './isf/presynapticCellsFile.js';
export { readIsfVoltageTraces, readIsfTraceSpikes, type IsfVoltageTraces, type IsfTraceSpikes } from './isf/voltageTracesFile.js';
export { detectSpikes, UpwardCrossingDetector, type VoltageTrace } from './isf/detectSpikes.js';
export { readIsfSpikeTimes, writeIsfSpikeTimes, type IsfSpikeTimes } from './isf/spikeTimesFile.js';
export { findIsfRunDirectories, isfTrialId, type IsfRunDirectory, type IsfTrialFiles } from './isf/runDirectories.js';
export { numberIsfTrials, type NumberedIsfTrial } from './isf/globalTrialNumbers.js';

// Generic input format
export {
  GenericManifestSchema,
  GENERIC_MANIFEST_FILE,
  readGenericManifest,
  isPerTrialPattern,
  perTrialFile,
  genericTrialIds,
  type GenericManifest,
  type GenericManifestInput,
} from './generic/genericManifest.js';
export {
  readGenericSynapses,
  scanGenericActivations,
  readGenericSpikes,
  SYNAPSES_HEADER,
  ACTIVATIONS_HEADER,
  TRIAL_ACTIVATIONS_HEADER,
  SPIKES_HEADER,
  type GenericSynapse,
} from './generic/genericInputFiles.js';
export { writeGenericInput, type GenericInputContent } from './generic/writeGenericInput.js';

// SWC morphologies
export { readSwc, parseSwcPoints, type SwcPoint } from './swc/readSwc.js';
export { buildMorphology, type Morphology, type MorphologyOptions, type SomaSource } from './swc/morphology.js';
export { deriveSections, type SwcSection } from './swc/sections.js';
export { somaDistances } from './swc/somaDistance.js';
export { swcTypeLabel } from './swc/swcTypeLabel.js';
export { placeSynapseOnSection, placeSynapseNearest, type SynapsePlacement } from './swc/placeSynapse.js';

// Conversion to a Dataset
export {
  NeuronBinningSchema,
  parseBinningOptions,
  timeGrid,
  binOf,
  binStart,
  scoredWindow,
  type NeuronBinning,
  type NeuronBinningInput,
  type TimeGrid,
  type ProgressCallback,
} from './toDataset/binningOptions.js';
export { distanceAtoms, type DistanceAtoms } from './toDataset/distanceAtoms.js';
export { CountArray } from './toDataset/countArray.js';
export { NeuronDatasetBuilder, type ActivationTally, type EventPlace, type EventSource } from './toDataset/neuronDatasetBuilder.js';
export { isfToDataset, IsfToDatasetOptionsSchema, MAX_SPIKE_THRESHOLD_MV, type IsfToDatasetOptions } from './toDataset/isfToDataset.js';
export { readIsfSpikes, type IsfSpikes, type SpikeSourceChoice, type TrialSpikeSource } from './toDataset/isfSpikeSources.js';
export { morphologySomaDistance, DEFAULT_MORPHOLOGY_TOLERANCE_UM } from './toDataset/morphologyDistance.js';
export { genericToDataset, GenericToDatasetOptionsSchema, type GenericToDatasetOptions } from './toDataset/genericToDataset.js';
