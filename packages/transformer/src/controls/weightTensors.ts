import type { GraphIndex } from '../onnx/graphIndex.js';
import { linearLayerProducing } from '../onnx/linearLayer.js';
import type { ModelStructure } from '../onnx/modelStructure.js';
import { ONNX_DOUBLE, ONNX_FLOAT, ONNX_FLOAT16, type TensorRef } from '../onnx/onnxModel.js';

/** What a constant tensor of the graph is, for a weight control: re-drawn (a learned weight) or kept. */
export type WeightRole = 'matrix' | 'bias' | 'embedding';

export interface WeightTensor {
  /** The initializer's name (or the Constant node's output when the tensor has none). */
  key: string;
  ref: TensorRef;
  role: WeightRole;
}

export interface NormTensor {
  key: string;
  ref: TensorRef;
  role: 'norm-scale' | 'norm-shift';
}

const FLOAT_TYPES = new Set([ONNX_FLOAT, ONNX_FLOAT16, ONNX_DOUBLE]);
const NORM_OPS = new Set([
  'LayerNormalization',
  'SimplifiedLayerNormalization',
  'RMSNormalization',
  'SkipLayerNormalization',
  'SkipSimplifiedLayerNormalization',
]);

function elements(ref: TensorRef): number {
  return ref.dims.reduce((a, b) => a * b, 1);
}

/**
 * The learned weights of a transformer graph, found by what reads them rather than by name: the constant
 * weight matrices of linear layers (MatMul / Gemm, also through a Transpose or a GPT-2 Conv1D Reshape) and
 * their bias constants, and the token / position embedding tables (the Gather tables behind hook_embed and
 * hook_pos_embed). Float types only, more than one element. Anything else constant — norm scales and shifts,
 * rotary cos/sin caches, masks, scalars — is not a weight and is kept by a control.
 */
export function weightTensors(index: GraphIndex, structure: ModelStructure): WeightTensor[] {
  const out = new Map<TensorRef, WeightTensor>();
  const add = (ref: TensorRef | null, key: string, role: WeightRole) => {
    if (!ref || !FLOAT_TYPES.has(ref.dataType) || elements(ref) <= 1 || out.has(ref)) return;
    out.set(ref, { key: ref.name || key, ref, role });
  };
  for (const node of index.graph.nodes) {
    for (const o of node.outputs) {
      if (!o) continue;
      const l = linearLayerProducing(index, o);
      if (!l) continue;
      add(l.weight, l.weight.name, 'matrix');
      if (l.bias) add(l.bias, l.bias.name, 'bias');
    }
  }
  for (const hook of [structure.embed, structure.posEmbed]) {
    const gather = hook ? index.producer.get(hook) : undefined;
    if (gather?.opType === 'Gather') add(index.constantRef(gather.inputs[0]), gather.inputs[0], 'embedding');
  }
  return [...out.values()];
}

/**
 * The scales and shifts of every norm the graph has: the ones structure discovery found (final norm, each
 * block's MLP norm) and the constant inputs of any fused norm node (which covers the attention norms of
 * fused exports). A decomposed attention norm is not listed, but its γ/β are not weights either, so a
 * control keeps them all the same.
 */
export function normTensors(index: GraphIndex, structure: ModelStructure): NormTensor[] {
  const out = new Map<TensorRef, NormTensor>();
  const add = (ref: TensorRef | null, key: string, role: NormTensor['role']) => {
    if (ref && !out.has(ref)) out.set(ref, { key: ref.name || key, ref, role });
  };
  for (const norm of [structure.finalNorm, ...structure.blocks.map((b) => b.mlpNorm)]) {
    if (!norm) continue;
    add(norm.scale, norm.output, 'norm-scale');
    add(norm.bias, norm.output, 'norm-shift');
  }
  for (const node of index.graph.nodes) {
    if (!NORM_OPS.has(node.opType)) continue;
    // LayerNormalization(x, scale, bias); Skip…Normalization(x, skip, gamma, beta, bias)
    const [scale, shift] = node.opType.startsWith('Skip') ? [node.inputs[2], node.inputs[3]] : [node.inputs[1], node.inputs[2]];
    if (scale) add(index.constantRef(scale), scale, 'norm-scale');
    if (shift) add(index.constantRef(shift), shift, 'norm-shift');
  }
  return [...out.values()];
}
