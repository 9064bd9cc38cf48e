/**
 * The published method's empirical nonlinearity: P(output | WNI) read off training bins. Bins of the
 * linear predictor are equal-count with at least `minCount` bins each (so a rare-event tail is not
 * a single noisy bin); probabilities are made monotone non-decreasing by pooling adjacent violators,
 * and prediction interpolates linearly between bin centres (flat beyond the ends).
 */
export interface LookupTable {
  wni: number[];
  p: number[];
}

export function fitLookupNonlinearity(eta: ArrayLike<number>, y: ArrayLike<number>, rows: ArrayLike<number>, minCount: number): LookupTable {
  const idx = Array.from(rows).sort((a, b) => eta[a] - eta[b]);
  const n = idx.length;
  const nBins = Math.max(1, Math.min(50, Math.floor(n / minCount)));
  const centres: number[] = [];
  const means: number[] = [];
  const weights: number[] = [];
  for (let b = 0; b < nBins; b++) {
    const lo = Math.floor((b * n) / nBins);
    const hi = Math.floor(((b + 1) * n) / nBins);
    if (hi <= lo) continue;
    let se = 0;
    let sy = 0;
    for (let k = lo; k < hi; k++) {
      se += eta[idx[k]];
      sy += y[idx[k]] > 0 ? 1 : 0;
    }
    centres.push(se / (hi - lo));
    means.push(sy / (hi - lo));
    weights.push(hi - lo);
  }
  // Pool adjacent violators: a higher drive should never mean a lower probability.
  const blocks: { sum: number; w: number; from: number; to: number }[] = [];
  means.forEach((m, i) => {
    blocks.push({ sum: m * weights[i], w: weights[i], from: i, to: i });
    while (blocks.length > 1 && blocks[blocks.length - 2].sum / blocks[blocks.length - 2].w > blocks[blocks.length - 1].sum / blocks[blocks.length - 1].w) {
      const last = blocks.pop()!;
      const prev = blocks[blocks.length - 1];
      prev.sum += last.sum;
      prev.w += last.w;
      prev.to = last.to;
    }
  });
  const p = new Array<number>(means.length);
  for (const b of blocks) for (let i = b.from; i <= b.to; i++) p[i] = b.sum / b.w;
  return { wni: centres, p };
}

export function applyLookup(table: LookupTable, eta: number): number {
  const { wni, p } = table;
  if (wni.length === 1 || eta <= wni[0]) return p[0];
  if (eta >= wni[wni.length - 1]) return p[p.length - 1];
  let lo = 0;
  let hi = wni.length - 1;
  while (hi - lo > 1) {
    const mid = (lo + hi) >> 1;
    if (wni[mid] <= eta) lo = mid;
    else hi = mid;
  }
  const span = wni[hi] - wni[lo];
  const f = span > 0 ? (eta - wni[lo]) / span : 0;
  return p[lo] + f * (p[hi] - p[lo]);
}
