/**
 * One abrupt change in a sequence (a phase transition over training): the split into two constant
 * levels with the least squared error (Hinkley 1970), accepted when the Bayesian information criterion
 * prefers two levels plus a change point (3 parameters + noise) over one level (1 + noise):
 * BIC = n·ln(SSE/n) + k·ln(n). Returns null for fewer than 4 points or when one level is preferred.
 */
export function detectChangePoint(steps: number[], values: number[]): { index: number; step: number; before: number; after: number; bicGain: number } | null {
  const pairs = steps.map((s, i) => ({ s, v: values[i] })).filter((p) => Number.isFinite(p.v));
  const n = pairs.length;
  if (n < 4) return null;
  const v = pairs.map((p) => p.v);
  const mean = (a: number[]) => a.reduce((x, y) => x + y, 0) / a.length;
  const sse = (a: number[]) => {
    const m = mean(a);
    return a.reduce((x, y) => x + (y - m) ** 2, 0);
  };
  const floor = 1e-12 * Math.max(1, sse(v));
  const bic = (err: number, k: number) => n * Math.log(Math.max(err, floor) / n) + k * Math.log(n);
  let best = -1;
  let bestErr = Infinity;
  for (let i = 2; i <= n - 2; i++) {
    const err = sse(v.slice(0, i)) + sse(v.slice(i));
    if (err < bestErr) {
      bestErr = err;
      best = i;
    }
  }
  const gain = bic(sse(v), 2) - bic(bestErr, 4);
  if (best < 0 || gain <= 0) return null;
  return { index: best, step: pairs[best].s, before: mean(v.slice(0, best)), after: mean(v.slice(best)), bicGain: gain };
}
