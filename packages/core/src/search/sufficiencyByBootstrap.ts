import { bootstrapFigures, pairedBootstrap } from '../bootstrap/bootstrapFigures.js';
import type { ScoredRows } from '../bootstrap/scoredRows.js';
import type { FigureName } from '../bootstrap/trialStatistics.js';
import type { Dataset } from '../dataset/dataset.js';
import { fitReducedModelWithPredictions } from '../model/fitReducedModel.js';
import type { Candidate, SearchOptions, Sufficiency } from './schema.js';

/** The search's deciding figure as the bootstrap names it. */
export function decidingFigure(metric: NonNullable<SearchOptions['sufficientBy']>, gaussian: boolean): FigureName {
  return gaussian ? 'pseudoR2' : metric;
}

/**
 * A candidate's out-of-fold predictions, recomputed: the same k-fold on the same folds as when it was scored
 * (folds depend only on the trials, the fold count and the seed), so its figures equal its stored ones and
 * two candidates pair trial by trial. Only the few candidates the decision reads are recomputed, instead of
 * every candidate keeping its rows.
 */
function heldOutRows(ds: Dataset, c: Candidate): ScoredRows {
  return fitReducedModelWithPredictions(ds, c.spec, { coincidence: false, refit: false, bootstrap: false, diagnose: false }).heldOut;
}

/**
 * The minimal sufficient model decided with the uncertainty: the fewest-parameter candidate that is not
 * significantly worse than the best on the deciding figure. "Significantly worse": a one-sided paired
 * bootstrap over trials — both candidates scored on the same resampled trials — whose upper (1 − α) bound
 * of (candidate − best) is below 0; at α = 0.05 a candidate is kept while its loss is within what resampling
 * the trials produces 95 % of the time. Candidates are examined in size order and the first not
 * significantly worse wins; the best is the last resort (it is never worse than itself).
 *
 * Cost: one k-fold refit per candidate examined. A candidate whose point loss exceeds twice the width of the
 * best's own (1 − 2α) interval is screened out without a refit: the paired difference's spread is at most
 * about the sum of the two marginal spreads, so its upper bound cannot reach 0.
 */
export function sufficiencyByBootstrap(
  ds: Dataset,
  candidates: Candidate[],
  value: (c: Candidate) => number,
  figure: FigureName,
  options: { alpha: number; resamples: number; seed: number },
): { minimal: Candidate; sufficiency: Sufficiency } {
  const best = candidates.reduce((a, b) => (value(b) > value(a) ? b : a));
  const level = 1 - 2 * options.alpha;
  const bootstrap = { resamples: options.resamples, seed: options.seed, level };
  const bestRows = heldOutRows(ds, best);
  const own = bootstrapFigures(bestRows, bootstrap).model[figure];
  const width = own.low !== null && own.high !== null ? own.high - own.low : Infinity;
  const examined: Extract<Sufficiency, { method: 'bootstrap' }>['examined'] = [];
  let minimal = best;
  for (const c of candidates) {
    if (c === best) break;
    const loss = value(best) - value(c);
    if (!Number.isFinite(loss) || loss > 2 * width) {
      examined.push({ key: c.key, parameters: c.parameters, difference: Number.isFinite(loss) ? -loss : null, upper: null, verdict: 'screened out' });
      continue;
    }
    const d = pairedBootstrap(heldOutRows(ds, c), bestRows, bootstrap).difference[figure];
    const sufficient = d.high !== null && d.high >= 0;
    examined.push({
      key: c.key,
      parameters: c.parameters,
      difference: d.estimate,
      low: d.low,
      upper: d.high,
      verdict: sufficient ? 'not significantly worse' : 'significantly worse',
    });
    if (sufficient) {
      minimal = c;
      break;
    }
  }
  return {
    minimal,
    sufficiency: {
      method: 'bootstrap' as const,
      figure,
      alpha: options.alpha,
      resamples: options.resamples,
      seed: options.seed,
      reference: best.key,
      examined,
    },
  };
}
