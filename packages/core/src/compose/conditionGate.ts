/** Gradient steps of the gate's fit: a convex problem in a handful of standardised features. */
const GATE_STEPS = 800;
const GATE_STEP_SIZE = 0.5;
/** Ridge on the gate's weights (per trial), so perfectly separable conditions still give finite weights. */
const GATE_RIDGE = 1e-3;

export interface Gate {
  /** Probability of each condition for a trial's features. */
  probabilities(features: Float64Array): Float64Array;
}

/** A multinomial logistic regression from trial features to condition, fitted on the training trials only. */
export function fitGate(features: Float64Array[], condition: ArrayLike<number>, trials: number[], C: number): Gate {
  const F = features[trials[0]].length;
  const mean = new Float64Array(F);
  const sd = new Float64Array(F);
  for (const t of trials) for (let f = 0; f < F; f++) mean[f] += features[t][f] / trials.length;
  for (const t of trials) for (let f = 0; f < F; f++) sd[f] += (features[t][f] - mean[f]) ** 2 / trials.length;
  for (let f = 0; f < F; f++) sd[f] = Math.sqrt(sd[f]) || 1;
  const z = (x: Float64Array) => Float64Array.from({ length: F + 1 }, (_, f) => (f === 0 ? 1 : (x[f - 1] - mean[f - 1]) / sd[f - 1]));
  const W = Array.from({ length: C }, () => new Float64Array(F + 1));
  const softmax = (x: Float64Array): Float64Array => {
    const s = W.map((w) => w.reduce((acc, wi, i) => acc + wi * x[i], 0));
    const m = Math.max(...s);
    const e = s.map((v) => Math.exp(v - m));
    const tot = e.reduce((a, b) => a + b, 0);
    return Float64Array.from(e, (v) => v / tot);
  };
  const Z = trials.map((t) => z(features[t]));
  for (let step = 0; step < GATE_STEPS; step++) {
    const grad = W.map(() => new Float64Array(F + 1));
    Z.forEach((x, k) => {
      const pr = softmax(x);
      const label = condition[trials[k]];
      for (let c = 0; c < C; c++) {
        const err = pr[c] - (c === label ? 1 : 0);
        for (let i = 0; i <= F; i++) grad[c][i] += err * x[i];
      }
    });
    for (let c = 0; c < C; c++) for (let i = 0; i <= F; i++) W[c][i] -= GATE_STEP_SIZE * (grad[c][i] / Z.length + (i > 0 ? GATE_RIDGE * W[c][i] : 0));
  }
  return { probabilities: (x) => softmax(z(x)) };
}
