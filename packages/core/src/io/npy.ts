import type { FileHandle } from 'node:fs/promises';
import { pipeline } from 'node:stream/promises';
import { createGunzip, gzipSync } from 'node:zlib';
import { OccamError } from '../errors.js';
import { writeFileAtomic } from './atomicWrite.js';
import { formatBytes, limitText, readLimits, type ReadLimits } from './limits.js';
import { openRegularFile, readAt } from './openRegularFile.js';

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
  '|u1': 'uint8',
  '<u1': 'uint8',
  u1: 'uint8',
  '<u2': 'uint16',
  '<i4': 'int32',
  '<f4': 'float32',
  '<f8': 'float64',
  '|b1': 'bool',
  b1: 'bool',
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
  const header = npyHeader(array.dtype, array.shape);
  const out = new Uint8Array(header.length + array.data.byteLength);
  out.set(header);
  out.set(new Uint8Array(array.data.buffer, array.data.byteOffset, array.data.byteLength), header.length);
  return out;
}

/** The bytes before an array's data (preamble and header), as encodeNpy writes them: a streamed writer appends the data itself. */
export function npyHeader(dtype: NpyDtype, shape: readonly number[]): Uint8Array {
  const shapeText = shape.length === 1 ? `(${shape[0]},)` : `(${shape.join(', ')})`;
  let header = `{'descr': '${DESCR[dtype]}', 'fortran_order': False, 'shape': ${shapeText}, }`;
  // Header length (incl. 10-byte preamble and trailing newline) padded to a multiple of 64 so the data is aligned.
  const pad = 64 - ((10 + header.length + 1) % 64);
  header = header + ' '.repeat(pad % 64) + '\n';
  if (header.length > 65535) throw new OccamError('npy: header too long');
  const out = new Uint8Array(10 + header.length);
  out.set([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 1, 0]);
  out[8] = header.length & 0xff;
  out[9] = header.length >> 8;
  for (let i = 0; i < header.length; i++) out[10 + i] = header.charCodeAt(i);
  return out;
}

/** Bytes per value of each dtype. */
export function npyItemBytes(dtype: NpyDtype): number {
  return BYTES[dtype];
}

/** Longest .npy header occam accepts; numpy writes < 200 bytes for any array occam reads (numpy's own default cap is 10 000). */
export const NPY_MAX_HEADER_BYTES = 65536;
const MAX_NDIM = 32;

interface NpyHeader {
  dtype: NpyDtype;
  shape: number[];
  /** Offset of the first data byte. */
  dataStart: number;
  /** count × item size, as the header declares it. */
  dataBytes: number;
}

/**
 * Parse the preamble and header from the first bytes of a file. Returns null while `prefix` is too short to
 * hold the whole header (a streamed read then waits for more), and throws on anything a valid header cannot be.
 */
function parseNpyHeader(prefix: Uint8Array, file: string, complete: boolean): NpyHeader | null {
  const magic = [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59];
  const seen = Math.min(prefix.length, magic.length);
  if (magic.slice(0, seen).some((m, i) => prefix[i] !== m) || (complete && prefix.length < 10)) {
    throw new OccamError(`${file}: not a NumPy .npy file (missing the \\x93NUMPY magic)`, { file });
  }
  if (prefix.length < 12 && !(complete && prefix.length >= 10)) return null;
  const major = prefix[6];
  let headerLen: number;
  let start: number;
  if (major === 1) {
    headerLen = prefix[8] | (prefix[9] << 8);
    start = 10;
  } else if (major === 2 || major === 3) {
    if (prefix.length < 12) throw new OccamError(`${file}: truncated .npy header`, { file });
    headerLen = (prefix[8] | (prefix[9] << 8) | (prefix[10] << 16)) + prefix[11] * 2 ** 24;
    start = 12;
  } else {
    throw new OccamError(`${file}: unsupported .npy version ${major} (occam reads versions 1–3)`, { file });
  }
  if (headerLen > NPY_MAX_HEADER_BYTES) {
    throw new OccamError(
      `${file}: the .npy header claims ${headerLen} bytes, more than the ${NPY_MAX_HEADER_BYTES} a NumPy header can need — the file is corrupt`,
      { file },
    );
  }
  if (start + headerLen > prefix.length) {
    if (complete) throw new OccamError(`${file}: truncated .npy header (${headerLen} header bytes declared, ${prefix.length - start} present)`, { file });
    return null;
  }
  const header = new TextDecoder('latin1').decode(prefix.subarray(start, start + headerLen));
  const descr = /'descr'\s*:\s*'([^']+)'/.exec(header)?.[1];
  const fortran = /'fortran_order'\s*:\s*(True|False)/.exec(header)?.[1];
  const shapeText = /'shape'\s*:\s*\(([^)]*)\)/.exec(header)?.[1];
  if (descr === undefined || fortran === undefined || shapeText === undefined) {
    throw new OccamError(`${file}: malformed .npy header (need descr, fortran_order, shape): ${header.trim().slice(0, 200)}`, { file });
  }
  const dtype = FROM_DESCR[descr];
  if (!dtype) {
    throw new OccamError(`${file}: dtype '${descr}' is not supported (use one of ${Object.values(DESCR).join(', ')}, little-endian)`, { file, field: 'descr' });
  }
  if (fortran === 'True') {
    throw new OccamError(`${file}: Fortran-ordered arrays are not supported; save with numpy.ascontiguousarray`, {
      file,
      field: 'fortran_order',
    });
  }
  const dims = shapeText
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s.length > 0);
  const shape = dims.map((s) => (/^\d+L?$/.test(s) ? Number(s.replace('L', '')) : NaN));
  if (shape.length > MAX_NDIM || shape.some((d) => !Number.isSafeInteger(d))) {
    throw new OccamError(`${file}: invalid shape (${shapeText.slice(0, 200)}) in the .npy header`, { file, field: 'shape' });
  }
  const count = shape.reduce((a, b) => a * b, 1);
  const dataBytes = count * BYTES[dtype];
  if (!Number.isSafeInteger(dataBytes)) {
    throw new OccamError(`${file}: the .npy header's shape [${shape}] is impossibly large — the file is corrupt`, { file, field: 'shape' });
  }
  return { dtype, shape, dataStart: start + headerLen, dataBytes };
}

/** Typed view of an aligned buffer holding an array's data. */
function typedData(dtype: NpyDtype, raw: Uint8Array): NpyData {
  const buf = raw.buffer;
  return dtype === 'uint8' || dtype === 'bool'
    ? new Uint8Array(buf)
    : dtype === 'uint16'
      ? new Uint16Array(buf)
      : dtype === 'int32'
        ? new Int32Array(buf)
        : dtype === 'float32'
          ? new Float32Array(buf)
          : new Float64Array(buf);
}

function dataSizeProblem(file: string, header: NpyHeader, found: number): OccamError {
  return new OccamError(
    `${file}: expected ${header.dataBytes} data bytes for the header's shape [${header.shape}] ${header.dtype}, found ${found}` +
      (found < header.dataBytes ? ' (file truncated or the header lies)' : ' (trailing bytes: the header lies or the file is corrupt)'),
    { file, field: 'shape' },
  );
}

export function decodeNpy(bytes: Uint8Array, file = 'npy'): NpyArray {
  const header = parseNpyHeader(bytes, file, true)!;
  const found = bytes.length - header.dataStart;
  if (found !== header.dataBytes) throw dataSizeProblem(file, header, found);
  // Copy into a fresh, aligned buffer: the source buffer's offset need not be a multiple of the element size.
  // (Buffer.slice would return a view into Node's shared pool, so copy explicitly.)
  const raw = new Uint8Array(header.dataBytes);
  raw.set(bytes.subarray(header.dataStart, header.dataStart + header.dataBytes));
  return { dtype: header.dtype, shape: header.shape, data: typedData(header.dtype, raw) };
}

export interface ReadNpyOptions {
  /** The shape the caller needs, checked on the header before any data is read (and before a .gz is inflated further). */
  shape?: readonly number[];
  /** The dtypes the caller accepts, checked on the header likewise. */
  dtypes?: readonly NpyDtype[];
  /** Where the file was named (e.g. "manifest.json files.inputs"), for messages. */
  namedBy?: string;
  limits?: Partial<ReadLimits>;
}

/** Shape, dtype and size checks that need only the header: a lying or hostile file stops here. */
function checkHeader(file: string, header: NpyHeader, options: ReadNpyOptions, limits: ReadLimits): void {
  const by = options.namedBy ? ` (${options.namedBy})` : '';
  const want = options.shape;
  if (want && (header.shape.length !== want.length || header.shape.some((d, i) => d !== want[i]))) {
    throw new OccamError(`${file}: shape [${header.shape}] does not match the manifest, expected [${want}]${by}`, { file, field: 'shape' });
  }
  if (options.dtypes && !options.dtypes.includes(header.dtype)) {
    throw new OccamError(`${file}: dtype ${header.dtype} not allowed here, expected one of ${options.dtypes.join(', ')}${by}`, { file, field: 'dtype' });
  }
  if (header.dataBytes > limits.maxNpyBytes) {
    throw new OccamError(
      `${file}: shape [${header.shape}] ${header.dtype} is ${formatBytes(header.dataBytes)} of data, over ${limitText('maxNpyBytes', limits, 'one array')}`,
      { file, field: 'shape' },
    );
  }
}

/**
 * Read a .npy or .npy.gz file with every size known before memory is committed: the header is read first
 * and checked (shape, dtype, the size limit) and only then the data, into a buffer of exactly the declared
 * size. A .npy.gz is inflated as a stream and stopped as soon as it outgrows its header's declaration, so a
 * gzip bomb costs a few chunks, not gigabytes. Devices, pipes and directories are refused before reading.
 */
export async function readNpy(path: string, options: ReadNpyOptions = {}): Promise<NpyArray> {
  const limits = readLimits(options.limits);
  const { handle, stats } = await openRegularFile(path, 'NumPy file');
  try {
    if (path.endsWith('.gz')) return await inflateNpy(path, handle, options, limits);
    const prefix = await readAt(handle, Math.min(stats.size, 12 + NPY_MAX_HEADER_BYTES), 0);
    const header = parseNpyHeader(prefix, path, true)!;
    checkHeader(path, header, options, limits);
    const found = stats.size - header.dataStart;
    if (found !== header.dataBytes) throw dataSizeProblem(path, header, found);
    const raw = await readAt(handle, header.dataBytes, header.dataStart);
    if (raw.length !== header.dataBytes) throw dataSizeProblem(path, header, raw.length);
    return { dtype: header.dtype, shape: header.shape, data: typedData(header.dtype, raw) };
  } finally {
    await handle.close();
  }
}

async function inflateNpy(path: string, handle: FileHandle, options: ReadNpyOptions, limits: ReadLimits): Promise<NpyArray> {
  let prefix: Uint8Array = new Uint8Array(0);
  let header: NpyHeader | null = null;
  let raw: Uint8Array | null = null;
  let filled = 0;
  const take = (chunk: Uint8Array) => {
    if (!header) {
      const joined = new Uint8Array(prefix.length + chunk.length);
      joined.set(prefix);
      joined.set(chunk, prefix.length);
      header = parseNpyHeader(joined, path, false);
      if (!header) {
        if (joined.length > 12 + NPY_MAX_HEADER_BYTES)
          throw new OccamError(`${path}: malformed .npy header (no end within ${NPY_MAX_HEADER_BYTES} bytes)`, { file: path });
        prefix = joined;
        return;
      }
      checkHeader(path, header, options, limits);
      raw = new Uint8Array(header.dataBytes);
      chunk = joined.subarray(header.dataStart);
    }
    if (filled + chunk.length > header.dataBytes) {
      throw new OccamError(
        `${path}: decompresses to more than the ${header.dataBytes} data bytes its header declares (shape [${header.shape}] ${header.dtype}) — ` +
          'a corrupt or hostile gzip file; reading stopped there',
        { file: path },
      );
    }
    raw!.set(chunk, filled);
    filled += chunk.length;
  };
  // pipeline reports a sink's own error as an AbortError; keep ours to rethrow it.
  let problem: unknown = null;
  try {
    await pipeline(handle.createReadStream({ autoClose: false, start: 0 }), createGunzip(), async (source: AsyncIterable<Buffer>) => {
      for await (const chunk of source) {
        try {
          take(chunk);
        } catch (error) {
          problem = error;
          throw error;
        }
      }
    });
  } catch (error) {
    if (problem) throw problem;
    if (error instanceof OccamError) throw error;
    const message = (error as Error).message;
    throw new OccamError(
      `${path}: not a valid gzip file (${/unexpected end/i.test(message) ? 'truncated: it ends before the compressed stream does' : message})`,
      { file: path },
    );
  }
  if (!header) {
    parseNpyHeader(prefix, path, true);
    throw new OccamError(`${path}: truncated .npy header`, { file: path });
  }
  const h = header as NpyHeader;
  if (filled !== h.dataBytes) throw dataSizeProblem(path, h, filled);
  return { dtype: h.dtype, shape: h.shape, data: typedData(h.dtype, raw!) };
}

export async function writeNpy(path: string, array: NpyArray): Promise<void> {
  const bytes = encodeNpy(array);
  await writeFileAtomic(path, path.endsWith('.gz') ? gzipSync(bytes, { level: 9 }) : bytes);
}
