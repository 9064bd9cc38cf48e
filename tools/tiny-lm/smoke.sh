#!/usr/bin/env bash
# CI smoke test for tools/tiny-lm: train a few steps, export (with and without KV cache) and check that
# onnxruntime (via onnxruntime-node) reproduces the PyTorch logits, presents and named tensors to < 1e-4;
# the GPT-2 layout on the induction and copy tasks, the Llama layout (--arch llama) on the copy task.
# Needs /usr/bin/python3 with torch + onnx, node, and the repo's node_modules. Runs in ~20-45 s.
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
# the stochastic copy task: its own sampler and metrics, the same model and export
"$PY" "$HERE/train.py" --task copy --lag 6 --copy-prob 0.6 --layers 2 --heads 4 --d-model 32 --steps 20 --seed 1 \
  --checkpoint-every 20 --batch 8 --out "$TMP/copy" --quiet
"$PY" "$HERE/export.py" --checkpoint "$TMP/copy/final.pt" --out "$TMP/model-copy" --with-past
"$PY" - "$TMP/model-copy/config.json" <<'PYEOF'
import json, sys
o = json.load(open(sys.argv[1]))["occam"]
assert o["task"] == "copy" and o["task_info"]["lag"] == 6, o["task_info"]
for k in ("scored_acc", "copied_acc", "copy_pred_rate", "scored_loss", "heldout_loss", "copy_rate"):
    assert isinstance(o["metrics"].get(k), float), f"config.json occam.metrics.{k} missing"
PYEOF
# the Llama layout: 20 steps, export with the KV cache (verified like the GPT-2 ones), HF Llama config keys
"$PY" "$HERE/train.py" --arch llama --task copy --lag 6 --copy-prob 0.6 --layers 2 --heads 4 --d-model 32 \
  --steps 20 --seed 1 --checkpoint-every 20 --batch 8 --out "$TMP/llama" --quiet
"$PY" "$HERE/export.py" --checkpoint "$TMP/llama/final.pt" --out "$TMP/model-llama" --with-past
"$PY" - "$TMP/model-llama/config.json" "$TMP/model-llama/onnx/model.onnx" <<'PYEOF'
import json, sys
import onnx
c = json.load(open(sys.argv[1]))
assert c["model_type"] == "llama" and c["architectures"] == ["LlamaForCausalLM"], c["model_type"]
assert (c["hidden_size"], c["num_hidden_layers"], c["num_attention_heads"], c["num_key_value_heads"]) == (32, 2, 4, 4)
assert c["hidden_act"] == "silu" and c["tie_word_embeddings"] is False and c["occam"]["step"] == 20
g = onnx.load(sys.argv[2]).graph
ins = [i.name for i in g.input]
outs = [o.name for o in g.output]
assert ins[:3] == ["input_ids", "attention_mask", "position_ids"] and "past_key_values.1.value" in ins, ins
assert outs[0] == "logits" and "present.1.key" in outs, outs
assert any(n.name.startswith("/model/layers.1/mlp/down_proj/") for n in g.node)
PYEOF
echo "tiny-lm smoke OK"
