/** A ROC curve (thinned) and its exact AUROC on the same bins. */
export interface RocSeries {
  fpr: number[];
  tpr: number[];
  auroc: number | null;
}

/**
 * What the prediction figures show, computed once from a model and its dataset (`reportDataForModel`) and
 * plain JSON, so it can be cached or produced by other tools. Bins are dataset bin indices; times are
 * `time.origin + bin × time.binWidth` in `time.unit`.
 */
export interface ReportPrediction {
  /** 'held-out': the model's test trials; 'all': every trial (k-fold fits, or no usable held-out list). */
  trials: 'held-out' | 'all';
  /** Why `trials` is 'all', or another caveat a reader needs. */
  note: string | null;
  targetName: string;
  nBins: number;
  time: { origin: number; binWidth: number; unit: string; markers: Record<string, number> };
  /** First and last scored bin among the trials used. */
  scoredBins: [number, number] | null;
  /** ROC on the scored bins of the trials used: the model and the time-only baseline (training PSTH). */
  roc: { trials: number; bins: number; events: number; model: RocSeries; psth: RocSeries } | null;
  /** Per bin, mean over the trials used: recorded output (every bin), model and training PSTH (scored bins), simulated. */
  psth: {
    trials: number;
    recorded: number[];
    model: (number | null)[];
    baseline: (number | null)[];
    simulated: number[] | null;
    simulatedTrials: number;
  };
  /** A few trials: the model's prediction at every bin beside the recorded output (values per bin, and bins with an event). */
  examples: { trial: number; predicted: number[]; baseline: (number | null)[]; recorded: number[]; events: number[] }[];
  /** Recorded and simulated (model with its own history feedback) output, bins with an event per trial. */
  raster: { trials: number[]; recorded: number[][]; simulated: number[][] | null };
}
