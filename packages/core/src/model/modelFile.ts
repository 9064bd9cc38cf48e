import { designColumnCount } from '../design/layout.js';
import { OccamError, zodProblem } from '../errors.js';
import { writeFileAtomic } from '../io/atomicWrite.js';
import { limitText, readLimits, type ReadLimits } from '../io/limits.js';
import { readJsonFile } from '../io/readJsonFile.js';
import { ReducedModelSchema, type ReducedModel } from './schema.js';

export async function writeReducedModel(path: string, model: ReducedModel): Promise<void> {
  await writeFileAtomic(path, JSON.stringify(model, null, 1) + '\n');
}

/** Read a ReducedModel: size-checked before parsing, validated by schema, then checked for internal consistency. */
export async function readReducedModel(path: string, options: { limits?: Partial<ReadLimits> } = {}): Promise<ReducedModel> {
  const json = await readJsonFile(path, { what: 'model file', limits: options.limits });
  const format = json !== null && typeof json === 'object' ? (json as { format?: unknown }).format : undefined;
  if (format !== 'occam.reduced-model') {
    throw new OccamError(
      `${path}: not a reduced model: "format" is ${format === undefined ? 'missing' : JSON.stringify(format)}, expected "occam.reduced-model" (the output of occam fit)`,
      { file: path, field: 'format' },
    );
  }
  checkFilterSampleCounts(json, path, options.limits);
  const parsed = ReducedModelSchema.safeParse(json);
  if (!parsed.success) throw zodProblem(path, parsed.error);
  checkReducedModel(parsed.data, path, options.limits);
  return parsed.data;
}

/**
 * What the schema cannot say: the coefficient count agrees with the layout (groups × K × J + H), the separable
 * factors with K and J, and no sampled filter is absurdly long (a hand-edited or corrupt model would otherwise
 * fail later without naming its file, or draw a report of tens of megabytes).
 */
export function checkReducedModel(model: ReducedModel, file: string, overrides: Partial<ReadLimits> = {}): void {
  const { groups, K, J, H } = model.layout;
  const fail = (field: string, text: string) => {
    throw new OccamError(`${file}: ${field}: ${text} — the model file is corrupt or was edited; refit it with occam fit`, { file, field });
  };
  if (K < 1 || J < 1 || H < 0) fail('layout', `K = ${K}, J = ${J}, H = ${H}; expected K ≥ 1, J ≥ 1, H ≥ 0`);
  const p = designColumnCount({ G: groups.length, K, J, H });
  if (model.coefficients.beta.length !== p) {
    fail('coefficients.beta', `has ${model.coefficients.beta.length} values but the layout (${groups.length} groups × K ${K} × J ${J} + H ${H}) needs ${p}`);
  }
  if ((model.spec.history === null) !== (H === 0)) fail('layout.H', `is ${H} but the spec ${model.spec.history ? 'has' : 'has no'} history`);
  const sep = model.coefficients.separable;
  if (sep) {
    if (sep.spatial.length !== groups.length || sep.spatial.some((r) => r.length !== K))
      fail('coefficients.separable.spatial', `expected ${groups.length} rows of ${K}`);
    if (sep.temporal.length !== groups.length || sep.temporal.some((r) => r.length !== J))
      fail('coefficients.separable.temporal', `expected ${groups.length} rows of ${J}`);
  }
  if (model.filters.groups.length !== groups.length) fail('filters.groups', `has ${model.filters.groups.length} entries, the layout ${groups.length} groups`);
  const curves: [string, { x: number[]; y: number[]; band?: { low: number[]; high: number[] } }][] = model.filters.groups.flatMap((g, i) => [
    [`filters.groups.${i}.spatial`, g.spatial],
    [`filters.groups.${i}.temporal`, g.temporal],
  ]);
  if (model.filters.history) curves.push(['filters.history', model.filters.history]);
  for (const [field, c] of curves) {
    if (c.x.length !== c.y.length) fail(field, `x has ${c.x.length} points, y ${c.y.length}`);
    if (c.band && (c.band.low.length !== c.y.length || c.band.high.length !== c.y.length))
      fail(`${field}.band`, `low has ${c.band.low.length} and high ${c.band.high.length} points where y has ${c.y.length}; expected one of each per point`);
  }
  checkFilterSampleCounts(model, file, overrides);
}

/**
 * Bound the sampled filter curves of a model on the parsed JSON, before schema validation walks them: a curve
 * of millions of points (hand-made or corrupt; a fit samples one point per lag) is refused without the cost of
 * validating it, and would otherwise become a report of tens of megabytes.
 */
export function checkFilterSampleCounts(json: unknown, file: string, overrides: Partial<ReadLimits> = {}): void {
  const limits = readLimits(overrides);
  const filters = (json as { filters?: { groups?: unknown; history?: unknown } } | null)?.filters;
  if (!filters || typeof filters !== 'object') return;
  const length = (v: unknown) => (Array.isArray(v) ? v.length : 0);
  const curves: [string, unknown][] = [['filters.history', filters.history]];
  if (Array.isArray(filters.groups)) {
    filters.groups.forEach((g: { spatial?: unknown; temporal?: unknown; full?: { z?: unknown } } | null, i) => {
      curves.push([`filters.groups.${i}.spatial`, g?.spatial], [`filters.groups.${i}.temporal`, g?.temporal]);
      // The full filter is a grid (attribute values × lags): each axis is held to the same bound as a curve.
      const z = g?.full?.z;
      let side = Array.isArray(z) ? z.length : 0;
      if (Array.isArray(z) && side <= limits.maxFilterSamples) for (const row of z) side = Math.max(side, length(row));
      if (side > limits.maxFilterSamples) {
        throw new OccamError(
          `${file}: filters.groups.${i}.full has an axis of ${side} points, over ${limitText('maxFilterSamples', limits, 'points per filter curve')}`,
          {
            file,
            field: `filters.groups.${i}.full`,
          },
        );
      }
    });
  }
  for (const [field, c] of curves) {
    const n = Math.max(length((c as { x?: unknown } | null)?.x), length((c as { y?: unknown } | null)?.y));
    if (n > limits.maxFilterSamples) {
      throw new OccamError(`${file}: ${field} has ${n} sample points, over ${limitText('maxFilterSamples', limits, 'points per filter curve')}`, {
        file,
        field,
      });
    }
  }
}
