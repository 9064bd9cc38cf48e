#!/usr/bin/env bash
# occam compose on the bundled language models (issue 17's demonstrations):
#  (a) induction-2l-s1 under repeated random sequences of period 5 and of period 10 (both 21 tokens: BOS + 4 × 5
#      or 2 × 10): do shared filters with offsets suffice, or do the filters change with the period?
#  (b) copy-l6-s1 under copy prompts (x_i = x_{i−6} with probability 0.6, as trained) and mostly non-copy prompts
#      (probability 0.2, the same length and vocabulary): the composed model that switches between them. Prompts
#      that never copy (probability 0) are extracted too, only to count their events: the model is never right on
#      them (it predicts the lag-6 token, which a non-copy never is), so a composition there is an intercept alone.
# Each composition's gate reads the input volume and the prompts' label-free per-trial features (repeat-lag, the
# detected period, and repeat-share), and is reported beside the same gate from each family alone.
# Writes results/compose/lm-{induction-periods,copy-switch}.json and .txt; datasets go to out/lm-compose/.
set -euo pipefail
cd "$(dirname "$0")/../.."
mkdir -p results/compose out/lm-compose
occam() { node apps/cli/bin/occam.js "$@"; }
start=$(date +%s)
N=${LM_COMPOSE_PROMPTS:-150}
cat > out/lm-compose/p5.condition.json <<JSON
{ "kind": "repeated-random", "period": 5, "repeats": 4, "count": $N, "seed": 51 }
JSON
cat > out/lm-compose/p10.condition.json <<JSON
{ "kind": "repeated-random", "period": 10, "repeats": 2, "count": $N, "seed": 52 }
JSON
cat > out/lm-compose/copy.condition.json <<JSON
{ "kind": "stochastic-copy", "lag": 6, "copyProbability": 0.6, "length": 31, "count": $N, "seed": 61 }
JSON
cat > out/lm-compose/rarecopy.condition.json <<JSON
{ "kind": "stochastic-copy", "lag": 6, "copyProbability": 0.2, "length": 31, "count": $N, "seed": 63 }
JSON
cat > out/lm-compose/nocopy.condition.json <<JSON
{ "kind": "stochastic-copy", "lag": 6, "copyProbability": 0, "length": 31, "count": $N, "seed": 62 }
JSON
extract() { # model condition
  occam lm extract --model "data/models/$1" --condition "out/lm-compose/$2.condition.json" --behaviour next-token-correct \
    --out "out/lm-compose/$2.dataset" --force --quiet
}
extract induction-2l-s1 p5
extract induction-2l-s1 p10
extract copy-l6-s1 copy
extract copy-l6-s1 rarecopy
occam lm extract --model data/models/copy-l6-s1 --condition out/lm-compose/nocopy.condition.json --behaviour next-token-correct \
  --out out/lm-compose/nocopy.dataset --force --json |
  node -e 'const s = JSON.parse(require("fs").readFileSync(0, "utf8")); console.log(`never-copy prompts (copy probability 0): ${s.events} correct next tokens in ${s.scoredBins} scored positions`)' |
  tee out/lm-compose/nocopy.txt
echo "extracted in $(( $(date +%s) - start )) s"
compose() { # name conditions…
  local name=$1
  shift
  local args=()
  for c in "$@"; do args+=(--condition "$c=out/lm-compose/$c.dataset"); done
  occam compose "${args[@]}" --gate-features volume,trial --folds 3 --resamples 500 --out "results/compose/lm-$name.json" | tee "results/compose/lm-$name.txt"
}
compose induction-periods p5 p10
compose copy-switch copy rarecopy
cat out/lm-compose/nocopy.txt >> results/compose/lm-copy-switch.txt
echo "wall: $(( $(date +%s) - start )) s" | tee -a results/compose/lm-copy-switch.txt
