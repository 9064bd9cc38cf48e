import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import {
  checkSpecForDataset,
  compareWithControl,
  fitReducedModelWithPredictions,
  OccamError,
  readDataset,
  type ControlComparison,
  type ReducedModel,
  type Spec,
} from '@occam/core';
import type { BehaviourInput } from '../behaviour/schema.js';
import type { ConditionInput } from '../condition/schema.js';
import { runLmExtractWithControl } from '../controls/runLmExtractWithControl.js';
import { runLmExtract } from '../extract/runLmExtract.js';

export interface CheckpointReduction {
  step: number;
  dir: string;
  /** The reduced model at this step; null when it cannot be fitted (an untrained network may never show the behaviour). */
  model: ReducedModel | null;
  /** Fraction of scored positions with the behaviour (for next-token-correct: the checkpoint's task accuracy). */
  behaviourRate: number | null;
  /** The same spec on this checkpoint's random-weights control, with the selectivity (null without a control or a fit). */
  control: ControlComparison | null;
  /** Why something is missing at this step. */
  notes: string[];
}

/** Checkpoint folders under `root` whose names end in a step number (step-001000), in step order. */
export async function listCheckpoints(root: string): Promise<{ dir: string; step: number }[]> {
  const entries = await readdir(root, { withFileTypes: true }).catch(() => {
    throw new OccamError(`--checkpoints ${root}: not a readable folder`, { file: root });
  });
  const dirs = entries
    .filter((d) => d.isDirectory() && /(\d+)$/.test(d.name))
    .map((d) => ({ dir: join(root, d.name), step: Number(/(\d+)$/.exec(d.name)![1]) }))
    .sort((a, b) => a.step - b.step);
  if (dirs.length === 0) throw new OccamError(`${root}: no checkpoint folders ending in a step number (e.g. step-001000)`, { file: root });
  return dirs;
}

/** What every checkpoint of one dynamics run is reduced with: the same condition, behaviour, spec and control. */
export interface CheckpointReductionArgs {
  condition: string | ConditionInput;
  behaviour: string | BehaviourInput;
  spec: Spec;
  specFile?: string;
  control: { kind: 'random-weights'; seed: number } | null;
}

/**
 * Reduce one condition at one checkpoint, beside a random-weights control made from it (seeded): extract both,
 * fit the spec on both, compare. Its Datasets and control network are written under `workDir` as `step-<step>.*`.
 */
export async function reduceCheckpoint(args: CheckpointReductionArgs & { dir: string; step: number; workDir: string }): Promise<CheckpointReduction> {
  const { dir, step } = args;
  const base = join(args.workDir, `step-${step}`);
  const notes: string[] = [];
  const common = { model: dir, condition: args.condition, behaviour: args.behaviour, out: `${base}.dataset` };
  const extracted = args.control
    ? await runLmExtractWithControl({ ...common, control: args.control, controlOut: `${base}.control.dataset`, controlModelOut: `${base}.control.model` })
    : { trained: await runLmExtract(common), control: null };
  const trained = extracted.trained;
  const behaviourRate = trained.events === null || trained.scoredBins === 0 ? null : trained.events / trained.scoredBins;
  const fit = async (path: string, what: string) => {
    const ds = await readDataset(path);
    checkSpecForDataset(args.spec, ds, { specFile: args.specFile ?? 'spec', dataset: `the dataset of ${what}` });
    try {
      return fitReducedModelWithPredictions(ds, args.spec, { coincidence: false, specFile: args.specFile });
    } catch (error) {
      if (!(error instanceof OccamError)) throw error;
      notes.push(`${what}: ${error.message}`);
      return null;
    }
  };
  const own = await fit(trained.out, `checkpoint ${dir}`);
  let control: ControlComparison | null = null;
  if (own && extracted.control) {
    const ctl = await fit(extracted.control.out, `the control of ${dir}`);
    if (ctl)
      control = compareWithControl(own.heldOut, ctl.heldOut, {
        ...extracted.control.info,
        kind: extracted.control.info.kind,
        dataset: extracted.control.out,
      });
  }
  return { step, dir, model: own?.model ?? null, behaviourRate, control, notes };
}

/**
 * Reduce one condition at every checkpoint of a training run, each beside a random-weights control made from
 * that checkpoint (seeded; the same prompts, atoms and spec): the input to `trainingDynamics`. Datasets and
 * control networks are written under `workDir` (one folder per step). One checkpoint after another, here;
 * `reduceCheckpointsOn` runs the same reductions as executor tasks.
 */
export async function reduceCheckpoints(
  args: CheckpointReductionArgs & {
    checkpoints: string;
    workDir: string;
    onProgress?: (done: number, total: number) => void;
  },
): Promise<CheckpointReduction[]> {
  const dirs = await listCheckpoints(args.checkpoints);
  const out: CheckpointReduction[] = [];
  for (const [i, { dir, step }] of dirs.entries()) {
    args.onProgress?.(i, dirs.length);
    out.push(await reduceCheckpoint({ ...args, dir, step }));
  }
  args.onProgress?.(dirs.length, dirs.length);
  return out;
}
