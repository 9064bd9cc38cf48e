#!/usr/bin/python3
"""Train a tiny GPT-2 (or, with --arch llama, a tiny Llama) on the synthetic induction task, the stochastic
copy task or character-level licence text.

    /usr/bin/python3 tools/tiny-lm/train.py --task induction --layers 2 --heads 4 --d-model 64 \
        --steps 2500 --seed 1 --out tools/tiny-lm/runs/induction-s1 --checkpoint-every 100
    /usr/bin/python3 tools/tiny-lm/train.py --task copy --lag 6 --copy-prob 0.6 --steps 1200 --seed 1 \
        --out tools/tiny-lm/runs/copy-l6-s1 --checkpoint-every 50

    /usr/bin/python3 tools/tiny-lm/train.py --arch llama --task copy --steps 1000 --seed 1 --out RUN

The defaults are the settings of the committed fixtures (data/models/README.md). --arch gpt2 (the default)
builds tinylm/model.py's GPT2LMHeadModel exactly as before the Llama layout existed (same seed, same weights);
--arch llama builds tinylm/llama.py's LlamaForCausalLM (RMSNorm, rotary, SwiGLU, untied lm_head).

Writes DIR/step-XXXXXX.pt (every --checkpoint-every steps, plus step 0 and the last step),
DIR/final.pt (a copy of the last), and DIR/log.jsonl (one line per evaluation).
Deterministic for a given seed (single thread, torch.use_deterministic_algorithms).
`--random-init` (or --steps 0) writes only step-000000.pt: a random-weights model of the same shape.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import shutil
import sys
import time

import torch
import torch.nn.functional as F

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from tinylm.model import GPTConfig, GPT2LMHeadModel, count_params  # noqa: E402
from tinylm.llama import LlamaConfig, LlamaForCausalLM, default_intermediate_size  # noqa: E402
from tinylm.tasks import CopyTask, InductionTask, TextTask, make_task  # noqa: E402


def sinusoidal_table(n, d, scale=0.03):
    """Vaswani et al.'s table times `scale`, as an initial value for the learned wpe."""
    pos = torch.arange(n, dtype=torch.float32).unsqueeze(1)
    freq = torch.exp(-math.log(10000.0) * torch.arange(0, d, 2, dtype=torch.float32) / d)
    t = torch.zeros(n, d)
    t[:, 0::2] = torch.sin(pos * freq)
    t[:, 1::2] = torch.cos(pos * freq)
    return scale * t


@torch.no_grad()
def induction_accuracy(model, ids, periods, starts, batch=128):
    """Greedy next-token accuracy on induction-predictable targets (content index >= P + 1),
    and the mean loss there."""
    model.eval()
    correct = total = 0
    loss_sum = 0.0
    L = ids.shape[1]
    for s in range(0, len(ids), batch):
        x = ids[s: s + batch]
        logits, _ = model(x)
        tgt = x[:, 1:]
        mask = InductionTask.scored_mask(periods[s: s + batch], starts[s: s + batch], L)
        pred = logits[:, :-1].argmax(-1)
        correct += int(((pred == tgt) & mask).sum())
        total += int(mask.sum())
        lp = F.cross_entropy(logits[:, :-1].reshape(-1, logits.shape[-1]), tgt.reshape(-1), reduction="none")
        loss_sum += float((lp.view_as(tgt) * mask).sum())
    model.train()
    return correct / total, loss_sum / total


@torch.no_grad()
def mean_loss(model, ids, batch=128):
    model.eval()
    tot = 0.0
    n = 0
    for s in range(0, len(ids), batch):
        x = ids[s: s + batch]
        logits, _ = model(x)
        l = F.cross_entropy(logits[:, :-1].reshape(-1, logits.shape[-1]), x[:, 1:].reshape(-1), reduction="sum")
        tot += float(l)
        n += x[:, 1:].numel()
    model.train()
    return tot / n


@torch.no_grad()
def copy_metrics(model, task: CopyTask, ids, batch=128):
    """Held-out metrics of the stochastic copy task. Scored targets: x_{t+1} at positions t >= lag.
    scored_acc   greedy accuracy on every scored target (the Bayes-optimal predictor gets the copy rate, ~p)
    copied_acc   greedy accuracy on the scored targets where the copy happened (x_{t+1} = x_{t+1-lag}; optimal 1)
    copy_pred_rate  fraction of scored positions whose greedy prediction is the copy x_{t+1-lag} (optimal 1)
    scored_loss  mean cross-entropy on scored targets (optimal: task_info.optimal_scored_loss)
    heldout_loss mean cross-entropy on every next-token target
    all_acc      greedy accuracy on every next-token target (the first lag targets are unpredictable)
    copy_rate    fraction of scored targets where the copy happened in this held-out set (the ceiling of scored_acc)"""
    model.eval()
    sums = {k: 0.0 for k in ("scored_correct", "copied_correct", "copy_pred", "scored_loss", "all_loss",
                             "all_correct", "n_scored", "n_copied", "n_all")}
    for s in range(0, len(ids), batch):
        x = ids[s: s + batch]
        logits, _ = model(x)
        tgt = x[:, 1:]
        pred = logits[:, :-1].argmax(-1)
        scored = task.scored_mask(x)
        src = task.source(x)
        copied = scored & (tgt == src)
        lp = F.cross_entropy(logits[:, :-1].reshape(-1, logits.shape[-1]), tgt.reshape(-1),
                             reduction="none").view_as(tgt)
        ok = pred == tgt
        sums["scored_correct"] += float((ok & scored).sum())
        sums["copied_correct"] += float((ok & copied).sum())
        sums["copy_pred"] += float(((pred == src) & scored).sum())
        sums["scored_loss"] += float((lp * scored).sum())
        sums["all_loss"] += float(lp.sum())
        sums["all_correct"] += float(ok.sum())
        sums["n_scored"] += float(scored.sum())
        sums["n_copied"] += float(copied.sum())
        sums["n_all"] += tgt.numel()
    model.train()
    return {
        "heldout_loss": sums["all_loss"] / sums["n_all"],
        "scored_acc": sums["scored_correct"] / sums["n_scored"],
        "copied_acc": sums["copied_correct"] / sums["n_copied"],
        "copy_pred_rate": sums["copy_pred"] / sums["n_scored"],
        "scored_loss": sums["scored_loss"] / sums["n_scored"],
        "all_acc": sums["all_correct"] / sums["n_all"],
        "copy_rate": sums["n_copied"] / sums["n_scored"],
        "n_scored": int(sums["n_scored"]),
    }


def headline(ev):
    """The one accuracy printed per checkpoint."""
    if "scored_acc" in ev:
        return f"copy acc {ev['scored_acc']:.3f} (copied {ev['copied_acc']:.3f})"
    return f"induction acc {ev['induction_acc']:.3f}"


def evaluate(model, task, eval_data):
    out = {}
    if task.name == "copy":
        return copy_metrics(model, task, eval_data["copy"])
    if task.name == "induction":
        ids, periods, starts = eval_data["induction"]
        acc, ind_loss = induction_accuracy(model, ids, periods, starts)
        out["heldout_loss"] = mean_loss(model, ids)
        out["induction_acc"] = acc
        out["induction_loss"] = ind_loss
    else:
        out["heldout_loss"] = mean_loss(model, eval_data["val"])
        ids, periods, starts = eval_data["induction"]
        acc, ind_loss = induction_accuracy(model, ids, periods, starts)
        out["induction_acc"] = acc
        out["induction_loss"] = ind_loss
    return out


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--task", choices=["induction", "copy", "text"], required=True)
    ap.add_argument("--arch", choices=["gpt2", "llama"], default="gpt2",
                    help="gpt2 (learned positions, LayerNorm, GELU MLP, tied lm_head) or llama (rotary, RMSNorm, "
                         "SwiGLU MLP, untied lm_head)")
    ap.add_argument("--intermediate-size", type=int, default=None,
                    help="llama: the SwiGLU MLP width (default 8/3 d_model rounded up to a multiple of 16)")
    ap.add_argument("--layers", type=int, default=2)
    ap.add_argument("--heads", type=int, default=4)
    ap.add_argument("--d-model", type=int, default=64)
    ap.add_argument("--steps", type=int, default=2000)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--out", required=True)
    ap.add_argument("--checkpoint-every", type=int, default=100)
    ap.add_argument("--batch", type=int, default=32)
    ap.add_argument("--lr", type=float, default=1e-3)
    ap.add_argument("--warmup", type=int, default=100)
    ap.add_argument("--weight-decay", type=float, default=0.01)
    ap.add_argument("--seq-len", type=int, default=None, help="default 32 (induction), 128 (text)")
    ap.add_argument("--n-tokens", type=int, default=64, help="induction: number of content tokens t0..t{N-1}")
    ap.add_argument("--period-min", type=int, default=4)
    ap.add_argument("--period-max", type=int, default=12)
    ap.add_argument("--prefix-min", type=int, default=0, help="induction: min number of non-repeated tokens before the period")
    ap.add_argument("--prefix-max", type=int, default=8)
    ap.add_argument("--sampling", choices=["distinct", "iid"], default="distinct",
                    help="induction: noise + period tokens all distinct, or i.i.d. with replacement")
    ap.add_argument("--noise-rule", choices=["random", "lag2"], default="random",
                    help="induction: noise prefix i.i.d. or following token[k+1] = PI[token[k-1]]")
    ap.add_argument("--lag", type=int, default=6, help="copy: the lag L (x_i copies x_{i-L})")
    ap.add_argument("--copy-prob", type=float, default=0.6, help="copy: the probability p that x_i copies x_{i-L}")
    ap.add_argument("--lr-schedule", choices=["cosine", "constant"], default=None,
                    help="after warm-up; default constant (induction), cosine to 10%% (text)")
    ap.add_argument("--wpe-init", choices=["normal", "sinusoidal"], default="normal",
                    help="initial position embeddings: N(0, 0.02) or a scaled sinusoidal table (still trained)")
    ap.add_argument("--init-std", type=float, default=0.125,
                    help="std of the normal init of all weights (HF GPT-2: 0.02, too small at d_model 64)")
    ap.add_argument("--threads", type=int, default=1)
    ap.add_argument("--random-init", action="store_true", help="write the untrained model only (= --steps 0)")
    ap.add_argument("--quiet", action="store_true")
    args = ap.parse_args(argv)
    if args.arch == "llama" and args.wpe_init != "normal":
        ap.error("--wpe-init applies to --arch gpt2 only (llama has no position embedding table: rotary)")
    if args.arch == "gpt2" and args.intermediate_size is not None:
        ap.error("--intermediate-size applies to --arch llama only (GPT-2's MLP is 4 d_model wide)")
    if args.d_model % args.heads != 0:
        ap.error(f"--d-model {args.d_model} must be a multiple of --heads {args.heads}")

    torch.set_num_threads(args.threads)
    torch.use_deterministic_algorithms(True)
    torch.manual_seed(args.seed)
    steps = 0 if args.random_init else args.steps
    if args.lr_schedule is None:
        args.lr_schedule = "cosine" if args.task == "text" else "constant"

    if args.task == "induction":
        task = make_task("induction", {
            "n_tokens": args.n_tokens, "seq_len": args.seq_len or 32,
            "period_min": args.period_min, "period_max": args.period_max,
            "prefix_min": args.prefix_min, "prefix_max": args.prefix_max, "noise_rule": args.noise_rule,
            "sampling": args.sampling})
        eval_data = {"induction": task.eval_set()}
    elif args.task == "copy":
        task = make_task("copy", {"n_tokens": args.n_tokens, "seq_len": args.seq_len or 32, "lag": args.lag,
                                  "copy_prob": args.copy_prob})
        eval_data = {"copy": task.eval_set()}
    else:
        task = make_task("text", {"seq_len": args.seq_len or 128})
        eval_data = {"val": task.val_set(), "induction": task.induction_probe(
            period_min=args.period_min, period_max=args.period_max)}

    if args.arch == "llama":
        cfg = LlamaConfig(vocab_size=len(task.vocab), max_position_embeddings=task.n_positions,
                          hidden_size=args.d_model, num_hidden_layers=args.layers, num_attention_heads=args.heads,
                          intermediate_size=args.intermediate_size or default_intermediate_size(args.d_model),
                          initializer_range=args.init_std)
        model = LlamaForCausalLM(cfg)
    else:
        cfg = GPTConfig(vocab_size=len(task.vocab), n_positions=task.n_positions, n_embd=args.d_model,
                        n_layer=args.layers, n_head=args.heads,
                        initializer_range=args.init_std)
        model = GPT2LMHeadModel(cfg)
    if args.wpe_init == "sinusoidal":
        with torch.no_grad():
            model.transformer.wpe.weight.copy_(sinusoidal_table(cfg.n_positions, cfg.n_embd))
    data_gen = torch.Generator().manual_seed(args.seed + 1_000_003)

    decay = [p for n, p in model.named_parameters() if p.dim() >= 2]
    no_decay = [p for n, p in model.named_parameters() if p.dim() < 2]
    opt = torch.optim.AdamW([{"params": decay, "weight_decay": args.weight_decay},
                             {"params": no_decay, "weight_decay": 0.0}], lr=args.lr, betas=(0.9, 0.98))

    def lr_at(step):  # linear warm-up, cosine decay to 10%
        if step < args.warmup:
            return args.lr * (step + 1) / args.warmup
        if args.lr_schedule == "constant":
            return args.lr
        frac = (step - args.warmup) / max(1, steps - args.warmup)
        return args.lr * (0.1 + 0.9 * 0.5 * (1 + math.cos(math.pi * min(1.0, frac))))

    os.makedirs(args.out, exist_ok=True)
    log_path = os.path.join(args.out, "log.jsonl")
    log = open(log_path, "w")
    meta = {
        "task_info": task.info(),
        "vocab": task.vocab.to_dict(),
        "arch": args.arch,
        "config": cfg.to_dict(),
        "seed": args.seed,
        "args": vars(args),
        "n_params": count_params(model),
        "torch": torch.__version__,
    }
    if not args.quiet:
        print(f"arch={args.arch} task={args.task} params={meta['n_params']} vocab={cfg.vocab_size} n_positions={task.n_positions}",
              flush=True)

    t0 = time.time()
    last_train_loss = None  # no training step yet
    ema = None

    def save(step):
        ev = evaluate(model, task, eval_data)
        rec = {"step": step, "train_loss": last_train_loss, "train_loss_ema": ema, **ev,
               "elapsed_s": round(time.time() - t0, 2)}
        log.write(json.dumps(rec) + "\n")
        log.flush()
        ck = {**meta, "step": step, "loss": last_train_loss, "metrics": rec,
              "state_dict": {k: v.clone() for k, v in model.state_dict().items()}}
        path = os.path.join(args.out, f"step-{step:06d}.pt")
        torch.save(ck, path)
        if not args.quiet:
            tl = "   -   " if last_train_loss is None else f"{last_train_loss:.4f}"
            print(f"step {step:6d}  train {tl}  held-out {ev['heldout_loss']:.4f}  "
                  f"{headline(ev)}  ({rec['elapsed_s']:.1f}s)", flush=True)
        return path

    path = save(0)
    model.train()
    for step in range(1, steps + 1):
        for g in opt.param_groups:
            g["lr"] = lr_at(step - 1)
        x = task.train_batch(args.batch, data_gen)
        logits, _ = model(x)
        loss = F.cross_entropy(logits[:, :-1].reshape(-1, logits.shape[-1]), x[:, 1:].reshape(-1))
        opt.zero_grad(set_to_none=True)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        opt.step()
        last_train_loss = float(loss)
        ema = last_train_loss if ema is None else 0.95 * ema + 0.05 * last_train_loss
        if step % args.checkpoint_every == 0 or step == steps:
            path = save(step)
    shutil.copyfile(path, os.path.join(args.out, "final.pt"))
    log.close()
    if not args.quiet:
        print(f"done in {time.time() - t0:.1f}s -> {args.out}", flush=True)


if __name__ == "__main__":
    main()
