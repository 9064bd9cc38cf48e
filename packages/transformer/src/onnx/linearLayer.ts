import type { GraphIndex } from './graphIndex.js';
import type { TensorRef } from './onnxModel.js';

/**
 * A linear map found in the graph: output = input · W (+ bias). `transposed` says W is stored
 * [out, in] (a Transpose of the initializer, or Gemm with transB) instead of [in, out].
 */
export interface LinearLayer {
  input: string;
  output: string;
  weight: TensorRef;
  transposed: boolean;
  bias: TensorRef | null;
}

function weightOf(index: GraphIndex, name: string): { ref: TensorRef; transposed: boolean } | null {
  const direct = index.constantRef(name);
  if (direct && direct.dims.length === 2) return { ref: direct, transposed: false };
  const p = index.producer.get(name);
  if (p && p.opType === 'Transpose') {
    const perm = p.attributes.get('perm')?.ints;
    const inner = index.constantRef(p.inputs[0]);
    if (inner && inner.dims.length === 2 && (!perm || (perm[0] === 1 && perm[1] === 0))) return { ref: inner, transposed: true };
  }
  return null;
}

/**
 * Recognise `tensor` as the output of a linear layer with constant weights: MatMul(x, W) optionally
 * followed by Add(bias), or Gemm(x, W, bias). Hugging Face GPT-2's Conv1D exports as
 * Reshape(Gemm(Reshape(x, [-1, in]), W, b), [..., out]): both Reshapes are looked through, so `input`
 * is the un-flattened x. Returns null for anything else.
 */
export function linearLayerProducing(index: GraphIndex, tensor: string): LinearLayer | null {
  let p = index.producer.get(tensor);
  if (!p) return null;
  let unflattened = false;
  if (p.opType === 'Reshape') {
    const inner = index.producer.get(p.inputs[0]);
    if (!inner || !['Gemm', 'MatMul', 'Add'].includes(inner.opType)) return null;
    p = inner;
    unflattened = true;
  }
  let bias: TensorRef | null = null;
  if (p.opType === 'Add') {
    const [a, b] = p.inputs;
    let inner: string;
    if (index.isConstant(b)) {
      bias = index.constantRef(b);
      inner = a;
    } else if (index.isConstant(a)) {
      bias = index.constantRef(a);
      inner = b;
    } else return null;
    p = index.producer.get(inner);
    if (!p) return null;
  }
  const inputOf = (x: string) => {
    if (!unflattened) return x;
    const flatten = index.producer.get(x);
    return flatten && flatten.opType === 'Reshape' ? flatten.inputs[0] : x;
  };
  if (p.opType === 'MatMul') {
    const w = weightOf(index, p.inputs[1]);
    if (!w) return null;
    return { input: inputOf(p.inputs[0]), output: tensor, weight: w.ref, transposed: w.transposed, bias };
  }
  if (p.opType === 'Gemm' && bias === null) {
    if ((p.attributes.get('transA')?.i ?? 0) !== 0) return null;
    const w = weightOf(index, p.inputs[1]);
    if (!w) return null;
    const transB = (p.attributes.get('transB')?.i ?? 0) !== 0;
    const c = p.inputs[2] ? index.constantRef(p.inputs[2]) : null;
    return { input: inputOf(p.inputs[0]), output: tensor, weight: w.ref, transposed: w.transposed !== transB, bias: c };
  }
  return null;
}

/** [in, out] of a linear layer's weight. */
export function linearShape(l: LinearLayer): [number, number] {
  const [a, b] = l.weight.dims;
  return l.transposed ? [b, a] : [a, b];
}
