import type { Atom } from '../dataset/schema.js';
import type { SpecInput } from '../spec/schema.js';
import type { FeatureFamily, SearchOptions } from './schema.js';

/**
 * What a family does to a spec, whatever it is called: code finds a family by its kind, never by its name
 * (a name is for people, and an attribute may be called 'structure' or 'history').
 */
export type FamilyKind = 'split' | 'attribute' | 'lagWindow' | 'history' | 'structure';

/** A family with its levels and how each level shapes a spec. */
export interface FamilyPlan extends FeatureFamily {
  kind: FamilyKind;
  apply(level: number, spec: SpecDraft): void;
  /** Level at which this family takes the spec's single spatial axis (numeric attributes only). */
  spatialLevel?: number;
}

/** A spec has one spatial axis: at most one family may sit at its spatial level. */
export function validLevels(plans: FamilyPlan[], levels: Record<string, number>): boolean {
  return plans.filter((p) => p.spatialLevel !== undefined && levels[p.name] === p.spatialLevel).length <= 1;
}

export interface SpecDraft {
  groupBy: NonNullable<SpecInput['groupBy']>;
  spatial?: SpecInput['spatial'];
  temporal: NonNullable<SpecInput['temporal']>;
  history: SpecInput['history'];
  structure: 'separable' | 'full';
}

function quantileEdges(values: number[], bins: number): number[] {
  const sorted = [...new Set(values)].sort((a, b) => a - b);
  const edges = [sorted[0]];
  for (let b = 1; b < bins; b++) edges.push(sorted[Math.floor((b * sorted.length) / bins)]);
  edges.push(sorted[sorted.length - 1] + 1e-9 * Math.max(1, Math.abs(sorted[sorted.length - 1])));
  return [...new Set(edges)];
}

/** Edges that put each distinct whole number in its own bin: [v − ½, v + ½) for every value v. */
function perValueEdges(values: number[]): number[] {
  const sorted = [...new Set(values)].sort((a, b) => a - b);
  const edges = [sorted[0] - 0.5];
  for (let i = 0; i < sorted.length; i++) edges.push(i + 1 < sorted.length ? (sorted[i] + sorted[i + 1]) / 2 : sorted[i] + 0.5);
  return edges;
}

/** How an attribute orders (numeric) or partitions (categorical) the atoms; equal signatures, same information. */
function attributeSignature(atoms: Atom[], attr: string): string {
  const vs = atoms.map((a) => a.attributes[attr]);
  if (vs.every((v) => typeof v === 'number')) {
    const sorted = [...new Set(vs as number[])].sort((a, b) => a - b);
    return 'n:' + vs.map((v) => sorted.indexOf(v as number)).join(',');
  }
  const first: (string | number | undefined)[] = [];
  return 'c:' + vs.map((v) => (first.includes(v) ? first.indexOf(v) : first.push(v) - 1)).join(',');
}

/** Attributes (sorted by name) that repeat an earlier attribute's information; the search skips them. */
export function redundantAttributes(atoms: Atom[], options: Pick<SearchOptions, 'ignoreAttributes'>): string[] {
  const names = [...new Set(atoms.flatMap((a) => Object.keys(a.attributes)))]
    .filter((k) => !options.ignoreAttributes.includes(k))
    .sort((a, b) => a.localeCompare(b));
  const seen = new Set<string>();
  const out: string[] = [];
  for (const name of names) {
    const sig = attributeSignature(atoms, name);
    if (seen.has(sig)) out.push(name);
    else seen.add(sig);
  }
  return out;
}

/**
 * Feature families from the dataset's own attributes — nothing hand-listed:
 * - a categorical attribute with ≥ 2 values: split groups by it (off / on);
 * - a numeric attribute with ≥ 3 values: off / coarse bins / a smooth filter over it / fine bins / one group
 *   per value (whole numbers, ≤ 32 values) (at most one attribute at a time carries the smooth filter: a spec
 *   has one spatial axis);
 * - the lag window: quarter / half / full window (log-spaced bases), and per-lag weights over a short full
 *   window (≤ 32 lags);
 * - the output history: off / on; the filter structure: separable / full.
 * An attribute that orders (numeric) or partitions (categorical) the atoms exactly as an earlier one does
 * carries no new information (a bin's lower edge beside its centre): it is skipped, and listed by
 * redundantAttributes.
 */
export function featureFamilies(atoms: Atom[], options: SearchOptions): FamilyPlan[] {
  const values = new Map<string, (string | number)[]>();
  for (const atom of atoms)
    for (const [k, v] of Object.entries(atom.attributes)) {
      if (options.ignoreAttributes.includes(k)) continue;
      if (!values.has(k)) values.set(k, []);
      values.get(k)!.push(v);
    }
  const plans: FamilyPlan[] = [];
  const redundant = new Set(redundantAttributes(atoms, options));
  for (const [attr, vs] of [...values.entries()].sort(([a], [b]) => a.localeCompare(b))) {
    if (redundant.has(attr)) continue;
    const distinct = [...new Set(vs)];
    if (vs.every((v) => typeof v === 'string')) {
      if (distinct.length < 2) continue;
      plans.push({ kind: 'split', name: `split by ${attr}`, levels: ['off', 'on'], apply: (l, s) => void (l > 0 && s.groupBy.push(attr)) });
    } else if (vs.every((v) => typeof v === 'number')) {
      if (distinct.length < 3) continue;
      const nums = vs as number[];
      const coarse = quantileEdges(nums, 2);
      const fine = quantileEdges(nums, Math.min(6, distinct.length));
      const lo = Math.min(...nums);
      const hi = Math.max(...nums);
      // A few whole-number values (token offsets, layers) also get one group per value: bins blur a look-back
      // at one exact offset (e.g. a copy lag of 6 inside the bin [4, 8)), which a group per value resolves.
      const perValue = distinct.length > fine.length - 1 && distinct.length <= 32 && nums.every(Number.isInteger) ? perValueEdges(nums) : null;
      // Ordered by flexibility: a smooth filter (a few basis weights) sits between coarse and fine bins.
      const levels = ['off', `${coarse.length - 1} bins`, 'smooth filter', `${fine.length - 1} bins`, ...(perValue ? ['one group per value'] : [])];
      plans.push({
        kind: 'attribute',
        name: `${attr}`,
        levels,
        spatialLevel: 2,
        apply: (l, s) => {
          if (l === 1) s.groupBy.push({ attribute: attr, edges: coarse });
          if (l === 3) s.groupBy.push({ attribute: attr, edges: fine });
          if (l === 4 && perValue) s.groupBy.push({ attribute: attr, edges: perValue });
          if (l === 2) {
            // Peaks span the attribute's range; a large offset keeps the spacing near-linear and the log defined.
            const span = hi - lo;
            s.spatial = {
              attribute: attr,
              basis: { kind: 'raisedCosineLog', count: Math.min(6, distinct.length), firstPeak: lo, lastPeak: hi, offset: span + Math.max(0, -lo) + 1e-6 },
            };
          }
        },
      });
    }
  }
  const L = options.maxLag;
  const windows = [Math.max(options.minLag + 1, Math.round(L / 4)), Math.max(options.minLag + 2, Math.round(L / 2)), L];
  // A short full window (token offsets) also gets one free weight per lag: a log-spaced basis blurs a
  // look-back at a long offset (e.g. an induction period of 10 tokens), which per-lag weights resolve.
  const perLag = L - options.minLag + 1 <= 32;
  // A window of one lag (atoms that carry their own offset, read at lag 0) has nothing to choose.
  if (L > options.minLag)
    plans.push({
      kind: 'lagWindow',
      name: 'lag window',
      levels: [...windows.map((w) => `${options.minLag}–${w} bins`), ...(perLag ? [`${options.minLag}–${L} bins, per lag`] : [])],
      apply: (l, s) => {
        if (l === windows.length) {
          s.temporal = { minLag: options.minLag, maxLag: L, basis: { kind: 'raw' } };
          return;
        }
        const maxLag = windows[l];
        const count = Math.min(4 + 2 * l, maxLag - options.minLag + 1);
        s.temporal = {
          minLag: options.minLag,
          maxLag,
          basis: { kind: 'raisedCosineLog', count, firstPeak: 0, lastPeak: Math.max(1, (maxLag - options.minLag) * 0.6), offset: 1.5 },
        };
      },
    });
  if (options.history && options.family !== 'gaussian') {
    const hl = Math.max(2, Math.round(L / 2));
    plans.push({
      kind: 'history',
      name: 'history',
      levels: ['off', 'on'],
      apply: (l, s) => {
        s.history = l > 0 ? { maxLag: hl, basis: { kind: 'raisedCosineLog', count: 4, firstPeak: 1, lastPeak: Math.max(2, hl / 2), offset: 1 } } : null;
      },
    });
  }
  plans.push({ kind: 'structure', name: 'structure', levels: ['separable', 'full'], apply: (l, s) => void (s.structure = l > 0 ? 'full' : 'separable') });
  return plans;
}
