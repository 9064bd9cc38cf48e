#!/usr/bin/env bash
# Universality across training runs and architectures: the stochastic copy task (copy-l6 settings: 2 layers,
# 4 heads, d_model 64, lag 6, p 0.6, 1000 steps) trained with 5 seeds in the GPT-2 layout and 5 in the Llama
# layout (RMSNorm, rotary positions, SwiGLU MLP; tools/tiny-lm train.py --arch llama). Each model is reduced
# under the same condition (examples/stochastic-copy.condition.json, behaviour next-token-correct, beside its
# random-weights control) twice:
#   input-patterns  the prompt's own patterns by token offset (same atoms, same names in every architecture)
#   roles           internal atoms grouped by role: component (attention weight by offset pooled over heads,
#                   MLP neuron sums by sign) × relative depth early/late (atoms' relativeDepth attribute)
# then `occam compare` runs over the 10 systems for each. Writes results/lm-universality/{input-patterns,roles}
# .compare.json and .txt, summary.json/summary.txt (the figures the README quotes) and timing.txt.
# Training runs go to tools/tiny-lm/runs/univ-* (git-ignored) and are reused when final.pt exists; the
# exported models (~0.5 MB each) and the Datasets go to out/lm-universality/ (git-ignored): training is
# deterministic per seed, so they are rebuilt rather than committed.
# Usage (from anywhere): tools/reproduction/lm-universality.sh [gpt2|both]   (default both)
#        tools/reproduction/lm-universality.sh prepare ARCH SEED   (one model's steps; run several side by side)
set -euo pipefail
cd "$(dirname "$0")/../.."
ARCHS="gpt2 llama"
[ "${1:-both}" = gpt2 ] && ARCHS="gpt2"
seeds() { local v="SEEDS_$1"; echo "${!v:-1 2 3 4 5}"; } # SEEDS_gpt2 / SEEDS_llama override the 5 seeds
RESAMPLES=${RESAMPLES:-500} # compare's trial resamples and filter draws (its default 1000 doubles the compare time)
PY="${TINY_LM_PYTHON:-/usr/bin/python3}"
RES=results/lm-universality
OUT=out/lm-universality
mkdir -p "$RES" "$OUT/models"
occam() { node apps/cli/bin/occam.js "$@"; }
timing="$RES/timing.txt"
echo "== $(date -u +%FT%TZ) lm-universality.sh $* (load $(cut -d' ' -f1-3 /proc/loadavg))" >>"$timing"
step() { # step LABEL COMMAND…: run, and record its wall time
  local label=$1
  shift
  local t0=$SECONDS
  "$@"
  echo "$label $((SECONDS - t0)) s" | tee -a "$timing"
}
COPY="--task copy --layers 2 --heads 4 --d-model 64 --seq-len 32 --lag 6 --copy-prob 0.6 --init-std 0.125 \
  --lr 1e-3 --lr-schedule constant --batch 32 --steps 1000 --checkpoint-every 1000 --threads 1 --quiet"
# One model: train, export, extract + reduce with the input-pattern spec (beside its random-weights control),
# then fit the role spec on the same Dataset and control Dataset (the extraction holds every default atom).
# Each step is skipped when its output exists (delete out/lm-universality for a fresh run).
prepare() {
  local arch=$1 s=$2
  local run=tools/tiny-lm/runs/univ-$arch-s$s m=$OUT/$arch-s$s
  [ -f "$run/final.pt" ] || step "train $arch-s$s" $PY tools/tiny-lm/train.py $COPY --arch "$arch" --seed "$s" --out "$run"
  [ -f "$OUT/models/$arch-s$s/onnx/model.onnx" ] ||
    step "export $arch-s$s" $PY tools/tiny-lm/export.py --checkpoint "$run/final.pt" --out "$OUT/models/$arch-s$s" >/dev/null
  [ -f "$m.input-patterns.json" ] ||
    step "reduce $arch-s$s (extract, input patterns)" occam lm reduce --model "$OUT/models/$arch-s$s" --condition examples/stochastic-copy.condition.json \
      --behaviour next-token-correct --spec "$RES/input-patterns.spec.json" --out "$m.input-patterns.json" --dataset "$m.dataset" --force --quiet
  [ -f "$m.roles.json" ] ||
    step "fit $arch-s$s (roles)" occam fit --data "$m.dataset" --spec "$RES/roles.spec.json" --control-data "$m.input-patterns.control.dataset" \
      --out "$m.roles.json" --force --quiet
}
if [ "${1:-}" = prepare ]; then # prepare ARCH SEED: one model only (to run models side by side)
  prepare "$2" "$3"
  exit 0
fi
for arch in $ARCHS; do for s in $(seeds "$arch"); do prepare "$arch" "$s"; done; done
for kind in input-patterns roles; do
  systems=()
  for arch in $ARCHS; do for s in $(seeds "$arch"); do systems+=(--system "$arch-s$s=$OUT/$arch-s$s.$kind.json@$OUT/$arch-s$s.dataset"); done; done
  step "compare $kind" occam compare "${systems[@]}" --resamples "$RESAMPLES" --filter-draws "$RESAMPLES" --out "$RES/$kind.compare.json" --force >"$RES/$kind.compare.txt"
done
node tools/reproduction/lm-universality-summary.mjs "$RES" "$OUT" | tee "$RES/summary.txt"
