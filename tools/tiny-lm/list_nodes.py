#!/usr/bin/python3
"""List an ONNX graph's inputs, outputs and nodes, and the interpretability tensors found by scope.

    /usr/bin/python3 tools/tiny-lm/list_nodes.py data/models/induction-2l-s1/onnx/model.onnx [--nodes] [--grep attn]
"""
import argparse
import os
import sys

import onnx

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from tinylm.onnx_names import find_tensor_names, graph_arch  # noqa: E402


def dims(vi):
    return [d.dim_param or d.dim_value for d in vi.type.tensor_type.shape.dim]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("model")
    ap.add_argument("--nodes", action="store_true", help="print every node (Constant nodes left out)")
    ap.add_argument("--grep", default=None, help="only nodes whose name contains this")
    a = ap.parse_args()
    m = onnx.load(a.model)
    g = m.graph
    print(f"opset {[o.version for o in m.opset_import]}, {len(g.node)} nodes, {len(g.initializer)} initializers")
    for vi in g.input:
        print(f"input  {vi.name} {dims(vi)}")
    for vi in g.output:
        print(f"output {vi.name} {dims(vi)}")
    if a.nodes or a.grep:
        for n in g.node:
            if n.op_type == "Constant" or (a.grep and a.grep not in n.name):
                continue
            print(f"{n.op_type:20s} {n.name:50s} {list(n.input)} -> {list(n.output)}")
    print("tensor names found by scope:")
    for k, v in find_tensor_names(m, graph_arch(m)).items():
        print(f"  {k:14s} {v}")


if __name__ == "__main__":
    main()
