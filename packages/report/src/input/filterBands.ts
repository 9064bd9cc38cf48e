import { OccamError } from '@occam/core';
import { z } from 'zod';
import { optionalField } from '../page/metricValue.js';

/** A sampled filter's pointwise 95 % interval, one low and one high per sample of `y`. */
export const FilterBandSchema = z.object({ low: z.array(z.number()), high: z.array(z.number()) });
export type FilterBand = z.infer<typeof FilterBandSchema>;

/** Every sampled filter of a model file that may carry a band, with its field path. */
function sampledFilters(json: unknown): { path: string; raw: unknown }[] {
  const filters = optionalField(json, 'filters');
  const groups = optionalField(filters, 'groups');
  const out: { path: string; raw: unknown }[] = [];
  if (Array.isArray(groups))
    groups.forEach((g, i) => {
      out.push({ path: `filters.groups[${i}].spatial`, raw: optionalField(g, 'spatial') });
      out.push({ path: `filters.groups[${i}].temporal`, raw: optionalField(g, 'temporal') });
    });
  const history = optionalField(filters, 'history');
  if (history) out.push({ path: 'filters.history', raw: history });
  return out;
}

/**
 * Check the optional filter bands of a model file as written (`band: { low, high }`, same length as `y`) and
 * carry them onto the parsed model, whose schema may not know the field yet: a model without bands still
 * reports, a band that does not fit its curve is an error naming the field.
 */
export function attachFilterBands<M>(json: unknown, model: M, file: string): M {
  const parsed = sampledFilters(model);
  sampledFilters(json).forEach(({ path, raw }, k) => {
    const band = optionalField(raw, 'band');
    if (band === undefined || band === null) return;
    const r = FilterBandSchema.safeParse(band);
    if (!r.success) {
      const issue = r.error.issues[0];
      throw new OccamError(
        `${file}: ${path}.band${issue.path.length ? `.${issue.path.join('.')}` : ''}: ${issue.message}; expected { "low": [numbers], "high": [numbers] }, one of each per value of ${path}.y`,
        { file, field: `${path}.band` },
      );
    }
    const n = (optionalField(raw, 'y') as unknown[] | undefined)?.length ?? 0;
    for (const side of ['low', 'high'] as const)
      if (r.data[side].length !== n)
        throw new OccamError(`${file}: ${path}.band.${side} has ${r.data[side].length} values, expected ${n} (one per value of ${path}.y)`, {
          file,
          field: `${path}.band.${side}`,
        });
    const target = parsed[k]?.raw;
    if (target && typeof target === 'object') (target as { band?: FilterBand }).band = r.data;
  });
  return model;
}
