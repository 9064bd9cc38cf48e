import type { GlmFitSolver } from './glmSolver.js';
import { LbfgsSolver } from './lbfgsSolver.js';
import { NewtonSolver } from './newtonSolver.js';
import { gradientPassCost, hessianCost } from './passCosts.js';

/** The built-in GLM solvers by name (GlmFitOptions.solver), each made fresh for a fit: solvers keep state while they run. */
export const glmSolvers = {
  newton: () => new NewtonSolver(false),
  subsampledNewton: () => new NewtonSolver(true),
  lbfgs: () => new LbfgsSolver(false),
  preconditionedLbfgs: () => new LbfgsSolver(true),
} satisfies Record<string, () => GlmFitSolver>;

export type GlmSolverName = keyof typeof glmSolvers;

/**
 * The solver 'auto' picks. Exact Newton converges in ~6–10 steps, each a gradient and a Hessian pass;
 * preconditioned L-BFGS in ~10–25 gradient passes plus one or two Hessians on a subsample. Newton wins while
 * its Hessian costs at most about two gradient passes (p ≲ 40), and for small problems, where it is fast
 * either way and the most robust.
 */
export function automaticSolver(n: number, p: number): 'newton' | 'preconditionedLbfgs' {
  if (hessianCost(n, p) <= 2 * gradientPassCost(n, p) || hessianCost(n, p) <= 2e7) return 'newton';
  return 'preconditionedLbfgs';
}
