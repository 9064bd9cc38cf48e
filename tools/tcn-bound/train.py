#!/usr/bin/python3
"""A flexible reference predictor for `occam bound`: a causal temporal convolutional network (TCN) over every atom's
full-resolution input (atoms × 1-bin time steps, ungrouped), trained per fold on the training trials only, writing
held-out per-bin predictions that occam scores with its own metrics.

    /usr/bin/python3 tools/tcn-bound/train.py --data DIR --plan PLAN.json --out DIR [--quick]
    /usr/bin/python3 tools/tcn-bound/train.py --data DIR --train-trials 0-699 --test-trials 700-999 --max-lag 79 --out DIR

Needs Debian's python3-torch (1.13) and python3-numpy. See README.md beside this file.
"""
import argparse
import json
import os
import shutil
import sys
import time
from pathlib import Path

try:
    import numpy as np
except ImportError:
    print(
        f"tcn-bound: {sys.executable} has no numpy: run this with Debian's /usr/bin/python3 (apt-get install python3-numpy python3-torch)",
        file=sys.stderr,
    )
    sys.exit(2)

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "python"))
import occam_numpy  # noqa: E402  (the repository's NumPy reader of occam Datasets)
from occam_numpy.errors import OccamFormatError  # noqa: E402


class UsageProblem(Exception):
    """A problem the user can fix; printed as one line, no traceback."""


def trial_list(text, n_trials, name):
    """'0-699,800,805-809' → sorted trial numbers."""
    out = set()
    for part in text.split(","):
        part = part.strip()
        if not part:
            continue
        try:
            if "-" in part:
                lo, hi = (int(x) for x in part.split("-", 1))
                out.update(range(lo, hi + 1))
            else:
                out.add(int(part))
        except ValueError:
            raise UsageProblem(f"--{name}: '{part}' is not a trial number or a range such as 0-699") from None
    bad = [t for t in out if not 0 <= t < n_trials]
    if bad:
        raise UsageProblem(f"--{name}: trial {bad[0]} is outside 0…{n_trials - 1}")
    return sorted(out)


def read_plan(args, ds):
    m = ds.manifest
    if args.plan:
        try:
            with open(args.plan, encoding="utf-8") as f:
                plan = json.load(f)
        except FileNotFoundError:
            raise UsageProblem(f"--plan {args.plan}: not found (occam bound --write-plan FILE writes one)") from None
        except json.JSONDecodeError as e:
            raise UsageProblem(f"--plan {args.plan}: line {e.lineno}: not JSON ({e.msg})") from None
        if plan.get("format") != "occam.bound-plan" or plan.get("version") != 1:
            raise UsageProblem(f"--plan {args.plan}: format is {plan.get('format')!r}, expected 'occam.bound-plan' version 1")
        d = plan["dataset"]
        if (d["nTrials"], d["nBins"], d["atoms"]) != (m["nTrials"], m["nBins"], len(m["atoms"])):
            raise UsageProblem(f"--plan {args.plan}: written for a dataset of {d['nTrials']} trials × {d['nBins']} bins × {d['atoms']} atoms, not {args.data}")
        return plan
    if not (args.train_trials and args.test_trials):
        raise UsageProblem("give --plan FILE, or --train-trials and --test-trials")
    train = trial_list(args.train_trials, m["nTrials"], "train-trials")
    test = trial_list(args.test_trials, m["nTrials"], "test-trials")
    if set(train) & set(test):
        raise UsageProblem("--train-trials and --test-trials overlap: a held-out prediction must come from a network that never saw its trial")
    return {
        "family": "bernoulli" if m["target"]["kind"] == "binary" else "poisson",
        "minLag": args.min_lag,
        "maxLag": args.max_lag,
        "historyMaxLag": args.history_max_lag,
        "excludedAtoms": [],
        "seed": args.seed,
        "folds": [{"train": train, "test": test}],
    }


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--data", required=True, help="the occam Dataset directory (manifest.json + .npy arrays)")
    p.add_argument("--plan", help="occam.bound-plan JSON (occam bound --write-plan FILE): folds, lag window, history, excluded atoms")
    p.add_argument("--train-trials", help="without --plan: training trials, e.g. 0-699")
    p.add_argument("--test-trials", help="without --plan: held-out trials to predict")
    p.add_argument("--min-lag", type=int, default=0, help="without --plan: first lag an input may act at (0: the same bin)")
    p.add_argument("--max-lag", type=int, default=79, help="without --plan: the receptive field covers lags min-lag … max-lag at least")
    p.add_argument("--history-max-lag", type=int, default=None, help="without --plan: give the network the output's own past (lags 1 … N)")
    p.add_argument("--out", required=True, help="the predictions directory to write (replaced atomically)")
    p.add_argument("--quick", action="store_true", help="one small candidate, few epochs: for tests, not for a bound")
    p.add_argument("--seed", type=int, default=None, help="seed (default: the plan's)")
    p.add_argument(
        "--fit-bins",
        choices=("scored", "all"),
        default="all",
        help="bins of the training trials the loss is fitted on: the scored ones (as the GLMs) or all (more events; validation and predictions stay on scored bins)",
    )
    p.add_argument("--threads", type=int, default=1, help="torch CPU threads (default 1: reproducible and polite on a shared machine)")
    args = p.parse_args(argv)
    try:
        try:
            import torch
        except ImportError:
            raise UsageProblem(
                f"{sys.executable} has no torch: install Debian's python3-torch (apt-get install python3-torch) and run this with /usr/bin/python3"
            ) from None
        run(args, torch)
    except (UsageProblem, OccamFormatError) as e:
        print(f"tcn-bound: {e}", file=sys.stderr)
        return 2
    return 0


def build_network(torch, channels, width, depth, kernel, dropout, window):
    nn = torch.nn

    class CausalBlock(nn.Module):
        def __init__(self, dilation):
            super().__init__()
            self.pad = (kernel - 1) * dilation
            self.conv = nn.Conv1d(width, width, kernel, dilation=dilation)
            self.drop = nn.Dropout(dropout)

        def forward(self, x):
            h = self.conv(nn.functional.pad(x, (self.pad, 0)))
            return x + self.drop(torch.relu(h))

    class Tcn(nn.Module):
        # A linear causal filter per input channel over the whole window (a full, non-separable GLM inside the
        # network) plus the nonlinear TCN beside it: the network starts from what a GLM can say and learns what it
        # cannot, instead of having to rediscover linear integration through ReLUs from ~10³ training events.
        def __init__(self):
            super().__init__()
            self.linear = nn.Conv1d(channels, 1, window, bias=False)
            self.window = window
            self.inp = nn.Conv1d(channels, width, 1)
            self.blocks = nn.Sequential(*[CausalBlock(2**i) for i in range(depth)])
            self.out = nn.Conv1d(width, 1, 1)

        def forward(self, x):
            lin = self.linear(nn.functional.pad(x, (self.window - 1, 0)))
            return (lin + self.out(self.blocks(torch.relu(self.inp(x)))))[:, 0, :]

    return Tcn()


def run(args, torch):
    started = time.time()
    torch.set_num_threads(max(1, args.threads))
    torch.use_deterministic_algorithms(True)
    ds = occam_numpy.load_dataset(args.data)
    m = ds.manifest
    plan = read_plan(args, ds)
    seed = plan["seed"] if args.seed is None else args.seed
    family = plan["family"]
    n_trials, n_bins = m["nTrials"], m["nBins"]
    excluded = set(plan.get("excludedAtoms", []))
    atoms = [a for a in range(len(m["atoms"])) if a not in excluded]
    min_lag, max_lag, hist = plan["minLag"], plan["maxLag"], plan.get("historyMaxLag")

    # Channels: every atom's own count (log1p: counts are heavy-tailed), shifted by minLag so a causal convolution
    # starting at lag 0 sees exactly lags ≥ minLag; plus the output's own past (shifted by one bin) when the
    # reduced model has history — the reference must see at least what the reduction sees.
    x = np.log1p(ds.inputs[atoms].astype(np.float32)).transpose(1, 0, 2)  # [trials, atoms, bins]
    if min_lag > 0:
        x = np.concatenate([np.zeros_like(x[:, :, :min_lag]), x[:, :, :-min_lag]], axis=2)
    y = ds.target.astype(np.float32)
    if family == "bernoulli":
        y = (y > 0).astype(np.float32)
    if hist is not None:
        past = np.concatenate([np.zeros((n_trials, 1, 1), np.float32), y[:, None, :-1]], axis=2)
        x = np.concatenate([x, past], axis=1)
    scored = ds.scored.astype(bool)
    window = max(max_lag - min_lag + 1, hist or 0)
    kernel = 3
    depth = 1
    while 1 + (kernel - 1) * (2**depth - 1) < window:
        depth += 1
    receptive = 1 + (kernel - 1) * (2**depth - 1)
    # Only bins that can reach a scored bin matter: crop every trial to [first scored − receptive field, last scored].
    any_scored = np.nonzero(scored.any(axis=0))[0]
    if any_scored.size == 0:
        raise UsageProblem(f"{args.data}: no scored bin in any trial")
    lo = 0 if args.fit_bins == "all" else max(0, int(any_scored[0]) - receptive)
    hi = n_bins if args.fit_bins == "all" else int(any_scored[-1]) + 1
    x, y, scored = x[:, :, lo:hi], y[:, lo:hi], scored[:, lo:hi]

    if args.quick:
        grid = [{"width": 8, "weightDecay": 1e-4, "dropout": 0.0}]
        max_epochs, patience = 4, 2
    else:
        grid = [{"width": w, "weightDecay": wd, "dropout": 0.1} for w in (16, 32) for wd in (1e-3, 1e-2)]
        max_epochs, patience = 40, 5
    batch = 32
    lr = 2e-3

    def loss_fn(logit, target, mask):
        if family == "bernoulli":
            per = torch.nn.functional.binary_cross_entropy_with_logits(logit, target, reduction="none")
        elif family == "poisson":
            per = torch.nn.functional.poisson_nll_loss(logit, target, log_input=True, full=False, reduction="none")
        else:
            per = (logit - target) ** 2
        return (per * mask).sum() / mask.sum().clamp(min=1)

    def mean_of(logit):
        if family == "bernoulli":
            return torch.sigmoid(logit)
        if family == "poisson":
            return torch.exp(logit)
        return logit

    X = torch.from_numpy(np.ascontiguousarray(x))
    Y = torch.from_numpy(np.ascontiguousarray(y))
    M = torch.from_numpy(scored.astype(np.float32))
    # The training loss may use every bin of the training trials (fit_bins 'all'); validation and predictions use
    # the scored bins only, so candidates are compared on what occam scores.
    M_fit = torch.ones_like(M) if args.fit_bins == "all" else M

    def evaluate(net, trials):
        net.eval()
        with torch.no_grad():
            total, count = 0.0, 0.0
            for i in range(0, len(trials), 256):
                idx = trials[i : i + 256]
                mask = M[idx]
                total += float(loss_fn(net(X[idx]), Y[idx], mask)) * float(mask.sum())
                count += float(mask.sum())
        return total / max(count, 1.0)

    def train(hp, trials, val_trials, epochs, rng_seed):
        torch.manual_seed(rng_seed)
        net = build_network(torch, X.shape[1], hp["width"], depth, kernel, hp["dropout"], window)
        rate = float((Y[trials] * M[trials]).sum() / M[trials].sum().clamp(min=1))
        with torch.no_grad():
            if family == "bernoulli":
                net.out.bias.fill_(float(np.log(max(rate, 1e-6) / max(1 - rate, 1e-6))))
            elif family == "poisson":
                net.out.bias.fill_(float(np.log(max(rate, 1e-6))))
        opt = torch.optim.Adam(net.parameters(), lr=lr, weight_decay=hp["weightDecay"])
        gen = np.random.default_rng(rng_seed)
        curve, best, best_state, best_epoch, since = [], float("inf"), None, 0, 0
        for epoch in range(1, epochs + 1):
            net.train()
            order = gen.permutation(trials)
            for i in range(0, len(order), batch):
                idx = torch.from_numpy(order[i : i + batch])
                opt.zero_grad()
                loss_fn(net(X[idx]), Y[idx], M_fit[idx]).backward()
                opt.step()
            if val_trials is None:
                continue
            v = evaluate(net, val_trials)
            curve.append(round(v, 6))
            if v < best - 1e-6:
                best, best_epoch, since = v, epoch, 0
                best_state = {k: t.clone() for k, t in net.state_dict().items()}
            else:
                since += 1
                if since >= patience:
                    break
        if best_state is not None:
            net.load_state_dict(best_state)
        return net, best, best_epoch, curve

    rows_p, rows_t, rows_b, selection, chosen = [], [], [], [], []
    for fi, fold in enumerate(plan["folds"]):
        train_trials = np.array(sorted(fold["train"]), dtype=np.int64)
        test_trials = sorted(fold["test"])
        if set(train_trials.tolist()) & set(test_trials):
            raise UsageProblem(f"fold {fi}: training and test trials overlap")
        # Hyper-parameters and the epoch count are chosen on a validation split of the training trials only.
        gen = np.random.default_rng(seed + 7919 + fi)
        shuffled = gen.permutation(train_trials)
        n_val = max(1, int(round(0.2 * len(shuffled))))
        val, fit = np.sort(shuffled[:n_val]), np.sort(shuffled[n_val:])
        results = []
        for ci, hp in enumerate(grid):
            _, v, ep, curve = train(hp, fit, val, max_epochs, seed + 1000 * fi + ci)
            results.append({**hp, "validationLoss": v, "bestEpoch": ep, "curve": curve})
            print(f"tcn-bound: fold {fi + 1}/{len(plan['folds'])} candidate {ci + 1}/{len(grid)} {hp}: validation loss {v:.5f} at epoch {ep}", file=sys.stderr)
        best = min(range(len(results)), key=lambda i: results[i]["validationLoss"])
        hp, epochs = grid[best], max(1, results[best]["bestEpoch"])
        # Refit on every training trial for the chosen number of epochs, as the GLMs are refitted on all of them.
        net, _, _, _ = train(hp, train_trials, None, epochs, seed + 1000 * fi + 999)
        net.eval()
        with torch.no_grad():
            for t in test_trials:
                mu = mean_of(net(X[t : t + 1]))[0].numpy().astype(np.float64)
                bins = np.nonzero(scored[t])[0]
                vals = mu[bins]
                if family == "bernoulli":
                    vals = np.clip(vals, 1e-9, 1 - 1e-9)
                rows_p.append(vals)
                rows_t.append(np.full(bins.size, t, np.int32))
                rows_b.append((bins + lo).astype(np.int32))
        selection.append({"fold": fi, "validationTrials": len(val), "candidates": results, "chosen": best})
        chosen.append({**hp, "epochs": epochs})

    seconds = time.time() - started
    manifest = {
        "format": "occam.bound-predictions",
        "version": 1,
        "predictor": {
            "kind": "tcn",
            "description": (
                f"causal TCN over {len(atoms)} atoms{' + output history' if hist is not None else ''} at full resolution: a linear causal filter per channel over {window} bins beside a 1×1 input layer, "
                f"{depth} residual dilated causal convolutions (kernel {kernel}, dilations 1…{2 ** (depth - 1)}, receptive field {receptive} bins), "
                f"1×1 output; {'quick settings (test only)' if args.quick else 'width and weight decay chosen on a validation split of the training trials, epochs by early stopping, then refitted on all training trials'}"
            ),
            "hyperparameters": {
                "perFold": chosen,
                "kernel": kernel,
                "depth": depth,
                "receptiveField": receptive,
                "batchTrials": batch,
                "learningRate": lr,
                "maxEpochs": max_epochs,
                "patience": patience,
                "inputTransform": "log1p(count)",
                "fitBins": args.fit_bins,
                "seed": seed,
                "threads": max(1, args.threads),
                "quick": bool(args.quick),
            },
            "selection": selection,
            "trainingSeconds": round(seconds, 3),
            "software": {"torch": torch.__version__, "numpy": np.__version__, "python": sys.version.split()[0]},
        },
        "dataset": {"nTrials": n_trials, "nBins": n_bins, "atoms": len(m["atoms"])},
        "folds": [{"train": sorted(f["train"]), "test": sorted(f["test"])} for f in plan["folds"]],
    }
    write_atomically(
        Path(args.out),
        {
            "probability.npy": np.concatenate(rows_p) if rows_p else np.zeros(0),
            "trial.npy": np.concatenate(rows_t) if rows_t else np.zeros(0, np.int32),
            "bin.npy": np.concatenate(rows_b) if rows_b else np.zeros(0, np.int32),
        },
        manifest,
    )
    print(f"tcn-bound: wrote {args.out} ({seconds:.1f} s)", file=sys.stderr)


def write_atomically(out, arrays, manifest):
    """Fill a sibling temporary directory, then swap it in: a reader sees the old predictions or the new, never half."""
    out = out.resolve()
    if out.exists() and not out.is_dir():
        raise UsageProblem(f"--out {out}: exists and is not a directory")
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.parent / f".{out.name}.tmp-{os.getpid()}"
    old = out.parent / f".{out.name}.old-{os.getpid()}"
    shutil.rmtree(tmp, ignore_errors=True)
    tmp.mkdir()
    try:
        for name, a in arrays.items():
            np.save(tmp / name, a)
        with open(tmp / "manifest.json", "w", encoding="utf-8") as f:
            json.dump(manifest, f, indent=1)
            f.flush()
            os.fsync(f.fileno())
        if out.exists():
            os.rename(out, old)
        os.rename(tmp, out)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
        shutil.rmtree(old, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
