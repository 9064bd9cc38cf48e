/**
 * Rough costs in nanoseconds on one core, from bench/glm/passes.mjs (WebAssembly SIMD kernels): only their
 * ratios steer the solver. A gradient pass is 2·n·p multiply-adds at ~0.5 ns plus ~40 ns of exp/log per row;
 * the Gram is ~0.2 ns per multiply-add (n·p²/2 of them), the Cholesky factorisation ~1 ns per q³/6.
 */
export function gradientPassCost(n: number, p: number): number {
  return n * (p + 40);
}

export function hessianCost(rows: number, p: number): number {
  return rows * gramCostPerRow(p) + (p + 1) ** 3 / 6;
}

export function gramCostPerRow(p: number): number {
  return 0.1 * p * p;
}

/** Rows a subsampled Newton Hessian needs: 20 per coefficient, at least 4 000, at most 30 000. */
export function subsampledNewtonRows(p: number): number {
  return Math.min(30_000, Math.max(20 * (p + 1), 4_000));
}

/** Rows for preconditioned L-BFGS's Hessian: as many as a Hessian costing one gradient pass can take, at least subsampledNewtonRows. */
export function preconditionerRows(n: number, p: number): number {
  return Math.max(subsampledNewtonRows(p), Math.floor(gradientPassCost(n, p) / gramCostPerRow(p)));
}
