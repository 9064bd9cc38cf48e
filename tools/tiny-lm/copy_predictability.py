#!/usr/bin/python3
"""What can predict "next token correct" on the stochastic copy task, at the scored positions (t >= lag)?

    /usr/bin/python3 tools/tiny-lm/copy_predictability.py tools/tiny-lm/runs/copy-l6-s1/final.pt [MORE.pt ...]

For each checkpoint, on 4000 fresh sequences (seed 99): the rate of correct greedy predictions, the rate of
predicting the copy source, and the held-out AUROC (fit on one half, scored on the other) of
  - a logistic probe on the final residual stream after ln_f (everything the model knows at position t), and
  - the input pattern "the target x_{t+1} equals the token lag-1 places back" (it reads the next token).
Why it matters: the copy happens with probability p independently of x_{<=t}, so a model that always
predicts the source is correct with probability p whatever its activations are; only a feature that sees
the target can separate its correct from its wrong predictions.
"""
import os
import sys

import torch
import torch.nn.functional as F

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from export import load_checkpoint  # noqa: E402
from tinylm.llama import LlamaForCausalLM  # noqa: E402
from tinylm.tasks import make_task  # noqa: E402


def auroc(score, positive):
    """Mann-Whitney AUROC (ties get the mean rank)."""
    order = torch.argsort(score)
    ranks = torch.empty_like(score, dtype=torch.float64)
    ranks[order] = torch.arange(1, len(score) + 1, dtype=torch.float64)
    for v in torch.unique(score):  # average tied ranks
        tied = score == v
        ranks[tied] = ranks[tied].mean()
    n1 = int(positive.sum())
    n0 = len(positive) - n1
    return float((ranks[positive].sum() - n1 * (n1 + 1) / 2) / (n1 * n0))


def report(path):
    ck, cfg, model, _ = load_checkpoint(path)
    if ck["task_info"]["task"] != "copy":
        raise SystemExit(f"{path}: not a copy-task checkpoint")
    task = make_task("copy", ck["task_info"])
    ids = task.sample(4000, torch.Generator().manual_seed(99))
    store = {}
    final_norm = model.model.norm if isinstance(model, LlamaForCausalLM) else model.transformer.ln_f
    hook = final_norm.register_forward_hook(lambda m, i, o: store.__setitem__("x", o))
    logits, _ = model(ids)
    hook.remove()
    lag, T = task.lag, ids.shape[1]
    t = torch.arange(lag, T - 1)
    x = store["x"][:, t].reshape(-1, store["x"].shape[-1])
    pred = logits[:, t].argmax(-1).reshape(-1)
    target = ids[:, t + 1].reshape(-1)
    source = ids[:, t + 1 - lag].reshape(-1)
    correct = pred == target
    half = len(correct) // 2
    xb = torch.cat([x, torch.ones(len(x), 1)], 1)
    w = torch.zeros(xb.shape[1], requires_grad=True)
    opt = torch.optim.LBFGS([w], max_iter=200)

    def closure():
        opt.zero_grad()
        loss = F.binary_cross_entropy_with_logits(xb[:half] @ w, correct[:half].float()) + 1e-3 * (w ** 2).sum()
        loss.backward()
        return loss

    with torch.enable_grad():
        opt.step(closure)
    probe = auroc((xb[half:] @ w).detach(), correct[half:])
    match = auroc((target == source)[half:].double(), correct[half:])
    print(f"{path}: step {ck['step']}  P(correct) {float(correct.float().mean()):.3f}  "
          f"P(predicts source) {float((pred == source).float().mean()):.3f}  held-out AUROC: "
          f"ln_f residual probe {probe:.3f}, input match x[t+1] == x[t-{lag - 1}] {match:.3f}")


if __name__ == "__main__":
    torch.set_num_threads(1)
    torch.set_grad_enabled(False)
    for p in sys.argv[1:]:
        report(p)
