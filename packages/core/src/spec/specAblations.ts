import type { Atom } from '../dataset/schema.js';
import { buildLayout, rankOneIsVacuous } from '../design/layout.js';
import { SpecSchema, type Spec } from './schema.js';

export interface SpecAblation {
  name: string;
  spec: Spec;
}

/**
 * The variants that show a reduced model's features are needed and sufficient: each feature removed in
 * turn (the spatial filter → all attribute values weigh the same; the history term; each value of a
 * grouping attribute, e.g. the inhibitory group) and the full, non-separable filter in place of the
 * separable one.
 */
export function specAblations(spec: Spec, atoms: Atom[]): SpecAblation[] {
  const out: SpecAblation[] = [];
  const variant = (name: string, change: Partial<Spec>) => out.push({ name, spec: SpecSchema.parse({ ...spec, ...change }) });
  if (spec.spatial) variant(`without the spatial filter (all ${spec.spatial.attribute} equal)`, { spatial: undefined });
  if (spec.history) variant('without the history term', { history: null });
  for (const g of spec.groupBy) {
    if (typeof g !== 'string') continue;
    const values = [...new Set(atoms.map((a) => a.attributes[g]).filter((v) => v !== undefined))];
    if (values.length < 2) continue;
    for (const v of values) {
      const already = spec.exclude[g] ?? [];
      if (already.includes(v)) continue;
      variant(`without the ${g}=${v} group`, { exclude: { ...spec.exclude, [g]: [...already, v] } });
    }
  }
  // Where rank 1 constrains nothing (one spatial value or one temporal function) the full filter is the same model.
  if (spec.structure === 'separable' && !rankOneIsVacuous(buildLayout(spec, atoms))) variant('full (non-separable) filter', { structure: 'full' });
  return out;
}
