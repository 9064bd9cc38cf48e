"""Find the interpretability tensors in an exported graph by module scope, not by hard-coded op counters.

The rules (all relative to the scope prefixes torch.onnx.export writes, e.g. ``/transformer/h.0/ln_1/``):

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


def find_tensor_names(model: onnx.ModelProto) -> "OrderedDict[str, str]":
    g = model.graph
    layers = sorted({int(m.group(1)) for n in g.node for m in [re.match(r"^/transformer/h\.(\d+)/", n.name)] if m})
    names: "OrderedDict[str, str]" = OrderedDict()
    for i in layers:
        b = f"/transformer/h.{i}/"
        names[f"resid_pre.{i}"] = _one(_scope_io(g, b + "ln_1/")[0], f"resid_pre.{i}")
        attn_nodes = [n for n in g.node if n.name.startswith(b + "attn/") and not n.name.startswith(b + "attn/c_")]
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
        names[f"z.{i}"] = _one(_scope_io(g, b + "attn/c_proj/")[0], f"z.{i}")
        names[f"attn_out.{i}"] = _one(_scope_io(g, b + "attn/c_proj/")[1], f"attn_out.{i}")
        names[f"resid_mid.{i}"] = _one(_scope_io(g, b + "ln_2/")[0], f"resid_mid.{i}")
        names[f"mlp_pre.{i}"] = _one(_scope_io(g, b + "mlp/act/")[0], f"mlp_pre.{i}")
        names[f"mlp_post.{i}"] = _one(_scope_io(g, b + "mlp/act/")[1], f"mlp_post.{i}")
        names[f"mlp_out.{i}"] = _one(_scope_io(g, b + "mlp/c_proj/")[1], f"mlp_out.{i}")
        nxt = f"/transformer/h.{i + 1}/ln_1/" if i + 1 in layers else "/transformer/ln_f/"
        names[f"resid_post.{i}"] = _one(_scope_io(g, nxt)[0], f"resid_post.{i}")
    names["ln_final"] = _one(_scope_io(g, "/transformer/ln_f/")[1], "ln_final")
    names["logits"] = "logits"
    return names
