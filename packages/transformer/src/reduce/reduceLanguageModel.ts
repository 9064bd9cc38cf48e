import { compareWithControl, fitReducedModelWithPredictions, OccamError, readDataset, type BootstrapOptions, type ReducedModel, type Spec } from '@occam/core';
import { runLmExtractWithControl, type ControlChoice } from '../controls/runLmExtractWithControl.js';
import { runLmExtract, type LmExtractArgs, type LmExtractResult } from '../extract/runLmExtract.js';

export interface ReduceLanguageModelArgs extends LmExtractArgs {
  spec: Spec;
  specFile?: string;
  /**
   * The control run beside the model (default: a random-weights copy, seed 0): a model folder of the same
   * architecture, a random-weights control, or null for none (then no figure can be told apart from what any
   * network of this shape would give — say so where it is printed).
   */
  control: ControlChoice | null;
  /** The control's Dataset folder (required with a control). */
  controlOut?: string;
  /** Where a random-weights control model folder is written (default `<controlOut>.model`). */
  controlModelOut?: string;
  bootstrap?: BootstrapOptions;
}

export interface ReduceLanguageModelResult {
  /** The reduced model of the trained network, with `control` (selectivity) when a control was run. */
  model: ReducedModel;
  /** The same spec fitted on the control's extraction (null without a control, or when it cannot be fitted). */
  controlModel: ReducedModel | null;
  extraction: LmExtractResult;
  controlExtraction: (LmExtractResult & { model: string }) | null;
  /** Why the control could not be fitted (e.g. it never shows the behaviour), if so. */
  controlNote: string | null;
}

/**
 * `occam lm reduce`: extract the behaviour and atoms under the condition — for the model and its control
 * under the same prompts —, fit the spec on both with the same held-out prompts, and compare them with
 * paired bootstrap intervals over prompts (selectivity = gain(trained) − gain(control)).
 */
export async function reduceLanguageModel(args: ReduceLanguageModelArgs): Promise<ReduceLanguageModelResult> {
  let extraction: LmExtractResult;
  let controlExtraction: ReduceLanguageModelResult['controlExtraction'] = null;
  let controlInfo: { kind: string; seed?: number; source?: string } | null = null;
  if (args.control !== null) {
    if (!args.controlOut) throw new OccamError('lm reduce: a control needs a folder for its dataset (controlOut)');
    const r = await runLmExtractWithControl({ ...args, control: args.control, controlOut: args.controlOut, controlModelOut: args.controlModelOut });
    extraction = r.trained;
    controlExtraction = r.control;
    controlInfo = r.control.info;
  } else {
    extraction = await runLmExtract(args);
  }

  const fitOptions = { specFile: args.specFile };
  const trained = fitReducedModelWithPredictions(await readDataset(args.out), args.spec, { ...fitOptions, datasetPath: args.out });
  let model = trained.model;
  let controlModel: ReducedModel | null = null;
  let controlNote: string | null = null;
  if (controlExtraction && controlInfo) {
    let control: ReturnType<typeof fitReducedModelWithPredictions> | null = null;
    try {
      control = fitReducedModelWithPredictions(await readDataset(controlExtraction.out), args.spec, { ...fitOptions, datasetPath: controlExtraction.out });
    } catch (error) {
      if (!(error instanceof OccamError)) throw error;
      controlNote = `the control could not be fitted: ${error.message}`;
    }
    if (control) {
      controlModel = control.model;
      const comparison = compareWithControl(
        trained.heldOut,
        control.heldOut,
        { kind: controlInfo.kind, source: controlInfo.source ?? controlExtraction.model, seed: controlInfo.seed, dataset: controlExtraction.out },
        args.bootstrap,
      );
      model = { ...model, control: comparison };
    }
  }
  return { model, controlModel, extraction, controlExtraction, controlNote };
}
