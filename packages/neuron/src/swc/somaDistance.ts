import type { SwcPoint } from './readSwc.js';

/**
 * Path length from every point to the nearest soma point along the tree (not straight-line distance).
 * Two passes over the tree: leaves → roots for the nearest soma below each point, roots → leaves for the
 * nearest one through the parent. The step between a soma point and a non-soma neighbour counts only when
 * `countSomaHop` is set.
 */
export function somaDistances(points: SwcPoint[], parent: Int32Array, order: number[], isSoma: Uint8Array, countSomaHop: boolean): Float64Array {
  const n = points.length;
  const edge = new Float64Array(n); // length of the edge to the parent
  for (let i = 0; i < n; i++) {
    const j = parent[i];
    if (j < 0) continue;
    const a = points[i];
    const b = points[j];
    const hop = isSoma[i] !== isSoma[j];
    edge[i] = hop && !countSomaHop ? 0 : Math.hypot(a.x - b.x, a.y - b.y, a.z - b.z);
  }
  const below = new Float64Array(n).fill(Number.POSITIVE_INFINITY);
  for (let k = n - 1; k >= 0; k--) {
    const i = order[k];
    if (isSoma[i]) below[i] = 0;
    const j = parent[i];
    if (j >= 0 && below[i] + edge[i] < below[j]) below[j] = below[i] + edge[i];
  }
  const distance = new Float64Array(n);
  for (const i of order) {
    const j = parent[i];
    distance[i] = isSoma[i] ? 0 : j < 0 ? below[i] : Math.min(below[i], distance[j] + edge[i]);
  }
  return distance;
}
