import type { OnnxGraph, OnnxModel, OnnxNode, TensorRef } from './onnxModel.js';

/** Matches a layer segment in a torch.onnx.export scope: `h.3`, `layers.3`, `layer.3`, `blocks.3`. */
const LAYER_SEGMENT = /(?:^|[/.])(h|layers|layer|blocks|block)\.(\d+)(?=[/.]|$)/;

export interface LayerScope {
  /** The module name the index follows: 'h' (GPT-2 style), 'layers' (Llama style), … */
  container: string;
  layer: number;
}

/** The layer a node belongs to, from its scope (node name, or its first output's name when unnamed). */
export function layerScopeOf(node: OnnxNode): LayerScope | null {
  const m = LAYER_SEGMENT.exec(node.name) ?? (node.outputs[0] ? LAYER_SEGMENT.exec(node.outputs[0]) : null);
  return m ? { container: m[1], layer: Number(m[2]) } : null;
}

/**
 * Lookups over a graph: who produces and who consumes each tensor, which tensors are constants
 * (initializers, Constant nodes, or Transpose/Cast/Identity of those), and walks backwards.
 */
export class GraphIndex {
  readonly producer = new Map<string, OnnxNode>();
  readonly consumers = new Map<string, OnnxNode[]>();
  readonly graphInputs: Set<string>;
  readonly graphOutputs: Set<string>;
  readonly layerOf: (LayerScope | null)[];

  readonly graph: OnnxGraph;

  constructor(readonly model: OnnxModel) {
    const graph = model.graph;
    this.graph = graph;
    for (const node of graph.nodes) {
      for (const o of node.outputs) if (o) this.producer.set(o, node);
      for (const i of node.inputs) {
        if (!i) continue;
        let list = this.consumers.get(i);
        if (!list) this.consumers.set(i, (list = []));
        list.push(node);
      }
    }
    this.graphInputs = new Set(graph.inputs.map((v) => v.name).filter((n) => !graph.initializers.has(n)));
    this.graphOutputs = new Set(graph.outputs.map((v) => v.name));
    this.layerOf = graph.nodes.map(layerScopeOf);
  }

  /** The tensor's data when it is a constant: an initializer, a Constant node's value (nothing computed). */
  constantRef(name: string): TensorRef | null {
    const init = this.graph.initializers.get(name);
    if (init) return init;
    const p = this.producer.get(name);
    if (p && p.opType === 'Constant') return p.attributes.get('value')?.t ?? null;
    // torch.onnx.export deduplicates parameters with identical values (e.g. untrained layer norms) and
    // points the duplicates at the survivor through Identity nodes.
    if (p && p.opType === 'Identity' && p.inputs[0] && p.inputs[0] !== name) return this.constantRef(p.inputs[0]);
    return null;
  }

  /** True when the tensor does not depend on any graph input (weights, shapes of weights, folded constants). */
  isConstant(name: string, seen = new Set<string>()): boolean {
    if (this.graph.initializers.has(name)) return true;
    if (this.graphInputs.has(name)) return false;
    const p = this.producer.get(name);
    if (!p) return false;
    if (p.opType === 'Constant') return true;
    if (seen.has(name)) return false;
    seen.add(name);
    if (!['Transpose', 'Cast', 'Identity', 'Reshape', 'Unsqueeze', 'Squeeze'].includes(p.opType)) return false;
    return p.inputs.every((i) => !i || this.isConstant(i, seen));
  }

  /** A scalar constant's value (Constant node or initializer with one element), or null. */
  scalarValue(name: string): number | null {
    const ref = this.constantRef(name);
    if (!ref) return null;
    const count = ref.dims.reduce((a, b) => a * b, 1);
    if (count !== 1) return null;
    if (ref.values && ref.values.length === 1) return ref.values[0];
    if (ref.raw) {
      const b = this.model.bytes;
      const view = new DataView(b.buffer, b.byteOffset + ref.raw.start, ref.raw.end - ref.raw.start);
      if (ref.dataType === 1) return view.getFloat32(0, true);
      if (ref.dataType === 11) return view.getFloat64(0, true);
    }
    return null;
  }

  /**
   * The nodes (by index) whose outputs `tensor` depends on, walking back through producers while
   * `keep(node)` holds and never past a tensor in `stop`.
   */
  ancestors(tensor: string, keep: (node: OnnxNode) => boolean, stop: Set<string> = new Set()): Set<number> {
    const found = new Set<number>();
    const todo = [tensor];
    const seen = new Set<string>();
    while (todo.length) {
      const t = todo.pop()!;
      if (seen.has(t) || stop.has(t)) continue;
      seen.add(t);
      const p = this.producer.get(t);
      if (!p || !keep(p) || found.has(p.index)) continue;
      found.add(p.index);
      for (const i of p.inputs) if (i) todo.push(i);
    }
    return found;
  }

  /** Whether `tensor` is computed from `source` through nodes that satisfy `keep`. */
  dependsOn(tensor: string, source: string, keep: (node: OnnxNode) => boolean): boolean {
    const todo = [tensor];
    const seen = new Set<string>();
    while (todo.length) {
      const t = todo.pop()!;
      if (t === source) return true;
      if (seen.has(t)) continue;
      seen.add(t);
      const p = this.producer.get(t);
      if (!p || !keep(p)) continue;
      for (const i of p.inputs) if (i) todo.push(i);
    }
    return false;
  }
}
