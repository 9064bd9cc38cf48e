/** Per-trial counts Γ is made of: recorded spikes, model spikes, and recorded spikes matched by a model spike. */
export interface CoincidenceCounts {
  recorded: Float64Array;
  model: Float64Array;
  coincident: Float64Array;
}

/** Coincidences per trial: a model spike within ±Δ bins of a recorded one, each model spike used once. */
export function coincidenceCounts(recorded: number[][], model: number[][], deltaBins: number): CoincidenceCounts {
  const T = recorded.length;
  const out: CoincidenceCounts = { recorded: new Float64Array(T), model: new Float64Array(T), coincident: new Float64Array(T) };
  for (let t = 0; t < T; t++) {
    const a = recorded[t];
    const b = [...model[t]].sort((x, y) => x - y);
    out.recorded[t] = a.length;
    out.model[t] = b.length;
    const used = new Uint8Array(b.length);
    for (const s of a) {
      for (let k = 0; k < b.length; k++) {
        if (!used[k] && Math.abs(b[k] - s) <= deltaBins) {
          used[k] = 1;
          out.coincident[t]++;
          break;
        }
      }
    }
  }
  return out;
}

/**
 * Γ from summed counts: nExp recorded and nModel model spikes in totalBins bins, nCoinc coincidences.
 * Trial weights (a bootstrap resample) scale every sum, the bins included.
 */
export function gammaFromCounts(nCoinc: number, nExp: number, nModel: number, totalBins: number, deltaBins: number): number {
  const nu = nModel / totalBins;
  const window = 2 * deltaBins + 1; // bins within ±Δ, the discrete analogue of 2Δ
  const norm = 1 - window * nu;
  if (nExp + nModel === 0 || norm <= 0) return NaN;
  return (nCoinc - window * nu * nExp) / (0.5 * (nExp + nModel)) / norm;
}

/**
 * Kistler et al. (1997) coincidence factor Γ between recorded and model spike trains (bin indices),
 * pooled over trials: Γ = [2 / (1 − 2Δν)] · (N_coinc − 2Δν·N_exp) / (N_exp + N_model), where ν is the
 * model's rate per bin (the chance-coincidence rate of a Poisson train with the model's rate, as in
 * Kistler and Jolivet) and a coincidence is a model spike within ±Δ bins of a recorded one (each
 * recorded spike counted once). 1 = perfect, 0 = chance.
 */
export function coincidenceFactor(recorded: number[][], model: number[][], deltaBins: number, binsPerTrial: number): number {
  const c = coincidenceCounts(recorded, model, deltaBins);
  const sum = (a: Float64Array) => a.reduce((s, v) => s + v, 0);
  return gammaFromCounts(sum(c.coincident), sum(c.recorded), sum(c.model), binsPerTrial * recorded.length, deltaBins);
}
