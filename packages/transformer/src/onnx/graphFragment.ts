import { OccamError } from '@occam/core';
import { concatBytes, messageField, stringField, varintField } from './protobufWriter.js';
import { ATTR, ATTR_TYPE, DIM, GRAPH, MODEL, NODE, SHAPE, TENSOR, TENSOR_TYPE, TYPE, VALUE_INFO } from './onnxFields.js';
import { ONNX_FLOAT, ONNX_INT64 } from './onnxModel.js';

/** A dimension of a graph input: a size, or a symbolic name. */
export type FragmentDim = number | string;

/**
 * Nodes, initializers, inputs and outputs to add to an existing ONNX graph, encoded as the body of a
 * GraphProto. `appendGraph` appends it to the model bytes as a second ModelProto: protobuf merges the two
 * (repeated fields append), so onnxruntime sees the original graph plus these, without re-encoding it.
 * Node outputs are named `${prefix}…` so they cannot collide with the model's own tensors.
 */
export class GraphFragment {
  private readonly nodes: Uint8Array[] = [];
  private readonly initializers: Uint8Array[] = [];
  private readonly inputs: Uint8Array[] = [];
  private readonly outputs: Uint8Array[] = [];
  private count = 0;
  private readonly int64s = new Map<string, string>();

  /** `opset`: the model's default-domain opset (ReduceSum takes its axes as an input from 13 on). */
  constructor(
    readonly prefix: string,
    readonly opset: number,
  ) {
    if (opset < 7) throw new OccamError(`graph fragment: opset ${opset} is older than this writer supports (7)`);
  }

  /** A fresh tensor name under the prefix. */
  fresh(hint: string): string {
    return `${this.prefix}${hint}_${this.count++}`;
  }

  /** Add a node; returns its (first) output's name. Attributes: integers or lists of non-negative integers. */
  node(opType: string, inputs: string[], attributes: Record<string, number | number[]> = {}, output = this.fresh(opType)): string {
    const attrs = Object.entries(attributes).map(([name, v]) => {
      const parts: (Uint8Array | number[])[] = [stringField(ATTR.name, name)];
      if (Array.isArray(v)) {
        for (const x of v) parts.push(varintField(ATTR.ints, x));
        parts.push(varintField(ATTR.type, ATTR_TYPE.INTS));
      } else parts.push(varintField(ATTR.i, v), varintField(ATTR.type, ATTR_TYPE.INT));
      return messageField(NODE.attribute, parts);
    });
    this.nodes.push(
      messageField(GRAPH.node, [
        ...inputs.map((i) => stringField(NODE.input, i)),
        stringField(NODE.output, output),
        stringField(NODE.name, output),
        stringField(NODE.opType, opType),
        ...attrs,
      ]),
    );
    return output;
  }

  /** Sum over one axis (keepdims 0/1), in the form the opset wants. */
  reduceSum(input: string, axis: number, keepdims: 0 | 1): string {
    if (this.opset >= 13) return this.node('ReduceSum', [input, this.int64(`axes${axis}`, [1], [axis])], { keepdims });
    return this.node('ReduceSum', [input], { axes: [axis], keepdims });
  }

  /** A float32 initializer. */
  float(hint: string, dims: number[], values: Float32Array | number[]): string {
    const data = Float32Array.from(values);
    return this.initializer(hint, dims, ONNX_FLOAT, new Uint8Array(data.buffer, data.byteOffset, data.byteLength));
  }

  /** An int64 initializer (shapes, axes); values may be negative. Equal ones are shared. */
  int64(hint: string, dims: number[], values: number[]): string {
    const key = `${dims.join('x')}:${values.join(',')}`;
    let name = this.int64s.get(key);
    if (!name) {
      const data = BigInt64Array.from(values.map((v) => BigInt(v)));
      name = this.initializer(hint, dims, ONNX_INT64, new Uint8Array(data.buffer, data.byteOffset, data.byteLength));
      this.int64s.set(key, name);
    }
    return name;
  }

  private initializer(hint: string, dims: number[], dataType: number, raw: Uint8Array): string {
    // raw_data is little-endian; typed arrays are in the platform's order, which is little-endian on every platform onnxruntime-node ships for
    const name = this.fresh(hint);
    this.initializers.push(
      messageField(GRAPH.initializer, [
        ...dims.map((d) => varintField(TENSOR.dims, d)),
        varintField(TENSOR.dataType, dataType),
        stringField(TENSOR.name, name),
        messageField(TENSOR.rawData, [raw]),
      ]),
    );
    return name;
  }

  /** A new graph input (fed on every run). */
  input(name: string, elemType: number, dims: FragmentDim[]): string {
    this.inputs.push(messageField(GRAPH.input, [valueInfo(name, elemType, dims)]));
    return name;
  }

  /** Expose a tensor as a graph output. */
  output(name: string, elemType: number | null = ONNX_FLOAT): string {
    this.outputs.push(messageField(GRAPH.output, [valueInfo(name, elemType, null)]));
    return name;
  }

  /** The GraphProto body (nodes, initializers, inputs, outputs). */
  encode(): Uint8Array {
    return concatBytes([...this.nodes, ...this.initializers, ...this.inputs, ...this.outputs]);
  }
}

/** A ValueInfoProto: name, and the tensor type (element type, shape) as far as given. */
export function valueInfo(name: string, elemType: number | null, dims: FragmentDim[] | null): Uint8Array {
  const tensorType: (Uint8Array | number[])[] = [];
  if (elemType) tensorType.push(varintField(TENSOR_TYPE.elemType, elemType));
  if (dims)
    tensorType.push(
      messageField(
        TENSOR_TYPE.shape,
        dims.map((d) => messageField(SHAPE.dim, [typeof d === 'number' ? varintField(DIM.value, d) : stringField(DIM.param, d)])),
      ),
    );
  const parts: (Uint8Array | number[])[] = [stringField(VALUE_INFO.name, name)];
  if (tensorType.length) parts.push(messageField(VALUE_INFO.type, [messageField(TYPE.tensorType, tensorType)]));
  return concatBytes(parts);
}

/**
 * The model bytes with a GraphProto body appended as `ModelProto { graph { … } }`: protobuf merges it into
 * the model's graph (repeated fields append), without re-encoding the original.
 */
export function appendGraph(original: Uint8Array, graphBody: Uint8Array): Uint8Array {
  if (graphBody.length === 0) return original;
  const suffix = messageField(MODEL.graph, [graphBody]);
  const out = new Uint8Array(original.length + suffix.length);
  out.set(original, 0);
  out.set(suffix, original.length);
  return out;
}
