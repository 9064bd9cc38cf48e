/**
 * Kistler et al. (1997) coincidence factor Γ between recorded and model spike trains (bin indices),
 * pooled over trials: Γ = [2 / (1 − 2Δν)] · (N_coinc − 2Δν·N_exp) / (N_exp + N_model), where ν is the
 * model's rate per bin (the chance-coincidence rate of a Poisson train with the model's rate, as in
 * Kistler and Jolivet) and a coincidence is a model spike within ±Δ bins of a recorded one (each
 * recorded spike counted once). 1 = perfect, 0 = chance.
 */
export function coincidenceFactor(
  recorded: number[][],
  model: number[][],
  deltaBins: number,
  binsPerTrial: number,
): number {
  let nExp = 0;
  let nModel = 0;
  let nCoinc = 0;
  for (let t = 0; t < recorded.length; t++) {
    const a = recorded[t];
    const b = [...model[t]].sort((x, y) => x - y);
    nExp += a.length;
    nModel += b.length;
    const used = new Uint8Array(b.length);
    for (const s of a) {
      for (let k = 0; k < b.length; k++) {
        if (!used[k] && Math.abs(b[k] - s) <= deltaBins) {
          used[k] = 1;
          nCoinc++;
          break;
        }
      }
    }
  }
  const totalBins = binsPerTrial * recorded.length;
  const nu = nModel / totalBins;
  const window = 2 * deltaBins + 1; // bins within ±Δ, the discrete analogue of 2Δ
  const norm = 1 - window * nu;
  if (nExp + nModel === 0 || norm <= 0) return NaN;
  return ((nCoinc - window * nu * nExp) / (0.5 * (nExp + nModel))) / norm;
}
