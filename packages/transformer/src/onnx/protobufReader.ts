import { OccamError } from '@occam/core';

/** Protobuf wire types (the only four an ONNX file uses). */
export const WIRE_VARINT = 0;
export const WIRE_FIXED64 = 1;
export const WIRE_BYTES = 2;
export const WIRE_FIXED32 = 5;

/**
 * One field of an encoded message. For WIRE_BYTES, `start`/`end` delimit the payload inside the
 * reader's buffer (nothing is copied); for varints `value` is the number (int64 two's complement
 * read as a signed number); for fixed widths `start` points at the bytes.
 */
export interface WireField {
  field: number;
  wire: number;
  value: number;
  start: number;
  end: number;
}

/**
 * A minimal protobuf reader over a byte range: enough to walk ONNX's ModelProto without a schema
 * compiler or a copy of the (possibly large) initializer payloads.
 */
export class ProtobufReader {
  private readonly view: DataView;
  constructor(
    readonly bytes: Uint8Array,
    private readonly what = 'protobuf message',
  ) {
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }

  /** Read a varint at `pos`; returns [value, next position]. Values beyond 2^53 lose precision; 10-byte negatives are exact. */
  varint(pos: number): [number, number] {
    const b = this.bytes;
    let result = 0;
    let scale = 1;
    let i = pos;
    // up to 7 bytes (49 bits) fit a double exactly; longer encodings (large or negative int64) go through BigInt
    for (let n = 0; n < 7; n++) {
      if (i >= b.length) throw this.truncated(pos);
      const byte = b[i++];
      result += (byte & 0x7f) * scale;
      if ((byte & 0x80) === 0) return [result, i];
      scale *= 128;
    }
    return this.bigVarint(pos);
  }

  private bigVarint(pos: number): [number, number] {
    const b = this.bytes;
    let result = 0n;
    let shift = 0n;
    let i = pos;
    for (let n = 0; n < 10; n++) {
      if (i >= b.length) throw this.truncated(pos);
      const byte = b[i++];
      result |= BigInt(byte & 0x7f) << shift;
      shift += 7n;
      if ((byte & 0x80) === 0) return [Number(BigInt.asIntN(64, result)), i];
    }
    throw new OccamError(`${this.what}: malformed varint at byte ${pos}`);
  }

  private truncated(pos: number): OccamError {
    return new OccamError(`${this.what}: truncated at byte ${pos} of ${this.bytes.length}`);
  }

  /** Visit every field of the message in bytes[start, end). */
  forEach(start: number, end: number, visit: (f: WireField) => void): void {
    let pos = start;
    while (pos < end) {
      const [tag, afterTag] = this.varint(pos);
      const field = Math.floor(tag / 8);
      const wire = tag & 7;
      pos = afterTag;
      switch (wire) {
        case WIRE_VARINT: {
          const [value, next] = this.varint(pos);
          visit({ field, wire, value, start: pos, end: next });
          pos = next;
          break;
        }
        case WIRE_FIXED64:
          if (pos + 8 > end) throw this.truncated(pos);
          visit({ field, wire, value: 0, start: pos, end: pos + 8 });
          pos += 8;
          break;
        case WIRE_BYTES: {
          const [len, next] = this.varint(pos);
          if (next + len > end) throw this.truncated(pos);
          visit({ field, wire, value: len, start: next, end: next + len });
          pos = next + len;
          break;
        }
        case WIRE_FIXED32:
          if (pos + 4 > end) throw this.truncated(pos);
          visit({ field, wire, value: 0, start: pos, end: pos + 4 });
          pos += 4;
          break;
        default:
          throw new OccamError(`${this.what}: unsupported wire type ${wire} (field ${field}) at byte ${pos}`);
      }
    }
  }

  string(f: WireField): string {
    return new TextDecoder().decode(this.bytes.subarray(f.start, f.end));
  }

  float32(f: WireField): number {
    return this.view.getFloat32(f.start, true);
  }

  /** A repeated int64 field: packed (one WIRE_BYTES run) or one varint per entry. */
  pushInts(f: WireField, out: number[]): void {
    if (f.wire === WIRE_VARINT) {
      out.push(f.value);
      return;
    }
    let pos = f.start;
    while (pos < f.end) {
      const [v, next] = this.varint(pos);
      out.push(v);
      pos = next;
    }
  }

  /** A repeated float field: packed or one fixed32 per entry. */
  pushFloats(f: WireField, out: number[]): void {
    if (f.wire === WIRE_FIXED32) {
      out.push(this.float32(f));
      return;
    }
    for (let pos = f.start; pos + 4 <= f.end; pos += 4) out.push(this.view.getFloat32(pos, true));
  }
}
