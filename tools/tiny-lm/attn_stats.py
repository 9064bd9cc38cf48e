#!/usr/bin/python3
"""Attention diagnostics for an induction checkpoint: per layer and head, the mean attention that a query in
the repeated part (2nd period on) puts on <bos>, on the previous token (t-1), on itself, on the previous
occurrence of its own token (t-P) and on the token after it (t-P+1, what a textbook induction head attends to),
plus held-out accuracy by period length, including periods longer than the training range.
For a stochastic copy checkpoint (lag L): the mean attention that a scored query t puts on <bos>, t-1, itself,
the copy source t-(L-1) and the two positions beside it.

    /usr/bin/python3 tools/tiny-lm/attn_stats.py tools/tiny-lm/runs/induction-s1/final.pt
"""
import os
import sys

import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from export import load_checkpoint  # noqa: E402
from tinylm.arch import dims  # noqa: E402
from tinylm.llama import LlamaForCausalLM  # noqa: E402
from tinylm.tasks import InductionTask, make_task  # noqa: E402


def attention_patterns(model, ids):
    """{layer: softmax pattern [B, H, T, T]} recomputed from each attention block's hooked input."""
    llama = isinstance(model, LlamaForCausalLM)
    blocks = [l.self_attn for l in model.model.layers] if llama else [b.attn for b in model.transformer.h]
    inputs = {}
    hooks = [a.register_forward_hook((lambda i: lambda mod, inp, out: inputs.__setitem__(i, inp))(i))
             for i, a in enumerate(blocks)]
    model(ids)
    for h in hooks:
        h.remove()
    out = {}
    for i, inp in sorted(inputs.items()):
        a = blocks[i]
        if llama:
            x, allowed, cos, sin = inp[:4]
            q, k, _ = a.qkv(x, cos, sin)
        else:
            x, allowed = inp[:2]
            q, k, _ = a.c_attn(x).split(a.n_embd, 2)
            q, k = a._split_heads(q), a._split_heads(k)
        out[i] = torch.where(allowed, (q @ k.transpose(-1, -2)) / a.head_dim ** 0.5, torch.tensor(-1e9)).softmax(-1)
    return out


def copy_stats(path, ck, cfg, model):
    ti = ck["task_info"]
    task = make_task("copy", ti)
    ids = task.eval_set(256)
    lag = ti["lag"]
    print(f"{path}: step {ck['step']} (copy, lag {lag}; mean attention of queries t >= {lag}, per head)")
    T = ids.shape[1]
    t = torch.arange(lag, T - 1)  # scored query positions (their target is t+1)
    for i, pat in attention_patterns(model, ids).items():
        print(f"  layer {i}")
        rows = {"bos": torch.zeros_like(t), "prev(t-1)": t - 1, "self": t,
                f"source(t-{lag - 1})": t - (lag - 1), f"t-{lag - 2}": t - (lag - 2), f"t-{lag}": t - lag}
        for key, cols in rows.items():
            v = pat[:, :, t, cols].mean(dim=(0, 2))
            print(f"    {key:18s} {' '.join(f'{x:5.2f}' for x in v.tolist())}")


def main(path):
    torch.set_grad_enabled(False)
    ck, cfg, model, _ = load_checkpoint(path)
    ti = ck["task_info"]
    if ti["task"] == "copy":
        return copy_stats(path, ck, cfg, model)
    if ti["task"] != "induction":
        raise SystemExit("induction or copy checkpoints only")
    task = make_task("induction", ti)
    ids, per, st = task.eval_set(256)
    print(f"{path}: step {ck['step']}")
    for i, pat in attention_patterns(model, ids).items():
        acc = {n: torch.zeros(dims(model).n_head) for n in ["bos", "prev(t-1)", "self", "dup(t-P)", "induction(t-P+1)"]}
        n = 0
        for b in range(len(ids)):
            P, s0 = int(per[b]), int(st[b])
            for t in range(s0 + P, ids.shape[1]):
                acc["bos"] += pat[b, :, t, 0]
                acc["prev(t-1)"] += pat[b, :, t, t - 1]
                acc["self"] += pat[b, :, t, t]
                acc["dup(t-P)"] += pat[b, :, t, t - P]
                acc["induction(t-P+1)"] += pat[b, :, t, t - P + 1]
                n += 1
        print(f"  layer {i} (mean attention per head)")
        for key, v in acc.items():
            print(f"    {key:18s} {' '.join(f'{x:5.2f}' for x in (v / n).tolist())}")
    L = ti["seq_len"]
    rows = [(ti["period_min"], ti["period_max"], ti["prefix_max"], "training distribution")]
    for lo, hi in [(ti["period_min"], ti["period_max"]), (ti["period_max"] + 1, (L - 2) // 2)]:
        if lo <= hi:
            rows.append((lo, hi, 0, "no noise prefix"))
    print("  held-out accuracy on induction-predictable targets")
    for lo, hi, rmax, note in rows:
        t = InductionTask(n_tokens=ti["n_tokens"], seq_len=L, period_min=lo, period_max=hi, prefix_min=0,
                          prefix_max=rmax, noise_rule=ti.get("noise_rule", "random"),
                          sampling=ti.get("sampling", "distinct"))
        x, p, s = t.eval_set(256, seed=999)
        logits, _ = model(x)
        mask = InductionTask.scored_mask(p, s, L)
        ok = ((logits[:, :-1].argmax(-1) == x[:, 1:]) & mask).sum() / mask.sum()
        print(f"    P {lo}-{hi}, prefix <= {rmax} ({note}): {ok:.3f}")


if __name__ == "__main__":
    main(sys.argv[1])
