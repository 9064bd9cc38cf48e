#!/usr/bin/env bash
# The sufficiency bound on a language model: the copy model reduced beside its random-weights control
# (occam lm reduce, default atoms, 120 held-out prompts), then occam bound (rich GLM) on the trained model and on the
# control. Writes results/lm/copy-bound.{json,txt} and results/lm/copy-random-bound.{json,txt}.
set -euo pipefail
cd "$(dirname "$0")/../.."
mkdir -p results/lm
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
occam() { node apps/cli/dist/main.js "$@"; }
occam lm reduce --model data/models/copy-l6-s1 --condition examples/stochastic-copy.condition.json --behaviour next-token-correct \
  --out "$work/copy.json" --quiet
occam bound --data "$work/copy.dataset" --model "$work/copy.json" --out results/lm/copy-bound.json --force | tee results/lm/copy-bound.txt
occam bound --data "$work/copy.control.dataset" --model "$work/copy.control.json" --out results/lm/copy-random-bound.json --force |
  tee results/lm/copy-random-bound.txt
