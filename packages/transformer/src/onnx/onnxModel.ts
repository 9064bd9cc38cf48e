import { ATTR, DIM, GRAPH, MODEL, NODE, OPSET, SHAPE, STRING_ENTRY, TENSOR, TENSOR_TYPE, TYPE, VALUE_INFO } from './onnxFields.js';
import { ProtobufReader, WIRE_BYTES, type WireField } from './protobufReader.js';

/** ONNX TensorProto.DataType values this package reads or writes. */
export const ONNX_FLOAT = 1;
export const ONNX_INT64 = 7;
export const ONNX_BOOL = 9;
export const ONNX_FLOAT16 = 10;
export const ONNX_DOUBLE = 11;

export type Dim = number | string | null;

/** A graph input, output or value_info entry: name, element type and shape when the file records them. */
export interface ValueInfo {
  name: string;
  elemType: number | null;
  dims: Dim[] | null;
}

/**
 * Where a tensor's values live, without copying them: a byte range of the model file (`raw_data`),
 * values decoded from typed fields (`float_data`, `int64_data`), or a range of an external data file.
 */
export interface TensorRef {
  name: string;
  dims: number[];
  dataType: number;
  raw: { start: number; end: number } | null;
  values: number[] | null;
  external: { location: string; offset: number; length: number | null } | null;
}

export interface OnnxAttribute {
  name: string;
  f?: number;
  i?: number;
  s?: string;
  ints?: number[];
  floats?: number[];
  t?: TensorRef;
}

export interface OnnxNode {
  /** Position in graph.node (ONNX requires topological order). */
  index: number;
  name: string;
  opType: string;
  domain: string;
  inputs: string[];
  outputs: string[];
  attributes: Map<string, OnnxAttribute>;
}

export interface OnnxGraph {
  name: string;
  nodes: OnnxNode[];
  initializers: Map<string, TensorRef>;
  inputs: ValueInfo[];
  outputs: ValueInfo[];
  valueInfo: Map<string, ValueInfo>;
}

export interface OnnxModel {
  irVersion: number;
  opsets: { domain: string; version: number }[];
  graph: OnnxGraph;
  /** The encoded file the ranges in TensorRef.raw point into. */
  bytes: Uint8Array;
}

/**
 * Decode an ONNX ModelProto far enough to discover hooks: nodes (names, op types, inputs, outputs,
 * attributes), initializers as references into the file (or an external data file), and the graph's
 * inputs, outputs and value_info. Subgraphs (If/Loop bodies) are not descended into.
 */
export function parseOnnxModel(bytes: Uint8Array, file = 'model.onnx'): OnnxModel {
  const r = new ProtobufReader(bytes, file);
  const model: OnnxModel = {
    irVersion: 0,
    opsets: [],
    graph: { name: '', nodes: [], initializers: new Map(), inputs: [], outputs: [], valueInfo: new Map() },
    bytes,
  };
  r.forEach(0, bytes.length, (f) => {
    if (f.field === MODEL.irVersion && f.wire === 0) model.irVersion = f.value;
    else if (f.field === MODEL.opsetImport && f.wire === WIRE_BYTES) {
      const op = { domain: '', version: 0 };
      r.forEach(f.start, f.end, (g) => {
        if (g.field === OPSET.domain) op.domain = r.string(g);
        else if (g.field === OPSET.version) op.version = g.value;
      });
      model.opsets.push(op);
    } else if (f.field === MODEL.graph && f.wire === WIRE_BYTES) readGraph(r, f, model.graph);
  });
  return model;
}

function readGraph(r: ProtobufReader, f: WireField, graph: OnnxGraph): void {
  r.forEach(f.start, f.end, (g) => {
    if (g.wire !== WIRE_BYTES) return;
    switch (g.field) {
      case GRAPH.node:
        graph.nodes.push(readNode(r, g, graph.nodes.length));
        break;
      case GRAPH.name:
        graph.name = r.string(g);
        break;
      case GRAPH.initializer: {
        const t = readTensor(r, g);
        graph.initializers.set(t.name, t);
        break;
      }
      case GRAPH.input:
        graph.inputs.push(readValueInfo(r, g));
        break;
      case GRAPH.output:
        graph.outputs.push(readValueInfo(r, g));
        break;
      case GRAPH.valueInfo: {
        const v = readValueInfo(r, g);
        graph.valueInfo.set(v.name, v);
        break;
      }
    }
  });
}

function readNode(r: ProtobufReader, f: WireField, index: number): OnnxNode {
  const node: OnnxNode = { index, name: '', opType: '', domain: '', inputs: [], outputs: [], attributes: new Map() };
  r.forEach(f.start, f.end, (g) => {
    switch (g.field) {
      case NODE.input:
        node.inputs.push(r.string(g));
        break;
      case NODE.output:
        node.outputs.push(r.string(g));
        break;
      case NODE.name:
        node.name = r.string(g);
        break;
      case NODE.opType:
        node.opType = r.string(g);
        break;
      case NODE.domain:
        node.domain = r.string(g);
        break;
      case NODE.attribute: {
        const a = readAttribute(r, g);
        node.attributes.set(a.name, a);
        break;
      }
    }
  });
  return node;
}

function readAttribute(r: ProtobufReader, f: WireField): OnnxAttribute {
  const a: OnnxAttribute = { name: '' };
  r.forEach(f.start, f.end, (g) => {
    switch (g.field) {
      case ATTR.name:
        a.name = r.string(g);
        break;
      case ATTR.f:
        a.f = r.float32(g);
        break;
      case ATTR.i:
        a.i = g.value;
        break;
      case ATTR.s:
        a.s = r.string(g);
        break;
      case ATTR.t:
        a.t = readTensor(r, g);
        break;
      case ATTR.floats:
        r.pushFloats(g, (a.floats ??= []));
        break;
      case ATTR.ints:
        r.pushInts(g, (a.ints ??= []));
        break;
    }
  });
  return a;
}

function readTensor(r: ProtobufReader, f: WireField): TensorRef {
  const t: TensorRef = { name: '', dims: [], dataType: 0, raw: null, values: null, external: null };
  const ext: Record<string, string> = {};
  let location = 0;
  r.forEach(f.start, f.end, (g) => {
    switch (g.field) {
      case TENSOR.dims:
        r.pushInts(g, t.dims);
        break;
      case TENSOR.dataType:
        t.dataType = g.value;
        break;
      case TENSOR.name:
        t.name = r.string(g);
        break;
      case TENSOR.rawData:
        t.raw = { start: g.start, end: g.end };
        break;
      case TENSOR.floatData:
      case TENSOR.doubleData:
        if (g.field === TENSOR.floatData) r.pushFloats(g, (t.values ??= []));
        else {
          const view = new DataView(r.bytes.buffer, r.bytes.byteOffset, r.bytes.byteLength);
          t.values ??= [];
          for (let p = g.start; p + 8 <= g.end; p += 8) t.values.push(view.getFloat64(p, true));
        }
        break;
      case TENSOR.int32Data:
      case TENSOR.int64Data:
        r.pushInts(g, (t.values ??= []));
        break;
      case TENSOR.externalData: {
        let key = '';
        let value = '';
        r.forEach(g.start, g.end, (h) => {
          if (h.field === STRING_ENTRY.key) key = r.string(h);
          else if (h.field === STRING_ENTRY.value) value = r.string(h);
        });
        ext[key] = value;
        break;
      }
      case TENSOR.dataLocation:
        location = g.value;
        break;
    }
  });
  if (location === 1 || ext.location !== undefined) {
    t.external = {
      location: ext.location ?? '',
      offset: ext.offset !== undefined ? Number(ext.offset) : 0,
      length: ext.length !== undefined ? Number(ext.length) : null,
    };
  }
  return t;
}

function readValueInfo(r: ProtobufReader, f: WireField): ValueInfo {
  const v: ValueInfo = { name: '', elemType: null, dims: null };
  r.forEach(f.start, f.end, (g) => {
    if (g.field === VALUE_INFO.name) v.name = r.string(g);
    else if (g.field === VALUE_INFO.type && g.wire === WIRE_BYTES) {
      r.forEach(g.start, g.end, (h) => {
        if (h.field !== TYPE.tensorType || h.wire !== WIRE_BYTES) return;
        r.forEach(h.start, h.end, (k) => {
          if (k.field === TENSOR_TYPE.elemType) v.elemType = k.value;
          else if (k.field === TENSOR_TYPE.shape && k.wire === WIRE_BYTES) {
            v.dims = [];
            r.forEach(k.start, k.end, (d) => {
              if (d.field !== SHAPE.dim || d.wire !== WIRE_BYTES) return;
              let dim: Dim = null;
              r.forEach(d.start, d.end, (e) => {
                if (e.field === DIM.value) dim = e.value;
                else if (e.field === DIM.param) dim = r.string(e);
              });
              v.dims!.push(dim);
            });
          }
        });
      });
    }
  });
  return v;
}
