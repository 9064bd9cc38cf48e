#!/usr/bin/env bash
# CI smoke test for tools/tiny-lm: train a few steps, export (with and without KV cache) and check that
# onnxruntime (via onnxruntime-node) reproduces the PyTorch logits, presents and named tensors to < 1e-4.
# Needs /usr/bin/python3 with torch + onnx, node, and the repo's node_modules. Runs in ~15-30 s.
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
PY="${TINY_LM_PYTHON:-/usr/bin/python3}"
TMP="$(mktemp -d)"
trap 'rm -rf "$TMP"' EXIT

"$PY" "$HERE/train.py" --task induction --layers 2 --heads 4 --d-model 32 --steps 20 --seed 1 \
  --checkpoint-every 10 --batch 8 --out "$TMP/run" --quiet
test -f "$TMP/run/step-000010.pt" && test -f "$TMP/run/final.pt"
"$PY" "$HERE/export.py" --checkpoint "$TMP/run/final.pt" --out "$TMP/model-no-past"
"$PY" "$HERE/export.py" --checkpoint "$TMP/run/final.pt" --out "$TMP/model-past" --with-past
for d in model-no-past model-past; do
  for f in config.json generation_config.json tokenizer.json tokenizer_config.json onnx/model.onnx; do
    test -s "$TMP/$d/$f" || { echo "missing $d/$f" >&2; exit 1; }
  done
done
echo "tiny-lm smoke OK"
