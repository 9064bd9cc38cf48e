#!/usr/bin/env bash
# Condition transfer on the bundled data: variants v1 and v5 under the principal-whisker (C2), the
# surround-whisker (D2) and the weaker principal-whisker (C2weak) condition, each reduced to the published
# form, then every model scored on every condition's data (a transfer matrix per variant).
set -euo pipefail
cd "$(dirname "$0")/../.."
mkdir -p results/models
for v in v1 v5; do
  systems=()
  for c in C2 D2 C2weak; do
    npx occam neuron reduce --data data/neuron/$v-$c --out results/models/$v-$c.model.json --quiet
    systems+=(--system "$c=results/models/$v-$c.model.json@data/neuron/$v-$c")
  done
  npx occam compare --kind conditions "${systems[@]}" --out results/$v-transfer.json
done
