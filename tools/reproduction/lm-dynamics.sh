#!/usr/bin/env bash
# Training dynamics of the induction model: the same condition (repeated random sequences, period 10, 600
# prompts) reduced at each of the 9 committed checkpoints of the seed-1 run (steps 0…2500), with the
# checkpoint's own task accuracy (behaviour rate: next token correct in the repeated half) beside the reduced
# model's held-out metrics and filters, and where each of them changes (steepest, abrupt, bend).
# The primary metric is the trial-to-trial AUROC (the default): bits/event over the PSTH is a gain per event,
# and the behaviour's rate grows ~70-fold over training (1% → 83% of positions), so it falls by itself.
# Every metric is in the file either way (points[].metrics, changes[]). Writes results/lm-dynamics.json.
set -euo pipefail
cd "$(dirname "$0")/../.."
mkdir -p results
npx occam dynamics --checkpoints data/models/induction-2l-s1-steps --condition examples/repeated-random.condition.json \
  --behaviour next-token-correct --out results/lm-dynamics.json
