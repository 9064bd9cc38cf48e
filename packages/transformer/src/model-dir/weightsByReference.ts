import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
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

/** Files at least this large are walked on disk by referenceWeightsInFile instead of being read whole. */
export const WALK_MIN_FILE_BYTES = 16 * 2 ** 20;

/**
 * referenceInlineWeights for a file on disk, without reading it whole: the protobuf framing is walked with
 * small reads and only the fields that are kept are read (graph structure, small tensors); large raw_data
 * payloads are skipped by their length. Gives the same bytes as referenceInlineWeights(whole file). Returns
 * null when the file is smaller than `minFileBytes`, when no initializer is worth referencing, or when the
 * framing is not what a well-formed ONNX file has (truncated, odd wire types): the caller then reads the
 * file whole and parseOnnxModel reports the problem in its own words.
 */
export function referenceWeightsInFile(file: string, minBytes = REFERENCE_MIN_BYTES, minFileBytes = WALK_MIN_FILE_BYTES): Uint8Array | null {
  const fd = openSync(file, 'r');
  try {
    const size = fstatSync(fd).size;
    if (size < minFileBytes) return null;
    return walkFile(fd, size, basename(file), minBytes);
  } catch (error) {
    if (error instanceof Malformed) return null;
    throw error;
  } finally {
    closeSync(fd);
  }
}

class Malformed extends Error {}

interface Field {
  field: number;
  wire: number;
  /** Where the tag starts, where the payload starts (after the length prefix for wire 2), where it ends. */
  tagStart: number;
  start: number;
  end: number;
}

function walkFile(fd: number, size: number, location: string, minBytes: number): Uint8Array | null {
  const read = (start: number, end: number): Uint8Array => {
    if (start < 0 || end > size || end < start) throw new Malformed();
    const out = new Uint8Array(end - start);
    let done = 0;
    while (done < out.length) {
      const n = readSync(fd, out, done, out.length - done, start + done);
      if (n === 0) throw new Malformed();
      done += n;
    }
    return out;
  };
  const varint = (pos: number): [number, number] => {
    const b = read(pos, Math.min(pos + 10, size));
    let value = 0;
    let scale = 1;
    for (let i = 0; i < b.length; i++) {
      value += (b[i] & 0x7f) * scale;
      if ((b[i] & 0x80) === 0) return [value, pos + i + 1];
      scale *= 128;
    }
    throw new Malformed();
  };
  const fields = function* (start: number, end: number): Generator<Field> {
    let pos = start;
    while (pos < end) {
      const [tag, afterTag] = varint(pos);
      const field = Math.floor(tag / 8);
      const wire = tag % 8;
      let f: Field;
      if (wire === 0) f = { field, wire, tagStart: pos, start: afterTag, end: varint(afterTag)[1] };
      else if (wire === 1) f = { field, wire, tagStart: pos, start: afterTag, end: afterTag + 8 };
      else if (wire === 5) f = { field, wire, tagStart: pos, start: afterTag, end: afterTag + 4 };
      else if (wire === 2) {
        const [len, payload] = varint(afterTag);
        f = { field, wire, tagStart: pos, start: payload, end: payload + len };
      } else throw new Malformed();
      if (f.end > end) throw new Malformed();
      yield f;
      pos = f.end;
    }
  };

  let changed = 0;
  const tensor = (t: Field): Uint8Array | null => {
    let raw: Field | null = null;
    for (const g of fields(t.start, t.end)) {
      if (g.field === TENSOR.dataLocation || g.field === TENSOR.externalData) return null;
      if (g.field === TENSOR.rawData) raw = g;
    }
    const payload = raw as Field | null;
    if (!payload || payload.end - payload.start < minBytes) return null;
    const parts: Uint8Array[] = [];
    for (const g of fields(t.start, t.end)) if (g.field !== TENSOR.rawData) parts.push(read(g.tagStart, g.end));
    const entry = (key: string, value: string) => messageField(TENSOR.externalData, [stringField(1, key), stringField(2, value)]);
    parts.push(entry('location', location), entry('offset', String(payload.start)), entry('length', String(payload.end - payload.start)));
    parts.push(Uint8Array.from(varintField(TENSOR.dataLocation, EXTERNAL)));
    changed++;
    return concatBytes(parts);
  };
  const graph = (f: Field): Uint8Array => {
    const parts: Uint8Array[] = [];
    for (const g of fields(f.start, f.end)) {
      const slim = g.field === GRAPH.initializer && g.wire === 2 ? tensor(g) : null;
      parts.push(slim ? messageField(GRAPH.initializer, [slim]) : read(g.tagStart, g.end));
    }
    return concatBytes(parts);
  };
  const parts: Uint8Array[] = [];
  for (const f of fields(0, size)) parts.push(f.field === MODEL.graph && f.wire === 2 ? messageField(MODEL.graph, [graph(f)]) : read(f.tagStart, f.end));
  return changed ? concatBytes(parts) : null;
}
