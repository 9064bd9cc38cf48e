#!/usr/bin/env bash
# Language-model reductions beside their controls, with occam's defaults (issue 11's demonstrations):
#  1. `lm reduce` on the stochastic-copy model (copy-l6-s1: x_i = x_{i−6} with probability 0.6), on its untrained
#     twin (copy-l6-random), and on the induction model (induction-2l-s1, repeated random sequences of period
#     10) — each beside a random-weights copy of itself (every weight tensor re-drawn to its own mean and std,
#     seed 0), extracted under the same prompts with the same atoms and spec; selectivity = gain(model) −
#     gain(control) with paired intervals over prompts;
#  2. the same induction reduction with the answer-reading (direct-effect) atoms brought back, to show what
#     the control says about them;
#  3. search over input-pattern atoms alone (copy task) and over internal atoms alone (induction task), each
#     with the chosen candidates refitted on the control's dataset;
#  4. training dynamics over the copy run's 9 checkpoints, each beside its own random-weights control.
# Model/result JSON goes to results/lm/; datasets and control networks to out/lm/ (git-ignored).
set -euo pipefail
cd "$(dirname "$0")/../.."
mkdir -p results/lm out/lm
occam() { node apps/cli/bin/occam.js "$@"; }

reduce() { # name model condition [options…]
  local name=$1 model=$2 condition=$3
  shift 3
  occam lm reduce --model "$model" --condition "$condition" --behaviour next-token-correct --out "out/lm/$name.json" "$@" | tee "results/lm/$name.txt"
  cp "out/lm/$name.json" "results/lm/$name.model.json"
  [ -f "out/lm/$name.control.json" ] && cp "out/lm/$name.control.json" "results/lm/$name.control.model.json"
}
reduce copy-l6-s1 data/models/copy-l6-s1 examples/stochastic-copy.condition.json
reduce copy-l6-random data/models/copy-l6-random examples/stochastic-copy.condition.json
reduce induction-2l-s1 data/models/induction-2l-s1 examples/repeated-random.condition.json
reduce induction-2l-s1-readout data/models/induction-2l-s1 examples/repeated-random.condition.json --include-readout-atoms

occam search --data out/lm/copy-l6-s1.dataset --control-data out/lm/copy-l6-s1.control.dataset --max-lag 0 \
  --exclude component=mlp-neurons,attn --out results/lm/copy-l6-s1.search-input-patterns.json | tee results/lm/copy-l6-s1.search-input-patterns.txt
occam search --data out/lm/induction-2l-s1.dataset --control-data out/lm/induction-2l-s1.control.dataset --max-lag 0 \
  --exclude component=input-pattern --out results/lm/induction-2l-s1.search-internal.json | tee results/lm/induction-2l-s1.search-internal.txt

occam dynamics --checkpoints data/models/copy-l6-s1-steps --condition examples/stochastic-copy.condition.json \
  --behaviour next-token-correct --out results/lm/copy-l6-s1.dynamics.json | tee results/lm/copy-l6-s1.dynamics.txt
