import { OccamError } from '../../errors.js';
import { Cholesky } from '../../linalg/cholesky.js';

/** Set by factorHessian when a Hessian needed a diagonal jitter to factor: the end-of-fit rank check runs then. */
export interface FactorFlags {
  jittered: boolean;
}

/**
 * Cholesky factor of a (penalised) Hessian, made solvable: columns that are zero everywhere have zero
 * Hessian rows, so they are pinned to 1; a singular or nearly singular matrix (collinear columns, no ridge;
 * or a subsampled Hessian early in a fit) gets a small diagonal jitter (1e-8 of the mean diagonal) and sets
 * flags.jittered, so the fit checks at its end whether the singularity is real (singularAtOptimum). Modifies hess.
 * Stays on typed arrays: it runs once per Newton step on a q × q matrix, next to the row passes.
 */
export function factorHessian(hess: Float64Array, q: number, flags: FactorFlags): Cholesky {
  for (let a = 1; a < q; a++) if (hess[a * q + a] === 0) hess[a * q + a] = 1;
  let chol = Cholesky.factor(hess, q);
  if (!chol || chol.smallestPivotRatio() < 1e-13) {
    flags.jittered = true;
    let trace = 0;
    for (let a = 0; a < q; a++) trace += hess[a * q + a];
    for (let scale = 1e-8; ; scale *= 100) {
      for (let a = 0; a < q; a++) hess[a * q + a] += (scale * trace) / q;
      chol = Cholesky.factor(hess, q);
      if (chol) break;
      if (scale > 1e-2 || !Number.isFinite(trace)) {
        throw new OccamError('the Hessian cannot be factored even with a diagonal jitter: the design or target has non-finite values', { field: 'design' });
      }
    }
  }
  return chol;
}
