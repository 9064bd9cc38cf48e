#!/usr/bin/env bash
# occam compose on the bundled v1 cell under its three whisker conditions (principal whisker C2, surround
# whisker D2, weaker principal-whisker deflection C2weak): the minimal composition of the three condition
# models, which filter families differ, and how much is lost when a gate must guess the condition from the
# input volume. Writes results/compose/v1.json and the printed table results/compose/v1.txt.
set -euo pipefail
cd "$(dirname "$0")/../.."
mkdir -p results/compose
start=$(date +%s)
node apps/cli/dist/main.js compose \
  --condition C2=data/neuron/v1-C2 --condition D2=data/neuron/v1-D2 --condition C2weak=data/neuron/v1-C2weak \
  --out results/compose/v1.json | tee results/compose/v1.txt
echo "wall: $(( $(date +%s) - start )) s" | tee -a results/compose/v1.txt
