// The README's condition-transfer tables and universality summary, from the JSON that transfer.sh and
// universality.sh write: every cross-prediction with its 95 % interval over the column condition's held-out
// trials, differences to the column's own model paired.
//   node tools/reproduction/compare-tables.mjs
import { readFileSync } from 'node:fs';

const read = (name) => JSON.parse(readFileSync(new URL(`../../results/${name}`, import.meta.url), 'utf8'));
const f = (v, d = 3) => (v === null || v === undefined ? '—' : v.toFixed(d).replace('-', '−'));
const ci = (v, i, d = 3) => (i ? `${f(v, d)} [${f(i[0], d)}, ${f(i[1], d)}]` : f(v, d));

for (const variant of ['v1', 'v5']) {
  const r = read(`${variant}-transfer.json`);
  const cp = r.crossPrediction;
  console.log(`| ${variant} model ↓ data → | ${r.names.join(' | ')} |`);
  console.log(`|---|${r.names.map(() => '---').join('|')}|`);
  r.names.forEach((row, i) => {
    const cells = r.names.map((_, j) => {
      const text = `${ci(cp.auroc[i][j], cp.intervals?.auroc?.[i]?.[j])} / ${ci(cp.stratifiedAuroc[i][j], cp.intervals?.stratifiedAuroc?.[i]?.[j])}`;
      return i === j ? `**${text}**` : text;
    });
    console.log(`| ${row} | ${cells.join(' | ')} |`);
  });
  console.log('');
  console.log(`${variant}, stratified AUROC relative to the column's own model (paired):`);
  r.names.forEach((row, i) =>
    r.names.forEach((col, j) => {
      if (i !== j) console.log(`  ${row} model on ${col}: ${ci(cp.stratifiedRelativeToOwn[i][j], cp.intervals?.stratifiedRelativeToOwn?.[i]?.[j])}`);
    }),
  );
  console.log(
    `${variant}, share of response differences explained by swapping inputs: ${r.variability.map((v) => `${v.a} vs ${v.b} ${Math.round(100 * v.inputShare)} %`).join(', ')}`,
  );
  console.log('');
}

const u = read('universality.json');
const cp = u.crossPrediction;
const off = [];
u.names.forEach((row, i) =>
  u.names.forEach((col, j) => i !== j && off.push({ row, col, d: cp.relativeToOwn[i][j], ci: cp.intervals?.relativeToOwn?.[i]?.[j] })),
);
off.sort((a, b) => a.d - b.d);
const within = off.filter((o) => o.d > -0.01).length;
console.log(`universality: ${within} of ${off.length} cross-predictions within 0.01 AUROC of the column variant's own model; the worst:`);
for (const o of off.slice(0, 4)) console.log(`  ${o.row} model on ${o.col} data: ${ci(o.d, o.ci)}`);
for (const s of u.filterSimilarity) {
  const vals = [];
  s.matrix.forEach((r, i) => r.forEach((v, j) => j > i && vals.push(v)));
  vals.sort((a, b) => a - b);
  console.log(`  filter similarity ${s.group} ${s.filter}: median ${f(vals[Math.floor(vals.length / 2)])}, range ${f(vals[0])}–${f(vals[vals.length - 1])}`);
}
const shares = u.variability.map((v) => v.inputShare).sort((a, b) => a - b);
console.log(`  share of response differences explained by swapping inputs: ${Math.round(100 * shares[0])}–${Math.round(100 * shares[shares.length - 1])} %`);
