import { readFile } from 'node:fs/promises';
import { basename, dirname } from 'node:path';
import * as ort from 'onnxruntime-node';
import { OccamError } from '@occam/core';
import { padBatch, type PaddedBatch } from '../condition/padBatch.js';
import { appendGraphOutputs } from '../onnx/exposeOutputs.js';
import { float16ArrayToFloat32 } from '../onnx/float16.js';
import { appendGraph } from '../onnx/graphFragment.js';
import { GraphIndex } from '../onnx/graphIndex.js';
import { canonicalHooks, resolveHooks, type HookSite } from '../onnx/hooks.js';
import { discoverModelStructure, type ModelStructure } from '../onnx/modelStructure.js';
import { parseOnnxModel, type OnnxModel, type TensorRef } from '../onnx/onnxModel.js';
import { readTensorFloat32 } from '../onnx/tensorData.js';
import { checkExternalData } from './externalData.js';
import { referenceInlineWeights, referenceWeightsInFile } from './weightsByReference.js';
import { buildFeeds } from './feeds.js';
import { loadLmTokenizer, type LmTokenizer } from './lmTokenizer.js';
import { resolveModelDirectory, type ModelDirectory, type ModelDirectoryOptions } from './modelDirectory.js';

/** A tensor read back from a forward pass, float32, row-major, in the hook's canonical shape. */
export interface HookTensor {
  dims: number[];
  data: Float32Array;
}

export interface ForwardOutput {
  batch: PaddedBatch;
  logits: HookTensor;
  hooks: Map<string, HookTensor>;
}

/** A hook's shape with the batch and position axes named. */
export interface HookShape {
  name: string;
  tensor: string;
  dims: (number | 'batch' | 'pos')[];
}

/**
 * Nodes (with their initializers, inputs and outputs) appended to the graph for a run, e.g. the in-graph
 * atoms of atoms/graphAtoms.ts: `body` is a GraphProto body (onnx/graphFragment.ts), `key` identifies it
 * for the session cache, `outputs` are fetched as well and returned among the run's `hooks` by name.
 */
export interface GraphExtension {
  key: string;
  body: Uint8Array;
  outputs: string[];
}

export interface LoadOptions extends ModelDirectoryOptions {
  /** onnxruntime intra-op threads (default: onnxruntime's choice). */
  threads?: number;
}

function firstLine(error: unknown): string {
  return String((error as Error)?.message ?? error)
    .split('\n')[0]
    .slice(0, 500);
}

/** onnxruntime's own load failures (graph rejected, external data refused or unreadable), naming the model file. */
function onnxruntimeLoadError(file: string, error: unknown): OccamError {
  const msg = firstLine(error);
  const hint = /external data/i.test(msg)
    ? '; check the external data files beside the model'
    : '; the file may be damaged or use operators this onnxruntime does not support';
  return new OccamError(`${file}: onnxruntime cannot load the model: ${msg}${hint}`, { file });
}

/**
 * Rows of the learned position-embedding table (GPT-2's wpe), the hard limit on positions a graph can
 * index; null for models without one (rotary: config.json's limit applies).
 */
function positionTableRows(graph: GraphIndex, structure: ModelStructure): number | null {
  if (!structure.posEmbed) return null;
  const gather = graph.producer.get(structure.posEmbed);
  const table = gather ? graph.model.graph.initializers.get(gather.inputs[0]) : undefined;
  return table && table.dims.length === 2 && table.dims[0] > 0 ? table.dims[0] : null;
}

function toFloat32(t: ort.Tensor): Float32Array {
  if (t.data instanceof Float32Array) return t.data;
  if (t.type === 'float16') return float16ArrayToFloat32(t.data as Uint16Array);
  if (t.data instanceof Float64Array) return Float32Array.from(t.data);
  if (t.data instanceof BigInt64Array) return Float32Array.from(t.data, Number);
  return Float32Array.from(t.data as ArrayLike<number>);
}

/**
 * A causal language model from a Hugging Face-style folder, run with onnxruntime-node directly. Hooks
 * (TransformerLens-style names or raw ONNX tensor names) are made readable by appending them to the
 * graph's outputs; a session is built once per distinct set of exposed tensors.
 */
export class LanguageModel {
  readonly hooks: HookSite[];
  private readonly sessions = new Map<string, Promise<ort.InferenceSession>>();
  private readonly weights = new Map<string, Promise<Float32Array>>();
  private readonly shapes = new Map<string, HookShape>();

  private constructor(
    readonly directory: ModelDirectory,
    readonly tokenizer: LmTokenizer,
    readonly onnx: OnnxModel,
    readonly graph: GraphIndex,
    readonly structure: ModelStructure,
    private readonly options: LoadOptions,
  ) {
    this.hooks = canonicalHooks(structure);
  }

  static async load(pathOrId: string, options: LoadOptions = {}): Promise<LanguageModel> {
    const directory = await resolveModelDirectory(pathOrId, options);
    // a large model's weights are not read into JS at all: the file is walked and its initializers referenced
    // in place (weightsByReference.ts), so a 340 MB GPT-2 small costs JS a few hundred KB, not 1-2× its size
    const walked = referenceWeightsInFile(directory.onnxPath);
    // a view of the Buffer, not a copy of it (the copy doubled the load's peak)
    const file = walked ?? (await readFile(directory.onnxPath));
    const bytes = new Uint8Array(file.buffer, file.byteOffset, file.byteLength);
    let onnx: OnnxModel;
    try {
      onnx = parseOnnxModel(bytes, directory.onnxPath);
    } catch (error) {
      if (!(error instanceof OccamError)) throw error;
      throw new OccamError(`${error.message}: not a readable ONNX model (damaged, truncated or another format); export it again`, { file: directory.onnxPath });
    }
    if (onnx.graph.nodes.length === 0) {
      throw new OccamError(
        `${directory.onnxPath}: the file holds no graph nodes (${bytes.length} bytes): not an ONNX model, or an empty one; export it again`,
        { file: directory.onnxPath },
      );
    }
    checkExternalData(onnx, directory.onnxPath);
    // large weights stay in the file (onnxruntime reads them from it): JS keeps only the graph's structure
    const slim = walked ? null : referenceInlineWeights(bytes, directory.onnxPath);
    if (slim) onnx = parseOnnxModel(slim, directory.onnxPath);
    const graph = new GraphIndex(onnx);
    let structure: ModelStructure;
    try {
      structure = discoverModelStructure(graph);
    } catch (error) {
      // the layout messages describe the graph; say which file it is
      if (error instanceof OccamError && !error.where?.file)
        throw new OccamError(`${directory.onnxPath}: ${error.message}`, { ...error.where, file: directory.onnxPath });
      throw error;
    }
    const tokenizer = await loadLmTokenizer(directory.dir, directory.config, { contextLength: positionTableRows(graph, structure) });
    return new LanguageModel(directory, tokenizer, onnx, graph, structure, options);
  }

  get nLayers(): number {
    return this.structure.blocks.length;
  }

  /** Residual-stream width from the unembedding weight (else config.json), null when neither says. */
  get dModel(): number | null {
    const u = this.structure.unembed;
    if (u) return u.transposed ? u.weight.dims[1] : u.weight.dims[0];
    const c = this.directory.config;
    const v = c.n_embd ?? c.hidden_size ?? c.d_model;
    return typeof v === 'number' ? v : null;
  }

  /** Vocabulary size from the unembedding weight (else config.json). */
  get vocabSize(): number {
    const u = this.structure.unembed;
    if (u) return u.transposed ? u.weight.dims[0] : u.weight.dims[1];
    const v = this.directory.config.vocab_size;
    if (typeof v === 'number') return v;
    throw new OccamError(`${this.directory.dir}: vocabulary size unknown (no unembedding found, no vocab_size in config.json)`);
  }

  /** Padding id used for batches: the tokenizer's, else 0 (masked anyway). */
  get padId(): number {
    return this.tokenizer.padId ?? 0;
  }

  resolveHooks(names: string[]): HookSite[] {
    return resolveHooks(names, this.hooks, this.graph);
  }

  /** A float initializer's values (cached). */
  weight(ref: TensorRef): Promise<Float32Array> {
    let w = this.weights.get(ref.name);
    if (!w) {
      w = readTensorFloat32(this.onnx, ref, dirname(this.directory.onnxPath));
      this.weights.set(ref.name, w);
    }
    return w;
  }

  private sessionKey(tensors: string[], extension: GraphExtension | null): { extra: string[]; key: string } {
    const extra = [...new Set(tensors)].filter((t) => !this.graph.graphOutputs.has(t)).sort();
    return { extra, key: extra.join('\n') + (extension ? `\n#${extension.key}` : '') };
  }

  private session(tensors: string[], extension: GraphExtension | null): Promise<ort.InferenceSession> {
    const { extra, key } = this.sessionKey(tensors, extension);
    let s = this.sessions.get(key);
    if (!s) {
      s = this.createSession(extra, extension);
      this.sessions.set(key, s);
      // a graph onnxruntime rejects is not cached: the next call reports the error again
      s.catch(() => this.sessions.get(key) === s && this.sessions.delete(key));
    }
    return s;
  }

  private async createSession(extra: string[], extension: GraphExtension | null): Promise<ort.InferenceSession> {
    let bytes = appendGraphOutputs(
      this.onnx.bytes,
      extra.map((name) => ({ name, elemType: this.onnx.graph.valueInfo.get(name)?.elemType ?? null })),
    );
    if (extension) bytes = appendGraph(bytes, extension.body);
    // Memory patterns pre-plan one buffer per batch shape and keep them all; off, the peak drops by ~0.6× the model
    // at GPT-2-small size (bench/extract/size.mjs) for no measurable loss of throughput.
    const options: ort.InferenceSession.SessionOptions = { logSeverityLevel: 3, enableMemPattern: false };
    if (this.options.threads) {
      options.intraOpNumThreads = this.options.threads;
      options.interOpNumThreads = 1;
    }
    const hasExternal = [...this.onnx.graph.initializers.values()].some((t) => t.external);
    const file = this.directory.onnxPath;
    if (!hasExternal) return ort.InferenceSession.create(bytes, options).catch((error: unknown) => Promise.reject(onnxruntimeLoadError(file, error)));
    const folder = dirname(file);
    try {
      // onnxruntime resolves external data of a model loaded from bytes relative to this folder (memory-mapped)
      return await ort.InferenceSession.create(bytes, { ...options, extra: { session: { model_external_initializers_file_folder_path: folder } } });
    } catch {
      // checkExternalData confined every location to the folder at load; these are the files beside the graph
      // weightsByReference may point initializers at the model file itself
      const referenced = new Set([...this.onnx.graph.initializers.values()].flatMap((t) => (t.external ? [t.external.location] : [])));
      const files = [...this.directory.externalData, ...(referenced.has(basename(file)) ? [file] : [])];
      const externalData = await Promise.all(files.map(async (p) => ({ path: basename(p), data: new Uint8Array(await readFile(p)) })));
      return ort.InferenceSession.create(bytes, { ...options, externalData }).catch((error: unknown) => Promise.reject(onnxruntimeLoadError(file, error)));
    }
  }

  /**
   * One full forward pass over a padded batch; returns the logits and the requested hooks. With an
   * `extension`, its nodes are appended to the graph, `feeds` supply its inputs, and its outputs are
   * returned among the hooks under their own names.
   */
  run(batch: PaddedBatch, hookNames: string[] = [], extension?: { graph: GraphExtension; feeds: Record<string, HookTensor> }): Promise<ForwardOutput> {
    return this.forward(batch, hookNames, extension);
  }

  /** run(), optionally on a session of the caller's own instead of the cached one for these outputs. */
  private async forward(
    batch: PaddedBatch,
    hookNames: string[],
    extension?: { graph: GraphExtension; feeds: Record<string, HookTensor> },
    own?: Promise<ort.InferenceSession>,
  ): Promise<ForwardOutput> {
    const sites = this.resolveHooks(hookNames);
    const logitsName = this.structure.logits;
    const added = extension?.graph.outputs ?? [];
    const fetch = [...new Set([logitsName, ...sites.map((h) => h.tensor), ...added])];
    if (batch.side === 'left' && batch.offsets.some((o) => o > 0) && !this.onnx.graph.inputs.some((i) => i.name === 'position_ids')) {
      throw new OccamError(`${this.directory.onnxPath}: the graph has no position_ids input, so left padding would shift positions; use right padding`, {
        field: 'padding',
      });
    }
    const context = this.tokenizer.contextLength;
    if (context !== null && batch.width > context) {
      // loadCondition names the prompt's file and line; this guards direct callers of run()
      throw new OccamError(`${this.directory.onnxPath}: a prompt of ${batch.width} tokens is longer than the model's context of ${context} positions`, {
        file: this.directory.onnxPath,
      });
    }
    const session = await (own ??
      this.session(
        fetch.filter((t) => !added.includes(t)),
        extension?.graph ?? null,
      ));
    const feeds = buildFeeds(this.onnx.graph.inputs, batch, this.directory.config);
    for (const [name, t] of Object.entries(extension?.feeds ?? {})) feeds[name] = new ort.Tensor('float32', t.data, t.dims);
    let out: ort.InferenceSession.OnnxValueMapType;
    try {
      out = await session.run(feeds, fetch);
    } catch (error) {
      throw new OccamError(
        `${this.directory.onnxPath}: onnxruntime failed in a forward pass over ${batch.lengths.length} prompt(s) of up to ${batch.width} tokens: ${firstLine(error)}`,
        { file: this.directory.onnxPath },
      );
    }
    const read = (name: string): HookTensor => {
      const t = out[name];
      return { dims: t.dims.map(Number), data: toFloat32(t) };
    };
    const hooks = new Map<string, HookTensor>();
    const heads = this.headCount();
    for (const h of sites) {
      const t = read(h.tensor);
      if (h.view === 'split-heads' && t.dims.length === 3 && heads) {
        t.dims = [t.dims[0], t.dims[1], heads, t.dims[2] / heads];
      }
      hooks.set(h.name, t);
    }
    for (const name of added) hooks.set(name, read(name));
    const logits = read(logitsName);
    for (const t of Object.values(out)) t.dispose?.();
    return { batch, logits, hooks };
  }

  /** Attention heads per block, from config.json (n_head / num_attention_heads). */
  headCount(): number | null {
    const c = this.directory.config;
    const v = c.n_head ?? c.num_attention_heads;
    return typeof v === 'number' ? v : null;
  }

  /**
   * Shapes of hooks (default: every canonical hook) from two tiny forward passes; axes that follow the
   * batch size or the sequence length are reported as 'batch' / 'pos'.
   */
  async hookShapes(names: string[] = this.hooks.map((h) => h.name)): Promise<HookShape[]> {
    const missing = [...new Set(names)].filter((n) => !this.shapes.has(n));
    if (missing.length) {
      // each onnxruntime session holds its own copy of the weights (~1× the model file): the shapes are a
      // property of the graph, so they are measured once on a session of their own, kept, and that session
      // released (not cached: a concurrent run() may not be handed a session that is about to go)
      const sites = this.resolveHooks(missing);
      const own = this.createSession(this.sessionKey([this.structure.logits, ...sites.map((h) => h.tensor)], null).extra, null);
      try {
        for (const shape of await this.measureHookShapes(missing, own)) this.shapes.set(shape.name, shape);
      } finally {
        await (await own.catch(() => null))?.release();
      }
    }
    return names.map((n) => this.shapes.get(n)!);
  }

  private async measureHookShapes(names: string[], own: Promise<ort.InferenceSession>): Promise<HookShape[]> {
    const bos = this.tokenizer.bosId ?? 1;
    const content = [...Array(64).keys()].filter((i) => !this.tokenizer.specialIds.has(i)).slice(0, 11);
    const a = await this.forward(padBatch([[bos, ...content.slice(0, 4)]], 'right', this.padId), names, undefined, own);
    const b = await this.forward(
      padBatch(
        [
          [bos, ...content.slice(0, 6)],
          [bos, ...content.slice(4, 10)],
        ],
        'right',
        this.padId,
      ),
      names,
      undefined,
      own,
    );
    const sites = this.resolveHooks(names);
    return sites.map((h) => {
      const da = a.hooks.get(h.name)!.dims;
      const db = b.hooks.get(h.name)!.dims;
      return {
        name: h.name,
        tensor: h.tensor,
        dims: da.map((d, i) => (d === 1 && db[i] === 2 ? 'batch' : d === 5 && db[i] === 7 ? 'pos' : d)),
      };
    });
  }

  /** Release onnxruntime sessions. */
  async dispose(): Promise<void> {
    const all = [...this.sessions.values()];
    this.sessions.clear();
    for (const s of all) await (await s).release();
  }
}
