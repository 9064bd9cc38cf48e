"""Which model layout a checkpoint holds ("gpt2" or "llama"), and the few sizes export needs from either.

Checkpoints written before the Llama layout existed have no "arch" key: they are GPT-2.
"""

from __future__ import annotations

from dataclasses import dataclass

from .llama import LlamaConfig, LlamaForCausalLM
from .model import GPTConfig, GPT2LMHeadModel

ARCHS = ("gpt2", "llama")


@dataclass(frozen=True)
class Dims:
    n_layer: int
    n_head: int
    head_dim: int
    n_positions: int
    vocab_size: int


def arch_of(ck: dict) -> str:
    arch = ck.get("arch", "gpt2")
    if arch not in ARCHS:
        raise SystemExit(f"checkpoint field 'arch' is {arch!r}; expected one of {', '.join(ARCHS)}")
    return arch


def build_model(arch: str, config: dict):
    if arch == "llama":
        return LlamaForCausalLM(LlamaConfig(**config))
    return GPT2LMHeadModel(GPTConfig(**config))


def dims(model) -> Dims:
    c = model.config
    if isinstance(c, LlamaConfig):
        return Dims(c.num_hidden_layers, c.num_attention_heads, c.head_dim, c.max_position_embeddings, c.vocab_size)
    return Dims(c.n_layer, c.n_head, c.n_embd // c.n_head, c.n_positions, c.vocab_size)
