"""A small Llama written from scratch, with Hugging Face ``LlamaForCausalLM``'s module names.

Module tree (state_dict keys match HF ``LlamaForCausalLM``; HF's rotary ``inv_freq`` is a non-persistent
buffer there and here):

    model.embed_tokens
    model.rotary_emb                                  (no weights: cos/sin of position_ids)
    model.layers.{i}.input_layernorm                  RMSNorm
    model.layers.{i}.self_attn.{q,k,v,o}_proj         nn.Linear, no bias; rotary on q and k
    model.layers.{i}.post_attention_layernorm         RMSNorm
    model.layers.{i}.mlp.{gate,up,down}_proj          SwiGLU: down(act_fn(gate(x)) * up(x)), act_fn = SiLU
    model.norm                                        RMSNorm
    lm_head                                           not tied to embed_tokens (HF LlamaConfig's default,
                                                      tie_word_embeddings=False, as in Llama 2 and TinyLlama)

Attention masking and position ids are the GPT-2 model's (tinylm/model.py): causal on absolute positions
plus the padding mask; position_ids = cumsum(attention_mask) - 1 with padded positions set to 1, so left and
right padding give the real tokens the same logits. The KV cache holds the keys after rotary, as HF's does.
Every head has its own keys and values (num_key_value_heads = num_attention_heads, no grouped-query attention).

torch.onnx.export names nodes by module scope: /model/layers.0/self_attn/Softmax, /model/layers.0/mlp/act_fn/…,
/model/norm/…; RMSNorm has no ONNX op below opset 23 and exports as Pow/ReduceMean/Add/Sqrt/Div/Mul.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, asdict
from typing import Optional, Tuple

import torch
from torch import nn
from .causal_mask import allowed_keys, default_inputs


def default_intermediate_size(hidden_size: int) -> int:
    """8/3 · d rounded up to a multiple of 16: the SwiGLU MLP's three matrices then hold about as many weights
    as GPT-2's two 4·d ones (768 -> 2048, 64 -> 176)."""
    return 16 * math.ceil(8 * hidden_size / 3 / 16)


@dataclass
class LlamaConfig:
    vocab_size: int
    max_position_embeddings: int
    hidden_size: int = 64
    num_hidden_layers: int = 2
    num_attention_heads: int = 4
    intermediate_size: int = 176
    rms_norm_eps: float = 1e-6
    rope_theta: float = 10000.0
    initializer_range: float = 0.02
    tie_word_embeddings: bool = False

    @property
    def num_key_value_heads(self) -> int:
        return self.num_attention_heads

    @property
    def head_dim(self) -> int:
        return self.hidden_size // self.num_attention_heads

    def to_dict(self):
        return asdict(self)


class LlamaRMSNorm(nn.Module):
    """HF's LlamaRMSNorm: weight · x / sqrt(mean(x²) + eps), no centring, no bias."""

    def __init__(self, d: int, eps: float):
        super().__init__()
        self.weight = nn.Parameter(torch.ones(d))
        self.variance_epsilon = eps

    def forward(self, x):
        variance = x.pow(2).mean(-1, keepdim=True)
        return self.weight * (x * torch.rsqrt(variance + self.variance_epsilon))


class LlamaRotaryEmbedding(nn.Module):
    """HF's default rotary embedding: angle(p, j) = p · theta^(-2j/d) for j < d/2, each angle used twice."""

    def __init__(self, cfg: LlamaConfig):
        super().__init__()
        d = cfg.head_dim
        inv_freq = 1.0 / (cfg.rope_theta ** (torch.arange(0, d, 2, dtype=torch.float32) / d))
        self.register_buffer("inv_freq", inv_freq, persistent=False)

    def forward(self, position_ids):
        ang = position_ids.unsqueeze(-1).float() * self.inv_freq  # [B, T, D/2]
        emb = torch.cat((ang, ang), dim=-1)  # [B, T, D]
        return emb.cos(), emb.sin()


def rotate_half(x):
    a, b = x[..., : x.shape[-1] // 2], x[..., x.shape[-1] // 2:]
    return torch.cat((-b, a), dim=-1)


def apply_rotary(x, cos, sin):
    """x: [B, H, T, D]; cos, sin: [B, T, D]."""
    cos, sin = cos.unsqueeze(1), sin.unsqueeze(1)
    return x * cos + rotate_half(x) * sin


class LlamaAttention(nn.Module):
    def __init__(self, cfg: LlamaConfig):
        super().__init__()
        assert cfg.hidden_size % cfg.num_attention_heads == 0
        self.n_head = cfg.num_attention_heads
        self.head_dim = cfg.head_dim
        self.hidden_size = cfg.hidden_size
        self.q_proj = nn.Linear(cfg.hidden_size, cfg.hidden_size, bias=False)
        self.k_proj = nn.Linear(cfg.hidden_size, cfg.hidden_size, bias=False)
        self.v_proj = nn.Linear(cfg.hidden_size, cfg.hidden_size, bias=False)
        self.o_proj = nn.Linear(cfg.hidden_size, cfg.hidden_size, bias=False)

    def _split_heads(self, x):
        b, t, _ = x.shape
        return x.view(b, t, self.n_head, self.head_dim).transpose(1, 2)  # [B, H, T, D]

    def qkv(self, x, cos, sin, layer_past=None):
        """Per-head queries and keys after rotary, values; keys and values concatenated after the past."""
        q = apply_rotary(self._split_heads(self.q_proj(x)), cos, sin)
        k = apply_rotary(self._split_heads(self.k_proj(x)), cos, sin)
        v = self._split_heads(self.v_proj(x))
        if layer_past is not None:
            k = torch.cat((layer_past[0], k), dim=-2)
            v = torch.cat((layer_past[1], v), dim=-2)
        return q, k, v

    def pattern(self, q, k, allowed):
        scores = torch.matmul(q, k.transpose(-1, -2)) / math.sqrt(self.head_dim)
        neg = torch.tensor(torch.finfo(scores.dtype).min, dtype=scores.dtype)
        return torch.softmax(torch.where(allowed, scores, neg), dim=-1)  # [B, H, T, S]

    def forward(self, x, allowed, cos, sin, layer_past: Optional[Tuple[torch.Tensor, torch.Tensor]] = None):
        q, k, v = self.qkv(x, cos, sin, layer_past)
        z = torch.matmul(self.pattern(q, k, allowed), v)  # [B, H, T, D]
        b, _, t, _ = z.shape
        z = z.transpose(1, 2).reshape(b, t, self.hidden_size)  # per-head concat [B, T, H*D]
        return self.o_proj(z), (k, v)


class LlamaMLP(nn.Module):
    def __init__(self, cfg: LlamaConfig):
        super().__init__()
        self.gate_proj = nn.Linear(cfg.hidden_size, cfg.intermediate_size, bias=False)
        self.up_proj = nn.Linear(cfg.hidden_size, cfg.intermediate_size, bias=False)
        self.down_proj = nn.Linear(cfg.intermediate_size, cfg.hidden_size, bias=False)
        self.act_fn = nn.SiLU()

    def forward(self, x):
        return self.down_proj(self.act_fn(self.gate_proj(x)) * self.up_proj(x))


class LlamaDecoderLayer(nn.Module):
    def __init__(self, cfg: LlamaConfig):
        super().__init__()
        self.self_attn = LlamaAttention(cfg)
        self.mlp = LlamaMLP(cfg)
        self.input_layernorm = LlamaRMSNorm(cfg.hidden_size, cfg.rms_norm_eps)
        self.post_attention_layernorm = LlamaRMSNorm(cfg.hidden_size, cfg.rms_norm_eps)

    def forward(self, x, allowed, cos, sin, layer_past=None):
        a, present = self.self_attn(self.input_layernorm(x), allowed, cos, sin, layer_past)
        x = x + a  # resid_mid
        x = x + self.mlp(self.post_attention_layernorm(x))  # resid_post
        return x, present


class LlamaModel(nn.Module):
    def __init__(self, cfg: LlamaConfig):
        super().__init__()
        self.embed_tokens = nn.Embedding(cfg.vocab_size, cfg.hidden_size)
        self.layers = nn.ModuleList([LlamaDecoderLayer(cfg) for _ in range(cfg.num_hidden_layers)])
        self.norm = LlamaRMSNorm(cfg.hidden_size, cfg.rms_norm_eps)
        self.rotary_emb = LlamaRotaryEmbedding(cfg)

    def forward(self, input_ids, attention_mask, position_ids, past_key_values=None):
        allowed = allowed_keys(attention_mask, input_ids.shape[1])  # [B,1,T,S]
        cos, sin = self.rotary_emb(position_ids)
        x = self.embed_tokens(input_ids)  # resid_pre of layer 0 (no position embedding: rotary)
        presents = []
        for i, layer in enumerate(self.layers):
            x, present = layer(x, allowed, cos, sin, None if past_key_values is None else past_key_values[i])
            presents.append(present)
        return self.norm(x), presents


class LlamaForCausalLM(nn.Module):
    def __init__(self, cfg: LlamaConfig):
        super().__init__()
        self.config = cfg
        self.model = LlamaModel(cfg)
        self.lm_head = nn.Linear(cfg.hidden_size, cfg.vocab_size, bias=False)
        # HF's _init_weights: every Linear and Embedding N(0, initializer_range), RMSNorm weights 1
        std = cfg.initializer_range
        for mod in self.modules():
            if isinstance(mod, (nn.Linear, nn.Embedding)):
                nn.init.normal_(mod.weight, 0.0, std)
        if cfg.tie_word_embeddings:
            self.lm_head.weight = self.model.embed_tokens.weight

    def forward(self, input_ids, attention_mask=None, position_ids=None, past_key_values=None):
        attention_mask, position_ids = default_inputs(input_ids, attention_mask, position_ids, past_key_values)
        h, presents = self.model(input_ids, attention_mask, position_ids, past_key_values)
        return self.lm_head(h), presents
