import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { writeDataset } from '@occam/core';
import { parseBehaviourArg } from '../behaviour/resolveBehaviour.js';
import { loadCondition } from '../condition/loadCondition.js';
import type { LmExtractArgs, LmExtractResult } from '../extract/runLmExtract.js';
import { LanguageModel } from '../model-dir/languageModel.js';
import { parseConfigJson } from '../model-dir/modelDirectory.js';
import { extractWithControl } from './extractWithControl.js';
import { loadControlModel } from './loadControl.js';
import { controlRecord, writeRandomWeightsControl } from './randomWeights.js';

/** A control: a model folder of the same architecture (`--control DIR`), or a random-weights control made from the trained model. */
export type ControlChoice = string | { kind: 'random-weights'; seed?: number };

export interface LmExtractWithControlArgs extends LmExtractArgs {
  control: ControlChoice;
  /** Output Dataset folder of the control's extraction (written atomically, like `out`). */
  controlOut: string;
  /**
   * Where a random-weights control model folder is written (default `<controlOut>.model`). A folder there
   * that already holds the same control (config.json occam.control with the same seed and source) is reused.
   */
  controlModelOut?: string;
}

export interface LmExtractWithControlResult {
  trained: LmExtractResult;
  control: LmExtractResult & { model: string; info: { kind: string; seed?: number; source?: string } };
  labels: string[] | null;
}

/** A random-weights control folder at `dir` made from `source` with `seed`, if one is there. */
async function existingControl(dir: string, source: string, seed: number): Promise<boolean> {
  const config = join(dir, 'config.json');
  if (!existsSync(config)) return false;
  const rec = controlRecord(parseConfigJson(await readFile(config, 'utf8'), config));
  return rec?.kind === 'random-weights' && rec.seed === seed && rec.source === source;
}

/**
 * `occam lm extract`/`lm reduce` with a control: load the trained model, make or load its control, resolve
 * the condition once (with the trained model's tokenizer), extract both with the same behaviour and atoms
 * (extractWithControl), and write both Datasets. Returns both summaries and where the control model is.
 */
export async function runLmExtractWithControl(args: LmExtractWithControlArgs): Promise<LmExtractWithControlResult> {
  const trained = await LanguageModel.load(args.model, { allowRemote: args.allowRemote, threads: args.threads });
  let control: LanguageModel | null = null;
  try {
    let controlDir: string;
    if (typeof args.control === 'string') {
      controlDir = args.control;
      control = await loadControlModel(controlDir, trained, { threads: args.threads, allowRemote: args.allowRemote });
    } else {
      const seed = args.control.seed ?? 0;
      controlDir = args.controlModelOut ?? `${args.controlOut.replace(/[/\\]+$/, '')}.model`;
      if (!(await existingControl(controlDir, trained.directory.dir, seed))) await writeRandomWeightsControl(trained.directory.dir, controlDir, { seed });
      control = await LanguageModel.load(controlDir, { threads: args.threads });
    }
    const prompts = await loadCondition(args.condition, { size: trained.vocabSize, tokenizer: trained.tokenizer });
    const behaviour = typeof args.behaviour === 'string' ? parseBehaviourArg(args.behaviour) : args.behaviour;
    const r = await extractWithControl(trained, control, prompts, behaviour, {
      batchSize: args.batchSize,
      batchTokens: args.batchTokens,
      padding: args.padding,
      atoms: args.atoms,
      onProgress: args.onProgress,
    });
    await writeDataset(args.out, r.trained.dataset, { compress: args.compress });
    await writeDataset(args.controlOut, r.control.dataset, { compress: args.compress });
    const common = { behaviour: r.trained.behaviour.label, condition: prompts.name };
    return {
      trained: { ...r.trained.summary, ...common, out: args.out },
      control: { ...r.control.summary, ...common, out: args.controlOut, model: resolve(controlDir), info: r.controlInfo },
      labels: r.labels,
    };
  } finally {
    await control?.dispose();
    await trained.dispose();
  }
}
