// The reproduction of the published reduction on every bundled NEURON variant (issue: neuron adapter).
//   node tools/reproduction/neuron.mjs [data/neuron/v1-C2 …]   (default: every data/neuron/*-C2)
// For each variant: the published form (separable E/I × distance × time filters, history, lookup
// nonlinearity) fitted on 70 % of trials, scored on the held-out 30 % beside the PSTH and constant baselines,
// the filter-shape checks, and the ablations (no spatial filter, no history, no inhibitory group, full filter).
// Every figure carries its 95 % interval over resampled held-out trials (1000 resamples, seed 0); ablations
// report their difference to the full model with a PAIRED interval (the same resampled trials score both).
// Prints one line per variant and figure; writes results/neuron-reproduction.json.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fitReducedModelWithPredictions, pairedBootstrap, readDataset, specAblations, SpecSchema, writeFileAtomic } from '@occam/core';

const root = new URL('../../', import.meta.url).pathname;
const spec = SpecSchema.parse(JSON.parse(readFileSync(join(root, 'examples/published-neuron.spec.json'), 'utf8')));
const dirs = process.argv.slice(2).length
  ? process.argv.slice(2)
  : readdirSync(join(root, 'data/neuron'))
      .filter((d) => d.endsWith('-C2'))
      .sort()
      .map((d) => join(root, 'data/neuron', d));
const f = (v, d = 3) => (v === null || v === undefined ? '—' : v.toFixed(d));
const results = [];
for (const dir of dirs) {
  const name = dir.split('/').pop();
  const ds = await readDataset(dir);
  const t0 = Date.now();
  const full = fitReducedModelWithPredictions(ds, spec, { datasetPath: dir });
  const model = full.model;
  const t = model.metrics.test;
  const ci = t.intervals;
  const [exc, inh] = model.filters.groups;
  const peakLag = exc.temporal.x[exc.temporal.y.indexOf(Math.max(...exc.temporal.y))];
  const inhNet = inh.temporal.y.reduce((s, v) => s + v, 0);
  // Decay with distance: the excitatory spatial filter's mean over the first 250 µm vs 250–750 µm.
  const mean = (lo, hi) => {
    const v = exc.spatial.y.filter((_, i) => exc.spatial.x[i] >= lo && exc.spatial.x[i] < hi);
    return v.reduce((s, x) => s + x, 0) / v.length;
  };
  const proximal = mean(0, 250);
  const distal = mean(250, 750);
  const ablations = specAblations(spec, ds.manifest.atoms).map((a) => {
    const m = fitReducedModelWithPredictions(ds, a.spec, { coincidence: false, bootstrap: false });
    // ablation − full model on the same resampled trials
    const d = pairedBootstrap(m.heldOut, full.heldOut).difference;
    const pick = (i) => ({ estimate: i.estimate, low: i.low, high: i.high });
    return {
      name: a.name,
      parameters: m.model.fit.parameters,
      auroc: m.model.metrics.test.model.auroc,
      trialToTrialAuroc: m.model.metrics.test.trialToTrialAuroc.model,
      bitsPerEventOverPsth: m.model.metrics.test.gainOverPsth.bitsPerEvent,
      minusFull: { auroc: pick(d.auroc), trialToTrialAuroc: pick(d.trialToTrialAuroc), bitsPerEventOverPsth: pick(d.bitsPerEventOverPsth) },
    };
  });
  const row = {
    variant: name,
    trials: ds.manifest.nTrials,
    testBins: t.model.bins,
    testEvents: t.model.events,
    parameters: model.fit.parameters,
    converged: model.fit.converged,
    auroc: t.model.auroc,
    lookupAuroc: t.lookup?.auroc ?? null,
    psthAuroc: t.psth.auroc,
    constantAuroc: t.constant.auroc,
    accuracy: t.model.accuracy,
    nullAccuracy: t.nullAccuracy,
    bitsPerEventOverPsth: t.gainOverPsth.bitsPerEvent,
    logLikPerBin: t.model.logLikPerBin,
    psthLogLikPerBin: t.psth.logLikPerBin,
    trialToTrialAuroc: t.trialToTrialAuroc.model,
    fixedBins: model.metrics.fixedBins,
    coincidenceGamma: model.metrics.coincidence?.gamma ?? null,
    intervals: ci
      ? {
          level: ci.level,
          resamples: ci.resamples,
          auroc: ci.model.auroc,
          psthAuroc: ci.psth.auroc,
          bitsPerEventOverPsth: ci.modelMinusPsth.bitsPerEventOverPsth,
          trialToTrialAuroc: ci.model.trialToTrialAuroc,
          stratifiedAuroc: ci.model.stratifiedAuroc,
          accuracy: ci.model.accuracy,
          coincidenceGamma: model.metrics.coincidence?.interval ?? null,
        }
      : null,
    stratifiedAuroc: t.stratifiedAuroc?.model ?? null,
    nonlinearity: model.nonlinearity?.choice ?? null,
    warnings: model.fit.warnings,
    excitatoryPeakLagMs: peakLag,
    inhibitoryNetWeight: inhNet,
    excitatorySpatialProximal: proximal,
    excitatorySpatialDistal: distal,
    checks: {
      aurocAtLeast097: t.model.auroc >= 0.97,
      beatsPsth: t.gainOverPsth.bitsPerEvent > 0 && t.model.auroc > t.psth.auroc,
      excitatoryPeakWithin10ms: peakLag <= 10,
      inhibitoryNetNegative: inhNet < 0,
      excitatorySpatialDecays: distal < proximal,
    },
    ablations,
    seconds: (Date.now() - t0) / 1000,
  };
  results.push(row);
  const w = (v, i, d = 3) => `${f(v, d)}${i ? ` [${f(i[0], d)}, ${f(i[1], d)}]` : ''}`;
  const I = row.intervals ?? {};
  console.log(
    `neuron ${name} trials=${row.trials} test_bins=${row.testBins} test_events=${row.testEvents} auroc=${w(row.auroc, I.auroc)} lookup_auroc=${f(row.lookupAuroc)} psth_auroc=${w(row.psthAuroc, I.psthAuroc)} null_auroc=${f(row.constantAuroc)} accuracy=${w(row.accuracy, I.accuracy, 4)} null_accuracy=${f(row.nullAccuracy, 4)} bits_per_event_over_psth=${w(row.bitsPerEventOverPsth, I.bitsPerEventOverPsth)} t2t_auroc=${w(row.trialToTrialAuroc, I.trialToTrialAuroc)} stratified_auroc=${w(row.stratifiedAuroc, I.stratifiedAuroc)} gamma=${w(row.coincidenceGamma, I.coincidenceGamma)}`,
  );
  console.log(
    `neuron ${name} filters: E temporal peak ${peakLag} ms, I temporal net ${f(inhNet)}, E spatial 0–250 µm ${f(proximal)} vs 250–750 µm ${f(distal)}; checks ${Object.entries(
      row.checks,
    )
      .map(([k, v]) => `${k}=${v}`)
      .join(' ')}`,
  );
  const dw = (x) => `${f(x.estimate)} [${f(x.low)}, ${f(x.high)}]`;
  for (const a of ablations)
    console.log(
      `neuron ${name} ablation "${a.name}": params=${a.parameters} auroc=${f(a.auroc)} t2t_auroc=${f(a.trialToTrialAuroc)} bits_per_event_over_psth=${f(a.bitsPerEventOverPsth)}; minus full (paired): Δt2t ${dw(a.minusFull.trialToTrialAuroc)} Δbits ${dw(a.minusFull.bitsPerEventOverPsth)}`,
    );
}
// Merge with earlier runs (one entry per variant) so variants can be reproduced one at a time.
const file = join(root, 'results/neuron-reproduction.json');
let previous = [];
try {
  previous = JSON.parse(readFileSync(file, 'utf8'));
} catch {
  /* first run */
}
const merged = [...previous.filter((p) => !results.some((r) => r.variant === p.variant)), ...results].sort((a, b) => a.variant.localeCompare(b.variant));
await writeFileAtomic(file, JSON.stringify(merged, null, 1) + '\n');
