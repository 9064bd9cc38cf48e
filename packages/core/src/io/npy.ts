import { readFile } from 'node:fs/promises';
import { gunzipSync, gzipSync } from 'node:zlib';
import { OccamError } from '../errors.js';
import { writeFileAtomic } from './atomicWrite.js';

/**
 * NumPy's .npy format (version 1.0–3.0), so that `numpy.load` reads what occam writes and vice versa.
 * Arrays are C-ordered, little-endian. A `.npy.gz` file is the same bytes gzip-compressed
 * (`numpy.load(gzip.open(path))` reads it); occam uses it for committed reference data.
 */
export type NpyDtype = 'uint8' | 'uint16' | 'int32' | 'float32' | 'float64' | 'bool';
export type NpyData = Uint8Array | Uint16Array | Int32Array | Float32Array | Float64Array;

export interface NpyArray {
  dtype: NpyDtype;
  shape: number[];
  data: NpyData;
}

const DESCR: Record<NpyDtype, string> = {
  uint8: '|u1',
  uint16: '<u2',
  int32: '<i4',
  float32: '<f4',
  float64: '<f8',
  bool: '|b1',
};
const FROM_DESCR: Record<string, NpyDtype> = {
  '|u1': 'uint8', '<u1': 'uint8', u1: 'uint8',
  '<u2': 'uint16',
  '<i4': 'int32',
  '<f4': 'float32',
  '<f8': 'float64',
  '|b1': 'bool', b1: 'bool',
};
const BYTES: Record<NpyDtype, number> = { uint8: 1, uint16: 2, int32: 4, float32: 4, float64: 8, bool: 1 };

export function dtypeOf(data: NpyData): NpyDtype {
  if (data instanceof Uint8Array) return 'uint8';
  if (data instanceof Uint16Array) return 'uint16';
  if (data instanceof Int32Array) return 'int32';
  if (data instanceof Float32Array) return 'float32';
  return 'float64';
}

export function encodeNpy(array: NpyArray): Uint8Array {
  const count = array.shape.reduce((a, b) => a * b, 1);
  if (count !== array.data.length) {
    throw new OccamError(`npy: shape [${array.shape}] holds ${count} values but data has ${array.data.length}`);
  }
  const shape = array.shape.length === 1 ? `(${array.shape[0]},)` : `(${array.shape.join(', ')})`;
  let header = `{'descr': '${DESCR[array.dtype]}', 'fortran_order': False, 'shape': ${shape}, }`;
  // Header length (incl. 10-byte preamble and trailing newline) padded to a multiple of 64 so the data is aligned.
  const pad = 64 - ((10 + header.length + 1) % 64);
  header = header + ' '.repeat(pad % 64) + '\n';
  if (header.length > 65535) throw new OccamError('npy: header too long');
  const out = new Uint8Array(10 + header.length + array.data.byteLength);
  out.set([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 1, 0]);
  out[8] = header.length & 0xff;
  out[9] = header.length >> 8;
  for (let i = 0; i < header.length; i++) out[10 + i] = header.charCodeAt(i);
  out.set(new Uint8Array(array.data.buffer, array.data.byteOffset, array.data.byteLength), 10 + header.length);
  return out;
}

export function decodeNpy(bytes: Uint8Array, file = 'npy'): NpyArray {
  const magic = [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59];
  if (bytes.length < 10 || magic.some((m, i) => bytes[i] !== m)) {
    throw new OccamError(`${file}: not a NumPy .npy file (missing the \\x93NUMPY magic)`, { file });
  }
  const major = bytes[6];
  let headerLen: number;
  let start: number;
  if (major === 1) {
    headerLen = bytes[8] | (bytes[9] << 8);
    start = 10;
  } else if (major === 2 || major === 3) {
    headerLen = bytes[8] | (bytes[9] << 8) | (bytes[10] << 16) | (bytes[11] << 24);
    start = 12;
  } else {
    throw new OccamError(`${file}: unsupported .npy version ${major}`, { file });
  }
  if (start + headerLen > bytes.length) throw new OccamError(`${file}: truncated .npy header`, { file });
  const header = new TextDecoder('latin1').decode(bytes.subarray(start, start + headerLen));
  const descr = /'descr'\s*:\s*'([^']+)'/.exec(header)?.[1];
  const fortran = /'fortran_order'\s*:\s*(True|False)/.exec(header)?.[1];
  const shapeText = /'shape'\s*:\s*\(([^)]*)\)/.exec(header)?.[1];
  if (descr === undefined || fortran === undefined || shapeText === undefined) {
    throw new OccamError(`${file}: malformed .npy header (need descr, fortran_order, shape): ${header.trim()}`, { file });
  }
  const dtype = FROM_DESCR[descr];
  if (!dtype) {
    throw new OccamError(
      `${file}: dtype '${descr}' is not supported (use one of ${Object.values(DESCR).join(', ')}, little-endian)`,
      { file, field: 'descr' },
    );
  }
  if (fortran === 'True') {
    throw new OccamError(`${file}: Fortran-ordered arrays are not supported; save with numpy.ascontiguousarray`, {
      file,
      field: 'fortran_order',
    });
  }
  const shape = shapeText
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s.length > 0)
    .map(Number);
  if (shape.some((d) => !Number.isInteger(d) || d < 0)) {
    throw new OccamError(`${file}: invalid shape (${shapeText})`, { file, field: 'shape' });
  }
  const count = shape.reduce((a, b) => a * b, 1);
  const dataStart = start + headerLen;
  const byteLength = count * BYTES[dtype];
  if (bytes.length - dataStart !== byteLength) {
    throw new OccamError(
      `${file}: expected ${byteLength} data bytes for shape [${shape}] ${dtype}, found ${bytes.length - dataStart}` +
        ' (file truncated or corrupted)',
      { file },
    );
  }
  // Copy into a fresh, aligned buffer: the source buffer's offset need not be a multiple of the element size.
  // (Buffer.slice would return a view into Node's shared pool, so copy explicitly.)
  const raw = new Uint8Array(byteLength);
  raw.set(bytes.subarray(dataStart, dataStart + byteLength));
  const buf = raw.buffer;
  const data: NpyData =
    dtype === 'uint8' || dtype === 'bool'
      ? new Uint8Array(buf)
      : dtype === 'uint16'
        ? new Uint16Array(buf)
        : dtype === 'int32'
          ? new Int32Array(buf)
          : dtype === 'float32'
            ? new Float32Array(buf)
            : new Float64Array(buf);
  return { dtype, shape, data };
}

export async function readNpy(path: string): Promise<NpyArray> {
  let bytes: Uint8Array;
  try {
    bytes = await readFile(path);
  } catch (error) {
    throw new OccamError(`${path}: cannot read (${(error as NodeJS.ErrnoException).code ?? String(error)})`, { file: path });
  }
  if (path.endsWith('.gz')) {
    try {
      bytes = gunzipSync(bytes);
    } catch {
      throw new OccamError(`${path}: not a valid gzip file`, { file: path });
    }
  }
  return decodeNpy(bytes, path);
}

export async function writeNpy(path: string, array: NpyArray): Promise<void> {
  const bytes = encodeNpy(array);
  await writeFileAtomic(path, path.endsWith('.gz') ? gzipSync(bytes, { level: 9 }) : bytes);
}
