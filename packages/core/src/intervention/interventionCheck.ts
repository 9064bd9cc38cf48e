import type { Dataset } from '../dataset/dataset.js';
import { closest, OccamError } from '../errors.js';
import { forEachTrialResample, percentileInterval } from '../bootstrap/trialResampling.js';
import type { ReducedModel } from '../model/schema.js';
import { applyIntervention } from './applyIntervention.js';
import { forwardResponse } from './forwardResponse.js';
import { missRule, outcomeLine, pearson, slopeLeavingOneOut, slopeThroughOrigin } from './outcomeText.js';
import type { Estimate, InterventionOutcome, InterventionResult } from './resultSchema.js';
import type { InterventionList, NeuronIntervention } from './schema.js';

export interface SimulatedRun {
  /** The intervention's name, as in the list. */
  name: string;
  dataset: Dataset;
  /** Where it was read from (for messages and the output). */
  path: string;
}

export interface InterventionCheckOptions {
  samples: number;
  seed: number;
  resamples: number;
  level: number;
  bootstrapSeed: number;
  /** A miss must also exceed this fraction of the larger of the two changes. */
  missFraction: number;
}

export const DEFAULT_CHECK_OPTIONS: InterventionCheckOptions = { samples: 20, seed: 0, resamples: 1000, level: 0.95, bootstrapSeed: 0, missFraction: 0.5 };

/**
 * The causal check: for each intervention, the reduced model's predicted change in the response (mean output per
 * scored bin, original scored bins) against the change the detailed system showed when rerun on the same trials
 * under the same intervention. Intervals resample trials, paired: one resample draws the same trials for the
 * prediction, the simulation and every intervention, so differences and the slope across interventions carry
 * the trial-to-trial dependence. They do not cover the choice of interventions, which is fixed.
 */
export function interventionCheck(
  model: ReducedModel,
  ds: Dataset,
  list: InterventionList,
  simulated: SimulatedRun[],
  paths: { model: string; data: string; interventions: string },
  options: InterventionCheckOptions = DEFAULT_CHECK_OPTIONS,
): InterventionResult {
  const t0 = Date.now();
  const names = list.interventions.map((i) => i.name);
  for (const run of simulated) {
    if (!names.includes(run.name)) {
      const near = closest(run.name, names);
      throw new OccamError(
        `--simulated ${run.name}=${run.path}: no intervention named '${run.name}'${near ? ` (did you mean '${near}'?)` : ''}; the list has: ${names.join(', ')}`,
        {
          field: 'simulated',
        },
      );
    }
  }
  const { pairedBy, trials, simTrials } = pairTrials(ds, simulated, paths.data);
  const { nBins } = ds.manifest;
  const T = trials.length;
  // Per trial: scored bins, and the data's own output summed over them.
  const count = new Float64Array(T);
  const observed = new Float64Array(T);
  trials.forEach((d, j) => {
    for (let t = 0; t < nBins; t++) {
      if (!ds.scored[d * nBins + t]) continue;
      count[j] += 1;
      observed[j] += ds.target[d * nBins + t];
    }
  });
  const scoredBins = count.reduce((s, c) => s + c, 0);
  if (scoredBins === 0) throw new OccamError(`${paths.data}: the compared trials have no scored bins`, { file: paths.data });
  // Every selection and every rerun is checked before the first forward run, so a bad input fails fast.
  const checked = list.interventions.map((iv) => {
    const applied = applyIntervention(ds, iv);
    const run = simulated.find((s) => s.name === iv.name);
    const mismatches = run ? untouchedMismatches(ds, run, applied.atoms, trials, simTrials.get(run)!, iv) : 0;
    return { iv, applied, run, mismatches };
  });
  const forward = { samples: options.samples, seed: options.seed };
  const original = forwardResponse(model, ds, trials, forward);
  const sumScored = (perBin: Float64Array) => {
    const out = new Float64Array(T);
    for (let j = 0; j < T; j++) for (let t = 0; t < nBins; t++) if (ds.scored[trials[j] * nBins + t]) out[j] += perBin[j * nBins + t];
    return out;
  };
  const predOriginal = sumScored(original.expected);
  const arms = checked.map(({ iv, applied, run, mismatches }) => {
    const response = forwardResponse(model, applied.dataset, trials, forward);
    let sim: { run: SimulatedRun; perTrial: Float64Array; perBin: Float64Array; mismatches: number } | null = null;
    if (run) {
      const idx = simTrials.get(run)!;
      const perTrial = new Float64Array(T);
      const perBin = new Float64Array(T * nBins);
      trials.forEach((d, j) => {
        for (let t = 0; t < nBins; t++) {
          const v = run.dataset.target[idx[j] * nBins + t];
          perBin[j * nBins + t] = v;
          if (ds.scored[d * nBins + t]) perTrial[j] += v;
        }
      });
      sim = { run, perTrial, perBin, mismatches };
    }
    return { iv, atoms: applied.atoms, perBin: response.expected, perTrial: sumScored(response.expected), sim };
  });

  // Point estimates (every trial once) and the resampled ones, from one function of the trial weights.
  const withSim = arms.filter((a) => a.sim !== null);
  const figures = (w: Float64Array | null) => {
    let c = 0;
    let po = 0;
    let ob = 0;
    const pi = new Float64Array(arms.length);
    const si = new Float64Array(arms.length);
    for (let j = 0; j < T; j++) {
      const wj = w ? w[j] : 1;
      if (wj === 0) continue;
      c += wj * count[j];
      po += wj * predOriginal[j];
      ob += wj * observed[j];
      arms.forEach((a, k) => {
        pi[k] += wj * a.perTrial[j];
        if (a.sim) si[k] += wj * a.sim.perTrial[j];
      });
    }
    const predO = po / c;
    const obsO = ob / c;
    const perArm = arms.map((a, k) => {
      const predI = pi[k] / c;
      const simI = a.sim ? si[k] / c : NaN;
      return { predI, predChange: predI - predO, simI, simChange: simI - obsO, diff: predI - predO - (simI - obsO) };
    });
    const xs = withSim.map((a) => perArm[arms.indexOf(a)].predChange);
    const ys = withSim.map((a) => perArm[arms.indexOf(a)].simChange);
    return { predO, obsO, perArm, slope: slopeThroughOrigin(xs, ys), correlation: pearson(xs, ys) };
  };
  const point = figures(null);
  const R = options.resamples;
  const boot = {
    predO: new Float64Array(R),
    obsO: new Float64Array(R),
    slope: new Float64Array(R),
    correlation: new Float64Array(R),
    arm: arms.map(() => ({
      predI: new Float64Array(R),
      predChange: new Float64Array(R),
      simI: new Float64Array(R),
      simChange: new Float64Array(R),
      diff: new Float64Array(R),
    })),
  };
  forEachTrialResample(T, R, options.bootstrapSeed, (w, b) => {
    const f = figures(w);
    boot.predO[b] = f.predO;
    boot.obsO[b] = f.obsO;
    boot.slope[b] = f.slope;
    boot.correlation[b] = f.correlation;
    f.perArm.forEach((p, k) => {
      const a = boot.arm[k];
      a.predI[b] = p.predI;
      a.predChange[b] = p.predChange;
      a.simI[b] = p.simI;
      a.simChange[b] = p.simChange;
      a.diff[b] = p.diff;
    });
  });
  const est = (value: number, values: Float64Array): Estimate => {
    const i = Number.isFinite(value) ? percentileInterval(values, options.level) : null;
    return { estimate: Number.isFinite(value) ? value : null, low: i ? i[0] : null, high: i ? i[1] : null };
  };
  const predictedOriginal = est(point.predO, boot.predO);
  const observedOriginal = est(point.obsO, boot.obsO);
  const time = Array.from({ length: nBins }, (_, t) => ds.manifest.timeOrigin + t * ds.manifest.binWidth);
  const meanOverTrials = (perBin: Float64Array) => {
    const out = new Array<number>(nBins).fill(0);
    for (let j = 0; j < T; j++) for (let t = 0; t < nBins; t++) out[t] += perBin[j * nBins + t] / T;
    return out;
  };
  const observedPerBin = new Float64Array(T * nBins);
  trials.forEach((d, j) => observedPerBin.set(ds.target.subarray(d * nBins, (d + 1) * nBins), j * nBins));
  const observedCourse = meanOverTrials(observedPerBin);
  const misses: string[] = [];
  const outcomes: InterventionOutcome[] = arms.map((a, k) => {
    const p = point.perArm[k];
    const bk = boot.arm[k];
    const predicted = { original: predictedOriginal, intervened: est(p.predI, bk.predI), change: est(p.predChange, bk.predChange) };
    const simulatedFigures = a.sim
      ? {
          dataset: a.sim.run.path,
          original: observedOriginal,
          intervened: est(p.simI, bk.simI),
          change: est(p.simChange, bk.simChange),
          untouchedInputMismatches: a.sim.mismatches,
        }
      : null;
    const diff = a.sim ? est(p.diff, bk.diff) : null;
    const miss =
      diff && diff.low !== null && diff.high !== null
        ? (diff.low > 0 || diff.high < 0) && Math.abs(p.diff) > options.missFraction * Math.max(Math.abs(p.predChange), Math.abs(p.simChange))
        : a.sim
          ? false
          : null;
    const line = outcomeLine(
      a.iv.name,
      predicted.change,
      simulatedFigures?.change ?? null,
      diff,
      miss,
      { predChange: p.predChange, observedChange: p.simChange },
      'simulated',
    );
    if (miss) misses.push(line);
    return {
      name: a.iv.name,
      description: a.iv.description ?? null,
      operation: a.iv.silence ? 'silence' : a.iv.shift ? 'shift' : 'scale',
      atoms: a.atoms.map((i) => ds.manifest.atoms[i].id),
      predicted,
      simulated: simulatedFigures,
      predictedMinusSimulated: diff,
      miss,
      line,
      timeCourse: {
        time,
        predictedOriginal: meanOverTrials(original.expected),
        predictedIntervened: meanOverTrials(a.perBin),
        simulatedOriginal: a.sim ? observedCourse : null,
        simulatedIntervened: a.sim ? meanOverTrials(a.sim.perBin) : null,
      },
    };
  });
  return {
    format: 'occam.intervention-result',
    version: 1,
    system: list.system,
    model: paths.model,
    data: paths.data,
    interventionsFile: paths.interventions,
    measure: {
      description: `mean ${ds.manifest.target.kind === 'binary' ? 'spike probability' : 'output'} per scored bin (${ds.manifest.binWidth} ${ds.manifest.binUnit} bins; the data's scored bins, the same in every arm)`,
      scoredBins,
      trials: T,
      pairedBy,
    },
    prediction: {
      method:
        'the reduced model run forward on the (intervened) inputs with its own sampled spikes as history; per bin the probability given the sampled past, averaged over samples; original and intervened arms share random numbers per trial and sample',
      nonlinearity: original.nonlinearity,
      samples: original.samples,
      seed: options.seed,
    },
    bootstrap: { resamples: R, level: options.level, seed: options.bootstrapSeed, unit: 'trial' },
    baseline: { predicted: predictedOriginal, observed: observedOriginal },
    interventions: outcomes,
    acrossInterventions: {
      count: withSim.length,
      slope: withSim.length >= 2 ? est(point.slope, boot.slope) : null,
      correlation: withSim.length >= 3 ? est(point.correlation, boot.correlation) : null,
      slopeLeaveOneOut: slopeLeavingOneOut(
        withSim.map((a) => point.perArm[arms.indexOf(a)].predChange),
        withSim.map((a) => point.perArm[arms.indexOf(a)].simChange),
        withSim.map((a) => a.iv.name),
      ),
    },
    missRule: missRule(options.missFraction),
    misses,
    seconds: (Date.now() - t0) / 1000,
  };
}

/**
 * Which data trials are compared, and each simulated run's index for them. With trial ids on both sides, a
 * simulated trial is matched by id (a rerun of the first 150 of 1000 trials pairs with those 150); without,
 * by position, which needs the same trial count. The compared trials are those every simulated run has.
 */
function pairTrials(
  ds: Dataset,
  simulated: SimulatedRun[],
  dataPath: string,
): { pairedBy: 'trialIds' | 'position'; trials: number[]; simTrials: Map<SimulatedRun, Int32Array> } {
  const m = ds.manifest;
  for (const run of simulated) {
    const s = run.dataset.manifest;
    const same = (what: string, a: unknown, b: unknown) => {
      if (JSON.stringify(a) !== JSON.stringify(b))
        throw new OccamError(`${run.path}: its ${what} (${JSON.stringify(b)}) differs from ${dataPath}'s (${JSON.stringify(a)}); import both the same way`, {
          file: run.path,
        });
    };
    same('bin count', m.nBins, s.nBins);
    same('bin width', [m.binWidth, m.binUnit], [s.binWidth, s.binUnit]);
    same('time origin', m.timeOrigin, s.timeOrigin);
    same(
      'atoms',
      m.atoms.map((a) => a.id),
      s.atoms.map((a) => a.id),
    );
    same('target kind', m.target.kind, s.target.kind);
  }
  const byId = m.trialIds !== undefined && simulated.length > 0 && simulated.every((r) => r.dataset.manifest.trialIds !== undefined);
  const simTrials = new Map<SimulatedRun, Int32Array>();
  let keep: number[] = Array.from({ length: m.nTrials }, (_, i) => i);
  if (byId) {
    const index = new Map(m.trialIds!.map((id, i) => [id, i]));
    const perRun = simulated.map((run) => {
      const ids = run.dataset.manifest.trialIds!;
      const toData = new Map<number, number>();
      ids.forEach((id, i) => {
        const d = index.get(id);
        if (d === undefined)
          throw new OccamError(
            `${run.path}: trial '${id}' is not among ${dataPath}'s trials; a rerun must repeat the data's trials (same seed and chunk size)`,
            {
              file: run.path,
            },
          );
        toData.set(d, i);
      });
      return toData;
    });
    keep = keep.filter((d) => perRun.every((p) => p.has(d)));
    simulated.forEach((run, r) =>
      simTrials.set(
        run,
        Int32Array.from(keep, (d) => perRun[r].get(d)!),
      ),
    );
  } else {
    for (const run of simulated) {
      if (run.dataset.manifest.nTrials !== m.nTrials)
        throw new OccamError(
          `${run.path}: ${run.dataset.manifest.nTrials} trials against ${m.nTrials} in ${dataPath}, and no trial ids on both to match them by; rerun the same trials`,
          { file: run.path },
        );
      simTrials.set(run, Int32Array.from(keep));
    }
  }
  if (keep.length < 2)
    throw new OccamError(`the simulated runs share ${keep.length} trial(s) with ${dataPath}; the check needs at least 2`, { file: dataPath });
  return { pairedBy: byId ? 'trialIds' : 'position', trials: keep, simTrials };
}

/**
 * A rerun must be the same trials: the atoms the intervention leaves alone must carry exactly the data's inputs.
 * Anything else (another seed, chunking that renumbered trials) would compare different trials; refuse it.
 */
function untouchedMismatches(ds: Dataset, run: SimulatedRun, touched: number[], trials: number[], idx: Int32Array, iv: NeuronIntervention): number {
  const { nBins, nTrials, atoms } = ds.manifest;
  const sT = run.dataset.manifest.nTrials;
  const skip = new Set(touched);
  let mismatches = 0;
  let first: string | null = null;
  for (let a = 0; a < atoms.length; a++) {
    if (skip.has(a)) continue;
    for (let j = 0; j < trials.length; j++) {
      const x = (a * nTrials + trials[j]) * nBins;
      const y = (a * sT + idx[j]) * nBins;
      for (let t = 0; t < nBins; t++) {
        if (ds.inputs[x + t] !== run.dataset.inputs[y + t]) {
          mismatches++;
          first ??= `atom ${atoms[a].id}, trial ${ds.manifest.trialIds?.[trials[j]] ?? trials[j]}, bin ${t}`;
        }
      }
    }
  }
  if (mismatches > 0)
    throw new OccamError(
      `${run.path}: ${mismatches} input cells of atoms that '${iv.name}' leaves alone differ from the data (first: ${first}); it is not a rerun of the same trials — simulate it with the same seed, condition and chunk size as the data`,
      { file: run.path },
    );
  return mismatches;
}
