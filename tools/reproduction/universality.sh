#!/usr/bin/env bash
# Universality across the seven NEURON variants: each reduced to the published form, then compared
# (filter similarity, cross-prediction, inputs vs models). Writes results/universality.json.
set -euo pipefail
cd "$(dirname "$0")/../.."
mkdir -p results/models
systems=()
for v in v1 v2 v3 v4 v5 v6 v7; do
  [ -f "results/models/$v-C2.model.json" ] || npx occam neuron reduce --data "data/neuron/$v-C2" --out "results/models/$v-C2.model.json" --quiet
  systems+=(--system "$v=results/models/$v-C2.model.json@data/neuron/$v-C2")
done
npx occam compare "${systems[@]}" --out results/universality.json
