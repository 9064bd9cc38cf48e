import { OccamError } from '@occam/core';
import { concatBytes, encodeVarint, messageField, stringField, varintField } from './protobufWriter.js';
import { ONNX_FLOAT, ONNX_INT64 } from './onnxModel.js';

// Field numbers from onnx.proto3.
const GRAPH = { node: 1, initializer: 5, input: 11, output: 12 } as const;
const NODE = { input: 1, output: 2, name: 3, opType: 4, attribute: 5 } as const;
const ATTR = { name: 1, i: 3, ints: 8, type: 20 } as const;
const ATTR_TYPE = { INT: 2, INTS: 7 } as const;
const TENSOR = { dims: 1, dataType: 2, name: 8, rawData: 9 } as const;

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

/** ValueInfoProto { name = 1; type = 2 { tensor_type = 1 { elem_type = 1; shape = 2 { dim = 1 { dim_value = 1 | dim_param = 2 } } } } }. */
function valueInfo(name: string, elemType: number | null, dims: FragmentDim[] | null): Uint8Array {
  const tensorType: (Uint8Array | number[])[] = [];
  if (elemType) tensorType.push(varintField(1, elemType));
  if (dims)
    tensorType.push(
      messageField(
        2,
        dims.map((d) => messageField(1, [typeof d === 'number' ? varintField(1, d) : stringField(2, d)])),
      ),
    );
  const parts: (Uint8Array | number[])[] = [stringField(1, name)];
  if (tensorType.length) parts.push(messageField(2, [messageField(1, tensorType)]));
  return concatBytes(parts);
}

/** The model bytes with a fragment's GraphProto body appended as `ModelProto { graph = 7 { … } }`. */
export function appendGraph(original: Uint8Array, graphBody: Uint8Array): Uint8Array {
  if (graphBody.length === 0) return original;
  const suffix = concatBytes([encodeVarint(7 * 8 + 2), encodeVarint(graphBody.length), graphBody]);
  const out = new Uint8Array(original.length + suffix.length);
  out.set(original, 0);
  out.set(suffix, original.length);
  return out;
}
