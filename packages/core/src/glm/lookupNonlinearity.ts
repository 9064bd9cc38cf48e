import { Cholesky } from './kernels/cholesky.js';

/**
 * The published method's empirical nonlinearity: P(output | WNI) read off training bins, made smooth and
 * monotone so that it does not lose to the logistic link it starts from on new data.
 *
 * Rows are sorted by the linear predictor (WNI) into at most 50 bins of at least `minCount` rows each,
 * balanced so that the events get about half of them (binRows). Each bin's log-odds θ_b are fitted by penalised binomial likelihood,
 *   Σ_b [n_b·softplus(θ_b) − e_b·θ_b] + ½·λ·Σ_b (Δ²θ)_b²,
 * where Δ² is the second divided difference over the bins' mean WNI: λ → ∞ leaves a straight line in
 * log-odds against WNI, i.e. the logistic link refitted (slope and intercept) to the bins; λ → 0 the raw bin
 * rates. No bin is ever at probability 0 — the raw table's empty low bins were what cost it held-out
 * log-likelihood (an event there scored log 10⁻¹²). Pool-adjacent-violators then makes the probabilities
 * non-decreasing. Prediction is linear in log-odds between bin centres and along the end slopes beyond
 * them (applyLookup).
 */
export interface LookupTable {
  wni: number[];
  p: number[];
}

interface Bins {
  centre: Float64Array;
  rows: Float64Array;
  events: Float64Array;
}

function binRows(eta: ArrayLike<number>, y: ArrayLike<number>, rows: ArrayLike<number>, minCount: number): Bins {
  const idx = Array.from(rows).sort((a, b) => eta[a] - eta[b] || a - b);
  const n = idx.length;
  let totalEvents = 0;
  for (const r of idx) if (y[r] > 0) totalEvents++;
  const nBins = Math.max(1, Math.min(50, Math.floor(n / minCount)));
  // Bins hold equal mass where an event weighs as much as all silent rows together divided by the events:
  // with rare events, equal-count bins would lump every event into the top bin or two and flatten exactly
  // the range where the table matters; this puts about half the bins where the events are.
  const eventWeight = totalEvents > 0 ? Math.max(1, (n - totalEvents) / totalEvents) : 1;
  const mass = (r: number) => (y[r] > 0 ? eventWeight : 1);
  let totalMass = 0;
  for (const r of idx) totalMass += mass(r);
  const centre: number[] = [];
  const count: number[] = [];
  const events: number[] = [];
  let se = 0;
  let sy = 0;
  let rowsIn = 0;
  let massSoFar = 0;
  let b = 0;
  for (let k = 0; k < n; k++) {
    const r = idx[k];
    se += eta[r];
    sy += y[r] > 0 ? 1 : 0;
    rowsIn++;
    massSoFar += mass(r);
    const lastRow = k === n - 1;
    const tiedWithNext = !lastRow && eta[idx[k + 1]] === eta[r];
    // Close a bin at its share of the mass, if it has minCount rows and does not split a run of equal WNI.
    if (lastRow || (!tiedWithNext && rowsIn >= minCount && n - k - 1 >= minCount && massSoFar >= ((b + 1) * totalMass) / nBins)) {
      centre.push(se / rowsIn);
      count.push(rowsIn);
      events.push(sy);
      se = 0;
      sy = 0;
      rowsIn = 0;
      b++;
    }
  }
  return { centre: Float64Array.from(centre), rows: Float64Array.from(count), events: Float64Array.from(events) };
}

/** DᵀD for second divided differences over the centres (B × B, row-major). */
function curvaturePenalty(c: Float64Array): Float64Array {
  const B = c.length;
  const P = new Float64Array(B * B);
  for (let b = 1; b + 1 < B; b++) {
    const h0 = c[b] - c[b - 1];
    const h1 = c[b + 1] - c[b];
    // (θ_{b+1} − θ_b)/h1 − (θ_b − θ_{b−1})/h0, scaled by the mean spacing so λ is in log-odds per WNI unit.
    const scale = 2 / (h0 + h1);
    const d = [(1 / h0) * scale, -(1 / h0 + 1 / h1) * scale, (1 / h1) * scale];
    for (let i = 0; i < 3; i++) for (let j = 0; j < 3; j++) P[(b - 1 + i) * B + (b - 1 + j)] += d[i] * d[j];
  }
  return P;
}

const softplus = (x: number) => (x > 0 ? x + Math.log1p(Math.exp(-x)) : Math.log1p(Math.exp(x)));
const sigmoid = (x: number) => (x >= 0 ? 1 / (1 + Math.exp(-x)) : Math.exp(x) / (1 + Math.exp(x)));

/** Penalised log-odds per bin (Newton with step halving; B ≤ 50, so a dense solve is free). */
function smoothLogOdds(bins: Bins, lambda: number): Float64Array {
  const B = bins.centre.length;
  const { rows: n, events: e } = bins;
  let total = 0;
  let totalEvents = 0;
  for (let b = 0; b < B; b++) {
    total += n[b];
    totalEvents += e[b];
  }
  // A whisper of shrinkage toward the pooled rate (half an event's worth in all) keeps θ finite at λ → 0.
  const pooled = (totalEvents + 0.5) / (total + 1);
  const prior = Math.log(pooled / (1 - pooled));
  const ridge = (0.5 / Math.max(B, 1)) * pooled * (1 - pooled);
  const P = B > 2 ? curvaturePenalty(bins.centre) : new Float64Array(B * B);
  const objective = (t: Float64Array) => {
    let v = 0;
    for (let b = 0; b < B; b++) v += n[b] * softplus(t[b]) - e[b] * t[b] + 0.5 * ridge * (t[b] - prior) ** 2;
    let pen = 0;
    for (let a = 0; a < B; a++) for (let b = 0; b < B; b++) pen += t[a] * P[a * B + b] * t[b];
    return v + 0.5 * lambda * pen;
  };
  let theta = Float64Array.from({ length: B }, (_, b) => Math.log((e[b] + pooled) / (n[b] - e[b] + 1 - pooled)));
  let f = objective(theta);
  for (let iter = 0; iter < 100; iter++) {
    const g = new Float64Array(B);
    const H = new Float64Array(B * B);
    for (let b = 0; b < B; b++) {
      const p = sigmoid(theta[b]);
      g[b] = n[b] * p - e[b] + ridge * (theta[b] - prior);
      H[b * B + b] = n[b] * p * (1 - p) + ridge;
      for (let c = 0; c < B; c++) {
        g[b] += lambda * P[b * B + c] * theta[c];
        H[b * B + c] += lambda * P[b * B + c];
      }
    }
    const chol = Cholesky.factor(H, B);
    if (!chol) break;
    const step = chol.solve(g);
    let t = 1;
    let next = theta;
    let fNext = f;
    for (let h = 0; h < 30; h++) {
      next = theta.map((v, b) => v - t * step[b]);
      fNext = objective(next);
      if (fNext <= f) break;
      t /= 2;
    }
    if (!(fNext <= f)) break;
    const change = f - fNext;
    theta = next;
    f = fNext;
    if (change < 1e-10 * (Math.abs(f) + 1)) break;
  }
  return theta;
}

/** Pool adjacent violators: a higher drive never means a lower probability. */
function poolAdjacentViolators(p: Float64Array, w: Float64Array): number[] {
  const blocks: { sum: number; w: number; from: number; to: number }[] = [];
  p.forEach((m, i) => {
    blocks.push({ sum: m * w[i], w: w[i], from: i, to: i });
    while (blocks.length > 1 && blocks[blocks.length - 2].sum / blocks[blocks.length - 2].w > blocks[blocks.length - 1].sum / blocks[blocks.length - 1].w) {
      const last = blocks.pop()!;
      const prev = blocks[blocks.length - 1];
      prev.sum += last.sum;
      prev.w += last.w;
      prev.to = last.to;
    }
  });
  const out = new Array<number>(p.length);
  for (const b of blocks) for (let i = b.from; i <= b.to; i++) out[i] = b.sum / b.w;
  return out;
}

/** The table at one smoothness λ (see LookupTable). */
export function fitLookupNonlinearity(eta: ArrayLike<number>, y: ArrayLike<number>, rows: ArrayLike<number>, minCount: number, smoothness = 0): LookupTable {
  const bins = binRows(eta, y, rows, minCount);
  const theta = smoothLogOdds(bins, smoothness);
  return { wni: Array.from(bins.centre), p: poolAdjacentViolators(theta.map(sigmoid), bins.rows) };
}

const logit = (p: number) => {
  const m = Math.min(Math.max(p, 1e-12), 1 - 1e-12);
  return Math.log(m / (1 - m));
};

/**
 * The table at one WNI: linear in log-odds between bin centres, and beyond the ends along the end segment's
 * slope (never downward) — so a very smooth table is the logistic link refitted, all the way out, rather than
 * a flat line that forgets how much further the drive went.
 */
export function applyLookup(table: LookupTable, eta: number): number {
  const { wni, p } = table;
  const m = wni.length;
  if (m === 1) return p[0];
  let lo: number;
  if (eta <= wni[0]) lo = 0;
  else if (eta >= wni[m - 1]) lo = m - 2;
  else {
    lo = 0;
    let hi = m - 1;
    while (hi - lo > 1) {
      const mid = (lo + hi) >> 1;
      if (wni[mid] <= eta) lo = mid;
      else hi = mid;
    }
  }
  const hi = lo + 1;
  const span = wni[hi] - wni[lo];
  const slope = span > 0 ? Math.max(0, (logit(p[hi]) - logit(p[lo])) / span) : 0;
  const x = logit(p[lo]) + slope * (eta - wni[lo]);
  return 1 / (1 + Math.exp(-x));
}

/**
 * Smoothness values tried (10⁻¹³ … 10³), as multiples of the training events (the data term's scale): the
 * penalty is in squared log-odds per WNI², and equal-count bins in the dense middle are narrow, so useful
 * values span many decades.
 */
export const LOOKUP_SMOOTHNESS_GRID = Array.from({ length: 17 }, (_, k) => 10 ** (k - 13));

/** What the training trials said: the smoothness chosen, and the link the headline figures use. */
export interface LookupChoice {
  table: LookupTable;
  /** λ of the table (see LookupTable), chosen by cross-validation over training trials. */
  smoothness: number;
  /** 'lookup' when its cross-validated log-likelihood per training bin beats the link's, else 'link'. */
  headline: 'link' | 'lookup';
  /** Cross-validated log-likelihood per training bin of the table at the chosen λ, and the link's own. */
  lookupLogLikPerBin: number;
  linkLogLikPerBin: number;
  folds: number;
}

const logLik = (y: number, p: number) => {
  const m = Math.min(Math.max(p, 1e-12), 1 - 1e-12);
  return y > 0 ? Math.log(m) : Math.log(1 - m);
};

/**
 * Fit the lookup table on training rows only, its smoothness λ chosen by k-fold cross-validation over the
 * training trials (folds: lists of rows, each one trial set; the smoothest λ within one standard error of the
 * best), and decide on the same folds which link the
 * headline uses: the table at the chosen λ against the GLM's own link (`linkMean`, which needs no fitting
 * beyond the GLM). The WNI are the training fit's own (in-sample, as the published method reads its table).
 */
export function chooseLookup(eta: ArrayLike<number>, linkMean: ArrayLike<number>, y: ArrayLike<number>, folds: number[][], minCount: number): LookupChoice {
  const all = folds.flat();
  let events = 0;
  for (const r of all) events += y[r] > 0 ? 1 : 0;
  // Held-out log-likelihood of each smoothness, fold by fold.
  const scores = LOOKUP_SMOOTHNESS_GRID.map((multiple) => {
    const lambda = multiple * Math.max(events, 1);
    const perFold = folds.map((test, i) => {
      const train = folds.flatMap((other, j) => (j === i ? [] : other));
      const table = fitLookupNonlinearity(eta, y, train, minCount, lambda);
      let ll = 0;
      for (const r of test) ll += logLik(y[r], applyLookup(table, eta[r]));
      return ll;
    });
    return { lambda, perFold, ll: perFold.reduce((a, b) => a + b, 0) };
  });
  const top = scores.reduce((a, b) => (b.ll > a.ll ? b : a));
  // One-standard-error rule: the smoothest table whose cross-validated log-likelihood is within one standard
  // error (of its fold-by-fold difference from the top one) of the top one. A rough table that wins by noise
  // on the training folds loses on new trials when events are few.
  const within = (s: (typeof scores)[number]) => {
    const d = s.perFold.map((v, f) => v - top.perFold[f]);
    const mean = d.reduce((a, b) => a + b, 0) / d.length;
    const se = d.length > 1 ? Math.sqrt((d.length * d.reduce((a, v) => a + (v - mean) ** 2, 0)) / (d.length - 1)) : 0;
    return s.ll >= top.ll - se;
  };
  const best = scores.filter((s) => s.lambda >= top.lambda && within(s)).reduce((a, b) => (b.lambda > a.lambda ? b : a), top);
  let linkLl = 0;
  for (const r of all) linkLl += logLik(y[r], linkMean[r]);
  const n = Math.max(all.length, 1);
  return {
    table: fitLookupNonlinearity(eta, y, all, minCount, best.lambda),
    smoothness: best.lambda,
    headline: best.ll > linkLl ? 'lookup' : 'link',
    lookupLogLikPerBin: best.ll / n,
    linkLogLikPerBin: linkLl / n,
    folds: folds.length,
  };
}
