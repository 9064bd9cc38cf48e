#!/usr/bin/env bash
# One language model under two prompt sets: induction-2l-s1 on repeated random sequences of period 10 and of
# period 7, each reduced with occam's defaults (input-pattern and internal atoms, none that reads the answer;
# the token offset on the spatial axis; beside a random-weights control), then each model scored on the other
# condition's held-out prompts (compare --kind conditions: cross-prediction with paired intervals).
# Writes results/models/lm-p10|p7.model.json, results/lm-transfer.json and results/lm-transfer.txt.
set -euo pipefail
cd "$(dirname "$0")/../.."
mkdir -p results/models out/lm-transfer
occam() { node apps/cli/bin/occam.js "$@"; }
for c in "p10 examples/repeated-random.condition.json" "p7 examples/repeated-random-p7.condition.json"; do
  set -- $c
  occam lm reduce --model data/models/induction-2l-s1 --condition "$2" --behaviour next-token-correct \
    --out "out/lm-transfer/$1.json" --quiet
  cp "out/lm-transfer/$1.json" "results/models/lm-$1.model.json"
done
occam compare --kind conditions --system P10=results/models/lm-p10.model.json@out/lm-transfer/p10.dataset \
  --system P7=results/models/lm-p7.model.json@out/lm-transfer/p7.dataset --out results/lm-transfer.json | tee results/lm-transfer.txt
node -e '
const fs = require("fs");
for (const p of ["p10", "p7"]) {
  const m = JSON.parse(fs.readFileSync(`results/models/lm-${p}.model.json`, "utf8"));
  const g = m.filters.groups.find((x) => x.label.includes("feature=matches-next"));
  const peak = g.spatial.x[g.spatial.y.reduce((b, y, i) => (Math.abs(y) > Math.abs(g.spatial.y[b]) ? i : b), 0)];
  const s = m.control.selectivity.stratifiedAuroc;
  console.log(`lm-transfer ${p}: matches-next filter peaks at offset ${peak}; stratified AUROC ${m.metrics.test.stratifiedAuroc.model.toFixed(3)}; selectivity ${s.estimate.toFixed(3)} [${s.low.toFixed(3)}, ${s.high.toFixed(3)}]`);
}' | tee -a results/lm-transfer.txt
