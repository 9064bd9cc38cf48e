"""Find the interpretability tensors in an exported graph by module scope, not by hard-coded op counters.

The rules for GPT-2 (all relative to the scope prefixes torch.onnx.export writes, e.g. ``/transformer/h.0/ln_1/``);
the Llama layout's are the same with its scopes (SCOPES below: /model/layers.{i}/input_layernorm/, self_attn/,
self_attn/o_proj/, post_attention_layernorm/, mlp/act_fn/, mlp/down_proj/, /model/norm/), except that
mlp_post.{i} is the tensor entering mlp/down_proj/ (act_fn(gate) * up) and q/k are after rotary:

    resid_pre.{i}   the tensor entering  /transformer/h.{i}/ln_1/   (block i's residual stream input)
    attn_out.{i}    the tensor leaving   /transformer/h.{i}/attn/c_proj/
    resid_mid.{i}   the tensor entering  /transformer/h.{i}/ln_2/   (after the attention residual add)
    resid_post.{i}  the tensor entering  block i+1's ln_1, or /transformer/ln_f/ for the last block
    pattern.{i}     the Softmax output in /transformer/h.{i}/attn/          [B, H, T, S]
    z.{i}           the tensor entering  /transformer/h.{i}/attn/c_proj/    [B, T, H*D] (heads concatenated)
    q.{i}, v.{i}    per-head queries [B, H, T, D] and values [B, H, S, D] feeding the two attention MatMuls
    k.{i}           per-head keys [B, H, S, D] (graphs with a KV cache), or
    k_t.{i}         the keys transposed, [B, H, D, S] (graphs without one: torch fuses the transposes)
    mlp_pre.{i}     the tensor entering  /transformer/h.{i}/mlp/act/
    mlp_post.{i}    the tensor leaving   /transformer/h.{i}/mlp/act/  (= entering mlp/c_proj/)
    mlp_out.{i}     the tensor leaving   /transformer/h.{i}/mlp/c_proj/
    ln_final        the tensor leaving   /transformer/ln_f/
    logits          graph output "logits"
"""

from __future__ import annotations

import re
from collections import OrderedDict
from typing import Dict, List

import onnx


def _constant_tensors(graph):
    """Initializers, Constant outputs, and anything computed only from those (e.g. the Identity nodes that
    torch's initializer de-duplication inserts when two weights are equal, as in a freshly initialised model)."""
    const = {i.name for i in graph.initializer}
    for n in graph.node:  # graph.node is topologically sorted
        if n.op_type == "Constant" or (n.input and all((not i) or i in const for i in n.input)):
            const.update(n.output)
    return const


def _scope_io(graph, prefix: str):
    nodes = [n for n in graph.node if n.name.startswith(prefix)]
    if not nodes:
        raise KeyError(f"no nodes under scope {prefix}")
    produced = {o for n in nodes for o in n.output}
    const = _constant_tensors(graph)
    inputs: List[str] = []
    for n in nodes:
        for i in n.input:
            if i and i not in produced and i not in const and i not in inputs:
                inputs.append(i)
    consumed_outside = {i for n in graph.node if not n.name.startswith(prefix) for i in n.input}
    graph_outputs = {o.name for o in graph.output}
    outputs = [o for n in nodes for o in n.output if o in consumed_outside or o in graph_outputs]
    return inputs, outputs


def _one(lst, what):
    if len(lst) != 1:
        raise ValueError(f"{what}: expected one tensor, found {lst}")
    return lst[0]


# Each layout's module scopes (torch.onnx.export's node-name prefixes). mlp_pre is the tensor entering the
# activation; mlp_post the one entering the MLP's output projection (GPT-2: the activation's output; Llama:
# act_fn(gate) * up, the SwiGLU hidden). ln_final is the final norm's output.
SCOPES = {
    "gpt2": {"block": "/transformer/h.{i}/", "ln_1": "ln_1/", "attn": "attn/", "attn_proj": ("attn/c_",),
             "o_proj": "attn/c_proj/", "ln_2": "ln_2/", "act": "mlp/act/", "mlp_out": "mlp/c_proj/",
             "final": "/transformer/ln_f/"},
    "llama": {"block": "/model/layers.{i}/", "ln_1": "input_layernorm/", "attn": "self_attn/",
              "attn_proj": ("self_attn/q_proj/", "self_attn/k_proj/", "self_attn/v_proj/", "self_attn/o_proj/"),
              "o_proj": "self_attn/o_proj/", "ln_2": "post_attention_layernorm/", "act": "mlp/act_fn/",
              "mlp_out": "mlp/down_proj/", "final": "/model/norm/"},
}


def find_tensor_names(model: onnx.ModelProto, arch: str = "gpt2") -> "OrderedDict[str, str]":
    g = model.graph
    sc = SCOPES[arch]
    block_re = "^" + re.escape(sc["block"]).replace(re.escape("{i}"), r"(\d+)")
    layers = sorted({int(m.group(1)) for n in g.node for m in [re.match(block_re, n.name)] if m})
    names: "OrderedDict[str, str]" = OrderedDict()
    for i in layers:
        b = sc["block"].format(i=i)
        names[f"resid_pre.{i}"] = _one(_scope_io(g, b + sc["ln_1"])[0], f"resid_pre.{i}")
        attn_nodes = [n for n in g.node if n.name.startswith(b + sc["attn"])
                      and not any(n.name.startswith(b + p) for p in sc["attn_proj"])]
        sm = [n for n in attn_nodes if n.op_type == "Softmax"]
        names[f"pattern.{i}"] = _one([n.output[0] for n in sm], f"pattern.{i}")
        # the two attention MatMuls: scores = q @ k^T (feeds the Softmax path) and z_heads = pattern @ v
        mms = [n for n in attn_nodes if n.op_type == "MatMul"]
        pv = _one([n for n in mms if n.input[0] == names[f"pattern.{i}"]], f"pattern@v.{i}")
        qk = _one([n for n in mms if n is not pv], f"q@k.{i}")
        names[f"q.{i}"] = qk.input[0]
        # scores = q @ k^T. With a KV cache, k ([B,H,S,D], the Concat with the past) exists and k^T is a
        # Transpose of it. Without a cache torch fuses the two transposes, so only k^T ([B,H,D,S]) exists:
        # that is then recorded as k_t.{i}.
        kt = qk.input[1]
        prod = {o: n for n in g.node for o in n.output}
        src = prod.get(kt)
        perm = None
        if src is not None and src.op_type == "Transpose":
            perm = [a.ints for a in src.attribute if a.name == "perm"][0]
        if perm is not None and list(perm) == [0, 1, 3, 2]:
            names[f"k.{i}"] = src.input[0]
        else:
            names[f"k_t.{i}"] = kt
        names[f"v.{i}"] = pv.input[1]
        names[f"z.{i}"] = _one(_scope_io(g, b + sc["o_proj"])[0], f"z.{i}")
        names[f"attn_out.{i}"] = _one(_scope_io(g, b + sc["o_proj"])[1], f"attn_out.{i}")
        names[f"resid_mid.{i}"] = _one(_scope_io(g, b + sc["ln_2"])[0], f"resid_mid.{i}")
        names[f"mlp_pre.{i}"] = _one(_scope_io(g, b + sc["act"])[0], f"mlp_pre.{i}")
        if arch == "gpt2":
            names[f"mlp_post.{i}"] = _one(_scope_io(g, b + sc["act"])[1], f"mlp_post.{i}")
        else:
            names[f"mlp_post.{i}"] = _one(_scope_io(g, b + sc["mlp_out"])[0], f"mlp_post.{i}")
        names[f"mlp_out.{i}"] = _one(_scope_io(g, b + sc["mlp_out"])[1], f"mlp_out.{i}")
        nxt = sc["block"].format(i=i + 1) + sc["ln_1"] if i + 1 in layers else sc["final"]
        names[f"resid_post.{i}"] = _one(_scope_io(g, nxt)[0], f"resid_post.{i}")
    names["ln_final"] = _one(_scope_io(g, sc["final"])[1], "ln_final")
    names["logits"] = "logits"
    return names


def graph_arch(model: onnx.ModelProto) -> str:
    """The layout whose block scopes the graph's node names carry ("gpt2" or "llama")."""
    for n in model.graph.node:
        if n.name.startswith("/model/layers."):
            return "llama"
        if n.name.startswith("/transformer/h."):
            return "gpt2"
    raise ValueError("no node is scoped /transformer/h.{i}/ or /model/layers.{i}/: not a tiny-lm export")
