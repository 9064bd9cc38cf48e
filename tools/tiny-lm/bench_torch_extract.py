#!/usr/bin/python3
"""The PyTorch half of bench/extract (run by bench/extract/run.mjs as its own child process).

    /usr/bin/python3 tools/tiny-lm/bench_torch_extract.py --dir TMP --model DIR --threads N --batch B
    then on stdin: "run" (one timed repeat → {"seconds","cpuSeconds"}) as often as wanted, then "done" (→ report)

What it does, in order:
  1. builds tinylm's GPT2LMHeadModel from MODEL_DIR/config.json and loads its weights from the ONNX file's
     initializers (onnx.numpy_helper), so no training checkpoint is needed (works on a fresh clone). Names:
     every state_dict key is an initializer of the same name and shape (HF GPT-2 scopes; Conv1D weights are
     [in, out] in both, and the graph must consume them as MatMul(x, W) without a Transpose); lm_head is the
     constant right operand [d, V] of the MatMul producing `logits` (torch.onnx exports Linear as x @ Wᵀ, so it
     is lm_head.weight transposed) and must equal wte.weightᵀ, since tinylm ties them.
  2. checks its logits against onnxruntime's (occam's LanguageModel.run, written by run.mjs to
     TMP/reference.json for a padded batch) and exits 2 if they differ by more than 1e-4 (before any timing).
  3. registers forward hooks capturing the tensors occam's extraction reads for behaviour next-token-correct with
     the default atoms: transformer.h.0 input (blocks.0.hook_resid_pre), h.L.attn.c_proj input
     (blocks.L.attn.hook_z, [B,T,H·D]), h.L.mlp.act output (blocks.L.mlp.hook_post), h.L.mlp.c_proj output
     (blocks.L.hook_mlp_out, incl. bias), transformer.ln_f input (the final residual stream, for the final
     norm's scale σ), plus the logits.
  4. extracts TMP/prompts.json batch by batch (same batch size, right padding, position ids as occam feeds them)
     into the same arrays occam builds: inputs [atoms, prompts, positions] float32, target (top-1 = next
     token) and scored uint8. Atoms, in occam's order: embed, then per layer 4 heads, mlp, neurons (each split
     into .pos/.neg), then token.repeats_earlier_token. Direct effect of a component c at position t on the
     direction of the next token u: c · w_u / σ_t with w_u = γ ⊙ (W_U[:,u] − mean_v W_U[:,v]), centred over
     the hidden axis, σ_t = sqrt(var(x_final) + ε); per head h: z_h · (W_O w_u)_h / σ_t; 0 at the last
     position (no next token). Neurons: Σ of positive and of negative hook_post values. Vectorised torch ops.
  5. warms up once and prints {"ready":…}; then each "run" line on stdin is one timed repeat (run.mjs interleaves
     them with occam's, so both sides share the machine's load drift); "done" compares the last repeat with
     occam's dataset (TMP/occam-ds, written by the occam side just before) and prints the report as one JSON line.

Timed (each repeat): the extraction loop = w_u / head vectors for the vocabulary, output allocation, for every
batch: padding into tensors, the eager forward with the hooks firing, the atom reduction, the copy into the
output arrays. Not timed: interpreter start-up, imports, ONNX parsing, weight loading, the logit check.
Peak RSS: resource.getrusage(RUSAGE_SELF).ru_maxrss after the last timed repeat (kB on Linux): the whole
process (python, torch and its libraries, onnx, numpy, the ONNX model proto, the model, the output arrays).
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import resource
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))


def fail(msg, code=2):
    print(f"bench_torch_extract: {msg}", file=sys.stderr)
    sys.exit(code)


try:
    import numpy as np
    import torch
    import onnx
    from onnx import numpy_helper
except ImportError as e:  # reported by run.mjs as one line
    fail(f"PyTorch side unavailable ({e}); needs Debian's python3-torch, python3-onnx, python3-numpy", 3)

sys.path.insert(0, HERE)
from tinylm.model import GPTConfig, GPT2LMHeadModel  # noqa: E402


# ------------------------------------------------------------------------------------ weights from ONNX
def load_from_onnx(model_dir):
    with open(os.path.join(model_dir, "config.json")) as f:
        cfg_json = json.load(f)
    cfg = GPTConfig(
        vocab_size=cfg_json["vocab_size"],
        n_positions=cfg_json["n_positions"],
        n_embd=cfg_json["n_embd"],
        n_layer=cfg_json["n_layer"],
        n_head=cfg_json["n_head"],
        layer_norm_epsilon=cfg_json.get("layer_norm_epsilon", 1e-5),
    )
    proto = onnx.load(os.path.join(model_dir, "onnx", "model.onnx"))
    g = proto.graph
    const = {i.name: numpy_helper.to_array(i) for i in g.initializer}
    # torch de-duplicates equal initializers into Identity nodes (freshly initialised models): follow them
    for n in g.node:
        if n.op_type == "Identity" and n.input[0] in const:
            const[n.output[0]] = const[n.input[0]]
    transposed = {n.output[0] for n in g.node if n.op_type == "Transpose"}
    consumers = {}
    for n in g.node:
        for k, i in enumerate(n.input):
            consumers.setdefault(i, []).append((n, k))

    model = GPT2LMHeadModel(cfg)
    sd = model.state_dict()
    new = {}
    for key, ref in sd.items():
        if key == "lm_head.weight":
            continue
        if key not in const:
            fail(f"ONNX initializer '{key}' not found (initializers: {sorted(const)[:8]}…)")
        arr = const[key]
        if tuple(arr.shape) != tuple(ref.shape):
            fail(f"ONNX initializer '{key}' has shape {arr.shape}, tinylm expects {tuple(ref.shape)}")
        if key.endswith(("c_attn.weight", "c_proj.weight", "c_fc.weight")):
            uses = consumers.get(key, [])
            if not uses or any(n.op_type != "MatMul" or k != 1 for n, k in uses):
                fail(f"'{key}' is not consumed as MatMul(x, W) in the graph ({[(n.op_type, k) for n, k in uses]}): layout differs from Conv1D [in, out]")
        new[key] = torch.from_numpy(arr.copy())
    # unembedding: the MatMul producing the logits, right operand [d, V] = lm_head.weightᵀ
    head = [n for n in g.node if "logits" in n.output]
    if len(head) != 1 or head[0].op_type != "MatMul":
        fail("no MatMul producing 'logits' in the graph")
    w_name = head[0].input[1]
    if w_name in transposed or w_name not in const:
        fail(f"unembedding weight '{w_name}' is not a plain initializer")
    w_u = const[w_name]
    if w_u.shape != (cfg.n_embd, cfg.vocab_size):
        fail(f"unembedding '{w_name}' has shape {w_u.shape}, expected {(cfg.n_embd, cfg.vocab_size)}")
    if not np.array_equal(w_u, const["transformer.wte.weight"].T):
        fail(f"unembedding '{w_name}' is not wte.weightᵀ: tinylm ties lm_head to wte and cannot load this graph")
    new["lm_head.weight"] = new["transformer.wte.weight"]
    model.load_state_dict(new, strict=True)
    model.eval()
    return cfg, model


# ------------------------------------------------------------------------------------------ logit check
def check_logits(model, ref):
    ids = torch.tensor(ref["ids"], dtype=torch.long)
    mask = torch.tensor(ref["mask"], dtype=torch.long)
    pos = torch.tensor(ref["positions"], dtype=torch.long)
    with torch.inference_mode():
        logits, _ = model(ids, attention_mask=mask, position_ids=pos)
    worst = 0.0
    scale = 0.0
    for b, L in enumerate(ref["lengths"]):
        off = ref["offsets"][b]
        mine = logits[b, off:off + L].numpy()
        theirs = np.asarray(ref["logits"][b], dtype=np.float32)
        worst = max(worst, float(np.abs(mine - theirs).max()))
        scale = max(scale, float(np.abs(theirs).max()))
    if not worst < 1e-4:
        fail(f"logit check FAILED: PyTorch vs onnxruntime max |Δ| = {worst:.3g} (≥ 1e-4, logits up to {scale:.3g}); "
             "the weight mapping from the ONNX initializers is wrong — not timing")
    return worst, int(sum(ref["lengths"]))


# ------------------------------------------------------------------------------------------ extraction
class Hooks:
    """Forward hooks that keep the latest tensor of each site (one batch at a time)."""

    def __init__(self, model):
        self.t = {}
        tr = model.transformer
        self.handles = [tr.h[0].register_forward_pre_hook(self.pre("resid_pre0"))]
        for i, blk in enumerate(tr.h):
            self.handles.append(blk.attn.c_proj.register_forward_pre_hook(self.pre(f"z{i}")))
            self.handles.append(blk.mlp.act.register_forward_hook(self.post(f"post{i}")))
            self.handles.append(blk.mlp.c_proj.register_forward_hook(self.post(f"mlp_out{i}")))
        self.handles.append(tr.ln_f.register_forward_pre_hook(self.pre("resid_final")))

    def pre(self, name):
        def f(_mod, args):
            self.t[name] = args[0]
        return f

    def post(self, name):
        def f(_mod, _args, out):
            self.t[name] = out
        return f


def atom_ids(cfg):
    ids = ["embed.pos", "embed.neg"]
    for L in range(cfg.n_layer):
        for h in range(cfg.n_head):
            ids += [f"L{L}.H{h}.attn.pos", f"L{L}.H{h}.attn.neg"]
        ids += [f"L{L}.mlp.pos", f"L{L}.mlp.neg", f"L{L}.neurons.pos", f"L{L}.neurons.neg"]
    return ids + ["token.repeats_earlier_token"]


def extract(model, cfg, hooks, prompts, batch_size, pad_id):
    tr = model.transformer
    V, d, H = cfg.vocab_size, cfg.n_embd, cfg.n_head
    D = d // H
    N = len(prompts)
    n_bins = max(len(p["tokens"]) for p in prompts)
    A = 2 + cfg.n_layer * (2 * H + 4) + 1  # embed ±, per layer (heads ±, mlp ±, neurons ±), one token feature
    inputs = np.zeros((A, N, n_bins), dtype=np.float32)
    target = np.zeros((N, n_bins), dtype=np.uint8)
    scored = np.zeros((N, n_bins), dtype=np.uint8)
    eps = tr.ln_f.eps
    with torch.inference_mode():
        # w_u for every token u (+ a zero row for "no next token"), and per layer the head vectors W_O w_u
        W_U = model.lm_head.weight.t()  # [d, V]
        s = W_U - W_U.mean(dim=1, keepdim=True)
        w = (s * tr.ln_f.weight[:, None]).t()  # [V, d]
        w = w - w.mean(dim=1, keepdim=True)
        w_all = torch.cat([w, torch.zeros(1, d)], 0)  # [V+1, d]
        v_all = [w_all @ blk.attn.c_proj.weight.t() for blk in tr.h]  # [V+1, H·D]
        for start in range(0, N, batch_size):
            chunk = prompts[start:start + batch_size]
            B = len(chunk)
            lengths = [len(p["tokens"]) for p in chunk]
            W = max(lengths)
            ids = torch.full((B, W), pad_id, dtype=torch.long)
            mask = torch.zeros((B, W), dtype=torch.long)
            sc = torch.zeros((B, W), dtype=torch.bool)
            for b, p in enumerate(chunk):
                L = lengths[b]
                ids[b, :L] = torch.tensor(p["tokens"])
                mask[b, :L] = 1
                sc[b, [t for t in (p["scored"] if p["scored"] is not None else range(1, L)) if 0 <= t < L]] = True
            ar = torch.arange(W)
            pos = ar.expand(B, W) * mask  # position of each token in its prompt, 0 for padding (as occam feeds them)
            logits, _ = model(ids, attention_mask=mask, position_ids=pos)
            t = hooks.t
            real = mask.bool()
            valid = (ar[None, :] + 1) < torch.tensor(lengths)[:, None]  # has a next token
            nxt = torch.full((B, W), V, dtype=torch.long)
            nxt[:, :-1] = ids[:, 1:]
            nxt = torch.where(valid, nxt, torch.full_like(nxt, V))
            wd = w_all[nxt]  # [B, W, d]
            x = t["resid_final"]
            inv = torch.rsqrt(x.var(dim=-1, unbiased=False) + eps)  # 1/σ [B, W]
            rows = []

            def signed(v):
                rows.append(v.clamp(min=0))
                rows.append(v.clamp(max=0))

            signed((t["resid_pre0"] * wd).sum(-1) * inv)
            for L in range(cfg.n_layer):
                heads = (t[f"z{L}"] * v_all[L][nxt]).view(B, W, H, D).sum(-1) * inv[..., None]  # [B, W, H]
                for h in range(H):
                    signed(heads[..., h])
                signed((t[f"mlp_out{L}"] * wd).sum(-1) * inv)
                post = t[f"post{L}"]
                rows.append(post.clamp(min=0).sum(-1))
                rows.append(post.clamp(max=0).sum(-1))
            earlier = (ids[:, :, None] == ids[:, None, :]) & torch.ones(W, W, dtype=torch.bool).tril(-1)
            rows.append(earlier.any(-1).float())
            atoms = torch.stack(rows) * real  # [A, B, W], padding 0
            inputs[:, start:start + B, :W] = atoms.numpy()
            target[start:start + B, :W] = ((logits.argmax(-1) == nxt) & valid).numpy()
            scored[start:start + B, :W] = (sc & valid).numpy()
            t.clear()
    return inputs, target, scored


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--dir", required=True)
    ap.add_argument("--model", required=True)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--batch", type=int, default=8)
    a = ap.parse_args()
    torch.set_num_threads(a.threads)
    torch.set_num_interop_threads(1)
    kb = lambda: resource.getrusage(resource.RUSAGE_SELF).ru_maxrss  # noqa: E731

    def say(obj):
        sys.stdout.write(json.dumps(obj) + "\n")
        sys.stdout.flush()

    cfg, model = load_from_onnx(a.model)
    with open(os.path.join(a.dir, "reference.json")) as f:
        ref = json.load(f)
    logit_diff, checked = check_logits(model, ref)
    with open(os.path.join(a.dir, "prompts.json")) as f:
        prompts = json.load(f)["prompts"]
    pad_id = ref["padId"]
    tokens = sum(len(p["tokens"]) for p in prompts)
    hooks = Hooks(model)
    rss_before = kb() / 1024

    w0 = time.perf_counter()
    out = extract(model, cfg, hooks, prompts, a.batch, pad_id)  # warm-up
    warmup = time.perf_counter() - w0
    say({"ready": True, "tokens": tokens, "warmupSeconds": warmup})
    # driven by run.mjs over stdin: "run" = one timed repeat, "done" = final report
    for line in sys.stdin:
        line = line.strip()
        if line == "run":
            out = None
            gc.collect()
            c0 = time.process_time()  # whole process, all threads
            t0 = time.perf_counter()
            out = extract(model, cfg, hooks, prompts, a.batch, pad_id)
            say({"seconds": time.perf_counter() - t0, "cpuSeconds": time.process_time() - c0})
        elif line == "done":
            break
    peak = kb() / 1024

    report = {
        "side": "torch", "tokens": tokens, "prompts": len(prompts), "warmupSeconds": warmup,
        "peakRssMB": peak, "rssBeforeWarmupMB": rss_before, "threads": torch.get_num_threads(), "batchSize": a.batch,
        "torch": torch.__version__, "logitMaxAbsDiff": logit_diff, "logitCheckedPositions": checked,
        "atoms": atom_ids(cfg),
    }
    inputs, target, scored = out
    report["events"] = int((target & scored).sum())
    report["scoredBins"] = int(scored.sum())
    ds = os.path.join(a.dir, "occam-ds")
    if os.path.exists(os.path.join(ds, "manifest.json")):
        with open(os.path.join(ds, "manifest.json")) as f:
            man = json.load(f)
        occ_ids = [x["id"] for x in man["atoms"]]
        if occ_ids != report["atoms"]:
            report["compare"] = {"error": f"atom lists differ: occam {occ_ids} vs torch {report['atoms']}"}
        else:
            oi = np.load(os.path.join(ds, man["files"]["inputs"]))
            ot = np.load(os.path.join(ds, man["files"]["target"]))
            os_ = np.load(os.path.join(ds, man["files"]["scored"]))
            diff = np.abs(oi.astype(np.float64) - inputs)
            per_atom = diff.reshape(diff.shape[0], -1).max(1)
            scale = np.maximum(np.abs(oi).reshape(oi.shape[0], -1).max(1), 1e-12)
            report["compare"] = {
                "maxAbsDiff": float(diff.max()),
                "maxRelDiff": float((per_atom / scale).max()),  # per atom: max |Δ| / max |occam value|
                "worstRelAtom": occ_ids[int((per_atom / scale).argmax())],
                "maxAbsValue": float(np.abs(oi).max()),
                "worstAtom": occ_ids[int(per_atom.argmax())],
                "targetMismatches": int((ot.astype(np.uint8) != target).sum()),
                "scoredMismatches": int((os_ != scored).sum()),
            }
    say(report)


if __name__ == "__main__":
    main()
