#!/usr/bin/env bash
# The causal check on a language model: the copy model (copies the token 6 back with p = 0.6) reduced on its
# default atoms (input patterns, heads' attention by offset — upstream of the heads' outputs, so blind to their
# ablation), then the layer-0 heads ablated (zero and mean), the layer-1
# heads ablated (a control), the copy source resampled and a token that is not the source resampled.
# Writes results/lm/copy-interventions.{json,txt}. Needs `npm run build` first.
set -euo pipefail
cd "$(dirname "$0")/../.."
mkdir -p results/lm
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
node -e '
const c = JSON.parse(require("fs").readFileSync("examples/stochastic-copy.condition.json", "utf8"));
require("fs").writeFileSync(process.argv[1], JSON.stringify({ ...c, count: 60 }));' "$work/condition.json"
cat > "$work/interventions.json" <<'JSON'
{
  "system": "language-model",
  "interventions": [
    { "kind": "ablate-head", "layer": 0, "head": [0, 1, 2, 3], "how": "zero", "name": "layer-0 heads zero" },
    { "kind": "ablate-head", "layer": 0, "head": [0, 1, 2, 3], "how": "mean", "name": "layer-0 heads mean" },
    { "kind": "ablate-head", "layer": 1, "head": [0, 1, 2, 3], "how": "zero", "name": "layer-1 heads zero (control)" },
    { "kind": "resample-token", "offset": 5, "name": "copy source resampled" },
    { "kind": "resample-token", "offset": 6, "name": "token 6 back resampled (control)" }
  ]
}
JSON
occam() { node apps/cli/dist/main.js "$@"; }
occam lm reduce --model data/models/copy-l6-s1 --condition "$work/condition.json" --behaviour next-token-correct \
  --control none --out "$work/reduced.json" --quiet
occam intervene --model "$work/reduced.json" --interventions "$work/interventions.json" --lm-model data/models/copy-l6-s1 \
  --condition "$work/condition.json" --behaviour next-token-correct --out results/lm/copy-interventions.json --force |
  tee results/lm/copy-interventions.txt
