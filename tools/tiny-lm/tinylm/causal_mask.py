"""What GPT-2 and Llama layouts share around the blocks: the attention mask and the default inputs, as HF does."""
from __future__ import annotations

import torch


def allowed_keys(attention_mask: torch.Tensor, t: int) -> torch.Tensor:
    """[B, 1, T, S] booleans: query i (absolute position S - T + i) may see key j when j <= that position and
    the mask keeps j (left padding and past keys included, S = past + T)."""
    s = attention_mask.shape[1]
    k_idx = torch.arange(s, device=attention_mask.device)
    q_idx = k_idx[s - t:]
    causal = k_idx.unsqueeze(0) <= q_idx.unsqueeze(1)  # [T, S]
    return causal.unsqueeze(0).unsqueeze(0) & (attention_mask > 0).unsqueeze(1).unsqueeze(2)


def default_position_ids(attention_mask: torch.Tensor, t: int) -> torch.Tensor:
    """HF's rule: cumsum(mask) - 1, padded positions set to 1, keep the last t columns."""
    pos = attention_mask.long().cumsum(-1) - 1
    pos = pos.masked_fill(attention_mask == 0, 1)
    return pos[:, -t:]


def default_inputs(input_ids, attention_mask=None, position_ids=None, past_key_values=None):
    """The attention mask (all ones over past + new tokens) and position ids a causal LM's forward uses when
    the caller gives none."""
    b, t = input_ids.shape
    past = 0 if past_key_values is None else past_key_values[0][0].shape[2]
    if attention_mask is None:
        attention_mask = torch.ones(b, past + t, dtype=torch.long, device=input_ids.device)
    if position_ids is None:
        position_ids = default_position_ids(attention_mask, t)
    return attention_mask, position_ids
