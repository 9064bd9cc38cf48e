import { readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { OccamError } from '@occam/core';
import type { PromptSet } from '../condition/promptSet.js';
import { encodeFloatsInto, FLOAT_WIDTH } from '../controls/tensorEncoding.js';
import { LanguageModel } from '../model-dir/languageModel.js';
import { resolveModelDirectory } from '../model-dir/modelDirectory.js';
import { refuseOverlap, WeightPatchedCopy } from '../model-dir/weightPatchedCopy.js';
import { GraphIndex } from '../onnx/graphIndex.js';
import { linearShape } from '../onnx/linearLayer.js';
import { discoverModelStructure } from '../onnx/modelStructure.js';
import { parseOnnxModel, type TensorRef } from '../onnx/onnxModel.js';
import { readTensorFloat32 } from '../onnx/tensorData.js';
import { componentMean } from './componentMean.js';
import { AblateHeadSchema, AblateMlpSchema, headList, type LmAblation, type LmAblationInput } from './schema.js';

export interface AblateOptions {
  /** The condition whose scored positions a mean ablation averages over (required for `how: 'mean'` unless `mean` is given). */
  prompts?: PromptSet;
  /** The component's mean output, when already computed (componentMean). */
  mean?: Float64Array;
  onnxFile?: string;
  /** Replace an existing folder at `outDir` that occam did not write. */
  force?: boolean;
}

/** What `config.json`'s `occam.intervention` records, and what ablateInGraph returns. */
export interface AblationRecord {
  kind: LmAblation['kind'];
  layer: number;
  /** The heads ablated (ablate-head), else null. */
  heads: number[] | null;
  how: 'zero' | 'mean';
  /** Absolute path of the model folder ablated. */
  source: string;
  out: string;
  /** The initializers rewritten (the output projection's weight and, where it changes, its bias). */
  patched: string[];
  /** The mean written in (mean ablations), as a plain list. */
  mean: number[] | null;
}

/**
 * Write a copy of a model folder whose graph has one component ablated, by rewriting the constants of the
 * projection that carries it into the residual stream — no node is added or rewired, so the copy runs (and its
 * hooks and atoms are found) exactly like the model:
 *
 * - a head (or several of one layer): attn_out = Σ_h z_h · W_O[h] + b_O, so its rows of W_O (h·d_head … (h+1)·d_head − 1 of the input
 *   axis) are set to 0 (zero), and for a mean ablation b_O gains mean(z_h) · W_O[h], the head's mean
 *   contribution; every other head, and the head's own attention pattern and z, are untouched;
 * - an MLP: W_out = 0 and b_out = 0 (zero) or b_out = mean(mlp_out) (mean).
 *
 * Patched in place (raw_data bytes and external data files keep their layout), as the random-weights control
 * does; written atomically. A projection constant read by more than one node (a tied or de-duplicated tensor)
 * is refused, since rewriting it would ablate elsewhere too.
 */
export async function ablateInGraph(
  modelDir: string,
  ablationInput: LmAblationInput | LmAblation,
  outDir: string,
  options: AblateOptions = {},
): Promise<AblationRecord> {
  const parsed = (ablationInput.kind === 'ablate-head' ? AblateHeadSchema : AblateMlpSchema).safeParse(ablationInput);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new OccamError(`ablation ${JSON.stringify(ablationInput)}: ${issue.path.join('.') || 'kind'}: ${issue.message}`, {
      field: issue.path.join('.') || 'kind',
    });
  }
  const ablation = parsed.data as LmAblation;
  const dir = await resolveModelDirectory(modelDir, { onnxFile: options.onnxFile });
  if (dir.source.kind !== 'local') throw new OccamError(`ablation: ${modelDir} is not a local model folder`);
  refuseOverlap('ablation', outDir, dir);
  const bytes = new Uint8Array(await readFile(dir.onnxPath));
  const onnx = parseOnnxModel(bytes, dir.onnxPath);
  const index = new GraphIndex(onnx);
  const structure = discoverModelStructure(index);
  const graphDir = dirname(dir.onnxPath);
  const block = structure.blocks[ablation.layer];
  if (!block)
    throw new OccamError(`${ablation.kind}: layer ${ablation.layer} does not exist in ${dir.onnxPath} (layers 0–${structure.blocks.length - 1})`, {
      field: 'layer',
    });
  const proj = ablation.kind === 'ablate-head' ? block.attnOutProj : block.mlpOutProj;
  if (!proj)
    throw new OccamError(
      `${ablation.kind}: block ${ablation.layer}'s ${ablation.kind === 'ablate-head' ? 'attention' : 'MLP'} output projection was not found in ${dir.onnxPath} (no MatMul/Gemm with constant weights): it cannot be ablated`,
      { file: dir.onnxPath },
    );
  for (const ref of [proj.weight, proj.bias]) if (ref) checkSoleReader(index, ref, dir.onnxPath);
  const [nIn, nOut] = linearShape(proj);
  let dHead = 0;
  if (ablation.kind === 'ablate-head') {
    const heads = headCount(dir.config);
    if (heads === null || nIn % heads !== 0)
      throw new OccamError(
        `ablate-head: the head count is not in ${dir.dir}/config.json (n_head / num_attention_heads) or does not divide the projection's ${nIn} inputs`,
        {
          file: join(dir.dir, 'config.json'),
        },
      );
    const bad = headList(ablation.head).find((h) => h >= heads);
    if (bad !== undefined)
      throw new OccamError(`ablate-head: layer ${ablation.layer} has ${heads} heads (0–${heads - 1}); head ${bad} is not one of them`, { field: 'head' });
    dHead = nIn / heads;
  }

  let mean: Float64Array | null = null;
  if (ablation.how === 'mean') {
    if (!proj.bias)
      throw new OccamError(`${ablation.kind} mean: block ${ablation.layer}'s output projection has no bias to carry the mean; use how: 'zero'`, {
        field: 'how',
      });
    if (options.mean) mean = options.mean;
    else {
      if (!options.prompts)
        throw new OccamError(`${ablation.kind} mean: the mean is taken over the condition's positions; pass the condition's prompts`, { field: 'prompts' });
      const model = await LanguageModel.load(dir.dir, { onnxFile: options.onnxFile });
      try {
        mean = await componentMean(model, options.prompts, ablation);
      } finally {
        await model.dispose();
      }
    }
    const want = ablation.kind === 'ablate-head' ? nIn : nOut;
    if (mean.length !== want) throw new OccamError(`${ablation.kind} mean: a mean of ${mean.length} values for a component of ${want}`, { field: 'mean' });
  }

  const weight = Float64Array.from(await readTensorFloat32(onnx, proj.weight, graphDir));
  const bias = proj.bias ? Float64Array.from(await readTensorFloat32(onnx, proj.bias, graphDir)) : null;
  const at = (i: number, o: number) => (proj.transposed ? o * nIn + i : i * nOut + o);
  let biasChanged = false;
  if (ablation.kind === 'ablate-head') {
    for (const h of headList(ablation.head)) {
      const lo = h * dHead;
      if (mean && bias) {
        for (let o = 0; o < nOut; o++) for (let i = lo; i < lo + dHead; i++) bias[o] += mean[i] * weight[at(i, o)];
        biasChanged = true;
      }
      for (let i = lo; i < lo + dHead; i++) for (let o = 0; o < nOut; o++) weight[at(i, o)] = 0;
    }
  } else {
    weight.fill(0);
    if (bias) {
      if (mean) bias.set(mean);
      else bias.fill(0);
      biasChanged = true;
    }
  }

  const copy = new WeightPatchedCopy(dir, bytes, onnx);
  const patch = async (ref: TensorRef, values: Float64Array) => {
    const bytesOf = await copy.bytesOf(ref, values.length, FLOAT_WIDTH[ref.dataType]);
    if (!bytesOf)
      throw new OccamError(`tensor '${ref.name}' is stored as float_data, not raw_data: this writer rewrites byte ranges only`, { file: dir.onnxPath });
    encodeFloatsInto(values, ref.dataType, bytesOf, ref.name);
  };
  await patch(proj.weight, weight);
  if (proj.bias && bias && biasChanged) await patch(proj.bias, bias);

  const source = dir.dir;
  const record: AblationRecord = {
    kind: ablation.kind,
    layer: ablation.layer,
    heads: ablation.kind === 'ablate-head' ? headList(ablation.head) : null,
    how: ablation.how,
    source,
    out: outDir,
    patched: [proj.weight.name, ...(proj.bias && biasChanged ? [proj.bias.name] : [])],
    mean: mean ? Array.from(mean) : null,
  };
  await copy.write(
    outDir,
    { intervention: { kind: record.kind, layer: record.layer, heads: record.heads, how: record.how, source } },
    { force: options.force },
  );
  return record;
}

function headCount(config: Record<string, unknown>): number | null {
  const v = config.n_head ?? config.num_attention_heads;
  return typeof v === 'number' && Number.isInteger(v) && v > 0 ? v : null;
}

/** The nodes that compute with a constant, looking through the pass-through ops a constant reaches them by. */
function readersOf(index: GraphIndex, name: string, seen = new Set<string>()): string[] {
  if (seen.has(name)) return [];
  seen.add(name);
  const out: string[] = [];
  for (const node of index.consumers.get(name) ?? []) {
    if (['Identity', 'Transpose', 'Cast', 'Reshape'].includes(node.opType) && index.isConstant(node.outputs[0])) {
      for (const o of node.outputs) if (o) out.push(...readersOf(index, o, seen));
    } else out.push(node.name || node.outputs[0]);
  }
  return out;
}

function checkSoleReader(index: GraphIndex, ref: TensorRef, file: string): void {
  const readers = [...new Set(readersOf(index, ref.name))];
  if (readers.length > 1)
    throw new OccamError(
      `${file}: tensor '${ref.name}' is read by ${readers.length} nodes (${readers.slice(0, 4).join(', ')}${readers.length > 4 ? ', …' : ''}); rewriting it would ablate more than one component`,
      { file },
    );
}
