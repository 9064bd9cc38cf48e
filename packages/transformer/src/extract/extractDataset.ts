import {
  createDataset,
  formatBytes,
  OccamError,
  readLimits,
  writeDatasetStreamed,
  type Dataset,
  type DatasetManifest,
  type DatasetManifestInput,
  type StreamedDatasetLayout,
  type TrialBlock,
} from '@occam/core';
import { buildAtomPlan, type AtomPlan } from '../atoms/atomPlan.js';
import { buildGraphAtoms, type GraphAtoms } from '../atoms/graphAtoms.js';
import type { AtomSelectionInput } from '../atoms/schema.js';
import { resolveBehaviour, type ResolvedBehaviour } from '../behaviour/resolveBehaviour.js';
import type { Behaviour, BehaviourInput } from '../behaviour/schema.js';
import { padBatch, type PaddingSide } from '../condition/padBatch.js';
import { scoredMask, type Prompt, type PromptSet } from '../condition/promptSet.js';
import type { ForwardOutput, LanguageModel } from '../model-dir/languageModel.js';
import { PeakRss } from './peakRss.js';
import { promptTrialFeatures } from './promptRepeatFeatures.js';

/** Default padded tokens per forward pass when no batchSize is given (see ExtractOptions.batchTokens). */
export const DEFAULT_BATCH_TOKENS = 1536;

/**
 * Residual-stream floats (tokens × d_model × layers) one default pass may hold. A pass's activations grow with
 * all three, so wide, deep networks get fewer tokens per pass: at GPT-2-small shape (768 × 12) ~512 tokens, where
 * peak RSS falls from 2.1× to 1.7× the model file at the same speed as 1536 (bench/extract/README.md); the
 * bundled 64 × 2 models keep 1536.
 */
const BATCH_STREAM_FLOATS = 4_718_592;

/** The default token budget per pass for this network: DEFAULT_BATCH_TOKENS, fewer for large ones (at least 64). */
export function defaultBatchTokens(dModel: number | null, nLayers: number): number {
  if (dModel === null || nLayers < 1) return DEFAULT_BATCH_TOKENS;
  return Math.max(64, Math.min(DEFAULT_BATCH_TOKENS, Math.floor(BATCH_STREAM_FLOATS / (dModel * nLayers))));
}

export interface ExtractOptions {
  /** Prompts per forward pass. When omitted, batches are cut by `batchTokens` instead. */
  batchSize?: number;
  /**
   * Token budget per forward pass when `batchSize` is not given (default DEFAULT_BATCH_TOKENS = 1536):
   * consecutive prompts join a batch while (prompts × longest prompt) stays within it; a prompt longer
   * than the budget runs alone. Larger passes amortise onnxruntime's per-call cost (on the bundled 2-layer
   * model, 8 prompts of 21 tokens per pass cost ~1.4× the CPU of ~1.5 k tokens; 512–6 k tokens are within
   * noise of each other). Memory per pass grows with it: the model's activations, and on the JS atom path
   * every fetched hook (~900 floats per token there, tens of thousands for larger models).
   */
  batchTokens?: number;
  /** Padding side of each batch (default 'right'); results do not depend on it. */
  padding?: PaddingSide;
  atoms?: AtomSelectionInput;
  /**
   * Compute the atoms inside the ONNX graph (default true; atoms/graphAtoms.ts): onnxruntime then returns
   * [batch, pos, atoms] instead of the hook tensors. Where the graph cannot be extended (e.g. float16
   * activations) the atoms are computed in JS from the hooks (AtomPlan.fill), and the summary says why.
   */
  atomsInGraph?: boolean;
  onProgress?: (done: number, total: number) => void;
  /** Extra entries for the Dataset manifest's metadata (e.g. which control a dataset is); they cannot replace the adapter's own. */
  metadata?: Record<string, unknown>;
}

export interface ExtractSummary {
  prompts: number;
  bins: number;
  atoms: number;
  scoredBins: number;
  /** Scored bins where a binary behaviour happened (null for real-valued behaviours). */
  events: number | null;
  batches: number;
  /** Largest number of prompts in one forward pass. */
  maxBatchPrompts: number;
  /**
   * Whether some atoms read the behaviour's own readout (direct effects; only with
   * atoms.includeReadoutAtoms): such atoms predict the behaviour whatever the weights.
   */
  readsReadout: boolean;
  /** How many atoms read the readout (attribute readsReadout = 'yes'). */
  readoutAtoms: number;
  /** A sentence for the user when readsReadout (null otherwise): which atoms read the answer and what that means. */
  readoutNote: string | null;
  /** What the atom selection left out and why (e.g. head-attention on a large model); empty when nothing. */
  atomNotes: string[];
  /** Where the atoms were computed: by onnxruntime inside the graph, or in JS from the hook tensors. */
  atomsComputed: 'graph' | 'js';
  /** Why atoms asked for in the graph were computed in JS (null otherwise). */
  atomsNote: string | null;
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
 * and each batch's tensors are dropped once its atoms are written. The whole Dataset is held in memory;
 * `extractDatasetTo` writes the same Dataset to disk a batch at a time instead.
 */
export async function extractDataset(
  model: LanguageModel,
  prompts: PromptSet,
  behaviourInput: BehaviourInput | Behaviour,
  options: ExtractOptions = {},
): Promise<ExtractResult> {
  const extraction = await prepareExtraction(model, prompts, behaviourInput, options);
  const { atoms: A, nTrials: N, nBins } = extraction.layout;
  const inputs = new Float32Array(A * N * nBins);
  const target = extraction.layout.target === 'uint8' ? new Uint8Array(N * nBins) : new Float32Array(N * nBins);
  const scored = new Uint8Array(N * nBins);
  let t0 = 0;
  const done = await extraction.run(async (block) => {
    const n = block.scored.length / nBins;
    for (let a = 0; a < A; a++) inputs.set(block.inputs.subarray(a * n * nBins, (a + 1) * n * nBins), (a * N + t0) * nBins);
    target.set(block.target, t0 * nBins);
    scored.set(block.scored, t0 * nBins);
    t0 += n;
  });
  return { dataset: createDataset(done.manifest, { inputs, target, scored }), behaviour: extraction.behaviour, summary: done.summary };
}

export interface ExtractToResult {
  manifest: DatasetManifest;
  behaviour: ResolvedBehaviour;
  summary: ExtractSummary;
}

/**
 * `extractDataset` written straight into the Dataset folder `out` as the forward passes complete: memory holds
 * one batch's arrays, not the Dataset, so peak memory does not grow with the number of prompts
 * (bench/extract/README.md). The files are byte for byte those `writeDataset(out, extractDataset(…).dataset)`
 * writes, and `out` is written atomically: a failed or killed extraction leaves the previous output or none.
 */
export async function extractDatasetTo(
  out: string,
  model: LanguageModel,
  prompts: PromptSet,
  behaviourInput: BehaviourInput | Behaviour,
  options: ExtractOptions & { compress?: boolean; force?: boolean } = {},
): Promise<ExtractToResult> {
  const extraction = await prepareExtraction(model, prompts, behaviourInput, options);
  let summary: ExtractSummary | null = null;
  const manifest = await writeDatasetStreamed(
    out,
    extraction.layout,
    async (sink) => {
      const done = await extraction.run((block) => sink.write(block));
      summary = done.summary;
      return done.manifest;
    },
    { compress: options.compress, force: options.force },
  );
  return { manifest, behaviour: extraction.behaviour, summary: summary! };
}

interface PreparedExtraction {
  layout: StreamedDatasetLayout;
  behaviour: ResolvedBehaviour;
  /** The forward passes, each batch's trials handed to `onBlock` in order (awaited before the next pass); then the manifest and summary. */
  run(onBlock: (block: TrialBlock) => Promise<void>): Promise<{ manifest: DatasetManifestInput; summary: ExtractSummary }>;
}

/** Everything before the first forward pass (options, behaviour, atom plan, in-graph atoms, sizes), and the passes. */
async function prepareExtraction(
  model: LanguageModel,
  prompts: PromptSet,
  behaviourInput: BehaviourInput | Behaviour,
  options: ExtractOptions,
): Promise<PreparedExtraction> {
  const started = performance.now();
  const rss = new PeakRss();
  const batchSize = options.batchSize ?? null;
  if (batchSize !== null && (!Number.isInteger(batchSize) || batchSize < 1))
    throw new OccamError(`batchSize must be a positive integer, got ${batchSize}`, { field: 'batchSize' });
  const batchTokens = batchSize === null ? (options.batchTokens ?? defaultBatchTokens(model.dModel, model.nLayers)) : null;
  if (batchTokens !== null && (!Number.isInteger(batchTokens) || batchTokens < 1))
    throw new OccamError(`batchTokens must be a positive integer, got ${batchTokens}`, { field: 'batchTokens' });
  const side = options.padding ?? 'right';
  const behaviour = resolveBehaviour(behaviourInput, model.tokenizer, model.vocabSize);
  const plan = await buildAtomPlan(model, options.atoms ?? {}, behaviour);
  const hooks = [...new Set([...plan.hooks, ...behaviour.hooks])];
  const graphAtoms = options.atomsInGraph === false ? null : await prepareGraphAtoms(model, plan, prompts, behaviour);
  const inGraph = graphAtoms !== null && 'columns' in graphAtoms ? graphAtoms : null;
  const atomsNote = graphAtoms !== null && 'note' in graphAtoms ? graphAtoms.note : null;

  const N = prompts.prompts.length;
  if (N === 0) throw new OccamError(`condition ${prompts.name}: no prompts`);
  const nBins = Math.max(...prompts.prompts.map((p) => p.tokens.length));
  const A = plan.atoms.length;
  // Bounded before any forward pass: the inputs array (atoms × prompts × positions float32s) must stay readable.
  const bytes = 4 * A * N * nBins;
  const { maxNpyBytes } = readLimits();
  if (bytes > maxNpyBytes) {
    throw new OccamError(
      `condition ${prompts.name}: ${A} atoms × ${N} prompts × ${nBins} positions would make a ${formatBytes(bytes)} inputs array, over the limit of ${formatBytes(maxNpyBytes)} — use fewer prompts or atoms (atoms.families), or raise OCCAM_MAX_NPY_BYTES`,
      { field: 'condition' },
    );
  }
  const binary = behaviour.targetKind === 'binary';
  const layout: StreamedDatasetLayout = { atoms: A, nTrials: N, nBins, inputs: 'float32', target: binary ? 'uint8' : 'float32' };

  const run = async (onBlock: (block: TrialBlock) => Promise<void>) => {
    const values = new Float64Array(A);
    let batches = 0;
    let maxBatchPrompts = 0;
    let scoredBins = 0;
    let events = 0;
    const G = inGraph?.columns.length ?? 0;

    // One behaviour context per extraction, updated in place per position (no object or closure per position).
    const ctx = {
      tokens: [] as number[],
      t: 0,
      logits: new Float32Array(0) as Float32Array,
      hookRow: 0,
      run: null as ForwardOutput | null,
      hook: (name: string): Float32Array => {
        const h = ctx.run!.hooks.get(name);
        if (!h) throw new OccamError(`behaviour: hook '${name}' was not fetched`);
        let size = 1;
        for (let i = 2; i < h.dims.length; i++) size *= h.dims[i];
        return h.data.subarray(ctx.hookRow * size, (ctx.hookRow + 1) * size);
      },
    };

    for (let start = 0; start < N; ) {
      const end = batchEnd(prompts.prompts, start, batchSize, batchTokens);
      const chunk = prompts.prompts.slice(start, end);
      // This batch's trials as a Dataset of their own: inputs[a * atomStride + b * nBins + t]
      const atomStride = chunk.length * nBins;
      const inputs = new Float32Array(A * atomStride);
      const target = binary ? new Uint8Array(atomStride) : new Float32Array(atomStride);
      const scored = new Uint8Array(atomStride);
      // in-graph atoms: output column g goes to atom inputs[columnOffset[g] + cell]; token features are computed here
      const columnOffset = (inGraph?.columns ?? []).map((a) => a * atomStride);
      // prompt column c goes to atom promptAtom[c] (the prompt sources' atoms, from their column on)
      const promptAtom: number[] = [];
      for (const s of plan.sources) if (s.kind === 'prompt') s.atoms.forEach((_, i) => (promptAtom[s.column + i] = (s.atom + i) * atomStride));
      const batch = padBatch(
        chunk.map((p) => p.tokens),
        side,
        model.padId,
      );
      const result = inGraph
        ? await model.run(batch, behaviour.hooks, {
            graph: inGraph.extension,
            feeds: inGraph.feeds(
              batch,
              chunk.map((p) => p.tokens),
              behaviour,
            ),
          })
        : await model.run(batch, hooks);
      const V = result.logits.dims[2];
      const logitsData = result.logits.data;
      const graphOut = inGraph ? result.hooks.get(inGraph.output)!.data : null;
      ctx.run = result;
      for (let b = 0; b < chunk.length; b++) {
        const prompt = chunk[b];
        const tokens = prompt.tokens;
        const feats = plan.promptColumns(tokens);
        const mask = scoredMask(prompt);
        ctx.tokens = tokens;
        const n = tokens.length;
        for (let t = 0; t < n; t++) {
          const col = batch.offsets[b] + t;
          const row = b * batch.width + col;
          const cell = b * nBins + t;
          ctx.t = t;
          ctx.hookRow = row;
          ctx.logits = logitsData.subarray(row * V, (row + 1) * V);
          const value = behaviour.evaluate(ctx);
          if (value !== null) {
            target[cell] = value;
            if (mask[t]) {
              scored[cell] = 1;
              scoredBins++;
              if (binary && target[cell] > 0) events++;
            }
          }
          if (!graphOut) {
            plan.fill(result, b, col, feats, t, behaviour.direction(tokens, t), values);
            for (let a = 0, i = cell; a < A; a++, i += atomStride) inputs[i] = values[a];
          }
        }
        if (graphOut) {
          // column g of the graph output → atom columns[g], one contiguous run of positions per (atom, prompt)
          const first = (b * batch.width + batch.offsets[b]) * G;
          const cell = b * nBins;
          for (let g = 0; g < G; g++) {
            const o = columnOffset[g] + cell;
            for (let t = 0, i = first + g; t < n; t++, i += G) inputs[o + t] = graphOut[i];
          }
          for (let c = 0; c < promptAtom.length; c++) inputs.set(feats[c], promptAtom[c] + cell);
        }
      }
      ctx.run = null;
      batches++;
      maxBatchPrompts = Math.max(maxBatchPrompts, chunk.length);
      rss.sample();
      await onBlock({ inputs, target, scored });
      start = end;
      options.onProgress?.(end, N);
    }

    if (scoredBins === 0) throw new OccamError(`condition ${prompts.name}: no scored positions where ${behaviour.label} is defined`);
    const seconds = (performance.now() - started) / 1000;
    const readoutIds = plan.atoms.filter((a) => a.attributes.readsReadout === 'yes').map((a) => a.id);
    const readoutNote = readoutIds.length ? readoutSentence(plan, behaviour.label) : null;
    const labels = trialLabels(prompts.prompts);
    const manifest: DatasetManifestInput = {
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
      trialFeatures: promptTrialFeatures(prompts.prompts),
      metadata: {
        ...options.metadata,
        condition: prompts.name,
        source: model.directory.dir,
        seed: typeof prompts.metadata.seed === 'number' ? prompts.metadata.seed : undefined,
        adapter: '@occam/transformer',
        behaviour: behaviour.spec,
        conditionInfo: prompts.metadata,
        atomFamilies: plan.families,
        ...(plan.notes.length ? { atomNotes: plan.notes } : {}),
        readsReadout: readoutIds.length > 0,
        ...(readoutIds.length ? { readoutAtoms: readoutIds, readoutNote } : {}),
        ...(plan.inputPatterns
          ? {
              inputPatterns: {
                maxOffset: plan.inputPatterns.maxOffset,
                features: plan.inputPatterns.features,
                delimiters: [...plan.inputPatterns.delimiters],
                tokenClasses: plan.inputPatterns.classNames,
              },
            }
          : {}),
        ...(labels ? { trialLabels: labels } : {}),
        hooks,
        padding: side,
        batchSize,
        batchTokens,
        atomsComputed: inGraph ? 'graph' : 'js',
      },
    };
    const summary: ExtractSummary = {
      prompts: N,
      bins: nBins,
      atoms: A,
      scoredBins,
      events: binary ? events : null,
      batches,
      maxBatchPrompts,
      readsReadout: readoutIds.length > 0,
      readoutAtoms: readoutIds.length,
      readoutNote,
      atomNotes: plan.notes,
      atomsComputed: inGraph ? 'graph' : 'js',
      atomsNote,
      seconds,
      peakRssBytes: rss.peak,
      hooks,
    };
    return { manifest, summary };
  };
  return { layout, behaviour, run };
}

/** Which atoms read the answer and how, in one sentence for the summary and the manifest. */
function readoutSentence(plan: AtomPlan, label: string): string {
  const direct = plan.atoms.filter((a) => a.attributes.readsReadout === 'yes' && a.attributes.feature === 'direct-effect').length;
  const inside = plan.atoms.filter((a) => a.attributes.readsReadout === 'yes' && a.attributes.feature !== 'direct-effect').length;
  const parts: string[] = [];
  if (direct)
    parts.push(
      `${direct} direct-effect atoms (${plan.families.filter((f) => f.endsWith('-direct')).join(', ')}) project onto ${label}'s own readout at offset 0`,
    );
  if (inside) parts.push(`${inside} internal atoms are computed at or after the unit ${label} reads, at the same position`);
  return `these atoms read the answer: ${parts.join('; ')}. They predict the behaviour whatever the weights; judge them against a random-weights control`;
}

/**
 * Per-trial labels when the prompt set carries them (a mixture condition labels each prompt with the
 * component it came from): one per prompt, '' where a prompt has none; null when no prompt has one.
 */
export function trialLabels(prompts: Prompt[]): string[] | null {
  if (!prompts.some((p) => p.label)) return null;
  return prompts.map((p) => p.label ?? '');
}

/**
 * End (exclusive) of the batch starting at prompt `start`: `batchSize` prompts when given, else as many
 * consecutive prompts as fit `batchTokens` padded tokens (prompts × longest), at least one.
 */
function batchEnd(prompts: Prompt[], start: number, batchSize: number | null, batchTokens: number | null): number {
  if (batchSize !== null) return Math.min(start + batchSize, prompts.length);
  let end = start + 1;
  let width = prompts[start].tokens.length;
  while (end < prompts.length) {
    const w = Math.max(width, prompts[end].tokens.length);
    if ((end - start + 1) * w > batchTokens!) break;
    width = w;
    end++;
  }
  return end;
}

/**
 * The plan's atoms as nodes appended to the graph, checked by one forward pass over the first prompt
 * (onnxruntime builds the session then; it is cached for the batches). `{ note }` says why the JS path is
 * used instead; null when there is nothing to compute in the graph (token features only).
 */
async function prepareGraphAtoms(
  model: LanguageModel,
  plan: AtomPlan,
  prompts: PromptSet,
  behaviour: ResolvedBehaviour,
): Promise<GraphAtoms | { note: string } | null> {
  let graph: GraphAtoms | null;
  try {
    graph = await buildGraphAtoms(model, plan);
  } catch (error) {
    if (!(error instanceof OccamError)) throw error;
    return { note: error.message };
  }
  if (!graph) return null;
  const chunk = prompts.prompts.slice(0, 1);
  const batch = padBatch([chunk[0].tokens], 'right', model.padId);
  try {
    const run = await model.run(batch, behaviour.hooks, { graph: graph.extension, feeds: graph.feeds(batch, [chunk[0].tokens], behaviour) });
    const dims = run.hooks.get(graph.output)?.dims;
    if (!dims || dims.join() !== [1, batch.width, graph.columns.length].join())
      return { note: `in-graph atoms: output shape ${JSON.stringify(dims)}, expected [1, ${batch.width}, ${graph.columns.length}]` };
  } catch (error) {
    return { note: `in-graph atoms: onnxruntime rejected the extended graph (${(error as Error).message.split('\n')[0]})` };
  }
  return graph;
}
