// The reproduction of the published reduction on every bundled NEURON variant (issue: neuron adapter).
//   node tools/reproduction/neuron.mjs [data/neuron/v1-C2 …]   (default: every data/neuron/*-C2)
// For each variant: the published form (separable E/I × distance × time filters, history, lookup
// nonlinearity) fitted on 70 % of trials, scored on the held-out 30 % beside the PSTH and constant baselines,
// the filter-shape checks, and the ablations (no spatial filter, no history, no inhibitory group, full filter).
// Prints one line per variant and figure; writes results/neuron-reproduction.json.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fitReducedModel, readDataset, specAblations, SpecSchema, writeFileAtomic } from '@occam/core';

const root = new URL('../../', import.meta.url).pathname;
const spec = SpecSchema.parse(JSON.parse(readFileSync(join(root, 'examples/published-neuron.spec.json'), 'utf8')));
const dirs = process.argv.slice(2).length
  ? process.argv.slice(2)
  : readdirSync(join(root, 'data/neuron')).filter((d) => d.endsWith('-C2')).sort().map((d) => join(root, 'data/neuron', d));
const f = (v, d = 3) => (v === null || v === undefined ? '—' : v.toFixed(d));
const results = [];
for (const dir of dirs) {
  const name = dir.split('/').pop();
  const ds = await readDataset(dir);
  const t0 = Date.now();
  const model = fitReducedModel(ds, spec, { datasetPath: dir });
  const t = model.metrics.test;
  const [exc, inh] = model.filters.groups;
  const peakLag = exc.temporal.x[exc.temporal.y.indexOf(Math.max(...exc.temporal.y))];
  const inhNet = inh.temporal.y.reduce((s, v) => s + v, 0);
  // Decay with distance: the excitatory spatial filter's mean over the first 250 µm vs 250–750 µm.
  const mean = (lo, hi) => { const v = exc.spatial.y.filter((_, i) => exc.spatial.x[i] >= lo && exc.spatial.x[i] < hi); return v.reduce((s, x) => s + x, 0) / v.length; };
  const proximal = mean(0, 250);
  const distal = mean(250, 750);
  const ablations = specAblations(spec, ds.manifest.atoms).map((a) => {
    const m = fitReducedModel(ds, a.spec, { coincidence: false });
    return { name: a.name, parameters: m.fit.parameters, auroc: m.metrics.test.model.auroc, trialToTrialAuroc: m.metrics.test.trialToTrialAuroc.model, bitsPerEventOverPsth: m.metrics.test.gainOverPsth.bitsPerEvent };
  });
  const row = {
    variant: name, trials: ds.manifest.nTrials, testBins: t.model.bins, testEvents: t.model.events, parameters: model.fit.parameters, converged: model.fit.converged,
    auroc: t.model.auroc, lookupAuroc: t.lookup?.auroc ?? null, psthAuroc: t.psth.auroc, constantAuroc: t.constant.auroc,
    accuracy: t.model.accuracy, nullAccuracy: t.nullAccuracy, bitsPerEventOverPsth: t.gainOverPsth.bitsPerEvent,
    logLikPerBin: t.model.logLikPerBin, psthLogLikPerBin: t.psth.logLikPerBin,
    trialToTrialAuroc: t.trialToTrialAuroc.model, fixedBins: model.metrics.fixedBins, coincidenceGamma: model.metrics.coincidence?.gamma ?? null,
    excitatoryPeakLagMs: peakLag, inhibitoryNetWeight: inhNet, excitatorySpatialProximal: proximal, excitatorySpatialDistal: distal,
    checks: { aurocAtLeast097: t.model.auroc >= 0.97, beatsPsth: t.gainOverPsth.bitsPerEvent > 0 && t.model.auroc > t.psth.auroc, excitatoryPeakWithin10ms: peakLag <= 10, inhibitoryNetNegative: inhNet < 0, excitatorySpatialDecays: distal < proximal },
    ablations, seconds: (Date.now() - t0) / 1000,
  };
  results.push(row);
  console.log(`neuron ${name} trials=${row.trials} test_bins=${row.testBins} test_events=${row.testEvents} auroc=${f(row.auroc)} lookup_auroc=${f(row.lookupAuroc)} psth_auroc=${f(row.psthAuroc)} null_auroc=${f(row.constantAuroc)} accuracy=${f(row.accuracy, 4)} null_accuracy=${f(row.nullAccuracy, 4)} bits_per_event_over_psth=${f(row.bitsPerEventOverPsth)} t2t_auroc=${f(row.trialToTrialAuroc)} gamma=${f(row.coincidenceGamma)}`);
  console.log(`neuron ${name} filters: E temporal peak ${peakLag} ms, I temporal net ${f(inhNet)}, E spatial 0–250 µm ${f(proximal)} vs 250–750 µm ${f(distal)}; checks ${Object.entries(row.checks).map(([k, v]) => `${k}=${v}`).join(' ')}`);
  for (const a of ablations) console.log(`neuron ${name} ablation "${a.name}": params=${a.parameters} auroc=${f(a.auroc)} t2t_auroc=${f(a.trialToTrialAuroc)} bits_per_event_over_psth=${f(a.bitsPerEventOverPsth)}`);
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
