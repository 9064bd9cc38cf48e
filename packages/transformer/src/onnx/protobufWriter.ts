/** The few protobuf encoders needed to append graph outputs to an ONNX file: varints, tags, nested messages. */

export function encodeVarint(value: number): number[] {
  if (value < 0 || !Number.isInteger(value)) throw new RangeError(`protobuf varint: ${value} is not a non-negative integer`);
  const out: number[] = [];
  let v = value;
  while (v >= 0x80) {
    out.push((v % 0x80) | 0x80);
    v = Math.floor(v / 0x80);
  }
  out.push(v);
  return out;
}

/** A length-delimited field (wire type 2): tag, length, payload. */
export function bytesField(field: number, payload: Uint8Array | number[]): number[] {
  const body = Array.from(payload);
  return [...encodeVarint(field * 8 + 2), ...encodeVarint(body.length), ...body];
}

export function varintField(field: number, value: number): number[] {
  return [...encodeVarint(field * 8), ...encodeVarint(value)];
}

export function stringField(field: number, value: string): number[] {
  return bytesField(field, new TextEncoder().encode(value));
}

/** Bytes or byte values, concatenated into one Uint8Array (no per-byte arrays for large payloads). */
export function concatBytes(parts: (Uint8Array | number[])[]): Uint8Array {
  let n = 0;
  for (const p of parts) n += p.length;
  const out = new Uint8Array(n);
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

/** A length-delimited field whose payload is given in parts (messages, raw tensor data). */
export function messageField(field: number, parts: (Uint8Array | number[])[]): Uint8Array {
  const body = concatBytes(parts);
  return concatBytes([encodeVarint(field * 8 + 2), encodeVarint(body.length), body]);
}
