import { describe, expect, it } from 'vitest';
import {
  backtrackingLineSearch,
  Cholesky,
  fitGlm,
  glmSolvers,
  mulberry32,
  ridgePenalty,
  type GlmData,
  type GlmFitSolver,
  type GlmProblem,
  type GlmSolverResult,
} from '@occam/core';

describe('backtrackingLineSearch', () => {
  it('returns the first halving that satisfies the Armijo condition (known answer)', () => {
    // f(t) = (10t − 3)² from t = 0: f0 = 9, slope −60. t = 1 gives 49 (rejected), t = ½ gives 4 ≤ 9 − 1e-4·½·60.
    const f = (t: number) => (10 * t - 3) ** 2;
    const tried: number[] = [];
    const result = backtrackingLineSearch(9, -60, { armijo: 1e-4, maxTrials: 30 }, (t) => {
      tried.push(t);
      return f(t);
    });
    expect(result).toEqual({ step: 0.5, value: 4, accepted: true });
    expect(tried).toEqual([1, 0.5]);
    expect(result.value).toBeLessThanOrEqual(9 + 1e-4 * result.step * -60);
    expect(f(2 * result.step)).toBeGreaterThan(9 + 1e-4 * 2 * result.step * -60);
  });

  it('with armijo 0 accepts any decrease up to the slack, and never a NaN', () => {
    expect(backtrackingLineSearch(1, -1, { armijo: 0, slack: 1e-12, maxTrials: 5 }, () => 1 + 1e-13).accepted).toBe(true);
    expect(backtrackingLineSearch(1, -1, { armijo: 0, maxTrials: 5 }, () => 1 + 1e-13).accepted).toBe(false);
    const nan = backtrackingLineSearch(1, -1, { armijo: 1e-4, maxTrials: 3 }, (t) => (t === 1 ? Number.NaN : 0.5));
    expect(nan).toEqual({ step: 0.5, value: 0.5, accepted: true });
  });

  it('stops after maxTrials, reporting the last (smallest) step tried', () => {
    const result = backtrackingLineSearch(0, -1, { armijo: 1e-4, maxTrials: 4 }, () => 1);
    expect(result).toEqual({ step: 0.125, value: 1, accepted: false });
  });
});

function poissonData(n: number, p: number, seed: number): GlmData {
  const rand = mulberry32(seed);
  const gauss = () => Math.sqrt(-2 * Math.log(rand() + 1e-12)) * Math.cos(2 * Math.PI * rand());
  const X = new Float32Array(n * p);
  const y = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let eta = -1;
    for (let c = 0; c < p; c++) {
      X[c * n + i] = gauss();
      eta += 0.3 * X[c * n + i];
    }
    // Poisson draw by inversion: small means, so a short loop.
    let k = 0;
    let u = rand();
    let term = Math.exp(-Math.exp(eta));
    let cdf = term;
    while (u > cdf && k < 50) {
      k++;
      term *= Math.exp(eta) / k;
      cdf += term;
    }
    y[i] = k;
  }
  return { X, n, p, y };
}

/**
 * A caller's own solver: undamped-then-halved Newton on a ridge penalty (λ = 1, so the penalty is written out
 * here) with a fixed iteration count as its only stop, recording the order in which the fit calls its phases.
 */
class RecordingNewton implements GlmFitSolver {
  readonly name = 'recording-newton';
  readonly warningName = 'recording Newton';
  readonly defaults = { tol: 0, gradTol: 0, maxIter: 25, refitMaxIter: 25 };
  readonly calls: string[] = [];
  private prob!: GlmProblem;
  private beta!: Float64Array;
  private value = 0;
  private grad!: Float64Array;
  private hess!: Float64Array;
  private step!: Float64Array;
  private stepLength = Infinity;

  private penalised(beta: Float64Array, withHessian: boolean) {
    const ev = this.prob.passes.evaluate(beta, withHessian);
    const q = beta.length;
    let value = ev.value;
    for (let a = 1; a < q; a++) {
      value += 0.5 * beta[a] ** 2;
      ev.grad[a] += beta[a];
      if (ev.hess) ev.hess[a * q + a] += 1;
    }
    return { value, grad: ev.grad, hess: ev.hess };
  }

  setup(problem: GlmProblem, start: Float64Array): void {
    this.calls.length = 0;
    this.calls.push('setup');
    this.prob = problem;
    this.beta = start;
    this.value = this.penalised(start, false).value;
  }

  updateGradientHessian(): void {
    this.calls.push('updateGradientHessian');
    const ev = this.penalised(this.beta, true);
    this.grad = ev.grad;
    this.hess = ev.hess!;
  }

  innerSolve(): 'step' | 'converged' {
    this.calls.push('innerSolve');
    this.step = Cholesky.factor(this.hess, this.beta.length)!
      .solve(this.grad)
      .map((g) => -g);
    return 'step';
  }

  lineSearch(): boolean {
    this.calls.push('lineSearch');
    const slope = this.grad.reduce((s, g, i) => s + g * this.step[i], 0);
    const trial = (t: number) => this.beta.map((b, i) => b + t * this.step[i]);
    const search = backtrackingLineSearch(this.value, slope, { armijo: 1e-4, maxTrials: 30 }, (t) => this.penalised(trial(t), false).value);
    this.beta = trial(search.step);
    this.value = search.value;
    this.stepLength = Math.max(...this.step.map((v) => Math.abs(v * search.step)));
    return search.accepted;
  }

  checkConvergence(): boolean {
    this.calls.push('checkConvergence');
    return this.stepLength < 1e-12;
  }

  finalize({ converged, iterations }: { converged: boolean; iterations: number }): GlmSolverResult {
    this.calls.push('finalize');
    return { beta: this.beta, objective: this.value, iterations, converged, solver: this.name, maxAbsEta: 0 };
  }
}

describe('GlmSolver', () => {
  const d = poissonData(3000, 4, 21);

  it('the built-in solvers are a table by name, and each name fits under it', () => {
    expect(Object.keys(glmSolvers).sort()).toEqual(['lbfgs', 'newton', 'preconditionedLbfgs', 'subsampledNewton']);
    const newton = fitGlm(d, { family: 'poisson', penalty: ridgePenalty(4, 1), solver: 'newton' });
    const lbfgs = fitGlm(d, { family: 'poisson', penalty: ridgePenalty(4, 1), solver: 'lbfgs' });
    expect(newton.solver).toBe('newton');
    expect(lbfgs.solver).toBe('lbfgs');
    newton.beta.forEach((b, i) => expect(lbfgs.beta[i]).toBeCloseTo(b, 6));
  });

  it('uses a solver object passed by the caller, calling its phases in scikit-learn NewtonSolver order', () => {
    const custom = new RecordingNewton();
    const fit = fitGlm(d, { family: 'poisson', penalty: ridgePenalty(4, 1), solver: custom });
    expect(fit.solver).toBe('recording-newton');
    expect(fit.converged).toBe(true);
    const iteration = ['updateGradientHessian', 'innerSolve', 'lineSearch', 'checkConvergence'];
    expect(custom.calls).toEqual(['setup', ...Array.from({ length: fit.iterations }, () => iteration).flat(), 'finalize']);
    expect(fit.iterations).toBeGreaterThan(2);
    // Same optimum as the built-in Newton: the custom object really did the fitting.
    const builtIn = fitGlm(d, { family: 'poisson', penalty: ridgePenalty(4, 1), solver: 'newton' });
    fit.beta.forEach((b, i) => expect(b).toBeCloseTo(builtIn.beta[i], 8));
  });

  it('warns in the custom solver’s own words when it stops unconverged', () => {
    const fit = fitGlm(d, { family: 'poisson', penalty: ridgePenalty(4, 1), solver: new RecordingNewton(), maxIter: 1 });
    expect(fit.converged).toBe(false);
    expect(fit.warnings).toContain('recording Newton did not converge in 1 iterations; results may be inaccurate');
  });
});

describe('fitGlm solver names', () => {
  it('a name outside the registry is a clear error naming the known ones', () => {
    const d = poissonData(200, 2, 3);
    const options = { family: 'poisson' as const, penalty: ridgePenalty(2, 1), solver: 'newtonn' as unknown as 'newton' };
    expect(() => fitGlm(d, options)).toThrow(
      /unknown GLM solver 'newtonn': expected 'auto', 'newton', 'subsampledNewton', 'lbfgs', 'preconditionedLbfgs' or a solver object/,
    );
  });
});
