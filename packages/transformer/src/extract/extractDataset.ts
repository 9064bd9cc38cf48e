import { createDataset, OccamError, type Dataset } from '@occam/core';
import { buildAtomPlan } from '../atoms/atomPlan.js';
import { AtomSelectionSchema, type AtomSelectionInput } from '../atoms/schema.js';
import { tokenFeature } from '../atoms/tokenFeatures.js';
import { resolveBehaviour, type ResolvedBehaviour } from '../behaviour/resolveBehaviour.js';
import type { Behaviour, BehaviourInput } from '../behaviour/schema.js';
import { padBatch, type PaddingSide } from '../condition/padBatch.js';
import { scoredMask, type PromptSet } from '../condition/promptSet.js';
import type { LanguageModel } from '../model-dir/languageModel.js';
import { PeakRss } from './peakRss.js';

export interface ExtractOptions {
  /** Prompts per forward pass (default 8). */
  batchSize?: number;
  /** Padding side of each batch (default 'right'); results do not depend on it. */
  padding?: PaddingSide;
  atoms?: AtomSelectionInput;
  onProgress?: (done: number, total: number) => void;
}

export interface ExtractSummary {
  prompts: number;
  bins: number;
  atoms: number;
  scoredBins: number;
  /** Scored bins where a binary behaviour happened (null for real-valued behaviours). */
  events: number | null;
  batches: number;
  seconds: number;
  /** Highest resident set size seen during extraction (process.memoryUsage().rss). */
  peakRssBytes: number;
  hooks: string[];
}

export interface ExtractResult {
  dataset: Dataset;
  behaviour: ResolvedBehaviour;
  summary: ExtractSummary;
}

/**
 * Run a condition's prompts through the model batch by batch and turn them into a core Dataset:
 * trial = prompt, bin = token position (binUnit 'token', so lag = token offset), inputs
 * [atoms, prompts, positions] float32, target = the behaviour per position, scored = the condition's
 * positions where the behaviour is defined (never padding). Only the hooks the atoms need are fetched,
 * and each batch's tensors are dropped once its atoms are written.
 */
export async function extractDataset(
  model: LanguageModel,
  prompts: PromptSet,
  behaviourInput: BehaviourInput | Behaviour,
  options: ExtractOptions = {},
): Promise<ExtractResult> {
  const started = performance.now();
  const rss = new PeakRss();
  const batchSize = options.batchSize ?? 8;
  if (!Number.isInteger(batchSize) || batchSize < 1) throw new OccamError(`batchSize must be a positive integer, got ${batchSize}`, { field: 'batchSize' });
  const side = options.padding ?? 'right';
  const parsedAtoms = AtomSelectionSchema.safeParse(options.atoms ?? {});
  if (!parsedAtoms.success) throw new OccamError(`atoms: ${parsedAtoms.error.issues[0].path.join('.')}: ${parsedAtoms.error.issues[0].message}`, { field: 'atoms' });
  const selection = parsedAtoms.data;
  const behaviour = resolveBehaviour(behaviourInput, model.tokenizer, model.vocabSize);
  const plan = await buildAtomPlan(model, selection, behaviour, options.atoms?.families !== undefined);
  const hooks = [...new Set([...plan.hooks, ...behaviour.hooks])];

  const N = prompts.prompts.length;
  if (N === 0) throw new OccamError(`condition ${prompts.name}: no prompts`);
  const nBins = Math.max(...prompts.prompts.map((p) => p.tokens.length));
  const A = plan.atoms.length;
  const inputs = new Float32Array(A * N * nBins);
  const binary = behaviour.targetKind === 'binary';
  const target = binary ? new Uint8Array(N * nBins) : new Float32Array(N * nBins);
  const scored = new Uint8Array(N * nBins);
  const values = new Float64Array(A);
  let batches = 0;

  for (let start = 0; start < N; start += batchSize) {
    const chunk = prompts.prompts.slice(start, start + batchSize);
    const batch = padBatch(chunk.map((p) => p.tokens), side, model.padId);
    const run = await model.run(batch, hooks);
    const V = run.logits.dims[2];
    const hookSize = new Map<string, number>();
    for (const [name, t] of run.hooks) hookSize.set(name, t.dims.slice(2).reduce((a, x) => a * x, 1));
    chunk.forEach((prompt, b) => {
      const trial = start + b;
      const feats = selection.features.map((f) => tokenFeature(f, prompt.tokens, model.tokenizer.bosId));
      const mask = scoredMask(prompt);
      for (let t = 0; t < prompt.tokens.length; t++) {
        const col = batch.offsets[b] + t;
        const cell = trial * nBins + t;
        const logits = run.logits.data.subarray((b * batch.width + col) * V, (b * batch.width + col + 1) * V);
        const value = behaviour.evaluate({
          tokens: prompt.tokens,
          t,
          logits,
          hook: (name) => {
            const h = run.hooks.get(name)!;
            const size = hookSize.get(name)!;
            return h.data.subarray((b * batch.width + col) * size, (b * batch.width + col + 1) * size);
          },
        });
        if (value !== null) {
          target[cell] = value;
          if (mask[t]) scored[cell] = 1;
        }
        plan.fill(run, b, col, feats, t, behaviour.direction(prompt.tokens, t), values);
        for (let a = 0; a < A; a++) inputs[(a * N + trial) * nBins + t] = values[a];
      }
    });
    batches++;
    rss.sample();
    options.onProgress?.(Math.min(start + batchSize, N), N);
  }

  let scoredBins = 0;
  let events = 0;
  for (let i = 0; i < scored.length; i++) {
    if (!scored[i]) continue;
    scoredBins++;
    if (binary && target[i] > 0) events++;
  }
  if (scoredBins === 0) throw new OccamError(`condition ${prompts.name}: no scored positions where ${behaviour.label} is defined`);
  const seconds = (performance.now() - started) / 1000;
  const dataset = createDataset(
    {
      format: 'occam.dataset',
      version: 1,
      nTrials: N,
      nBins,
      binWidth: 1,
      binUnit: 'token',
      timeOrigin: 0,
      markers: prompts.markers,
      atoms: plan.atoms,
      target: { kind: behaviour.targetKind, name: behaviour.label },
      trialIds: prompts.prompts.map((p) => p.id),
      metadata: {
        condition: prompts.name,
        source: model.directory.dir,
        seed: typeof prompts.metadata.seed === 'number' ? prompts.metadata.seed : undefined,
        adapter: '@occam/transformer',
        behaviour: behaviour.spec,
        conditionInfo: prompts.metadata,
        atomFamilies: plan.families,
        hooks,
        padding: side,
        batchSize,
      },
    },
    { inputs, target, scored },
  );
  return {
    dataset,
    behaviour,
    summary: {
      prompts: N,
      bins: nBins,
      atoms: A,
      scoredBins,
      events: binary ? events : null,
      batches,
      seconds,
      peakRssBytes: rss.peak,
      hooks,
    },
  };
}
