import type { ReducedModel } from '../model/schema.js';

/** Cosine similarity of two sampled filters (1 = same shape up to a positive scale). */
export function cosineSimilarity(a: number[], b: number[]): number | null {
  if (a.length !== b.length || a.length === 0) return null;
  let ab = 0;
  let aa = 0;
  let bb = 0;
  for (let i = 0; i < a.length; i++) {
    ab += a[i] * b[i];
    aa += a[i] * a[i];
    bb += b[i] * b[i];
  }
  return aa === 0 || bb === 0 ? null : ab / Math.sqrt(aa * bb);
}

export function sampledFilter(model: ReducedModel, group: string, filter: 'spatial' | 'temporal' | 'full' | 'history'): number[] | null {
  if (filter === 'history') return model.filters.history?.y ?? null;
  const g = model.filters.groups.find((x) => x.label === group);
  if (!g) return null;
  if (filter === 'spatial') return g.spatial.y;
  if (filter === 'temporal') return g.temporal.y;
  return g.full.z.flat();
}
