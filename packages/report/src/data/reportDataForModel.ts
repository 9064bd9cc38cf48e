import { auroc, predictReducedModel, psthBaseline, rocCurve, simulateReducedModel, type Dataset, type ReducedModel } from '@occam/core';
import type { ReportPrediction, RocSeries } from './reportPrediction.js';
import { subsetTrials } from './subsetTrials.js';
import { vocabularyForUnit } from '../style/vocabulary.js';

export interface ReportDataOptions {
  /** At most this many trials (evenly spaced among the held-out ones) for the ROC and the PSTH. Default 2000. */
  maxTrials?: number;
  /** Trials whose predicted probability is drawn against their recorded output. Default 4. */
  exampleTrials?: number;
  /** Rows of the raster (recorded and simulated). Default 30. */
  rasterTrials?: number;
  /** Trials simulated with the model's own history feedback for the simulated PSTH. Default 200. */
  simulatedTrials?: number;
  /** Seed of the simulation. Default 0. */
  seed?: number;
}

/** k of the items, evenly spaced, in order (all when k ≥ length). */
function evenlySpaced<T>(items: readonly T[], k: number): T[] {
  if (items.length <= k) return items.slice();
  return Array.from({ length: k }, (_, i) => items[Math.floor(((i + 0.5) * items.length) / k)]);
}

function finite(v: number): number | null {
  return Number.isFinite(v) ? v : null;
}

function rocSeries(scores: ArrayLike<number>, labels: ArrayLike<number>): RocSeries {
  const { fpr, tpr } = rocCurve(scores, labels);
  return { fpr, tpr, auroc: finite(auroc(scores, labels)) };
}

/** Which trials to show, and why. */
function chooseTrials(model: ReducedModel, ds: Dataset): { used: number[]; train: number[]; kind: ReportPrediction['trials']; note: string | null } {
  const n = ds.manifest.nTrials;
  const all = Array.from({ length: n }, (_, i) => i);
  const prov = model.provenance;
  const sameShape = prov.dataset.nTrials === n && prov.dataset.nBins === ds.manifest.nBins;
  const words = vocabularyForUnit(ds.manifest.binUnit);
  const baseline =
    words.kind === 'language-model' ? 'position-only baseline is this dataset’s own mean per position' : 'time-only baseline is this dataset’s own PSTH';
  if (!sameShape) {
    return {
      used: all,
      train: all,
      kind: 'all',
      note: `this dataset (${n} ${words.trials} × ${ds.manifest.nBins} ${words.bins}) is not the one the model was fitted on (${prov.dataset.nTrials} × ${prov.dataset.nBins}): every ${words.trial} is new data; the ${baseline}`,
    };
  }
  if (prov.testTrials.length > 0) return { used: prov.testTrials.slice().sort((a, b) => a - b), train: prov.trainTrials, kind: 'held-out', note: null };
  return {
    used: all,
    train: all,
    kind: 'all',
    note:
      model.metrics.testKind === 'kfold'
        ? `k-fold fit: the final model saw every ${words.trial}, so these figures are in-sample; the table's test column is the ${model.metrics.folds}-fold out-of-fold score`
        : `the model lists no held-out ${words.trials}: these figures are in-sample`,
  };
}

/**
 * The data behind the prediction figures of a report: held-out trials (the model's provenance.testTrials;
 * every trial when it has none) predicted with core's predictReducedModel, the ROC of the model and of
 * the time-only baseline (the training trials' PSTH) on the same scored bins, PSTHs, a few example trials
 * and a raster of recorded against simulated output.
 */
export function reportDataForModel(model: ReducedModel, ds: Dataset, options: ReportDataOptions = {}): ReportPrediction {
  const { nBins } = ds.manifest;
  const family = model.spec.family;
  const binary = family === 'bernoulli';
  const spikeLike = family !== 'gaussian';
  const { used: chosen, train, kind, note } = chooseTrials(model, ds);
  const used = evenlySpaced(chosen, options.maxTrials ?? 2000);
  const event = (v: number) => (binary ? (v > 0 ? 1 : 0) : v);

  // Time-only baseline: the training trials' PSTH over their scored bins (core's shrinkage).
  const trainCells: number[] = [];
  for (const tr of train) for (let b = 0; b < nBins; b++) if (ds.scored[tr * nBins + b]) trainCells.push(tr * nBins + b);
  const y = Float64Array.from(trainCells, (c) => ds.target[c]);
  const bin = Int32Array.from(trainCells, (c) => c % nBins);
  const rows = Int32Array.from(trainCells, (_, i) => i);
  const rate = psthBaseline(y, bin, rows, nBins, binary);
  const seen = new Uint8Array(nBins);
  for (const b of bin) seen[b] = 1;
  const baselineAt = (b: number): number | null => (seen[b] ? rate[b] : null);

  // Scored-bin predictions of the trials used.
  const sub = subsetTrials(ds, used);
  const pred = predictReducedModel(model, sub, { rows: 'scored' });
  const labels = pred.target.map((v) => (v > 0 ? 1 : 0));
  let events = 0;
  for (const l of labels) events += l;
  const roc =
    spikeLike && pred.mean.length > 0
      ? {
          trials: used.length,
          bins: pred.mean.length,
          events,
          model: rocSeries(pred.mean, labels),
          psth: rocSeries(
            Float64Array.from(pred.bin, (b) => rate[b]),
            labels,
          ),
        }
      : null;
  let scoredBins: [number, number] | null = null;
  for (const b of pred.bin) scoredBins = scoredBins ? [Math.min(scoredBins[0], b), Math.max(scoredBins[1], b)] : [b, b];

  const modelSum = new Float64Array(nBins);
  const modelCount = new Float64Array(nBins);
  pred.bin.forEach((b, r) => {
    modelSum[b] += pred.mean[r];
    modelCount[b] += 1;
  });
  const recorded = new Float64Array(nBins);
  for (let k = 0; k < sub.manifest.nTrials; k++) for (let b = 0; b < nBins; b++) recorded[b] += event(sub.target[k * nBins + b]);

  // Simulated output with the model's own history feedback.
  const simTrials = evenlySpaced(used, options.simulatedTrials ?? 200);
  const sims = spikeLike ? simulateReducedModel(model, subsetTrials(ds, simTrials), { seed: options.seed ?? 0 }) : null;
  let simulated: number[] | null = null;
  if (sims) {
    const counts = new Float64Array(nBins);
    for (const s of sims) for (const b of s) counts[b] += 1;
    simulated = Array.from(counts, (c) => c / simTrials.length);
  }
  const rasterCount = Math.min(options.rasterTrials ?? 30, simTrials.length);
  const eventsOf = (trial: number) => {
    const out: number[] = [];
    for (let b = 0; b < nBins; b++) if (ds.target[trial * nBins + b] > 0) out.push(b);
    return out;
  };

  // Example trials: prefer ones with output inside the scored window.
  const withEvents = used.filter((tr) => {
    for (let b = 0; b < nBins; b++) if (ds.scored[tr * nBins + b] && ds.target[tr * nBins + b] > 0) return true;
    return false;
  });
  const exampleCount = options.exampleTrials ?? 4;
  const exampleTrials = evenlySpaced(withEvents.length >= exampleCount ? withEvents : used, exampleCount);
  const all = exampleTrials.length ? predictReducedModel(model, subsetTrials(ds, exampleTrials), { rows: 'all' }) : null;
  const predicted = exampleTrials.map(() => new Array<number>(nBins).fill(NaN));
  if (all) all.trial.forEach((k, r) => (predicted[k][all.bin[r]] = all.mean[r]));
  const examples = exampleTrials.map((trial, k) => ({
    trial,
    predicted: predicted[k],
    baseline: Array.from({ length: nBins }, (_, b) => baselineAt(b)),
    recorded: Array.from(ds.target.subarray(trial * nBins, (trial + 1) * nBins)),
    events: eventsOf(trial),
  }));

  return {
    trials: kind,
    note,
    targetName: ds.manifest.target.name,
    nBins,
    time: { origin: ds.manifest.timeOrigin, binWidth: ds.manifest.binWidth, unit: ds.manifest.binUnit, markers: { ...ds.manifest.markers } },
    scoredBins,
    roc,
    psth: {
      trials: used.length,
      recorded: Array.from(recorded, (s) => s / Math.max(1, used.length)),
      model: Array.from(modelSum, (s, b) => (modelCount[b] ? s / modelCount[b] : null)),
      baseline: Array.from({ length: nBins }, (_, b) => baselineAt(b)),
      simulated,
      simulatedTrials: sims ? simTrials.length : 0,
    },
    examples,
    raster: {
      trials: simTrials.slice(0, rasterCount),
      recorded: simTrials.slice(0, rasterCount).map(eventsOf),
      simulated: sims ? sims.slice(0, rasterCount) : null,
    },
  };
}
