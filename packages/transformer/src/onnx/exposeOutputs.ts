import { appendGraph, valueInfo } from './graphFragment.js';
import { GRAPH } from './onnxFields.js';
import { concatBytes, messageField } from './protobufWriter.js';

/**
 * An extra graph output: a tensor name and, when the file records it, its element type
 * (TensorProto.DataType, 1 = float). onnxruntime accepts a bare name and infers the type.
 */
export interface ExtraOutput {
  name: string;
  elemType?: number | null;
}

/**
 * Make intermediate tensors readable without re-encoding the model: append a second, tiny ModelProto
 * whose only content is `graph { output: [...] }` (shapes left out). Protobuf merges concatenated
 * messages (embedded messages merge, repeated fields append), so onnxruntime sees the original graph with
 * these names added to graph.output. Scalar fields of ModelProto are not touched.
 */
export function appendGraphOutputs(original: Uint8Array, outputs: ExtraOutput[]): Uint8Array {
  if (outputs.length === 0) return original;
  return appendGraph(original, concatBytes(outputs.map((o) => messageField(GRAPH.output, [valueInfo(o.name, o.elemType ?? null, null)]))));
}
