import { OccamError } from '../errors.js';
import { isfRaisedCosineBasis } from './isfRaisedCosineBasis.js';
import { raisedCosineLogBasis } from './raisedCosineLogBasis.js';
import type { AttributeBasis, TemporalBasis } from './schema.js';

/**
 * A basis evaluated on a fixed grid of points: matrix[j][i] = φ_j(points[i]).
 * For raw bases the grid itself defines the functions (indicator of each point).
 */
export interface EvaluatedBasis {
  points: Float64Array;
  matrix: Float64Array[];
  /** Whether the functions are ordered along the grid, so a smoothness penalty between neighbours makes sense. */
  ordered: boolean;
}

export function evaluateBasis(basis: TemporalBasis | AttributeBasis, points: ArrayLike<number>, what: string): EvaluatedBasis {
  const grid = Float64Array.from(points);
  if (basis.kind === 'raisedCosineLog') {
    if (!(basis.firstPeak + basis.offset > 0))
      throw new OccamError(`${what}: firstPeak + offset must be > 0 (got ${basis.firstPeak} + ${basis.offset})`, { field: `${what}.firstPeak` });
    if (!(basis.lastPeak >= basis.firstPeak))
      throw new OccamError(`${what}: lastPeak (${basis.lastPeak}) must be ≥ firstPeak (${basis.firstPeak})`, { field: `${what}.lastPeak` });
  }
  const matrix = basisMatrix(basis, grid);
  const dead = matrix.findIndex((row) => row.every((v) => v === 0));
  if (dead >= 0) {
    throw new OccamError(
      `${what}: basis function ${dead} is zero at every point in [${grid[0]}, ${grid[grid.length - 1]}] — ` +
        'its phase or peak lies outside the range; drop it or widen the range',
      { field: what },
    );
  }
  return { points: grid, matrix, ordered: basis.kind !== 'constant' };
}

/** φ_j(points[i]) without checks; raw bases are indicators of the grid points themselves. */
export function basisMatrix(basis: TemporalBasis | AttributeBasis, grid: Float64Array): Float64Array[] {
  switch (basis.kind) {
    case 'raisedCosineLog':
      return raisedCosineLogBasis(basis, grid);
    case 'isfRaisedCosine':
      return isfRaisedCosineBasis(basis, grid);
    case 'raw':
      return Array.from(grid, (_, j) => {
        const row = new Float64Array(grid.length);
        row[j] = 1;
        return row;
      });
    case 'constant':
      return [new Float64Array(grid.length).fill(1)];
  }
}

/** Integer lags minLag..maxLag inclusive. */
export function lagGrid(minLag: number, maxLag: number): Float64Array {
  const out = new Float64Array(maxLag - minLag + 1);
  for (let i = 0; i < out.length; i++) out[i] = minLag + i;
  return out;
}
