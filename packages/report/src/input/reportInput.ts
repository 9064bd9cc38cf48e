import type { ReducedModel } from '@occam/core';
import type { ReportPrediction } from '../data/reportPrediction.js';
import type { GroupRole } from '../style/palette.js';
import type { ComparisonMatrix } from './comparisonMatrix.js';
import type { SystemControl } from './compareResult.js';
import type { BoundResult } from '@occam/core';
import type { DynamicsResult } from './dynamicsResult.js';
import type { InterventionView } from './interventionResult.js';
import type { ParetoFront } from './paretoFront.js';
import type { Selectivity } from './selectivity.js';

/** A control reduced with the same condition, atoms and spec as the model it controls (e.g. random weights). */
export interface ReportControl {
  model: ReducedModel;
  /** What the control is, e.g. "random-weights control" or its file name. Default "control". */
  label?: string;
}

/** One reduced model in a report, with the held-out prediction data its prediction figures need. */
export interface ReportInput {
  model: ReducedModel;
  /** Section heading (e.g. the model file's name); default: the dataset path, else "model N". */
  label?: string;
  /** From `reportDataForModel(model, dataset)`; without it the ROC and trial figures are left out. */
  prediction?: ReportPrediction | null;
  /** Shown beside the model: its scores in a side-by-side table, its filters dashed or in their own panel. */
  control?: ReportControl | null;
  /** Trained gain minus control gain with intervals; drawn under the control table (or alone without one). */
  selectivity?: Selectivity | null;
}

export interface ReportOptions {
  /** Page title; default "occam report". */
  title?: string;
  /** Optional sections, drawn when present. */
  search?: ParetoFront[];
  matrices?: ComparisonMatrix[];
  /** A comparison's systems beside their controls (`occam.compare`'s `controls`): drawn as a selectivity table. */
  systemControls?: SystemControl[];
  dynamics?: DynamicsResult[];
  /** `occam bound` results: the reduced model beside the PSTH and its upper-bound references. */
  bounds?: BoundResult[];
  /** `occam intervene` results (neuron or language model): predicted against observed change per intervention. */
  interventions?: InterventionView[];
  /** Units of ordered attributes beyond the known ones (distance: µm, layer: layer index…). */
  attributeUnits?: Record<string, string>;
  /** Colour role of group labels the report cannot tell from the label ("type=L5tt": 'excitatory'). */
  groupRoles?: Record<string, GroupRole>;
  /** Where the inputs came from (file paths), listed under the title. */
  sources?: string[];
  /** Remarks shown under the title (e.g. "no dataset: prediction figures left out"). */
  notes?: string[];
}
