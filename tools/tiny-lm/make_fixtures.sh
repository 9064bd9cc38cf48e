#!/usr/bin/env bash
# Rebuilds every committed fixture under data/models/ from scratch (deterministic per seed).
# Training is single-threaded; on a shared 2-core machine the whole script took about an hour
# (each induction run ~10-13 min, the text run ~35 min under contention; ~3-5x faster on an idle core).
# The stochastic copy models (copy-l6-*) take about 3 min of that (training ~45 s CPU time, 2.5 min wall
# under contention; 11 exports ~40 s). `tools/tiny-lm/make_fixtures.sh RUNS_DIR copy` rebuilds only those.
# Usage (from the repository root): tools/tiny-lm/make_fixtures.sh [RUNS_DIR] [all|induction|text|copy]
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$ROOT"
PY="${TINY_LM_PYTHON:-/usr/bin/python3}"
RUNS="${1:-tools/tiny-lm/runs}"
WHICH="${2:-all}"
case "$WHICH" in all|induction|text|copy) ;; *) echo "make_fixtures.sh: second argument must be all, induction, text or copy (got '$WHICH')" >&2; exit 2;; esac
want() { [ "$WHICH" = all ] || [ "$WHICH" = "$1" ]; }
OUT=data/models
IND="--task induction --layers 2 --heads 4 --d-model 64 --seq-len 32 --period-min 4 --period-max 12 \
  --prefix-max 8 --init-std 0.125 --lr 1e-3 --lr-schedule constant --batch 32"

if want induction; then
  $PY tools/tiny-lm/train.py $IND --steps 2500 --seed 1 --checkpoint-every 100 --out "$RUNS/induction-s1"
  $PY tools/tiny-lm/train.py $IND --steps 2500 --seed 2 --checkpoint-every 100 --out "$RUNS/induction-s2"
  $PY tools/tiny-lm/train.py $IND --random-init --seed 0 --out "$RUNS/induction-random"
  $PY tools/tiny-lm/export.py --with-past --checkpoint "$RUNS/induction-s1/final.pt" --out "$OUT/induction-2l-s1"
  $PY tools/tiny-lm/export.py --with-past --checkpoint "$RUNS/induction-s2/final.pt" --out "$OUT/induction-2l-s2"
  $PY tools/tiny-lm/export.py --with-past --checkpoint "$RUNS/induction-random/final.pt" --out "$OUT/induction-2l-random"
  for s in 000000 000400 000800 001200 001500 001800 002000 002200 002500; do
    $PY tools/tiny-lm/export.py --with-past --checkpoint "$RUNS/induction-s1/step-$s.pt" \
      --out "$OUT/induction-2l-s1-steps/step-$s" --name "induction-2l-s1-steps/step-$s"
  done
fi

if want text; then
  $PY tools/tiny-lm/train.py --task text --layers 2 --heads 4 --d-model 64 --seq-len 128 --init-std 0.125 \
    --lr 1e-3 --lr-schedule cosine --batch 32 --steps 3000 --seed 1 --checkpoint-every 250 --out "$RUNS/text-s1"
  $PY tools/tiny-lm/export.py --with-past --checkpoint "$RUNS/text-s1/final.pt" --out "$OUT/text-2l"
fi

# Stochastic copy, lag 6, p 0.6 (the `stochastic-copy` condition kind). The copy accuracy rises between steps
# 100 and 200, hence the dense checkpoints there; step-001000 is the same model as copy-l6-s1.
COPY="--task copy --layers 2 --heads 4 --d-model 64 --seq-len 32 --lag 6 --copy-prob 0.6 --init-std 0.125 \
  --lr 1e-3 --lr-schedule constant --batch 32"
if want copy; then
  $PY tools/tiny-lm/train.py $COPY --steps 1000 --seed 1 --checkpoint-every 10 --out "$RUNS/copy-l6-s1" --quiet
  $PY tools/tiny-lm/train.py $COPY --random-init --seed 0 --out "$RUNS/copy-l6-random" --quiet
  $PY tools/tiny-lm/export.py --with-past --checkpoint "$RUNS/copy-l6-s1/final.pt" --out "$OUT/copy-l6-s1"
  $PY tools/tiny-lm/export.py --with-past --checkpoint "$RUNS/copy-l6-random/final.pt" --out "$OUT/copy-l6-random"
  for s in 000000 000100 000120 000140 000160 000180 000200 000400 001000; do
    $PY tools/tiny-lm/export.py --with-past --checkpoint "$RUNS/copy-l6-s1/step-$s.pt" \
      --out "$OUT/copy-l6-s1-steps/step-$s" --name "copy-l6-s1-steps/step-$s"
  done
fi
