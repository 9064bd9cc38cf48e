#!/usr/bin/env bash
# Training dynamics of the induction model with occam's defaults: the same condition (repeated random
# sequences, period 10, 600 prompts) reduced at each of the 9 committed checkpoints of the seed-1 run (steps
# 0…2500), each beside a random-weights control made from that checkpoint, with the checkpoint's own task
# accuracy (behaviour rate) beside the reduced model's held-out figures, its selectivity, and where each of
# them changes (steepest, abrupt, bend). The deciding figure is the position-stratified AUROC. Writes
# results/lm-dynamics.json. (tools/reproduction/lm-controls.sh runs the same on the stochastic-copy run.)
set -euo pipefail
cd "$(dirname "$0")/../.."
mkdir -p results
node apps/cli/bin/occam.js dynamics --checkpoints data/models/induction-2l-s1-steps --condition examples/repeated-random.condition.json \
  --behaviour next-token-correct --out results/lm-dynamics.json | tee results/lm-dynamics.txt
