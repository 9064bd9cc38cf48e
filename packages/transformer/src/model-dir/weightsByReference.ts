import { basename } from 'node:path';
import { GRAPH, MODEL, TENSOR } from '../onnx/onnxFields.js';
import { ProtobufReader, type WireField } from '../onnx/protobufReader.js';
import { concatBytes, messageField, stringField, varintField } from '../onnx/protobufWriter.js';

/** Initializers with at least this many bytes of raw_data are referenced rather than carried. */
export const REFERENCE_MIN_BYTES = 1024;

const EXTERNAL = 1; // TensorProto.DataLocation.EXTERNAL

/** A field copied as it was encoded (tag, length prefix if any, payload). */
function verbatim(bytes: Uint8Array, tagStart: number, f: WireField): Uint8Array {
  return bytes.subarray(tagStart, f.end);
}

/**
 * The model with every large top-level initializer's raw_data replaced by an external-data reference to the
 * same bytes inside the model file itself (location = the file's name, offset = where the payload sits).
 *
 * Why: the graph must be rewritten in memory for each session (hook outputs, in-graph atoms), and a model read
 * whole into JS and copied per rewrite costs several times its size (a 340 MB GPT-2-small file: the file, each
 * rewritten copy, and onnxruntime's own copy of the initializers parsed from the bytes). With the weights
 * referenced, JS holds only the graph's structure (kilobytes to a few MB), and onnxruntime reads the weights
 * straight from the file. Returns null when no initializer is large enough to be worth it.
 *
 * `bytes` must be the whole content of `file` (offsets are file offsets). Fields of ModelProto, GraphProto
 * and TensorProto other than the rewritten ones are copied verbatim, in order.
 */
export function referenceInlineWeights(bytes: Uint8Array, file: string, minBytes = REFERENCE_MIN_BYTES): Uint8Array | null {
  const r = new ProtobufReader(bytes, file);
  const location = basename(file);
  let changed = 0;

  const tensor = (f: WireField): Uint8Array | null => {
    let raw: WireField | null = null;
    let hasLocation = false;
    r.forEach(f.start, f.end, (g) => {
      if (g.field === TENSOR.rawData) raw = g;
      if (g.field === TENSOR.dataLocation || g.field === TENSOR.externalData) hasLocation = true;
    });
    const payload = raw as WireField | null;
    if (!payload || hasLocation || payload.end - payload.start < minBytes) return null;
    const parts: Uint8Array[] = [];
    forEachWithTag(r, f.start, f.end, (g, tagStart) => {
      if (g.field !== TENSOR.rawData) parts.push(verbatim(bytes, tagStart, g));
    });
    const entry = (key: string, value: string) => messageField(TENSOR.externalData, [stringField(1, key), stringField(2, value)]);
    parts.push(entry('location', location), entry('offset', String(payload.start)), entry('length', String(payload.end - payload.start)));
    parts.push(Uint8Array.from(varintField(TENSOR.dataLocation, EXTERNAL)));
    changed++;
    return concatBytes(parts);
  };

  const graph = (f: WireField): Uint8Array => {
    const parts: Uint8Array[] = [];
    forEachWithTag(r, f.start, f.end, (g, tagStart) => {
      const slim = g.field === GRAPH.initializer ? tensor(g) : null;
      parts.push(slim ? messageField(GRAPH.initializer, [slim]) : verbatim(bytes, tagStart, g));
    });
    return concatBytes(parts);
  };

  const parts: Uint8Array[] = [];
  forEachWithTag(r, 0, bytes.length, (g, tagStart) => {
    parts.push(g.field === MODEL.graph ? messageField(MODEL.graph, [graph(g)]) : verbatim(bytes, tagStart, g));
  });
  if (changed === 0) return null;
  return concatBytes(parts);
}

/** ProtobufReader.forEach, also passing where each field's tag starts (to copy fields verbatim). */
function forEachWithTag(r: ProtobufReader, start: number, end: number, visit: (f: WireField, tagStart: number) => void): void {
  let tagStart = start;
  r.forEach(start, end, (f) => {
    visit(f, tagStart);
    tagStart = f.end; // every wire type's field ends at f.end, where the next tag begins
  });
}
