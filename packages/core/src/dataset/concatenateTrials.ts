import { isDeepStrictEqual } from 'node:util';
import { OccamError } from '../errors.js';
import { checkManifest, createDataset, type Dataset, type InputArray, type TargetArray } from './dataset.js';
import type { DatasetManifest } from './schema.js';

/**
 * One Dataset from parts that hold consecutive trials of the same extraction (shards of one run): trials
 * concatenated in order, bins padded to the longest part with zeros that are not scored — exactly what one
 * unsharded run writes. Everything but the trials must agree (atoms, target, bin layout, markers, metadata);
 * `perTrialMetadata` names metadata keys that hold one entry per trial (a part without the key gives its
 * trials `fill`): they are concatenated, at the place the key has in the first part that carries it.
 */
export function concatenateTrials(parts: Dataset[], options: { perTrialMetadata?: Record<string, unknown> } = {}): Dataset {
  if (parts.length === 0) throw new OccamError('concatenateTrials: no parts');
  const manifest = concatenateManifests(
    parts.map((p) => p.manifest),
    options,
  );
  parts.forEach((p, k) => {
    if (p.inputs.constructor !== parts[0].inputs.constructor || p.target.constructor !== parts[0].target.constructor)
      throw new OccamError(`part ${k} stores its arrays in other dtypes than part 0`);
  });
  const { nTrials, nBins } = manifest;
  const A = manifest.atoms.length;
  const make = <T extends InputArray | TargetArray | Uint8Array>(like: T, length: number): T => new (like.constructor as new (n: number) => T)(length);
  const inputs = make(parts[0].inputs, A * nTrials * nBins);
  const target = make(parts[0].target, nTrials * nBins);
  const scored = new Uint8Array(nTrials * nBins);
  let t0 = 0;
  for (const p of parts) {
    const { nTrials: n, nBins: b } = p.manifest;
    for (let t = 0; t < n; t++) {
      const from = t * b;
      const to = (t0 + t) * nBins;
      target.set(p.target.subarray(from, from + b), to);
      scored.set(p.scored.subarray(from, from + b), to);
      for (let a = 0; a < A; a++) {
        const src = (a * n + t) * b;
        inputs.set(p.inputs.subarray(src, src + b), (a * nTrials + t0 + t) * nBins);
      }
    }
    t0 += n;
  }
  return createDataset(manifest, { inputs, target, scored });
}

/**
 * The manifest of the concatenation of parts (see concatenateTrials), from their manifests alone: trials and
 * per-trial entries concatenated, bins the longest part's, everything else checked equal.
 */
export function concatenateManifests(parts: DatasetManifest[], options: { perTrialMetadata?: Record<string, unknown> } = {}): DatasetManifest {
  if (parts.length === 0) throw new OccamError('concatenateTrials: no parts');
  const perTrial = options.perTrialMetadata ?? {};
  const first = parts[0];
  const shared = (m: DatasetManifest) => {
    const metadata = Object.fromEntries(Object.entries(m.metadata).filter(([k]) => !(k in perTrial)));
    return { ...m, nTrials: 0, nBins: 0, trialIds: undefined, files: undefined, trialFeatures: Object.keys(m.trialFeatures ?? {}).sort(), metadata };
  };
  parts.forEach((p, k) => {
    const a = shared(p) as Record<string, unknown>;
    const b = shared(first) as Record<string, unknown>;
    const differs = (x: Record<string, unknown>, y: Record<string, unknown>) =>
      [...new Set([...Object.keys(x), ...Object.keys(y)])].filter((key) => !isDeepStrictEqual(x[key], y[key]));
    const keys = differs(a, b).flatMap((key) =>
      key === 'metadata' ? differs(a.metadata as Record<string, unknown>, b.metadata as Record<string, unknown>).map((m) => `metadata.${m}`) : [key],
    );
    if (keys.length)
      throw new OccamError(`part ${k} differs from part 0 in ${keys.join(', ')}, not only in its trials: these are not shards of one run`, { field: keys[0] });
    if (Boolean(p.trialIds) !== Boolean(first.trialIds)) throw new OccamError(`part ${k} ${p.trialIds ? 'has' : 'lacks'} trialIds, part 0 does not`);
  });
  const nTrials = parts.reduce((s, p) => s + p.nTrials, 0);
  const nBins = Math.max(...parts.map((p) => p.nBins));
  // Metadata in the order the parts have it; per-trial keys where the first part that carries them has them.
  const carrier = parts.find((p) => Object.keys(perTrial).some((k) => k in p.metadata))?.metadata ?? first.metadata;
  const metadata: Record<string, unknown> = {};
  for (const key of new Set([...Object.keys(carrier), ...Object.keys(first.metadata)])) {
    if (!(key in perTrial)) {
      metadata[key] = first.metadata[key];
      continue;
    }
    if (!parts.some((p) => key in p.metadata)) continue;
    metadata[key] = parts.flatMap((p) => {
      const v = p.metadata[key];
      if (v === undefined) return new Array(p.nTrials).fill(perTrial[key]);
      if (!Array.isArray(v) || v.length !== p.nTrials) throw new OccamError(`metadata.${key}: expected one entry per trial (${p.nTrials})`);
      return v;
    });
  }
  const { files: _files, ...manifest } = first;
  return checkManifest({
    ...manifest,
    nTrials,
    nBins,
    ...(first.trialIds ? { trialIds: parts.flatMap((p) => p.trialIds!) } : {}),
    ...(first.trialFeatures
      ? { trialFeatures: Object.fromEntries(Object.keys(first.trialFeatures).map((k) => [k, parts.flatMap((p) => p.trialFeatures![k])])) }
      : {}),
    metadata,
  });
}
