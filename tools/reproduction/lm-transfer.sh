#!/usr/bin/env bash
# Condition transfer on the induction model (data/models/induction-2l-s1): next-token-correct under repeated
# random sequences of period 10 (examples/repeated-random.condition.json) and of period 7
# (examples/repeated-random-p7.condition.json), each reduced with the default LM spec
# (examples/lm-induction.spec.json: component × layer × sign groups, token offsets 0–12), then each model
# scored on the other condition's held-out trials. Writes results/lm-transfer.json and
# results/models/lm-p{10,7}.model.json; the Datasets go to out/lm-transfer/ (git-ignored, regenerated in seconds).
# A second matrix, results/lm-transfer-direct.json, repeats it without the MLP-neuron groups (summed neuron
# activations, the groups that do not transfer), models results/models/lm-p{10,7}-direct.model.json.
set -euo pipefail
cd "$(dirname "$0")/../.."
mkdir -p results/models out/lm-transfer
for c in "p10 examples/repeated-random.condition.json" "p7 examples/repeated-random-p7.condition.json"; do
  set -- $c
  npx occam lm reduce --model data/models/induction-2l-s1 --condition "$2" --behaviour next-token-correct \
    --out "results/models/lm-$1.model.json" --dataset "out/lm-transfer/$1" --quiet
done
npx occam compare --kind conditions --system P10=results/models/lm-p10.model.json@out/lm-transfer/p10 \
  --system P7=results/models/lm-p7.model.json@out/lm-transfer/p7 --out results/lm-transfer.json --quiet

# the same reduction without the MLP-neuron groups (spec written here: examples/ holds the default only)
node -e '
const fs = require("fs");
const s = JSON.parse(fs.readFileSync("examples/lm-induction.spec.json", "utf8"));
s.$comment = "examples/lm-induction.spec.json without the MLP-neuron groups (written by tools/reproduction/lm-transfer.sh)";
s.exclude = { component: ["mlp-neurons"] };
fs.writeFileSync("out/lm-transfer/direct.spec.json", JSON.stringify(s, null, 1) + "\n");'
for p in p10 p7; do
  npx occam fit --data "out/lm-transfer/$p" --spec out/lm-transfer/direct.spec.json --out "results/models/lm-$p-direct.model.json" --quiet
done
npx occam compare --kind conditions --system P10=results/models/lm-p10-direct.model.json@out/lm-transfer/p10 \
  --system P7=results/models/lm-p7-direct.model.json@out/lm-transfer/p7 --out results/lm-transfer-direct.json --quiet

# each condition's own figures and where its token-offset filter peaks
node -e '
const fs = require("fs");
for (const f of ["lm-p10", "lm-p7", "lm-p10-direct", "lm-p7-direct"]) {
  const m = JSON.parse(fs.readFileSync(`results/models/${f}.model.json`, "utf8"));
  const t = m.metrics.test;
  const tok = m.filters.groups.find((g) => g.label.startsWith("component=token")).temporal;
  const peak = tok.y.reduce((b, y, i) => (Math.abs(y) > Math.abs(tok.y[b]) ? i : b), 0);
  const low = tok.y.reduce((b, y, i) => (y < tok.y[b] ? i : b), 0);
  console.log(`${f.padEnd(14)} held-out AUROC ${t.model.auroc.toFixed(3)} (PSTH ${t.psth.auroc.toFixed(3)}), trial-to-trial ${t.trialToTrialAuroc.model.toFixed(3)}, ` +
    `${t.gainOverPsth.bitsPerEvent.toFixed(3)} bits/event over PSTH; token-offset filter: largest |w| at lag ${tok.x[peak]}, most negative at lag ${tok.x[low]}`);
}
for (const f of ["lm-transfer", "lm-transfer-direct"]) {
  const r = JSON.parse(fs.readFileSync(`results/${f}.json`, "utf8"));
  const fmt = (m) => m.map((row, i) => `${r.names[i]}: ${row.map((v) => v.toFixed(3)).join(" ")}`).join(" | ");
  console.log(`${f}: AUROC (row model on column data) ${fmt(r.crossPrediction.auroc)}; trial-to-trial ${fmt(r.crossPrediction.trialToTrialAuroc)}`);
}'
