import { OccamError } from '@occam/core';
import { ONNX_DOUBLE, ONNX_FLOAT, ONNX_FLOAT16 } from '../onnx/onnxModel.js';

const f32 = new Float32Array(1);
const u32 = new Uint32Array(f32.buffer);

/** IEEE half precision of a number, rounded to nearest even (overflow → ±Inf; NaN kept). */
export function float32ToFloat16(value: number): number {
  f32[0] = value;
  const x = u32[0];
  const sign = (x >>> 16) & 0x8000;
  const exp = (x >>> 23) & 0xff;
  let mant = x & 0x7fffff;
  if (exp === 0xff) return sign | 0x7c00 | (mant ? 0x200 : 0);
  let e = exp - 127 + 15;
  if (e >= 0x1f) return sign | 0x7c00;
  if (e <= 0) {
    if (e < -10) return sign;
    mant |= 0x800000;
    const shift = 14 - e;
    let half = mant >>> shift;
    const rest = mant & ((1 << shift) - 1);
    const mid = 1 << (shift - 1);
    if (rest > mid || (rest === mid && half & 1)) half++;
    return sign | half;
  }
  let half = (e << 10) | (mant >>> 13);
  const rest = mant & 0x1fff;
  if (rest > 0x1000 || (rest === 0x1000 && half & 1)) half++;
  return sign | half;
}

/** Bytes per element of the float types a control rewrites. */
export const FLOAT_WIDTH: Record<number, number> = { [ONNX_FLOAT]: 4, [ONNX_FLOAT16]: 2, [ONNX_DOUBLE]: 8 };

/** Write `values` into `target` (little-endian, ONNX raw_data layout) as `dataType`; target.length must be values.length × width. */
export function encodeFloatsInto(values: Float64Array, dataType: number, target: Uint8Array, name: string): void {
  const width = FLOAT_WIDTH[dataType];
  if (width === undefined) throw new OccamError(`tensor '${name}': data type ${dataType} is not a float type a control can rewrite`);
  if (target.length !== values.length * width)
    throw new OccamError(`tensor '${name}': ${target.length} bytes of data for ${values.length} values of ${width} bytes`);
  const view = new DataView(target.buffer, target.byteOffset, target.byteLength);
  if (dataType === ONNX_FLOAT) for (let i = 0; i < values.length; i++) view.setFloat32(4 * i, values[i], true);
  else if (dataType === ONNX_FLOAT16) for (let i = 0; i < values.length; i++) view.setUint16(2 * i, float32ToFloat16(values[i]), true);
  else for (let i = 0; i < values.length; i++) view.setFloat64(8 * i, values[i], true);
}
