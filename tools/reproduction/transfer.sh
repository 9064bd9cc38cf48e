#!/usr/bin/env bash
# Condition transfer on the bundled data: variant v1 under the principal-whisker (C2) and the surround-whisker
# (D2) condition, each reduced to the published form, then each model scored on the other condition.
set -euo pipefail
cd "$(dirname "$0")/../.."
mkdir -p results
npx occam neuron reduce --data data/neuron/v1-C2 --out results/models/v1-C2.model.json --quiet
npx occam neuron reduce --data data/neuron/v1-D2 --out results/models/v1-D2.model.json --quiet
npx occam compare --kind conditions --system C2=results/models/v1-C2.model.json@data/neuron/v1-C2 \
  --system D2=results/models/v1-D2.model.json@data/neuron/v1-D2 --out results/v1-transfer.json
