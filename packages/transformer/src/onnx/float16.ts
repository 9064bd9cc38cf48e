/**
 * IEEE half precision (ONNX FLOAT16, onnxruntime's 'float16' tensors) to a number: the one decoder for
 * float16 initializers (onnx/tensorData.ts) and float16 outputs (model-dir/languageModel.ts).
 */
export function float16ToFloat32(h: number): number {
  const s = h & 0x8000 ? -1 : 1;
  const e = (h >> 10) & 0x1f;
  const f = h & 0x3ff;
  if (e === 0) return s * 2 ** -14 * (f / 1024);
  if (e === 31) return f ? NaN : s * Infinity;
  return s * 2 ** (e - 15) * (1 + f / 1024);
}

/** Every half of `halves` as float32. */
export function float16ArrayToFloat32(halves: Uint16Array): Float32Array {
  const out = new Float32Array(halves.length);
  for (let i = 0; i < halves.length; i++) out[i] = float16ToFloat32(halves[i]);
  return out;
}
