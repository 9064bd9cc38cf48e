import type { GlmData } from '../objective.js';

/**
 * Rows for the Hessian estimate, as a standalone GlmData whose weights are inverse inclusion
 * probabilities so the subset's Hessian estimates the full one. With rare events most Hessian weight
 * sits near the events, so rows with y > 0 are kept (up to half the budget) and the rest are evenly
 * spaced among the other rows (case-control subsampling, Fithian & Hastie 2014). Deterministic.
 */
export function subsample(d: GlmData, rows: number): GlmData {
  const { n, p, y, weights } = d;
  let eventCount = 0;
  let otherCount = 0;
  for (let i = 0; i < n; i++) {
    if (weights && weights[i] === 0) continue;
    if (y[i] > 0) eventCount++;
    else otherCount++;
  }
  const nEvents = Math.min(eventCount, Math.floor(rows / 2));
  const nOthers = Math.min(otherCount, rows - nEvents);
  // The k-th of M picks among a class's N members is member ⌊k·N/M⌋: one walk over the rows picks them in row
  // order, so the gather below reads each column front to back.
  const picked = new Int32Array(nEvents + nOthers);
  const inclusion = new Float64Array(nEvents + nOthers);
  let m = 0;
  let events = 0;
  let others = 0;
  let eventPicks = 0;
  let otherPicks = 0;
  for (let i = 0; i < n; i++) {
    if (weights && weights[i] === 0) continue;
    if (y[i] > 0) {
      if (eventPicks < nEvents && events === Math.floor((eventPicks * eventCount) / nEvents)) {
        picked[m] = i;
        inclusion[m++] = eventCount / nEvents;
        eventPicks++;
      }
      events++;
    } else {
      if (otherPicks < nOthers && others === Math.floor((otherPicks * otherCount) / nOthers)) {
        picked[m] = i;
        inclusion[m++] = otherCount / nOthers;
        otherPicks++;
      }
      others++;
    }
  }
  const X = new Float32Array(m * p);
  for (let c = 0; c < p; c++) {
    const column = d.X.subarray(c * n, (c + 1) * n);
    const out = c * m;
    for (let k = 0; k < m; k++) X[out + k] = column[picked[k]];
  }
  return {
    X,
    n: m,
    p,
    y: Float64Array.from(picked, (i) => y[i]),
    weights: Float64Array.from(picked, (i, k) => (weights ? weights[i] : 1) * inclusion[k]),
    offset: d.offset ? Float64Array.from(picked, (i) => d.offset![i]) : undefined,
  };
}
