import { open } from 'node:fs/promises';
import { isAbsolute, join, normalize, sep } from 'node:path';
import { OccamError } from '@occam/core';
import { float16ToFloat32 } from './float16.js';
import { ONNX_DOUBLE, ONNX_FLOAT, ONNX_FLOAT16, type OnnxModel, type TensorRef } from './onnxModel.js';

function decode(bytes: Uint8Array, dataType: number, count: number, name: string): Float32Array {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const out = new Float32Array(count);
  if (dataType === ONNX_FLOAT) for (let i = 0; i < count; i++) out[i] = view.getFloat32(4 * i, true);
  else if (dataType === ONNX_FLOAT16) for (let i = 0; i < count; i++) out[i] = float16ToFloat32(view.getUint16(2 * i, true));
  else if (dataType === ONNX_DOUBLE) for (let i = 0; i < count; i++) out[i] = view.getFloat64(8 * i, true);
  else throw new OccamError(`tensor '${name}': data type ${dataType} is not a float type this package reads`);
  return out;
}

const BYTES_PER: Record<number, number> = { [ONNX_FLOAT]: 4, [ONNX_FLOAT16]: 2, [ONNX_DOUBLE]: 8 };

/**
 * The values of a float initializer (or Constant tensor) as float32, from the model bytes or from its
 * external data file (resolved inside `modelDir`, never outside it).
 */
export async function readTensorFloat32(model: OnnxModel, ref: TensorRef, modelDir: string): Promise<Float32Array> {
  const count = ref.dims.reduce((a, b) => a * b, 1);
  if (ref.values) return Float32Array.from(ref.values);
  const width = BYTES_PER[ref.dataType];
  if (width === undefined) throw new OccamError(`tensor '${ref.name}': data type ${ref.dataType} is not a float type this package reads`);
  if (ref.raw) return decode(model.bytes.subarray(ref.raw.start, ref.raw.end), ref.dataType, count, ref.name);
  if (ref.external) {
    const rel = normalize(ref.external.location);
    if (isAbsolute(rel) || rel.startsWith('..' + sep) || rel === '..') {
      throw new OccamError(`tensor '${ref.name}': external data location '${ref.external.location}' leaves the model folder`);
    }
    const path = join(modelDir, rel);
    const length = ref.external.length ?? count * width;
    const handle = await open(path, 'r').catch(() => {
      throw new OccamError(`tensor '${ref.name}': external data file ${path} not found`, { file: path });
    });
    try {
      const buf = new Uint8Array(length);
      const { bytesRead } = await handle.read(buf, 0, length, ref.external.offset);
      if (bytesRead !== length)
        throw new OccamError(`${path}: expected ${length} bytes at offset ${ref.external.offset} for '${ref.name}', read ${bytesRead}`, { file: path });
      return decode(buf, ref.dataType, count, ref.name);
    } finally {
      await handle.close();
    }
  }
  if (count === 0) return new Float32Array(0);
  throw new OccamError(`tensor '${ref.name}' has no data`);
}
