#!/usr/bin/env bash
# Rebuilds every committed fixture under data/models/ from scratch (deterministic per seed).
# Training is single-threaded; on a shared 2-core machine the whole script took about an hour
# (each induction run ~10-13 min, the text run ~35 min under contention; ~3-5x faster on an idle core).
# Usage (from the repository root): tools/tiny-lm/make_fixtures.sh [RUNS_DIR]
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$ROOT"
PY="${TINY_LM_PYTHON:-/usr/bin/python3}"
RUNS="${1:-tools/tiny-lm/runs}"
OUT=data/models
IND="--task induction --layers 2 --heads 4 --d-model 64 --seq-len 32 --period-min 4 --period-max 12 \
  --prefix-max 8 --init-std 0.125 --lr 1e-3 --lr-schedule constant --batch 32"

$PY tools/tiny-lm/train.py $IND --steps 2500 --seed 1 --checkpoint-every 100 --out "$RUNS/induction-s1"
$PY tools/tiny-lm/train.py $IND --steps 2500 --seed 2 --checkpoint-every 100 --out "$RUNS/induction-s2"
$PY tools/tiny-lm/train.py $IND --random-init --seed 0 --out "$RUNS/induction-random"
$PY tools/tiny-lm/train.py --task text --layers 2 --heads 4 --d-model 64 --seq-len 128 --init-std 0.125 \
  --lr 1e-3 --lr-schedule cosine --batch 32 --steps 3000 --seed 1 --checkpoint-every 250 --out "$RUNS/text-s1"

$PY tools/tiny-lm/export.py --with-past --checkpoint "$RUNS/induction-s1/final.pt" --out "$OUT/induction-2l-s1"
$PY tools/tiny-lm/export.py --with-past --checkpoint "$RUNS/induction-s2/final.pt" --out "$OUT/induction-2l-s2"
$PY tools/tiny-lm/export.py --with-past --checkpoint "$RUNS/induction-random/final.pt" --out "$OUT/induction-2l-random"
$PY tools/tiny-lm/export.py --with-past --checkpoint "$RUNS/text-s1/final.pt" --out "$OUT/text-2l"
for s in 000000 000400 000800 001200 001500 001800 002000 002200 002500; do
  $PY tools/tiny-lm/export.py --with-past --checkpoint "$RUNS/induction-s1/step-$s.pt" \
    --out "$OUT/induction-2l-s1-steps/step-$s" --name "induction-2l-s1-steps/step-$s"
done
