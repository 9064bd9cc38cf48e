/**
 * How a backtracking line search accepts a step t along a direction from a point whose objective is f0 and
 * whose directional derivative (or, for a proximal step, predicted decrease) is `slope`:
 *   accept when  f(t) ≤ f0 + armijo·t·slope + slack,
 * trying t = 1, ½, ¼, … for at most maxTrials steps.
 */
export interface BacktrackingRule {
  /** Armijo's sufficient-decrease fraction; 0 accepts any decrease (up to `slack`). */
  armijo: number;
  /** Rounding allowance added to the bound (absolute, on the objective's scale); default 0. */
  slack?: number;
  maxTrials: number;
}

export interface LineSearchResult {
  /** The last step tried: the accepted one, or the smallest when none was. */
  step: number;
  /** The objective at that step. */
  value: number;
  accepted: boolean;
}

/**
 * Backtracking line search shared by every GLM solver (Newton, L-BFGS, proximal-Newton group lasso).
 * `valueAt(t)` evaluates the objective at the trial point for step t — the caller builds the point, so it
 * can keep a richer evaluation (gradient, Hessian) from the same row pass, or use an exactly computed point
 * for t = 1. A NaN value is never accepted. What to do when no step is accepted is the
 * caller's: Newton and L-BFGS move by the last (tiny) step anyway, the group lasso stops that λ.
 */
export function backtrackingLineSearch(f0: number, slope: number, rule: BacktrackingRule, valueAt: (t: number) => number): LineSearchResult {
  const slack = rule.slack ?? 0;
  let t = 1;
  for (let trial = 1; ; trial++) {
    const value = valueAt(t);
    // Summed in this order, and without the Armijo term when armijo is 0, so that each solver compares
    // against exactly the bound it used before they shared this function (same figures to the last digit).
    const bound = rule.armijo === 0 ? f0 + slack : f0 + rule.armijo * t * slope + slack;
    if (value <= bound) return { step: t, value, accepted: true };
    if (trial >= rule.maxTrials) return { step: t, value, accepted: false };
    t *= 0.5;
  }
}
