import type { BootstrapOptions, FigureIntervals, Interval } from '../bootstrap/bootstrapFigures.js';
import type { ScoredRows } from '../bootstrap/scoredRows.js';
import { forEachTrialResample, percentileInterval } from '../bootstrap/trialResampling.js';
import { FIGURE_NAMES, figuresAt, trialStatistics, trialsOf, type FigureName, type Figures, type TrialStatistics } from '../bootstrap/trialStatistics.js';
import { OccamError } from '../errors.js';

/** A predictor scored beside the reduced model on the same held-out rows. */

/** How a reason names a reference (the JSON keeps the key). */
const REFERENCE_WORDS: Record<string, string> = { richGlm: 'rich GLM', tcn: 'TCN' };
export interface BoundReference {
  /** Short key, e.g. "richGlm", "tcn". */
  name: string;
  rows: ScoredRows;
}

/**
 * How much of a reference's gain over the PSTH the reduced model reaches: gain(reduced) / gain(reference), both
 * gains on the same resampled trials. Null, with the reason, when the reference's own gain is not clearly
 * positive: a ratio to a gain indistinguishable from zero is noise, not a fraction.
 */
export interface CapturedFraction {
  estimate: number | null;
  low: number | null;
  high: number | null;
  reason: string | null;
  reducedGain: Interval;
  referenceGain: Interval;
}

export interface BoundReferenceComparison {
  reference: string;
  /** Of the log-likelihood gain over the PSTH (bits per event; the ratio is that of the log-likelihood gains). */
  logLikGain: CapturedFraction;
  /** Of the position-stratified AUROC's gain over the PSTH's (AUROC − the PSTH's, which is 0.5 by construction). */
  stratifiedAurocGain: CapturedFraction;
  /** Reference − reduced, paired over the same resampled trials, for every figure. */
  referenceMinusReduced: FigureIntervals;
  /**
   * The held-out log-likelihood per bin of the reference against the reduced model's, by the paired interval of
   * their difference: 'worse' means the reference is no upper bound on these data (too flexible for the events
   * available, or missing what the reduction has), and a captured fraction above 100 % says the same.
   */
  referenceVsReduced: 'better' | 'indistinguishable' | 'worse' | null;
}

export interface BoundComparison {
  trials: number;
  resamples: number;
  seed: number;
  level: number;
  /** How each interval is formed (stored so a reader of the JSON need not guess). */
  method: string;
  psth: FigureIntervals;
  /** Every predictor's own figures, the reduced model first. */
  predictors: Record<string, FigureIntervals>;
  references: BoundReferenceComparison[];
}

const GAINS = {
  logLikGain: (m: Figures, _psth: Figures) => m.bitsPerEventOverPsth,
  stratifiedAurocGain: (m: Figures, psth: Figures) => m.stratifiedAuroc - psth.stratifiedAuroc,
} as const;
type GainName = keyof typeof GAINS;

const METHOD =
  'Trials are the unit: every resample draws the held-out trials with replacement and scores all predictors on the same draw. ' +
  'Intervals are percentile intervals of the resampled figures; a difference is resampled as a difference and a captured fraction ' +
  'as the ratio gain(reduced)/gain(reference) recomputed on each draw (draws where the reference gain is ≤ 0 leave the ratio undefined; ' +
  'with fewer than half defined there is no interval). A fraction is reported only when the lower end of the reference gain interval is above 0.';

const finite = (v: number) => (Number.isFinite(v) ? v : null);

function interval(estimate: number, draws: Float64Array, level: number): Interval {
  const est = finite(estimate);
  const ci = est === null ? null : percentileInterval(draws, level);
  return { estimate: est, low: ci ? ci[0] : null, high: ci ? ci[1] : null };
}

function figureIntervals(estimate: Figures, draws: Record<FigureName, Float64Array>, level: number): FigureIntervals {
  return Object.fromEntries(FIGURE_NAMES.map((f) => [f, interval(estimate[f], draws[f], level)])) as FigureIntervals;
}

const newDraws = (n: number) => Object.fromEntries(FIGURE_NAMES.map((f) => [f, new Float64Array(n)])) as Record<FigureName, Float64Array>;

/**
 * The reduced model beside flexible references (a rich GLM, a network) and the PSTH, on the same held-out rows:
 * each figure with its trial-bootstrap interval, each reference − reduced difference paired over trials, and the
 * fraction of each reference's gain over the PSTH the reduced model captures (log-likelihood and stratified
 * AUROC), with a paired percentile interval of the ratio.
 */
export function boundComparison(reduced: ScoredRows, references: BoundReference[], options: BootstrapOptions = {}): BoundComparison {
  const resamples = options.resamples ?? 1000;
  const seed = options.seed ?? 0;
  const level = options.level ?? 0.95;
  if (!Number.isInteger(resamples) || resamples < 1) throw new OccamError(`bound: resamples must be a positive integer (got ${resamples})`);
  if (!(level > 0 && level < 1)) throw new OccamError(`bound: level must be between 0 and 1 (got ${level})`);
  const trials = trialsOf(reduced);
  for (const ref of references) {
    const other = trialsOf(ref.rows);
    if (other.length !== trials.length || other.some((t, i) => t !== trials[i])) {
      throw new OccamError(
        `bound: the ${ref.name} predictions cover ${other.length} held-out trials, the reduced model's ${trials.length}, not the same ones; every predictor must be scored on the same held-out trials`,
      );
    }
  }
  const stats: TrialStatistics[] = [reduced, ...references.map((r) => r.rows)].map((rows) => trialStatistics(rows, trials));
  const names = ['reduced', ...references.map((r) => r.name)];
  const ones = new Float64Array(trials.length).fill(1);
  const est = stats.map((s) => figuresAt(s, ones));
  const psthEst = est[0].psth;

  const own = stats.map(() => newDraws(resamples));
  const psthDraws = newDraws(resamples);
  const diff = references.map(() => newDraws(resamples));
  const gainDraws = (Object.keys(GAINS) as GainName[]).map(() => stats.map(() => new Float64Array(resamples)));
  const ratioDraws = (Object.keys(GAINS) as GainName[]).map(() => references.map(() => new Float64Array(resamples)));

  forEachTrialResample(trials.length, resamples, seed, (w, b) => {
    const fs = stats.map((s) => figuresAt(s, w));
    const psth = fs[0].psth;
    for (const f of FIGURE_NAMES) psthDraws[f][b] = psth[f];
    fs.forEach((x, m) => {
      for (const f of FIGURE_NAMES) own[m][f][b] = x.model[f];
    });
    references.forEach((_, k) => {
      for (const f of FIGURE_NAMES) diff[k][f][b] = fs[k + 1].model[f] - fs[0].model[f];
    });
    (Object.keys(GAINS) as GainName[]).forEach((g, gi) => {
      const gains = fs.map((x) => GAINS[g](x.model, psth));
      gains.forEach((v, m) => (gainDraws[gi][m][b] = v));
      references.forEach((_, k) => {
        const denominator = gains[k + 1];
        ratioDraws[gi][k][b] = denominator > 0 ? gains[0] / denominator : NaN;
      });
    });
  });

  const predictors: Record<string, FigureIntervals> = {};
  names.forEach((name, m) => (predictors[name] = figureIntervals(est[m].model, own[m], level)));

  const comparisons = references.map((ref, k): BoundReferenceComparison => {
    const fractions = (Object.keys(GAINS) as GainName[]).map((g, gi): CapturedFraction => {
      const reducedGain = interval(GAINS[g](est[0].model, psthEst), gainDraws[gi][0], level);
      const referenceGain = interval(GAINS[g](est[k + 1].model, psthEst), gainDraws[gi][k + 1], level);
      const what = g === 'logLikGain' ? 'log-likelihood gain over the PSTH' : 'stratified-AUROC gain over the PSTH';
      let reason: string | null = null;
      if (referenceGain.estimate === null) reason = `the ${ref.name}'s ${what} is undefined on these rows (no events, or no stratum with both classes)`;
      else if (referenceGain.estimate <= 0)
        reason = `the ${ref.name}'s ${what} is ${referenceGain.estimate.toPrecision(3)} ≤ 0: it predicts no better than the PSTH, so there is no gain to capture`;
      else if (referenceGain.low === null) reason = `the ${ref.name}'s ${what} has no interval (too few resamples define it)`;
      else if (referenceGain.low <= 0)
        reason = `the ${REFERENCE_WORDS[ref.name] ?? ref.name}'s ${what} is not clearly above 0 (interval [${referenceGain.low.toPrecision(3)}, ${referenceGain.high!.toPrecision(3)}]): a ratio to it would divide by noise`;
      if (reason !== null) return { estimate: null, low: null, high: null, reason, reducedGain, referenceGain };
      const ratio = reducedGain.estimate === null ? null : reducedGain.estimate / referenceGain.estimate!;
      const ci = ratio === null ? null : percentileInterval(ratioDraws[gi][k], level);
      return {
        estimate: ratio,
        low: ci ? ci[0] : null,
        high: ci ? ci[1] : null,
        reason:
          ratio === null ? `the reduced model's ${what} is undefined on these rows` : ci === null ? 'fewer than half of the resamples define the ratio' : null,
        reducedGain,
        referenceGain,
      };
    });
    const referenceMinusReduced = figureIntervals(
      Object.fromEntries(FIGURE_NAMES.map((f) => [f, est[k + 1].model[f] - est[0].model[f]])) as Figures,
      diff[k],
      level,
    );
    const d = referenceMinusReduced.logLikPerBin;
    const referenceVsReduced = d.low === null || d.high === null ? null : d.low > 0 ? 'better' : d.high < 0 ? 'worse' : 'indistinguishable';
    return { reference: ref.name, logLikGain: fractions[0], stratifiedAurocGain: fractions[1], referenceMinusReduced, referenceVsReduced };
  });

  return {
    trials: trials.length,
    resamples,
    seed,
    level,
    method: METHOD,
    psth: figureIntervals(psthEst, psthDraws, level),
    predictors,
    references: comparisons,
  };
}
