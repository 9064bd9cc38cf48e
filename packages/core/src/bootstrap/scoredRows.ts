import type { Family } from '../spec/schema.js';

/**
 * Everything needed to score one model on one set of rows, and to resample it by trial: per-row
 * predictions of the model and of its baselines, which trial and position each row belongs to, and the
 * accuracy thresholds chosen on training bins. `fitReducedModelWithPredictions` returns one for the
 * held-out rows; two sets over the same trials (trained and control model, full model and ablation) are
 * what `pairedBootstrap` compares.
 */
export interface ScoredRows {
  family: Family;
  /** Target per row (binarised for bernoulli). Rows with y > 0 are the events. */
  y: ArrayLike<number>;
  /** Trial (prompt) of each row: the unit the bootstrap resamples. Paired sets share trial numbers. */
  trial: ArrayLike<number>;
  /** Position of each row within its trial (ms bin, token position). */
  bin: ArrayLike<number>;
  /** Fold that predicted each row (k-fold), or null: stratified AUROCs compare rows within (fold, bin). */
  fold: ArrayLike<number> | null;
  /** The model's predicted mean per row. */
  model: ArrayLike<number>;
  /** The time-only baseline (training trials' PSTH) per row. */
  psth: ArrayLike<number>;
  /** The constant-rate null per row (the pseudo-R² reference). */
  constant: ArrayLike<number>;
  /** Gaussian noise variance for the log-likelihood (1 otherwise). */
  sigma2: number;
  /**
   * Accuracy thresholds chosen on training bins, one per fold (index 0 without folds): a row is predicted an
   * event when its score is above its fold's threshold. Null: accuracy is not figured.
   */
  thresholds: { model: ArrayLike<number>; psth: ArrayLike<number> } | null;
  /** The rows scored (e.g. held-out rows). */
  rows: ArrayLike<number>;
  /** Bins of the fixed-bin trial-to-trial AUROC (the response peak ± a few bins). */
  fixedBins: ArrayLike<number>;
}
