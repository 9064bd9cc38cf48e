"""A small GPT-2 written from scratch, with Hugging Face GPT-2's module names.

Module tree (state_dict keys match HF ``GPT2LMHeadModel`` apart from the non-persistent
buffers HF keeps, and Conv1D weights are stored [in, out] as HF does):

    transformer.wte, transformer.wpe
    transformer.h.{i}.ln_1
    transformer.h.{i}.attn.c_attn, transformer.h.{i}.attn.c_proj
    transformer.h.{i}.ln_2
    transformer.h.{i}.mlp.c_fc, transformer.h.{i}.mlp.act (GELU "new", tanh form), transformer.h.{i}.mlp.c_proj
    transformer.ln_f
    lm_head (weight tied to transformer.wte)

torch.onnx.export names nodes by the scope of the module whose forward ran, so the exported graph
carries names such as ``/transformer/h.0/attn/Softmax_output_0``. The exact names are listed in
tools/tiny-lm/README.md (found with tools/tiny-lm/list_nodes.py).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, asdict
from typing import List, Optional, Tuple

import torch
from torch import nn
from .causal_mask import allowed_keys, default_inputs


@dataclass
class GPTConfig:
    vocab_size: int
    n_positions: int
    n_embd: int = 64
    n_layer: int = 2
    n_head: int = 4
    layer_norm_epsilon: float = 1e-5
    initializer_range: float = 0.02

    def to_dict(self):
        return asdict(self)


class Conv1D(nn.Module):
    """HF GPT-2's Conv1D: a linear layer whose weight is stored [in_features, out_features]."""

    def __init__(self, nf: int, nx: int, std: float):
        super().__init__()
        self.nf = nf
        self.weight = nn.Parameter(torch.empty(nx, nf).normal_(0.0, std))
        self.bias = nn.Parameter(torch.zeros(nf))

    def forward(self, x):
        return torch.matmul(x, self.weight) + self.bias


class NewGELUActivation(nn.Module):
    """GELU, tanh approximation ("gelu_new"), written exactly like HF's NewGELUActivation."""

    def forward(self, x):
        return 0.5 * x * (1.0 + torch.tanh(math.sqrt(2.0 / math.pi) * (x + 0.044715 * torch.pow(x, 3.0))))


class Attention(nn.Module):
    def __init__(self, cfg: GPTConfig):
        super().__init__()
        assert cfg.n_embd % cfg.n_head == 0
        self.n_head = cfg.n_head
        self.head_dim = cfg.n_embd // cfg.n_head
        self.n_embd = cfg.n_embd
        std = cfg.initializer_range
        self.c_attn = Conv1D(3 * cfg.n_embd, cfg.n_embd, std)
        # GPT-2 scales residual projections by 1/sqrt(2 * n_layer)
        self.c_proj = Conv1D(cfg.n_embd, cfg.n_embd, std / math.sqrt(2 * cfg.n_layer))

    def _split_heads(self, x):
        b, t, _ = x.shape
        return x.view(b, t, self.n_head, self.head_dim).permute(0, 2, 1, 3)  # [B, H, T, D]

    def forward(self, x, allowed, layer_past: Optional[Tuple[torch.Tensor, torch.Tensor]] = None):
        """x: [B, T, C]; allowed: bool [B, 1, T, S] (True = may attend); layer_past: ([B,H,P,D], [B,H,P,D])."""
        qkv = self.c_attn(x)
        q, k, v = qkv.split(self.n_embd, dim=2)
        q = self._split_heads(q)
        k = self._split_heads(k)
        v = self._split_heads(v)
        if layer_past is not None:
            k = torch.cat((layer_past[0], k), dim=-2)
            v = torch.cat((layer_past[1], v), dim=-2)
        present = (k, v)
        scores = torch.matmul(q, k.transpose(-1, -2)) / math.sqrt(self.head_dim)
        neg = torch.tensor(torch.finfo(scores.dtype).min, dtype=scores.dtype)
        scores = torch.where(allowed, scores, neg)
        pattern = torch.softmax(scores, dim=-1)  # attention pattern [B, H, T, S]
        z = torch.matmul(pattern, v)  # [B, H, T, D]
        b, _, t, _ = z.shape
        z = z.permute(0, 2, 1, 3).reshape(b, t, self.n_embd)  # per-head concat [B, T, H*D]
        return self.c_proj(z), present


class MLP(nn.Module):
    def __init__(self, cfg: GPTConfig):
        super().__init__()
        std = cfg.initializer_range
        self.c_fc = Conv1D(4 * cfg.n_embd, cfg.n_embd, std)
        self.act = NewGELUActivation()
        self.c_proj = Conv1D(cfg.n_embd, 4 * cfg.n_embd, std / math.sqrt(2 * cfg.n_layer))

    def forward(self, x):
        return self.c_proj(self.act(self.c_fc(x)))


class Block(nn.Module):
    def __init__(self, cfg: GPTConfig):
        super().__init__()
        self.ln_1 = nn.LayerNorm(cfg.n_embd, eps=cfg.layer_norm_epsilon)
        self.attn = Attention(cfg)
        self.ln_2 = nn.LayerNorm(cfg.n_embd, eps=cfg.layer_norm_epsilon)
        self.mlp = MLP(cfg)

    def forward(self, x, allowed, layer_past=None):
        a, present = self.attn(self.ln_1(x), allowed, layer_past)
        x = x + a  # resid_mid   -> /transformer/h.{i}/Add_output_0
        x = x + self.mlp(self.ln_2(x))  # resid_post -> /transformer/h.{i}/Add_1_output_0
        return x, present


class Transformer(nn.Module):
    def __init__(self, cfg: GPTConfig):
        super().__init__()
        self.wte = nn.Embedding(cfg.vocab_size, cfg.n_embd)
        self.wpe = nn.Embedding(cfg.n_positions, cfg.n_embd)
        nn.init.normal_(self.wte.weight, 0.0, cfg.initializer_range)
        nn.init.normal_(self.wpe.weight, 0.0, cfg.initializer_range)
        self.h = nn.ModuleList([Block(cfg) for _ in range(cfg.n_layer)])
        self.ln_f = nn.LayerNorm(cfg.n_embd, eps=cfg.layer_norm_epsilon)

    def forward(self, input_ids, attention_mask, position_ids, past_key_values=None):
        allowed = allowed_keys(attention_mask, input_ids.shape[1])  # [B,1,T,S]
        x = self.wte(input_ids) + self.wpe(position_ids)  # resid_pre of block 0
        presents = []
        for i, block in enumerate(self.h):
            x, present = block(x, allowed, None if past_key_values is None else past_key_values[i])
            presents.append(present)
        return self.ln_f(x), presents


class GPT2LMHeadModel(nn.Module):
    def __init__(self, cfg: GPTConfig):
        super().__init__()
        self.config = cfg
        self.transformer = Transformer(cfg)
        self.lm_head = nn.Linear(cfg.n_embd, cfg.vocab_size, bias=False)
        self.lm_head.weight = self.transformer.wte.weight  # tied

    def forward(self, input_ids, attention_mask=None, position_ids=None, past_key_values=None):
        attention_mask, position_ids = default_inputs(input_ids, attention_mask, position_ids, past_key_values)
        h, presents = self.transformer(input_ids, attention_mask, position_ids, past_key_values)
        return self.lm_head(h), presents


def count_params(model: nn.Module) -> int:
    return sum(p.numel() for p in model.parameters())
