import type { ReducedModel } from '@occam/core';
import type { ReportPrediction } from '../data/reportPrediction.js';
import type { GroupRole } from '../style/palette.js';
import type { ComparisonMatrix } from './comparisonMatrix.js';
import type { DynamicsResult } from './dynamicsResult.js';
import type { ParetoFront } from './paretoFront.js';

/** One reduced model in a report, with the held-out prediction data its prediction figures need. */
export interface ReportInput {
  model: ReducedModel;
  /** Section heading (e.g. the model file's name); default: the dataset path, else "model N". */
  label?: string;
  /** From `reportDataForModel(model, dataset)`; without it the ROC and trial figures are left out. */
  prediction?: ReportPrediction | null;
}

export interface ReportOptions {
  /** Page title; default "occam report". */
  title?: string;
  /** Optional sections, drawn when present. */
  search?: ParetoFront[];
  matrices?: ComparisonMatrix[];
  dynamics?: DynamicsResult[];
  /** Units of ordered attributes beyond the known ones (distance: µm, layer: layer index…). */
  attributeUnits?: Record<string, string>;
  /** Colour role of group labels the report cannot tell from the label ("type=L5tt": 'excitatory'). */
  groupRoles?: Record<string, GroupRole>;
  /** Where the inputs came from (file paths), listed under the title. */
  sources?: string[];
  /** Remarks shown under the title (e.g. "no dataset: prediction figures left out"). */
  notes?: string[];
}
