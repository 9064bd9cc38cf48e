// The figures lm-universality.sh reports, read from the two compare results and the reduced models: per
// reduction (input patterns, roles), each system's own held-out fit, and cross-prediction, filter similarity
// and the inputs-vs-models split averaged over pairs of the same architecture (different seeds) and over pairs
// of different architectures, with how many pairs' 95 % intervals say "as good as its own" / "same shape".
// Beside them, a description that needs no fit: each model's mean attention by token offset, summed over the
// heads of its early and of its late layers (the role atoms' own values over the scored positions), compared
// by cosine across seeds and architectures: where the network looks, whether or not that predicts the behaviour.
// Usage: node tools/reproduction/lm-universality-summary.mjs RESULTS_DIR DATA_DIR   (writes RESULTS_DIR/summary.json)
import { readFileSync, writeFileSync } from 'node:fs';
import { readDataset } from '@occam/core';

const dir = process.argv[2];
const dataDir = process.argv[3];
const kinds = ['input-patterns', 'roles'];
const archOf = (name) => name.split('-')[0];
const f3 = (v) => (v === null || v === undefined || Number.isNaN(v) ? '—' : v.toFixed(3));
const mean = (xs) => (xs.length ? xs.reduce((s, v) => s + v, 0) / xs.length : null);

/** Cells (i, j), i ≠ j, split by whether the two systems share an architecture. */
function pairs(names) {
  const out = { within: [], across: [] };
  names.forEach((a, i) => names.forEach((b, j) => i !== j && out[archOf(a) === archOf(b) ? 'within' : 'across'].push([i, j])));
  return out;
}

function summarise(kind) {
  const r = JSON.parse(readFileSync(`${dir}/${kind}.compare.json`, 'utf8'));
  const names = r.names;
  const cp = r.crossPrediction;
  const ci = cp.intervals;
  const own = names.map((n, j) => {
    const c = r.controls?.find((x) => x.name === n)?.control.selectivity.stratifiedAuroc;
    return { name: n, stratifiedAuroc: cp.stratifiedAuroc[j][j], interval: ci.stratifiedAuroc[j][j], selectivity: c ? [c.estimate, c.low, c.high] : null };
  });
  const P = pairs(names);
  const cross = {};
  for (const [which, cells] of Object.entries(P)) {
    const rel = cells.map(([i, j]) => cp.stratifiedRelativeToOwn[i][j]).filter((v) => v !== null);
    const withZero = cells.filter(([i, j]) => {
      const c = ci.stratifiedRelativeToOwn[i][j];
      return c && c[0] <= 0 && c[1] >= 0;
    }).length;
    cross[which] = { pairs: cells.length, meanRelativeToOwn: mean(rel), worst: rel.length ? Math.min(...rel) : null, intervalHoldsZero: withZero };
  }
  // Filter similarity of each group's offset profile (the spatial filter: one weight per token offset).
  const filters = [];
  // A group whose atoms sit at one offset (neuron sums, at −1 only) has one free filter value (the others
  // have no atoms and stay 0): its cosine is ±1 by construction.
  const first = JSON.parse(readFileSync(`${dataDir}/${names[0]}.${kind}.json`, 'utf8'));
  const onePoint = new Set(first.filters.groups.filter((g) => g.spatial.y.filter((v) => Math.abs(v) > 1e-12).length < 2).map((g) => g.label));
  for (const f of r.filterSimilarity.filter((x) => x.filter === 'spatial' && !onePoint.has(x.group))) {
    const row = { group: f.group };
    for (const [which, cells] of Object.entries(P)) {
      const vals = cells.filter(([i, j]) => i < j && f.matrix[i][j] !== null).map(([i, j]) => [f.matrix[i][j], f.intervals?.[i]?.[j] ?? null]);
      row[which] = {
        pairs: vals.length,
        meanCosine: mean(vals.map((v) => v[0])),
        min: vals.length ? Math.min(...vals.map((v) => v[0])) : null,
        // an interval above 0.5: the two shapes agree more than they differ, whatever the posterior draw
        intervalAboveHalf: vals.filter((v) => v[1] && v[1][0] > 0.5).length,
      };
    }
    filters.push(row);
  }
  const split = {};
  for (const which of ['within', 'across']) {
    const all = r.variability.filter((v) => (archOf(v.a) === archOf(v.b)) === (which === 'within'));
    const vs = all.filter((v) => v.inputShare !== null);
    split[which] = {
      pairs: vs.length,
      identicalResponses: all.length - vs.length,
      meanResponseDistance: mean(all.map((v) => v.responseDistance)),
      meanInputShare: mean(vs.map((v) => v.inputShare)),
      meanModelShare: mean(vs.map((v) => v.modelShare)),
    };
  }
  return {
    kind,
    own,
    crossPrediction: cross,
    filterSimilarity: filters,
    onePointGroups: [...onePoint],
    variability: split,
    order: r.order,
    groupMatching: r.groupMatching ?? [],
  };
}

const cosine = (a, b) => {
  let ab = 0;
  let aa = 0;
  let bb = 0;
  a.forEach((v, i) => ((ab += v * b[i]), (aa += v * v), (bb += b[i] * b[i])));
  return ab / Math.sqrt(aa * bb);
};

/** Mean attention per offset 0…K over the scored positions, summed over the heads of each depth bin. */
async function attentionProfiles(name) {
  const ds = await readDataset(`${dataDir}/${name}.dataset`);
  const { nTrials, nBins, atoms } = ds.manifest;
  const cells = nTrials * nBins;
  let scored = 0;
  for (let c = 0; c < cells; c++) scored += ds.scored[c];
  const profiles = { early: [], late: [] };
  atoms.forEach((a, i) => {
    if (a.attributes.component !== 'attn' || a.attributes.feature !== 'attention') return;
    const bin = a.attributes.relativeDepth < 0.5 ? 'early' : 'late';
    let s = 0;
    for (let c = 0; c < cells; c++) if (ds.scored[c]) s += ds.inputs[i * cells + c];
    const k = a.attributes.offset;
    profiles[bin][k] = (profiles[bin][k] ?? 0) + s / scored;
  });
  return profiles;
}

const names = JSON.parse(readFileSync(`${dir}/roles.compare.json`, 'utf8')).names;
const profiles = Object.fromEntries(await Promise.all(names.map(async (n) => [n, await attentionProfiles(n)])));
const attention = {};
for (const bin of ['early', 'late']) {
  const peak = Object.fromEntries(names.map((n) => [n, profiles[n][bin].indexOf(Math.max(...profiles[n][bin]))]));
  const P = pairs(names);
  const sims = Object.fromEntries(
    Object.entries(P).map(([w, cells]) => {
      const v = cells.filter(([i, j]) => i < j).map(([i, j]) => cosine(profiles[names[i]][bin], profiles[names[j]][bin]));
      return [w, { pairs: v.length, meanCosine: mean(v), min: Math.min(...v) }];
    }),
  );
  attention[bin] = {
    peakOffset: peak,
    atPeak: Object.fromEntries(names.map((n) => [n, profiles[n][bin][peak[n]]])),
    ...sims,
    profiles: Object.fromEntries(names.map((n) => [n, profiles[n][bin]])),
  };
}

const out = kinds.map(summarise);
writeFileSync(`${dir}/summary.json`, JSON.stringify({ reductions: out, attention }, null, 1) + '\n');
for (const s of out) {
  console.log(`== ${s.kind} ==`);
  console.log('own held-out stratified AUROC [95 %]; selectivity beside the random-weights control:');
  for (const o of s.own)
    console.log(
      `  ${o.name.padEnd(9)} ${f3(o.stratifiedAuroc)} [${f3(o.interval?.[0])}, ${f3(o.interval?.[1])}]` +
        (o.selectivity ? `   selectivity ${f3(o.selectivity[0])} [${f3(o.selectivity[1])}, ${f3(o.selectivity[2])}]` : ''),
    );
  for (const [w, c] of Object.entries(s.crossPrediction))
    console.log(
      `cross-prediction ${w === 'within' ? 'same architecture, other seed' : 'other architecture'} (${c.pairs} ordered pairs): stratified AUROC − own ${f3(c.meanRelativeToOwn)} on average, worst ${f3(c.worst)}; paired 95 % interval holds 0 in ${c.intervalHoldsZero}/${c.pairs}`,
    );
  console.log('filter similarity of the offset profile (cosine; pairs whose 95 % interval lies above 0.5):');
  for (const f of s.filterSimilarity)
    console.log(
      `  ${f.group}\n     same arch ${f3(f.within.meanCosine)} (min ${f3(f.within.min)}; ${f.within.intervalAboveHalf}/${f.within.pairs})   other arch ${f3(f.across.meanCosine)} (min ${f3(f.across.min)}; ${f.across.intervalAboveHalf}/${f.across.pairs})`,
    );
  for (const [w, v] of Object.entries(s.variability))
    console.log(
      `inputs vs models, ${w === 'within' ? 'same architecture' : 'other architecture'}: mean response distance ${f3(v.meanResponseDistance)}; ${v.pairs} pairs split: inputs ${f3(v.meanInputShare)}, models ${f3(v.meanModelShare)}` +
        (v.identicalResponses ? `; ${v.identicalResponses} pairs with identical responses (nothing to split)` : ''),
    );
  if (s.onePointGroups.length) console.log(`(one-value filters, cosine ±1 by construction, not listed: ${s.onePointGroups.join('; ')})`);
  for (const g of s.groupMatching)
    console.log(`group matching: ${g.model} on ${g.data}: unknown ${g.unknown.join('; ') || '—'}; absent ${g.absent.join('; ') || '—'}`);
  console.log(`order by similarity: ${s.order.join(' · ')}\n`);
}
console.log('mean attention by token offset (summed over the heads of the early / late layers, scored positions; no fit):');
for (const bin of ['early', 'late']) {
  const a = attention[bin];
  console.log(`  ${bin}: peak offset ${names.map((n) => `${n} ${a.peakOffset[n]} (${a.atPeak[n].toFixed(2)})`).join(', ')}`);
  console.log(
    `     cosine of the profiles: same arch ${f3(a.within.meanCosine)} (min ${f3(a.within.min)}), other arch ${f3(a.across.meanCosine)} (min ${f3(a.across.min)})`,
  );
}
