"""Training tasks and their vocabularies.

induction: <bos> + R "noise" tokens + a period of P random tokens, repeated until the sequence is
           `seq_len` tokens long (the last repeat is cut). All R + P tokens are distinct (t0..t{N-1}).
           From the 2nd token of the 2nd repeat on, every token is predictable only by looking back exactly
           one period (an induction head's job). Why the noise prefix: with distinct tokens and no prefix,
           "predict the least recently seen token" solves the task exactly without any induction head, and
           a model trained that way learns a positional look-back heuristic instead (seen here: ~50% held-out
           accuracy after 3000 steps, no previous-token head). The noise tokens are the least recently
           seen ones, so that shortcut fails and the model has to match content.
copy:      stochastic copy at a fixed lag L with probability p ("stochastic-copy"): <bos> x_1 .. x_{seq_len-1};
           x_1..x_L i.i.d. uniform over t0..t{N-1}; for i > L, x_i = x_{i-L} with probability p, otherwise
           uniform over the N-1 tokens other than x_{i-L}. The best possible greedy prediction of x_{t+1} at
           every position t >= L is x_{t+1-L} (the token L-1 places before the current one); its accuracy is
           exactly the copy rate, ~p. Nothing else in the sequence is predictable.
text:      character-level language modelling on the licence texts in /usr/share/common-licenses
           (GPL/LGPL/GFDL/Apache/MPL/Artistic/BSD/CC0: all allow verbatim copying), each training window
           prefixed with <bos>.
"""

from __future__ import annotations

import hashlib
import os
from typing import Dict, List, Optional

import torch

SPECIALS = ["<pad>", "<bos>", "<eos>", "<unk>"]
PAD, BOS, EOS, UNK = 0, 1, 2, 3

CORPUS_DIR = "/usr/share/common-licenses"


# --------------------------------------------------------------------------------------------- vocab
class Vocab:
    """kind 'word': tokens separated by whitespace; kind 'char': one token per character."""

    def __init__(self, kind: str, tokens: List[str]):
        self.kind = kind
        self.tokens = SPECIALS + tokens
        self.index = {t: i for i, t in enumerate(self.tokens)}

    def __len__(self):
        return len(self.tokens)

    def encode(self, text: str, bos: bool = True) -> List[int]:
        pieces = text.split() if self.kind == "word" else list(text)
        ids = [self.index.get(p, UNK) for p in pieces]
        return ([BOS] if bos else []) + ids

    def decode(self, ids) -> str:
        toks = [self.tokens[int(i)] for i in ids]
        return (" " if self.kind == "word" else "").join(toks)

    def to_dict(self):
        return {"kind": self.kind, "tokens": self.tokens[len(SPECIALS):]}

    @staticmethod
    def from_dict(d):
        return Vocab(d["kind"], d["tokens"])


# ----------------------------------------------------------------------------------------- induction
class InductionTask:
    name = "induction"

    def __init__(self, n_tokens: int = 64, seq_len: int = 32, period_min: int = 4, period_max: int = 12,
                 prefix_min: int = 0, prefix_max: int = 8, noise_rule: str = "random",
                 sampling: str = "distinct"):
        assert period_max + prefix_max <= n_tokens
        self.n_tokens = n_tokens
        self.seq_len = seq_len
        self.period_min = period_min
        self.period_max = period_max
        self.prefix_min = prefix_min
        self.prefix_max = prefix_max
        # noise_rule "lag2": inside the noise prefix, token k+1 = PI[token k-1] for a fixed permutation PI of
        # the content tokens (seeded once, the same for every run), so a previous-token head pays off by itself
        # there, as it does in natural text.
        self.noise_rule = noise_rule
        # sampling "distinct": the R + P tokens are all different; "iid": drawn uniformly with replacement
        self.sampling = sampling
        self.pi = torch.randperm(n_tokens, generator=torch.Generator().manual_seed(4242))
        self.vocab = Vocab("word", [f"t{i}" for i in range(n_tokens)])
        self.n_positions = seq_len

    def info(self):
        return {
            "task": "induction",
            "n_tokens": self.n_tokens,
            "seq_len": self.seq_len,
            "period_min": self.period_min,
            "period_max": self.period_max,
            "prefix_min": self.prefix_min,
            "prefix_max": self.prefix_max,
            "noise_rule": self.noise_rule,
            "sampling": self.sampling,
            "format": "<bos> + R noise tokens + (P-token period) repeated to seq_len; R+P tokens distinct",
        }

    def sample(self, batch: int, gen: torch.Generator):
        """Returns (ids [B, L] long, periods [B] long, starts [B] long: index of the first period token)."""
        L = self.seq_len
        periods = torch.randint(self.period_min, self.period_max + 1, (batch,), generator=gen)
        prefixes = torch.randint(self.prefix_min, self.prefix_max + 1, (batch,), generator=gen)
        ids = torch.empty(batch, L, dtype=torch.long)
        ids[:, 0] = BOS
        for b in range(batch):
            p, r = int(periods[b]), int(prefixes[b])
            perm = torch.randperm(self.n_tokens, generator=gen)
            if self.sampling == "iid":
                toks = torch.randint(0, self.n_tokens, (r + p,), generator=gen) + len(SPECIALS)
            elif self.noise_rule == "lag2" and r > 2:
                noise = torch.empty(r, dtype=torch.long)
                noise[:2] = perm[:2]
                for k in range(2, r):
                    noise[k] = self.pi[noise[k - 2]]
                used = torch.zeros(self.n_tokens, dtype=torch.bool)
                used[noise] = True
                period = perm[~used[perm]][:p]
                toks = torch.cat([noise, period]) + len(SPECIALS)
            else:
                toks = perm[: r + p] + len(SPECIALS)
            reps = (L - 1 - r + p - 1) // p
            ids[b, 1:] = torch.cat([toks[:r], toks[r:].repeat(reps)])[: L - 1]
        return ids, periods, 1 + prefixes

    @staticmethod
    def scored_mask(periods, starts, L):
        """Bool [B, L-1] over next-token targets ids[:, 1:]: True where the target is predictable by
        induction: target position >= start + P + 1 (the 2nd token of the 2nd repeat on)."""
        pos = torch.arange(1, L).unsqueeze(0)  # target positions
        return pos >= (starts + periods + 1).unsqueeze(1)

    def train_batch(self, batch, gen):
        return self.sample(batch, gen)[0]

    def eval_set(self, n: int = 256, seed: int = 123456):
        g = torch.Generator().manual_seed(seed)
        return self.sample(n, g)


# ---------------------------------------------------------------------------------------------- copy
class CopyTask:
    """The `stochastic-copy` task (the same definition as occam's `stochastic-copy` condition kind)."""

    name = "copy"

    def __init__(self, n_tokens: int = 64, seq_len: int = 32, lag: int = 6, copy_prob: float = 0.6):
        if not 1 <= lag < seq_len - 1:
            raise ValueError(f"copy task: lag must be in 1..{seq_len - 2} for seq_len {seq_len}, got {lag}")
        if not 0.0 <= copy_prob <= 1.0:
            raise ValueError(f"copy task: copy probability must be in [0, 1], got {copy_prob}")
        if n_tokens < 2:
            raise ValueError("copy task: needs at least 2 content tokens")
        self.n_tokens = n_tokens
        self.seq_len = seq_len
        self.lag = lag
        self.copy_prob = copy_prob
        self.vocab = Vocab("word", [f"t{i}" for i in range(n_tokens)])
        self.n_positions = seq_len

    def info(self):
        p, n = self.copy_prob, self.n_tokens
        # cross-entropy of the Bayes-optimal predictor on a scored target (nats)
        h = -(p * _log(p) + (1 - p) * _log((1 - p) / (n - 1)))
        return {
            "task": "copy",
            "condition_kind": "stochastic-copy",
            "n_tokens": self.n_tokens,
            "seq_len": self.seq_len,
            "lag": self.lag,
            "copy_prob": self.copy_prob,
            "format": "<bos> x_1..x_{seq_len-1}; x_1..x_L uniform; for i > L: x_i = x_{i-L} with probability p, "
                      "else uniform over the other n_tokens-1 tokens",
            "scored_positions": "next-token targets x_{t+1} at positions t >= lag (position 0 = <bos>), "
                                "i.e. content tokens x_i with i > lag; the copy source is lag-1 tokens before t",
            "optimal_scored_acc": max(p, (1 - p) / (n - 1)),
            "optimal_scored_loss": h,
            "chance_acc": 1 / n,
        }

    def sample(self, batch: int, gen: torch.Generator):
        """Returns ids [B, L] long (column 0 = <bos>; content ids are token index + 4)."""
        L, lag, n = self.seq_len, self.lag, self.n_tokens
        x = torch.empty(batch, L - 1, dtype=torch.long)  # content token indices 0..n-1
        x[:, :lag] = torch.randint(0, n, (batch, lag), generator=gen)
        for i in range(lag, L - 1):
            src = x[:, i - lag]
            copy = torch.rand(batch, generator=gen) < self.copy_prob
            # uniform over the n-1 tokens other than src: draw from 0..n-2 and skip src
            other = torch.randint(0, n - 1, (batch,), generator=gen)
            other = other + (other >= src).long()
            x[:, i] = torch.where(copy, src, other)
        ids = torch.empty(batch, L, dtype=torch.long)
        ids[:, 0] = BOS
        ids[:, 1:] = x + len(SPECIALS)
        return ids

    def scored_mask(self, ids):
        """Bool [B, L-1] over next-token targets ids[:, 1:]: True at the scored targets (target index > lag)."""
        L = ids.shape[1]
        pos = torch.arange(1, L).unsqueeze(0).expand(ids.shape[0], -1)
        return pos > self.lag

    def source(self, ids):
        """[B, L-1]: for each target ids[:, t+1], the token the copy rule would give, ids[:, t+1-lag]
        (meaningful where scored_mask is True; 0 elsewhere)."""
        src = torch.zeros(ids.shape[0], ids.shape[1] - 1, dtype=torch.long)
        src[:, self.lag:] = ids[:, 1: ids.shape[1] - self.lag]
        return src

    def train_batch(self, batch, gen):
        return self.sample(batch, gen)

    def eval_set(self, n: int = 256, seed: int = 123456):
        return self.sample(n, torch.Generator().manual_seed(seed))


def _log(x: float) -> float:
    import math
    return math.log(x) if x > 0 else 0.0  # 0 log 0 = 0


# ---------------------------------------------------------------------------------------------- text
def load_corpus(directory: str = CORPUS_DIR):
    """All regular (non-symlink) files of `directory`, sorted by name, joined with blank lines.
    Characters outside printable ASCII + newline are dropped; tabs become spaces."""
    names = sorted(n for n in os.listdir(directory) if not os.path.islink(os.path.join(directory, n)))
    parts = []
    for n in names:
        with open(os.path.join(directory, n), encoding="utf-8", errors="replace") as f:
            parts.append(f.read())
    text = "\n\n".join(parts).replace("\t", " ")
    text = "".join(c for c in text if c == "\n" or 32 <= ord(c) < 127)
    sha = hashlib.sha256(text.encode()).hexdigest()
    return text, names, sha


class TextTask:
    name = "text"

    def __init__(self, seq_len: int = 128, directory: str = CORPUS_DIR):
        text, names, sha = load_corpus(directory)
        self.files = names
        self.sha256 = sha
        chars = sorted(set(text))
        self.vocab = Vocab("char", chars)
        data = torch.tensor(self.vocab.encode(text, bos=False), dtype=torch.long)
        n_val = len(data) // 10
        # held-out = the last 10% of the corpus
        self.train_data = data[:-n_val]
        self.val_data = data[-n_val:]
        self.seq_len = seq_len
        self.n_positions = seq_len
        self.n_chars = len(text)

    def info(self):
        return {
            "task": "text",
            "corpus": CORPUS_DIR,
            "corpus_files": self.files,
            "corpus_sha256": self.sha256,
            "corpus_chars": self.n_chars,
            "tokenizer": "character-level",
            "seq_len": self.seq_len,
            "held_out": "last 10% of the concatenated corpus",
        }

    def _windows(self, data, starts):
        L = self.seq_len
        out = torch.empty(len(starts), L, dtype=torch.long)
        out[:, 0] = BOS
        for i, s in enumerate(starts.tolist()):
            out[i, 1:] = data[s: s + L - 1]
        return out

    def train_batch(self, batch, gen):
        starts = torch.randint(0, len(self.train_data) - self.seq_len, (batch,), generator=gen)
        return self._windows(self.train_data, starts)

    def val_set(self, n: int = 128):
        starts = torch.linspace(0, len(self.val_data) - self.seq_len - 1, n).long()
        return self._windows(self.val_data, starts)

    def induction_probe(self, n: int = 256, seed: int = 123456, period_min: int = 8, period_max: int = 24):
        """Repeated random character strings (excluding '\\n'), for an induction score of the text model."""
        g = torch.Generator().manual_seed(seed)
        L = self.seq_len
        content = [i for i, t in enumerate(self.vocab.tokens) if i >= len(SPECIALS) and t != "\n"]
        content = torch.tensor(content)
        periods = torch.randint(period_min, period_max + 1, (n,), generator=g)
        ids = torch.empty(n, L, dtype=torch.long)
        ids[:, 0] = BOS
        for b in range(n):
            p = int(periods[b])
            period = content[torch.randperm(len(content), generator=g)[:p]]
            reps = (L - 1 + p - 1) // p
            ids[b, 1:] = period.repeat(reps)[: L - 1]
        return ids, periods, torch.ones(n, dtype=torch.long)


def make_task(name: str, info: Optional[Dict] = None):
    info = info or {}
    if name == "induction":
        return InductionTask(
            n_tokens=info.get("n_tokens", 64),
            seq_len=info.get("seq_len", 32),
            period_min=info.get("period_min", 4),
            period_max=info.get("period_max", 12),
            prefix_min=info.get("prefix_min", 0),
            prefix_max=info.get("prefix_max", 8),
            noise_rule=info.get("noise_rule", "random"),
            sampling=info.get("sampling", "distinct"),
        )
    if name == "copy":
        return CopyTask(
            n_tokens=info.get("n_tokens", 64),
            seq_len=info.get("seq_len", 32),
            lag=info.get("lag", 6),
            copy_prob=info.get("copy_prob", 0.6),
        )
    if name == "text":
        return TextTask(seq_len=info.get("seq_len", 128))
    raise ValueError(f"unknown task {name}")
