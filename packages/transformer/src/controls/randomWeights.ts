import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { mulberry32, OccamError } from '@occam/core';
import { resolveModelDirectory } from '../model-dir/modelDirectory.js';
import { refuseOverlap, WeightPatchedCopy } from '../model-dir/weightPatchedCopy.js';
import { GraphIndex } from '../onnx/graphIndex.js';
import { discoverModelStructure } from '../onnx/modelStructure.js';
import { parseOnnxModel, type TensorRef } from '../onnx/onnxModel.js';
import { readTensorFloat32 } from '../onnx/tensorData.js';
import { encodeFloatsInto, FLOAT_WIDTH } from './tensorEncoding.js';
import { normTensors, weightTensors, type WeightRole } from './weightTensors.js';

export interface RandomWeightsOptions {
  /** Seed of the draws (default 0). Same seed, same control, byte for byte. */
  seed?: number;
  /** The ONNX file inside the model folder (default: as LanguageModel.load picks it). */
  onnxFile?: string;
  /** Replace an existing folder at `out` that occam did not write. */
  force?: boolean;
}

/** One re-drawn tensor: its own mean and standard deviation, which the draw matches. */
export interface RedrawnTensor {
  name: string;
  role: WeightRole;
  dims: number[];
  mean: number;
  std: number;
  /** The tensor it was a copy of, as is or transposed (drawn once, written to both: tied weights stay tied). */
  tiedTo: string | null;
}

/** What `config.json`'s `occam.control` records, and what writeRandomWeightsControl returns. */
export interface RandomWeightsControl {
  kind: 'random-weights';
  seed: number;
  /** Absolute path of the trained model folder. */
  source: string;
  /** The control's folder. */
  out: string;
  redrawn: RedrawnTensor[];
  /** Constant tensors kept as they are: norm scales and shifts, and anything that is not a weight. */
  kept: { name: string; why: string }[];
}

/** Seed of one tensor's draws: from the control's seed and the tensor's name, so that the order of tensors does not matter. */
function tensorSeed(seed: number, name: string): number {
  return createHash('sha256').update(`${seed}\u0000${name}`).digest().readUInt32LE(0);
}

/** n normal draws of mean μ and standard deviation σ (Box–Muller, both values used). */
function normalDraws(n: number, mean: number, std: number, seed: number): Float64Array {
  const rand = mulberry32(seed);
  const out = new Float64Array(n);
  for (let i = 0; i < n; i += 2) {
    const r = Math.sqrt(-2 * Math.log(Math.max(rand(), 1e-300)));
    const a = 2 * Math.PI * rand();
    out[i] = mean + std * r * Math.cos(a);
    if (i + 1 < n) out[i + 1] = mean + std * r * Math.sin(a);
  }
  return out;
}

/** The bytes of a row-major [rows, cols] tensor of `width`-byte elements, transposed. */
function transposedBytes(bytes: Uint8Array, [rows, cols]: number[], width: number): Uint8Array {
  const out = new Uint8Array(bytes.length);
  for (let r = 0; r < rows; r++)
    for (let c = 0; c < cols; c++) out.set(bytes.subarray((r * cols + c) * width, (r * cols + c + 1) * width), (c * rows + r) * width);
  return out;
}

/** A row-major [rows, cols] matrix transposed. */
function transposed(v: Float64Array, rows: number, cols: number): Float64Array {
  const out = new Float64Array(v.length);
  for (let r = 0; r < rows; r++) for (let c = 0; c < cols; c++) out[c * rows + r] = v[r * cols + c];
  return out;
}

function moments(v: Float32Array): { mean: number; std: number } {
  let sum = 0;
  for (let i = 0; i < v.length; i++) sum += v[i];
  const mean = sum / v.length;
  let ss = 0;
  for (let i = 0; i < v.length; i++) ss += (v[i] - mean) ** 2;
  return { mean, std: Math.sqrt(ss / v.length) };
}

/**
 * Write a random-weights control of a model folder: the same graph, every learned weight (linear-layer
 * matrices and biases, token and position embeddings; onnx/…/weightTensors) re-drawn from a normal
 * distribution with that tensor's own mean and standard deviation (seeded per tensor), norm scales and
 * shifts and every other constant kept. The weights are patched in place — the graph's raw_data bytes
 * and the external data files keep their lengths and layout, nothing is re-encoded — so the control runs
 * exactly like the model. Tied weights (a tensor stored again as is or transposed, e.g. GPT-2's unembedding) are drawn once and stay tied. Tokenizer
 * and other top-level files are copied; other ONNX files of the folder are not (they would not be
 * controls). `config.json` gets `occam.control = { kind: 'random-weights', seed, source }`; training facts
 * copied with the rest of `occam` describe the source model. Written atomically (writeDirectoryAtomic).
 */
export async function writeRandomWeightsControl(modelDir: string, out: string, options: RandomWeightsOptions = {}): Promise<RandomWeightsControl> {
  const seed = options.seed ?? 0;
  if (!Number.isInteger(seed)) throw new OccamError(`random-weights control: seed must be an integer, got ${seed}`, { field: 'seed' });
  const dir = await resolveModelDirectory(modelDir, { onnxFile: options.onnxFile });
  if (dir.source.kind !== 'local') throw new OccamError(`random-weights control: ${modelDir} is not a local model folder`);
  refuseOverlap('random-weights control', out, dir);
  const bytes = new Uint8Array(await readFile(dir.onnxPath));
  const onnx = parseOnnxModel(bytes, dir.onnxPath);
  const index = new GraphIndex(onnx);
  const structure = discoverModelStructure(index);
  const graphDir = dirname(dir.onnxPath);
  const norms = normTensors(index, structure);
  const normRefs = new Set(norms.map((n) => n.ref));
  const weights = weightTensors(index, structure).filter((w) => !normRefs.has(w.ref));
  if (weights.length === 0)
    throw new OccamError(`random-weights control: no weight tensors found in ${dir.onnxPath} (no linear layer with constant weights, no embedding table)`, {
      file: dir.onnxPath,
    });

  const copy = new WeightPatchedCopy(dir, bytes, onnx);

  const redrawn: RedrawnTensor[] = [];
  const kept: RandomWeightsControl['kept'] = norms.map((n) => ({ name: n.key, why: n.role }));
  // tensors drawn so far by content (type, shape, bytes): a later copy is re-drawn from the first's seed, so no draw is kept in memory
  // (the draws of tensor `name`, of shape srcDims, transposed when this content is stored the other way round)
  interface Drawn {
    name: string;
    count: number;
    mean: number;
    std: number;
    srcDims: number[];
    transposed: boolean;
  }
  const drawnByContent = new Map<string, Drawn>();
  const drawOf = (d: Drawn) => {
    const v = normalDraws(d.count, d.mean, d.std, tensorSeed(seed, d.name));
    return d.transposed ? transposed(v, d.srcDims[0], d.srcDims[1]) : v;
  };
  for (const w of weights) {
    const { ref } = w;
    const count = ref.dims.reduce((a, b) => a * b, 1);
    const width = FLOAT_WIDTH[ref.dataType];
    const target = await copy.bytesOf(ref, count, width);
    if (!target) {
      kept.push({ name: w.key, why: `a ${w.role} stored as float_data (not raw_data): not re-drawn` });
      continue;
    }
    if (target.length !== count * width)
      throw new OccamError(`tensor '${w.key}': ${target.length} bytes for dims [${ref.dims.join(', ')}] of ${width}-byte values`, { file: dir.onnxPath });
    const original = await readTensorFloat32(onnx, ref, graphDir);
    const contentKey = `${ref.dataType}:${ref.dims.join('x')}:${createHash('sha256').update(target).digest('hex')}`;
    const { mean, std } = moments(original);
    // a tied weight stored twice (the unembedding as a transposed copy of the embedding, or a plain copy) is drawn once
    let tied = drawnByContent.get(contentKey) ?? null;
    if (!tied && ref.dims.length === 2) {
      const twin = drawnByContent.get(
        `${ref.dataType}:${ref.dims[1]}x${ref.dims[0]}:${createHash('sha256')
          .update(transposedBytes(target, ref.dims, width))
          .digest('hex')}`,
      );
      if (twin) {
        tied = { ...twin, transposed: !twin.transposed };
        drawnByContent.set(contentKey, tied);
      }
    }
    if (!tied) drawnByContent.set(contentKey, { name: w.key, count, mean, std, srcDims: ref.dims, transposed: false });
    const values = drawOf(tied ?? drawnByContent.get(contentKey)!);
    encodeFloatsInto(values, ref.dataType, target, w.key);
    redrawn.push({ name: w.key, role: w.role, dims: ref.dims, mean, std, tiedTo: tied ? tied.name : null });
  }
  const redrawnRefs = new Set(weights.map((w) => w.ref));
  for (const [name, ref] of onnx.graph.initializers) {
    if (redrawnRefs.has(ref) || normRefs.has(ref)) continue;
    kept.push({ name, why: "not read as a weight by a linear layer or an embedding lookup (e.g. a decomposed norm's scale): kept" });
  }

  const source = dir.dir;
  const control: RandomWeightsControl = { kind: 'random-weights', seed, source, out, redrawn, kept };
  await copy.write(out, { control: { kind: 'random-weights', seed, source } }, { force: options.force });
  return control;
}

/** The `occam.control` record of a model folder's config, or null when it is not a control. */
export function controlRecord(config: Record<string, unknown>): { kind: string; seed?: number; source?: string } | null {
  const occam = config.occam as Record<string, unknown> | undefined;
  const c = occam?.control as { kind?: unknown } | undefined;
  return c && typeof c.kind === 'string' ? (c as { kind: string }) : null;
}
