#!/usr/bin/env bash
# The systematic search on real data, neuron side, resumable from its checkpoints: variant v1 under C2
# (data/neuron/v1-C2), lags up to the published 80 ms window. Sufficiency is decided with the uncertainty
# (the default: the fewest-parameter candidate not significantly worse than the best, one-sided paired
# bootstrap over trials, α = 0.05), once on held-out AUROC (the method's figure, saturated near 0.99 here)
# and once on the trial-to-trial AUROC at fixed bins. The language-model searches, each beside its
# random-weights control, are in tools/reproduction/lm-controls.sh.
# Writes results/search/neuron-v1-C2*.json (+ .txt); checkpoints go to out/search/ (git-ignored).
set -euo pipefail
cd "$(dirname "$0")/../.."
mkdir -p results/search out/search
occam() { node apps/cli/bin/occam.js "$@"; }
occam search --data data/neuron/v1-C2 --max-lag 80 --checkpoint out/search/neuron-v1-C2.jsonl \
  --out results/search/neuron-v1-C2.json | tee results/search/neuron-v1-C2.txt
occam search --data data/neuron/v1-C2 --max-lag 80 --checkpoint out/search/neuron-v1-C2.jsonl \
  --sufficient-by trialToTrialAuroc --out results/search/neuron-v1-C2.t2t.json | tee results/search/neuron-v1-C2.t2t.txt
