import type { Dataset } from '../dataset/dataset.js';
import { OccamError } from '../errors.js';
import { forEachTrialResample, percentileInterval } from '../bootstrap/trialResampling.js';
import { prepareRankSweep, sweepAuroc, type WeightedRankSweep } from '../bootstrap/weightedRankSweep.js';
import { auroc, stratifiedAuroc } from '../metrics/auroc.js';
import { FILTER_BAND_DRAWS } from '../model/filterBands.js';
import { predictReducedModel, simulateReducedModel } from '../model/predict.js';
import type { ReducedModel } from '../model/schema.js';
import { datasetForModel } from './datasetForModel.js';
import { cosineSimilarity, sampledFilter } from './filterSimilarity.js';
import { modelFilterDraws, similarityIntervals, type SystemDraws } from './filterSimilarityIntervals.js';
import type { CompareResult } from './schema.js';

export interface System {
  name: string;
  model: ReducedModel;
  dataset: Dataset;
}

/** Held-out trials of a system: its model's test trials, or all trials when it was cross-validated. */
function heldOut(s: Pick<System, 'model' | 'dataset'>): number[] {
  const t = s.model.provenance.testTrials;
  return t.length > 0 ? t : Array.from({ length: s.dataset.manifest.nTrials }, (_, i) => i);
}

export interface CrossScore {
  auroc: number | null;
  t2t: number | null;
  stratified: number | null;
  /** Rank sweeps over the held-out rows (one stratum; one per bin) for trial-resampled AUROCs. */
  sweeps: { auroc: WeightedRankSweep; stratified: WeightedRankSweep };
}

/** The row model scored on the target system's held-out trials: one cell of the cross-prediction matrix. */
export function scoreOn(model: ReducedModel, target: Pick<System, 'model' | 'dataset'>): CrossScore {
  const held = heldOut(target);
  const trials = new Set(held);
  const index = new Map(held.map((t, k) => [t, k]));
  const pred = predictReducedModel(model, datasetForModel(model, target.dataset).dataset);
  const rows: number[] = [];
  for (let r = 0; r < pred.trial.length; r++) if (trials.has(pred.trial[r])) rows.push(r);
  const fixed = new Set(target.model.metrics.fixedBins);
  const strata = new Map<number, number[]>();
  const byBin = new Map<number, number[]>();
  for (const r of rows) {
    if (!byBin.has(pred.bin[r])) byBin.set(pred.bin[r], []);
    byBin.get(pred.bin[r])!.push(r);
    if (!fixed.has(pred.bin[r])) continue;
    if (!strata.has(pred.bin[r])) strata.set(pred.bin[r], []);
    strata.get(pred.bin[r])!.push(r);
  }
  const a = auroc(pred.mean, pred.target, rows);
  const t = stratifiedAuroc(pred.mean, pred.target, strata);
  const s = stratifiedAuroc(pred.mean, pred.target, byBin);
  const trialOf = (r: number) => index.get(pred.trial[r])!;
  return {
    auroc: Number.isFinite(a) ? a : null,
    t2t: Number.isFinite(t) ? t : null,
    stratified: Number.isFinite(s) ? s : null,
    sweeps: { auroc: prepareRankSweep(pred.mean, pred.target, trialOf, [rows]), stratified: prepareRankSweep(pred.mean, pred.target, trialOf, byBin.values()) },
  };
}

/**
 * Percentile intervals, over resamples of the column system's held-out trials, of every row model's AUROC and
 * stratified AUROC on that column and of their paired differences to the column's own model (the same
 * resampled trials score both, so what the trials share cancels).
 */
function crossIntervals(scores: CrossScore[][], systems: System[], resamples: number, seed: number, level: number) {
  const n = systems.length;
  const grid = () => systems.map(() => systems.map((): [number, number] | null => null));
  const out = { auroc: grid(), stratifiedAuroc: grid(), relativeToOwn: grid(), stratifiedRelativeToOwn: grid() };
  for (let j = 0; j < n; j++) {
    const T = heldOut(systems[j]).length;
    const draws = Array.from({ length: n }, () => ({ a: new Float64Array(resamples), s: new Float64Array(resamples) }));
    forEachTrialResample(T, resamples, seed + j, (w, b) => {
      for (let i = 0; i < n; i++) {
        draws[i].a[b] = sweepAuroc(scores[i][j].sweeps.auroc, w);
        draws[i].s[b] = sweepAuroc(scores[i][j].sweeps.stratified, w);
      }
    });
    for (let i = 0; i < n; i++) {
      out.auroc[i][j] = percentileInterval(draws[i].a, level);
      out.stratifiedAuroc[i][j] = percentileInterval(draws[i].s, level);
      out.relativeToOwn[i][j] = percentileInterval(
        draws[i].a.map((v, b) => v - draws[j].a[b]),
        level,
      );
      out.stratifiedRelativeToOwn[i][j] = percentileInterval(
        draws[i].s.map((v, b) => v - draws[j].s[b]),
        level,
      );
    }
  }
  return { level, resamples, seed, ...out };
}

/** A system's simulated output on some trials: events per trial, and which bin positions any of them scores. */
interface SimulatedResponse {
  events: number[][];
  scoredBins: Uint8Array;
}

function simulatedResponse(model: ReducedModel, ds: Dataset, trials: number[], seed: number): SimulatedResponse {
  const { nBins } = ds.manifest;
  const scoredBins = new Uint8Array(nBins);
  for (const tr of trials) for (let b = 0; b < nBins; b++) if (ds.scored[tr * nBins + b]) scoredBins[b] = 1;
  return { events: simulateReducedModel(model, ds, { trials, seed }), scoredBins };
}

/**
 * Mean simulated output per scored bin position across the trials: the system's response. With `weights`
 * (how often each trial was drawn, summing to the trial count) the same mean over a resample of the trials.
 */
function response(sim: SimulatedResponse, weights?: Float64Array): Float64Array {
  const T = sim.events.length;
  const rate = new Float64Array(sim.scoredBins.length);
  if (weights) sim.events.forEach((events, k) => weights[k] > 0 && events.forEach((b) => (rate[b] += weights[k] / T)));
  else sim.events.forEach((events) => events.forEach((b) => (rate[b] += 1 / T)));
  return rate.map((v, b) => (sim.scoredBins[b] ? v : 0));
}

/** The inputs-vs-models split of two systems' responses (R(model, inputs)), averaged over both swap orders. */
function variabilitySplit(rAA: Float64Array, rBB: Float64Array, rAB: Float64Array, rBA: Float64Array) {
  // Input effect = model fixed, inputs changed; model effect likewise.
  const input = 0.5 * (squaredDistance(rAA, rAB) + squaredDistance(rBA, rBB));
  const model = 0.5 * (squaredDistance(rAA, rBA) + squaredDistance(rAB, rBB));
  const total = input + model;
  return {
    responseDistance: Math.sqrt(squaredDistance(rAA, rBB)),
    inputShare: total > 0 ? input / total : null,
    modelShare: total > 0 ? model / total : null,
  };
}

function squaredDistance(a: Float64Array, b: Float64Array): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += (a[i] - b[i]) ** 2;
  return s;
}

/** Average-linkage agglomerative ordering from a similarity matrix. */
function clusterOrder(names: string[], sim: (number | null)[][]): string[] {
  let clusters = names.map((_, i) => [i]);
  const d = (a: number[], b: number[]) => {
    let s = 0;
    let n = 0;
    for (const i of a)
      for (const j of b) {
        const v = sim[i][j];
        if (v !== null) {
          s += 1 - v;
          n++;
        }
      }
    return n ? s / n : 1;
  };
  while (clusters.length > 1) {
    let best = [0, 1];
    let bestD = Infinity;
    for (let i = 0; i < clusters.length; i++)
      for (let j = i + 1; j < clusters.length; j++) {
        const v = d(clusters[i], clusters[j]);
        if (v < bestD) {
          bestD = v;
          best = [i, j];
        }
      }
    const merged = [...clusters[best[0]], ...clusters[best[1]]];
    clusters = clusters.filter((_, k) => k !== best[0] && k !== best[1]);
    clusters.push(merged);
  }
  return clusters[0].map((i) => names[i]);
}

/**
 * Do different systems compute the same thing? Filter-shape similarity per group after normalisation, a
 * cross-prediction matrix (row system's model on column system's held-out data, beside the column's own
 * model), an ordering of systems by similarity, and the seed's variability claim measured: how much of the
 * response difference between two systems is explained by swapping their inputs vs swapping their models.
 * The same call with one system under several conditions gives the condition-transfer matrix.
 * `scores[i][j]` (row model i on column system j), when given, are the cross-prediction cells computed
 * elsewhere (an executor's tasks: compareModelsOn); they are what this function would compute itself.
 */
export function compareModels(
  systems: System[],
  options: { kind?: 'systems' | 'conditions'; seed?: number; resamples?: number; level?: number; filterDraws?: number } = {},
  precomputed?: CrossScore[][],
): CompareResult {
  if (systems.length < 2) throw new OccamError('compare needs at least two systems (model + dataset each)');
  const level = options.level ?? 0.95;
  const drawCount = options.filterDraws ?? FILTER_BAND_DRAWS;
  // Each system's filters from its own Laplace posterior, seeded per system so that two systems' draws are independent.
  const drawn: SystemDraws[] | null = drawCount > 0 ? systems.map((s, i) => modelFilterDraws(s.model, s.dataset, (options.seed ?? 0) + i, drawCount)) : null;
  const withIntervals = (entry: { group: string; filter: 'spatial' | 'temporal' | 'full' | 'history'; matrix: (number | null)[][] }) =>
    drawn ? { ...entry, intervals: similarityIntervals(drawn, entry.group, entry.filter, entry.matrix, level), level } : entry;
  const names = systems.map((s) => s.name);
  const groups = [...new Set(systems.flatMap((s) => s.model.layout.groups))];
  const filterSimilarity: CompareResult['filterSimilarity'] = [];
  for (const group of groups)
    for (const filter of ['spatial', 'temporal', 'full'] as const) {
      filterSimilarity.push(
        withIntervals({
          group,
          filter,
          matrix: systems.map((a) =>
            systems.map((b) => {
              const fa = sampledFilter(a.model, group, filter);
              const fb = sampledFilter(b.model, group, filter);
              return fa && fb ? cosineSimilarity(fa, fb) : null;
            }),
          ),
        }),
      );
    }
  if (systems.every((s) => s.model.filters.history)) {
    filterSimilarity.push(
      withIntervals({
        group: 'history',
        filter: 'history',
        matrix: systems.map((a) => systems.map((b) => cosineSimilarity(sampledFilter(a.model, '', 'history')!, sampledFilter(b.model, '', 'history')!))),
      }),
    );
  }
  if (precomputed && (precomputed.length !== systems.length || precomputed.some((row) => row.length !== systems.length)))
    throw new OccamError(`compare: the cross-prediction scores are not ${systems.length} × ${systems.length}`);
  const scores = precomputed ?? systems.map((a) => systems.map((b) => scoreOn(a.model, b)));
  const own = systems.map((_, j) => scores[j][j].auroc);
  const ownStratified = systems.map((_, j) => scores[j][j].stratified);
  const crossPrediction = {
    auroc: scores.map((row) => row.map((s) => s.auroc)),
    relativeToOwn: scores.map((row) => row.map((s, j) => (s.auroc !== null && own[j] !== null ? s.auroc - own[j]! : null))),
    trialToTrialAuroc: scores.map((row) => row.map((s) => s.t2t)),
    stratifiedAuroc: scores.map((row) => row.map((s) => s.stratified)),
    stratifiedRelativeToOwn: scores.map((row) =>
      row.map((s, j) => (s.stratified !== null && ownStratified[j] !== null ? s.stratified - ownStratified[j]! : null)),
    ),
    intervals: crossIntervals(scores, systems, options.resamples ?? 1000, options.seed ?? 0, level),
  };
  const full = filterSimilarity.filter((f) => f.filter === 'full');
  const meanSim = names.map((_, i) =>
    names.map((__, j) => {
      const vs = full.map((f) => f.matrix[i][j]).filter((v): v is number => v !== null);
      return vs.length ? vs.reduce((s, v) => s + v, 0) / vs.length : null;
    }),
  );
  const seed = options.seed ?? 0;
  const variability: CompareResult['variability'] = [];
  for (let i = 0; i < systems.length; i++)
    for (let j = i + 1; j < systems.length; j++) {
      const A = systems[i];
      const B = systems[j];
      const tA = heldOut(A);
      const tB = heldOut(B);
      // R(model, inputs); the swap is only defined where both datasets share bins.
      if (A.dataset.manifest.nBins !== B.dataset.manifest.nBins) {
        variability.push({ a: A.name, b: B.name, responseDistance: NaN, inputShare: null, modelShare: null });
        continue;
      }
      const simAA = simulatedResponse(A.model, A.dataset, tA, seed);
      const simBB = simulatedResponse(B.model, B.dataset, tB, seed);
      const simAB = simulatedResponse(A.model, datasetForModel(A.model, B.dataset).dataset, tB, seed); // A's model, B's inputs
      const simBA = simulatedResponse(B.model, datasetForModel(B.model, A.dataset).dataset, tA, seed); // B's model, A's inputs
      const point = variabilitySplit(response(simAA), response(simBB), response(simAB), response(simBA));
      // Trial resamples of each system's held-out trials, shared by both models run on those inputs (paired):
      // the simulated responses are kept per trial, so a resample only re-weights them. The response distance
      // gets no interval: resampling adds its own noise to both responses, so the resampled distances sit
      // above the figure (on planted data the whole 95 % range excluded it), while the shares' ratio is not
      // pushed one way by it.
      const resamples = options.resamples ?? 1000;
      const input = new Float64Array(resamples);
      const weightsA: Float64Array[] = [];
      forEachTrialResample(tA.length, resamples, seed + i, (w) => weightsA.push(w.slice()));
      forEachTrialResample(tB.length, resamples, seed + j, (wB, b) => {
        const wA = weightsA[b];
        const split = variabilitySplit(response(simAA, wA), response(simBB, wB), response(simAB, wB), response(simBA, wA));
        input[b] = split.inputShare ?? NaN;
      });
      const resampled = percentileInterval(input, level);
      // The input effect compares responses to two different trial sets, so resampling both adds their noise
      // to it once more, while the model effect (one trial set, both models) cancels it. Where that bias puts
      // the whole resampled range on one side of the estimate, the range is not an interval for it: none is given.
      const biased = resampled !== null && point.inputShare !== null && (point.inputShare < resampled[0] || point.inputShare > resampled[1]);
      const inputInterval = biased ? null : resampled;
      variability.push({
        a: A.name,
        b: B.name,
        ...point,
        intervals: {
          level,
          resamples,
          inputShare: inputInterval,
          modelShare: inputInterval && [1 - inputInterval[1], 1 - inputInterval[0]],
          ...(biased
            ? {
                note: `resampled input shares ${(100 * resampled[0]).toFixed(0)}–${(100 * resampled[1]).toFixed(0)} % all lie on one side of the estimate: resampling biases this split, no interval`,
              }
            : {}),
        },
      });
    }
  const groupMatching: NonNullable<CompareResult['groupMatching']> = [];
  for (const a of systems)
    for (const b of systems) {
      if (a === b) continue;
      const { unknown, absent } = datasetForModel(a.model, b.dataset);
      if (unknown.length || absent.length) groupMatching.push({ model: a.name, data: b.name, unknown, absent });
    }
  return {
    format: 'occam.compare',
    version: 1,
    kind: options.kind ?? 'systems',
    names,
    filterSimilarity,
    ...(drawn
      ? {
          filterSimilarityIntervals: {
            method: 'laplace' as const,
            level,
            draws: drawCount,
            seeds: systems.map((_, i) => (options.seed ?? 0) + i),
            unavailable: drawn.flatMap((d, i) => ('reason' in d ? [{ name: systems[i].name, reason: d.reason }] : [])),
          },
        }
      : {}),
    crossPrediction,
    order: clusterOrder(names, meanSim),
    ...(systems.some((s) => s.model.control)
      ? { controls: systems.flatMap((s) => (s.model.control ? [{ name: s.name, control: s.model.control }] : [])) }
      : {}),
    variability: variability.map((v) => ({ ...v, responseDistance: Number.isFinite(v.responseDistance) ? v.responseDistance : -1 })),
    ...(groupMatching.length ? { groupMatching } : {}),
  };
}
