/**
 * A quadratic penalty ½ βᵀPβ on the non-intercept coefficients, P dense p × p (row-major).
 * Ridge is λ on the diagonal; smoothness adds μ·DᵀD per ordered filter block.
 */
export interface Penalty {
  p: number;
  P: Float64Array;
}

export function ridgePenalty(p: number, lambda: number): Penalty {
  const P = new Float64Array(p * p);
  for (let i = 0; i < p; i++) P[i * p + i] = lambda;
  return { p, P };
}

/** ½ βᵀPβ and its gradient Pβ added into grad (index 0 = intercept, unpenalised). */
export function applyPenalty(pen: Penalty, beta: Float64Array, grad?: Float64Array, hess?: Float64Array): number {
  const { p, P } = pen;
  const q = p + 1;
  let value = 0;
  for (let a = 0; a < p; a++) {
    let s = 0;
    const row = a * p;
    for (let b = 0; b < p; b++) {
      const v = P[row + b];
      if (v !== 0) s += v * beta[b + 1];
    }
    value += 0.5 * beta[a + 1] * s;
    if (grad) grad[a + 1] += s;
    if (hess) for (let b = 0; b < p; b++) hess[(a + 1) * q + b + 1] += P[row + b];
  }
  return value;
}
