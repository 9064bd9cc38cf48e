import { OccamError } from '../errors.js';

/**
 * Bounds on what occam will read, so that a corrupt or hostile input fails fast with a message instead of
 * exhausting memory. Each has a default sized for real data (a neuron data set of 60 atoms × 10⁴ trials ×
 * 400 bins is 240 MB as uint8; a fitted model is well under 1 MB) and can be raised per run with an
 * environment variable or per call with an option. Documented in packages/core/README.md, "Limits".
 */
export interface ReadLimits {
  /** Data bytes of one NumPy array, after decompression (`OCCAM_MAX_NPY_BYTES`). */
  maxNpyBytes: number;
  /** Size of a JSON file (model, spec, search/compare/dynamics result, manifest), checked before reading (`OCCAM_MAX_JSON_BYTES`). */
  maxJsonBytes: number;
  /** Longest lag window a spec may ask for, in bins; a spec's lags must also be shorter than the dataset's trials (`OCCAM_MAX_LAG`). */
  maxLag: number;
  /** Functions in one basis (temporal, history or spatial); also at most one per lag or per distinct attribute value (`OCCAM_MAX_BASIS_FUNCTIONS`). */
  maxBasisFunctions: number;
  /** Bytes of the float32 design matrix a fit would build: scored bins × columns × 4 (`OCCAM_MAX_DESIGN_BYTES`). */
  maxDesignBytes: number;
  /** Sample points in one filter curve of a model drawn in a report (`OCCAM_MAX_FILTER_SAMPLES`). */
  maxFilterSamples: number;
}

const GiB = 1024 ** 3;
const MiB = 1024 ** 2;

export const DEFAULT_LIMITS: Readonly<ReadLimits> = Object.freeze({
  maxNpyBytes: 4 * GiB,
  maxJsonBytes: 64 * MiB,
  maxLag: 100_000,
  maxBasisFunctions: 500,
  maxDesignBytes: 8 * GiB,
  maxFilterSamples: 100_000,
});

/** The environment variable that overrides each limit: named in every message a limit produces. */
export const LIMIT_ENV: Readonly<Record<keyof ReadLimits, string>> = Object.freeze({
  maxNpyBytes: 'OCCAM_MAX_NPY_BYTES',
  maxJsonBytes: 'OCCAM_MAX_JSON_BYTES',
  maxLag: 'OCCAM_MAX_LAG',
  maxBasisFunctions: 'OCCAM_MAX_BASIS_FUNCTIONS',
  maxDesignBytes: 'OCCAM_MAX_DESIGN_BYTES',
  maxFilterSamples: 'OCCAM_MAX_FILTER_SAMPLES',
});

const BYTE_LIMITS = new Set<keyof ReadLimits>(['maxNpyBytes', 'maxJsonBytes', 'maxDesignBytes']);
const SUFFIX: Record<string, number> = { '': 1, k: 1024, m: MiB, g: GiB, t: 1024 * GiB };

/** "64M", "2G", "1.5g", "65536" (bytes); plain integers for counts. */
function parseLimit(name: string, text: string, bytes: boolean): number {
  const m = /^\s*(\d+(?:\.\d+)?)\s*([kmgt]?)(?:i?b)?\s*$/i.exec(text);
  const value = m ? Number(m[1]) * SUFFIX[(bytes ? m[2] : '').toLowerCase() || ''] : NaN;
  if (!m || (!bytes && m[2]) || !Number.isFinite(value) || value < 1) {
    throw new OccamError(
      `environment variable ${name}=${JSON.stringify(text)} is not a valid limit: expected a positive ${bytes ? 'size in bytes (e.g. 512M, 8G)' : 'whole number'}`,
      { field: name },
    );
  }
  return Math.floor(value);
}

/** The limits in force: defaults, then environment variables, then `overrides` (e.g. from a library caller). */
export function readLimits(overrides: Partial<ReadLimits> = {}): ReadLimits {
  const limits = { ...DEFAULT_LIMITS };
  for (const key of Object.keys(LIMIT_ENV) as (keyof ReadLimits)[]) {
    const text = process.env[LIMIT_ENV[key]];
    if (text !== undefined && text !== '') limits[key] = parseLimit(LIMIT_ENV[key], text, BYTE_LIMITS.has(key));
    const o = overrides[key];
    if (o !== undefined) limits[key] = o;
  }
  return limits;
}

/** Human-readable bytes for messages: 64 MiB, 9.4 KiB, 512 B. */
export function formatBytes(bytes: number): string {
  if (bytes >= GiB) return `${+(bytes / GiB).toFixed(2)} GiB`;
  if (bytes >= MiB) return `${+(bytes / MiB).toFixed(1)} MiB`;
  if (bytes >= 1024) return `${+(bytes / 1024).toFixed(1)} KiB`;
  return `${bytes} B`;
}

/** "the 64 MiB limit on JSON files (set OCCAM_MAX_JSON_BYTES to raise it)": the tail of every limit message. */
export function limitText(key: keyof ReadLimits, limits: ReadLimits, what: string): string {
  const value = BYTE_LIMITS.has(key) ? formatBytes(limits[key]) : String(limits[key]);
  return `the ${value} limit on ${what} (set ${LIMIT_ENV[key]} to raise it)`;
}
