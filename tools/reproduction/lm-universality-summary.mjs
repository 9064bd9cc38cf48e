// The figures lm-universality.sh reports, read from the two compare results and the reduced models: per
// reduction (input patterns, roles), each system's own held-out fit, and cross-prediction, filter similarity
// and the inputs-vs-models split averaged over pairs of the same architecture (different seeds) and over pairs
// of different architectures, with how many pairs' 95 % intervals say "as good as its own" / "same shape".
// Usage: node tools/reproduction/lm-universality-summary.mjs RESULTS_DIR   (writes RESULTS_DIR/summary.json)
import { readFileSync, writeFileSync } from 'node:fs';

const dir = process.argv[2];
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
  for (const f of r.filterSimilarity.filter((x) => x.filter === 'spatial')) {
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
    const vs = r.variability.filter((v) => (archOf(v.a) === archOf(v.b)) === (which === 'within') && v.inputShare !== null);
    split[which] = { pairs: vs.length, meanInputShare: mean(vs.map((v) => v.inputShare)), meanModelShare: mean(vs.map((v) => v.modelShare)) };
  }
  return { kind, own, crossPrediction: cross, filterSimilarity: filters, variability: split, order: r.order, groupMatching: r.groupMatching ?? [] };
}

const out = kinds.map(summarise);
writeFileSync(`${dir}/summary.json`, JSON.stringify(out, null, 1) + '\n');
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
      `inputs vs models, ${w === 'within' ? 'same architecture' : 'other architecture'} (${v.pairs} pairs): inputs ${f3(v.meanInputShare)}, models ${f3(v.meanModelShare)} of the response difference`,
    );
  for (const g of s.groupMatching)
    console.log(`group matching: ${g.model} on ${g.data}: unknown ${g.unknown.join('; ') || '—'}; absent ${g.absent.join('; ') || '—'}`);
  console.log(`order by similarity: ${s.order.join(' · ')}\n`);
}
