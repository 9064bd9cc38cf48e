// Time the search's group-lasso route (design assembly + the whole λ path) on the two real designs the
// README quotes: neuron v1 under C2 (lags ≤ 80 ms) and the induction language model with every atom (offsets
// ≤ 12). One line per design. The LM dataset is extracted to out/search/lm-induction if missing.
// Run from the repository root after `npx tsc -b apps/cli`: node tools/reproduction/group-lasso-route.mjs
import { existsSync } from 'node:fs';
import { loadavg } from 'node:os';
import { featureFamilies, groupLassoRoute, readDataset, SearchOptionsSchema } from '@occam/core';
import { runLmExtract } from '@occam/transformer';

const lm = 'out/search/lm-induction';
if (!existsSync(`${lm}/manifest.json`)) {
  await runLmExtract({ model: 'data/models/induction-2l-s1', condition: 'examples/repeated-random.condition.json', behaviour: 'next-token-correct', out: lm });
}
for (const [name, dir, maxLag] of [
  ['neuron-v1-C2', 'data/neuron/v1-C2', 80],
  ['lm-induction-all-atoms', lm, 12],
]) {
  const ds = await readDataset(dir);
  const options = SearchOptionsSchema.parse({ maxLag });
  const t0 = process.hrtime.bigint();
  const r = groupLassoRoute(ds, featureFamilies(ds.manifest.atoms, options), options);
  const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
  const steps = r.iterations.reduce((a, b) => a + b, 0);
  console.log(
    `group-lasso route ${name}: rows=${r.rows} columns=${r.columns} dropped=${r.dropped} lambdas=${r.lambdas.length} ` +
      `newton_steps=${steps} (${(steps / r.lambdas.length).toFixed(1)}/λ) unconverged=${r.converged.filter((c) => !c).length} seconds=${seconds.toFixed(1)} load_1m=${loadavg()[0].toFixed(1)}`,
  );
}
