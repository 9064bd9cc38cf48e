import type { ReducedModel } from '@occam/core';
import type { Band } from '../svg/marks.js';
import { bandAt, bandOf } from './filterBand.js';

type GroupFilter = ReducedModel['filters']['groups'][number];

/** One group's filter over one axis, as a report draws it. */
export interface GroupCurve {
  /** The group's label in the model. */
  label: string;
  atoms: number;
  x: number[];
  y: number[];
  /** Pointwise 95 % band of `y` when the model file carries one for the filter drawn. */
  band?: Band | null;
}

/** Every group's temporal filter is one lag (e.g. lag 0 only, the language-model default): a temporal plot would be one point per group. */
export function hasSingleLag(model: ReducedModel): boolean {
  return model.filters.groups.length > 0 && model.filters.groups.every((g) => g.temporal.x.length === 1);
}

/**
 * The spatial attribute is a token offset: the transformer adapter's atoms carry how many tokens back they
 * look as the numeric attribute `offset` (a spec may name its own, e.g. `tokenOffset`).
 */
export function isTokenOffsetAttribute(attribute: string | null): boolean {
  return attribute !== null && /offset/i.test(attribute);
}

/**
 * A group's filter over the spatial attribute. With a single lag the full filter (spatial × temporal) is the
 * weight itself, so that is drawn (a unit: Δ log-odds per unit of atom); otherwise the spatial filter's shape
 * (relative weight, the scale convention of the separable fit). `supportOnly` keeps only the values where the
 * filter is not exactly 0: a raw basis gives exactly 0 where the group has no atom (an MLP neuron sum has one
 * offset, a head 0…K), so the group is drawn where its atoms are, not as a run of zeros.
 */
export function spatialCurve(group: GroupFilter, options: { singleLag: boolean; supportOnly: boolean }): GroupCurve {
  const x = group.spatial.x;
  const y = options.singleLag ? group.full.x.map((_, i) => group.full.z[i]?.[0] ?? 0) : group.spatial.y;
  // The band belongs to the spatial shape; drawn as the weight (spatial × temporal) the curve is another
  // quantity, whose interval the file does not give.
  const band = options.singleLag ? null : bandOf(group.spatial);
  if (!options.supportOnly) return { label: group.label, atoms: group.atoms, x: x.slice(), y: y.slice(), band };
  const keep = x.map((_, i) => i).filter((i) => y[i] !== 0 && Number.isFinite(y[i]));
  // A group whose weights are all exactly 0 says nothing about where its atoms are: draw it everywhere (at 0).
  if (keep.length === 0) return { label: group.label, atoms: group.atoms, x: x.slice(), y: y.slice(), band };
  return { label: group.label, atoms: group.atoms, x: keep.map((i) => x[i]), y: keep.map((i) => y[i]), band: bandAt(band, keep) };
}

/** A group's temporal filter over lag. */
export function temporalCurve(group: GroupFilter): GroupCurve {
  return { label: group.label, atoms: group.atoms, x: group.temporal.x.slice(), y: group.temporal.y.slice(), band: bandOf(group.temporal) };
}

/** The control model's group with the same label, if it has one. */
export function controlGroupOf(control: ReducedModel | null | undefined, label: string): GroupFilter | null {
  return control?.filters.groups.find((g) => g.label === label) ?? null;
}
