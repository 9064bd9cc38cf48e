// The README's table of the published reduction on every bundled NEURON variant, from
// results/neuron-reproduction.json (written by tools/reproduction/neuron.mjs): each figure with its 95 %
// interval over resampled held-out trials, ablations as their paired difference to the full model.
//   node tools/reproduction/neuron-table.mjs
import { readFileSync } from 'node:fs';

const rows = JSON.parse(readFileSync(new URL('../../results/neuron-reproduction.json', import.meta.url), 'utf8'));
const f = (v, d = 3) => (v === null || v === undefined ? '—' : v.toFixed(d).replace('-', '−'));
const ci = (v, i, d = 3) => (i ? `${f(v, d)} [${f(i[0], d)}, ${f(i[1], d)}]` : f(v, d));
const delta = (x) => `${f(x.estimate)} [${f(x.low)}, ${f(x.high)}]`;
const ablation = (r, start) => r.ablations.find((a) => a.name.startsWith(start));

console.log(
  '| variant | test spikes | AUROC | PSTH AUROC | bits/spike over PSTH (logistic link) | trial-to-trial AUROC (peak ±2 ms) | accuracy / "never spikes" | Γ | E peak (ms) | I net |',
);
console.log('|---|---|---|---|---|---|---|---|---|---|');
for (const r of rows) {
  const I = r.intervals ?? {};
  console.log(
    `| ${r.variant.replace('-C2', '')} | ${r.testEvents} | ${ci(r.auroc, I.auroc)} | ${ci(r.psthAuroc, I.psthAuroc)} | ${ci(r.bitsPerEventOverPsth, I.bitsPerEventOverPsth, 2)} | ${ci(r.trialToTrialAuroc, I.trialToTrialAuroc)} | ${ci(r.accuracy, I.accuracy, 4)} / ${f(r.nullAccuracy, 4)} | ${ci(r.coincidenceGamma, I.coincidenceGamma, 2)} | ${r.excitatoryPeakLagMs} | ${f(r.inhibitoryNetWeight, 2)} |`,
  );
}
console.log('');
console.log('| variant | no spatial filter: Δ t2t AUROC / Δ bits | no history | no inhibition | full filter (247 params) |');
console.log('|---|---|---|---|---|');
for (const r of rows) {
  const cell = (a) => (a?.minusFull ? `${delta(a.minusFull.trialToTrialAuroc)} / ${delta(a.minusFull.bitsPerEventOverPsth)}` : '—');
  console.log(
    `| ${r.variant.replace('-C2', '')} | ${cell(ablation(r, 'without the spatial'))} | ${cell(ablation(r, 'without the history'))} | ${cell(ablation(r, 'without the type=inhibitory'))} | ${cell(ablation(r, 'full'))} |`,
  );
}
