import { bytesField, stringField, varintField } from './protobufWriter.js';

/**
 * An extra graph output: a tensor name and, when the file records it, its element type
 * (TensorProto.DataType, 1 = float). onnxruntime accepts a bare name and infers the type.
 */
export interface ExtraOutput {
  name: string;
  elemType?: number | null;
}

/**
 * Make intermediate tensors readable without re-encoding the model: encode a second, tiny ModelProto
 * whose only content is `graph { output: [...] }` and append it to the original bytes. Protobuf merges
 * concatenated messages (embedded messages merge, repeated fields append), so onnxruntime sees the
 * original graph with these names added to graph.output. Scalar fields of ModelProto are not touched.
 */
export function appendGraphOutputs(original: Uint8Array, outputs: ExtraOutput[]): Uint8Array {
  if (outputs.length === 0) return original;
  const graphBody: number[] = [];
  for (const o of outputs) {
    // ValueInfoProto { name = 1; type = 2 { tensor_type = 1 { elem_type = 1 } } } — shape left out
    const valueInfo = stringField(1, o.name);
    if (o.elemType) valueInfo.push(...bytesField(2, bytesField(1, varintField(1, o.elemType))));
    graphBody.push(...bytesField(12, valueInfo));
  }
  const suffix = Uint8Array.from(bytesField(7, graphBody)); // ModelProto.graph = 7
  const out = new Uint8Array(original.length + suffix.length);
  out.set(original, 0);
  out.set(suffix, original.length);
  return out;
}
