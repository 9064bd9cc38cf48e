import { OccamError } from '@occam/core';
import { float32ToFloat16 } from '../onnx/float16.js';
import { ONNX_DOUBLE, ONNX_FLOAT, ONNX_FLOAT16 } from '../onnx/onnxModel.js';

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
