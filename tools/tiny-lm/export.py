#!/usr/bin/python3
"""Export a tiny-lm checkpoint as a Hugging Face-style model directory with an ONNX graph.

    /usr/bin/python3 tools/tiny-lm/export.py --checkpoint RUN/step-003000.pt --out data/models/NAME [--with-past]

Either layout: a GPT-2 checkpoint (train.py --arch gpt2, and every checkpoint without an "arch" key) or a
Llama one (train.py --arch llama); the checkpoint says which.

MODEL_DIR/
  config.json            model_type gpt2 + GPT2LMHeadModel, or model_type llama + LlamaForCausalLM (HF's
                         LlamaConfig keys), sizes, special ids, and an "occam" section
  generation_config.json
  tokenizer.json         HF tokenizers JSON (induction: WordLevel + WhitespaceSplit; text: char-level BPE, no merges)
  tokenizer_config.json
  onnx/model.onnx        inputs input_ids, attention_mask, position_ids [, past_key_values.{i}.key/value]
                         outputs logits [, present.{i}.key/value]

By default the ONNX graph has no KV cache (inputs input_ids/attention_mask/position_ids, output logits):
the simplest graph for activation extraction. --with-past adds past_key_values.{i}.key/value inputs
([batch, heads, past_seq, head_dim]) and present.{i}.key/value outputs (Optimum's
text-generation-with-past layout) so that @huggingface/transformers' generate() works; a single full
forward is then a call with past length 0.

Unless --no-verify, the export is checked with onnxruntime (through node + onnxruntime-node, since the
Debian Python has no onnxruntime): logits, presents and every named interpretability tensor must match
PyTorch to 1e-4 on several batches (padding, past length 0, incremental decoding).
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import warnings

import torch

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
from tinylm.llama import LlamaConfig, LlamaForCausalLM  # noqa: E402
from tinylm.arch import arch_of, build_model, dims  # noqa: E402
from tinylm.causal_mask import default_position_ids  # noqa: E402
from tinylm.tasks import SPECIALS, PAD, BOS, EOS, UNK, Vocab, InductionTask, make_task  # noqa: E402
from tinylm.onnx_names import find_tensor_names  # noqa: E402

OPSET = 17  # LayerNormalization is a single node from opset 17 on (RMSNorm has no op before 23: decomposed)


# ------------------------------------------------------------------------------------------ loading
def load_checkpoint(path):
    ck = torch.load(path, map_location="cpu")
    model = build_model(arch_of(ck), ck["config"])
    model.load_state_dict(ck["state_dict"])
    model.eval()
    return ck, model.config, model, Vocab.from_dict(ck["vocab"])


# ---------------------------------------------------------------------------------------- tokenizer
def tokenizer_json(vocab: Vocab):
    added = [{"id": i, "content": t, "single_word": False, "lstrip": False, "rstrip": False,
              "normalized": False, "special": True} for i, t in enumerate(SPECIALS)]
    tok_vocab = {t: i for i, t in enumerate(vocab.tokens)}
    bos = SPECIALS[BOS]
    post = {
        "type": "TemplateProcessing",
        "single": [{"SpecialToken": {"id": bos, "type_id": 0}}, {"Sequence": {"id": "A", "type_id": 0}}],
        "pair": [{"SpecialToken": {"id": bos, "type_id": 0}}, {"Sequence": {"id": "A", "type_id": 0}},
                 {"Sequence": {"id": "B", "type_id": 1}}],
        "special_tokens": {bos: {"id": bos, "ids": [BOS], "tokens": [bos]}},
    }
    if vocab.kind == "word":
        model = {"type": "WordLevel", "vocab": tok_vocab, "unk_token": SPECIALS[UNK]}
        pre = {"type": "WhitespaceSplit"}
        decoder = None  # tokens joined with single spaces
    else:
        # character level: a BPE model with no merges splits each pre-token into characters;
        # no pre-tokenizer, so spaces and newlines are ordinary characters; Fuse joins them back.
        model = {"type": "BPE", "dropout": None, "unk_token": SPECIALS[UNK], "continuing_subword_prefix": None,
                 "end_of_word_suffix": None, "fuse_unk": False, "byte_fallback": False, "ignore_merges": False,
                 "vocab": tok_vocab, "merges": []}
        pre = None
        decoder = {"type": "Fuse"}
    return {"version": "1.0", "truncation": None, "padding": None, "added_tokens": added, "normalizer": None,
            "pre_tokenizer": pre, "post_processor": post, "decoder": decoder, "model": model}


def tokenizer_config(vocab: Vocab, n_positions: int):
    return {
        "tokenizer_class": "PreTrainedTokenizerFast",
        "bos_token": SPECIALS[BOS], "eos_token": SPECIALS[EOS], "pad_token": SPECIALS[PAD], "unk_token": SPECIALS[UNK],
        "add_bos_token": True,
        "model_max_length": n_positions,
        "clean_up_tokenization_spaces": False,
        "added_tokens_decoder": {str(i): {"content": t, "lstrip": False, "normalized": False, "rstrip": False,
                                          "single_word": False, "special": True} for i, t in enumerate(SPECIALS)},
    }


# ------------------------------------------------------------------------------------------- config
def _finite(x):
    """NaN/inf are not JSON (JSON.parse rejects them): map them to null, recursively."""
    if isinstance(x, float) and (x != x or x in (float("inf"), float("-inf"))):
        return None
    if isinstance(x, dict):
        return {k: _finite(v) for k, v in x.items()}
    if isinstance(x, (list, tuple)):
        return [_finite(v) for v in x]
    return x


def hf_config(ck, cfg, with_past: bool, tensor_names):
    ti = ck["task_info"]
    occam = {
        "task": ti["task"],
        "seed": ck["seed"],
        "step": ck["step"],
        "train_loss": ck.get("loss"),
        "metrics": {k: v for k, v in ck.get("metrics", {}).items() if k != "step"},
        "task_info": ti,
        "train_args": ck.get("args"),
        "n_params": ck.get("n_params"),
        "onnx": {"with_past": with_past, "opset": OPSET, "tensor_names": tensor_names,
                 "position_ids": "cumsum(attention_mask) - 1, padded positions 1 (as HF)"},
        "made_by": "tools/tiny-lm (occam)",
    }
    if isinstance(cfg, LlamaConfig):
        occam["arch"] = "llama"
    if ti["task"] == "induction":
        occam["induction_period_range"] = [ti["period_min"], ti["period_max"]]
    if isinstance(cfg, LlamaConfig):
        return _finite({
            "model_type": "llama",
            "architectures": ["LlamaForCausalLM"],
            "vocab_size": cfg.vocab_size,
            "hidden_size": cfg.hidden_size,
            "intermediate_size": cfg.intermediate_size,
            "num_hidden_layers": cfg.num_hidden_layers,
            "num_attention_heads": cfg.num_attention_heads,
            "num_key_value_heads": cfg.num_key_value_heads,
            "head_dim": cfg.head_dim,
            "hidden_act": "silu",
            "max_position_embeddings": cfg.max_position_embeddings,
            "rms_norm_eps": cfg.rms_norm_eps,
            "rope_theta": cfg.rope_theta,
            "rope_scaling": None,
            "attention_bias": False,
            "attention_dropout": 0.0,
            "mlp_bias": False,
            "pretraining_tp": 1,
            "initializer_range": cfg.initializer_range,
            "tie_word_embeddings": cfg.tie_word_embeddings,
            "bos_token_id": BOS, "eos_token_id": EOS, "pad_token_id": PAD,
            "use_cache": with_past,
            "torch_dtype": "float32",
            "transformers.js_config": {"dtype": "fp32"},
            "occam": occam,
        })
    return _finite({
        "model_type": "gpt2",
        "architectures": ["GPT2LMHeadModel"],
        "vocab_size": cfg.vocab_size,
        "n_positions": cfg.n_positions,
        "n_ctx": cfg.n_positions,
        "n_embd": cfg.n_embd,
        "n_layer": cfg.n_layer,
        "n_head": cfg.n_head,
        "n_inner": None,
        "activation_function": "gelu_new",
        "layer_norm_epsilon": cfg.layer_norm_epsilon,
        "initializer_range": cfg.initializer_range,
        "resid_pdrop": 0.0, "embd_pdrop": 0.0, "attn_pdrop": 0.0,
        "scale_attn_weights": True,
        "tie_word_embeddings": True,
        "bos_token_id": BOS, "eos_token_id": EOS, "pad_token_id": PAD,
        "use_cache": with_past,
        "torch_dtype": "float32",
        "transformers.js_config": {"dtype": "fp32"},
        "occam": occam,
    })


# --------------------------------------------------------------------------------------------- onnx
def export_onnx(model, path: str, with_past: bool):
    dm = dims(model)
    H, D = dm.n_head, dm.head_dim
    B, T, P = 2, 5, 3
    ids = torch.randint(len(SPECIALS), dm.vocab_size, (B, T))
    if with_past:
        mask = torch.ones(B, P + T, dtype=torch.long)
        pos = default_position_ids(mask, T)
        past = tuple((torch.randn(B, H, P, D), torch.randn(B, H, P, D)) for _ in range(dm.n_layer))
        args = (ids, mask, pos, past)
        in_names = ["input_ids", "attention_mask", "position_ids"]
        dyn = {"input_ids": {0: "batch_size", 1: "sequence_length"},
               "attention_mask": {0: "batch_size", 1: "total_sequence_length"},
               "position_ids": {0: "batch_size", 1: "sequence_length"},
               "logits": {0: "batch_size", 1: "sequence_length"}}
        out_names = ["logits"]
        for i in range(dm.n_layer):
            for kv in ("key", "value"):
                in_names.append(f"past_key_values.{i}.{kv}")
                out_names.append(f"present.{i}.{kv}")
                dyn[f"past_key_values.{i}.{kv}"] = {0: "batch_size", 2: "past_sequence_length"}
                dyn[f"present.{i}.{kv}"] = {0: "batch_size", 2: "total_sequence_length"}
    else:
        mask = torch.ones(B, T, dtype=torch.long)
        pos = default_position_ids(mask, T)
        args = (ids, mask, pos)
        in_names = ["input_ids", "attention_mask", "position_ids"]
        out_names = ["logits"]
        dyn = {"input_ids": {0: "batch_size", 1: "sequence_length"},
               "attention_mask": {0: "batch_size", 1: "sequence_length"},
               "position_ids": {0: "batch_size", 1: "sequence_length"},
               "logits": {0: "batch_size", 1: "sequence_length"}}

    orig_forward = model.forward

    def fwd(input_ids, attention_mask, position_ids, past_key_values=None):
        logits, presents = orig_forward(input_ids, attention_mask, position_ids, past_key_values)
        if with_past:
            return (logits,) + tuple(t for kv in presents for t in kv)
        return logits

    model.forward = fwd
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            torch.onnx.export(model, args, path, input_names=in_names, output_names=out_names,
                              dynamic_axes=dyn, opset_version=OPSET, do_constant_folding=True)
    finally:
        model.forward = orig_forward
    m = __import__("onnx").load(path)
    __import__("onnx").checker.check_model(m)
    return m


# ------------------------------------------------------------------------------------- verification
class TensorBlob:
    """The verification cases' tensor data as one little-endian binary file beside a small JSON index.

    At GPT-2-small size the cases hold ~1 GB of floats; as JSON numbers that is a string longer than V8's
    limit (ERR_STRING_TOO_LONG in verify_onnx.mjs). Each tensor is appended raw (int64 or float32) and the
    JSON keeps only {dims, type, offset} (offset in bytes, 8-aligned so the reader can view it in place)."""

    def __init__(self, path):
        self.f = open(path, "wb")
        self.offset = 0

    def add(self, t: torch.Tensor):
        t = t.detach().contiguous()
        kind = "int64" if t.dtype == torch.long else "float32"
        arr = t.numpy().astype("<i8" if kind == "int64" else "<f4", copy=False)
        pad = (-self.offset) % 8
        if pad:
            self.f.write(b"\0" * pad)
            self.offset += pad
        ref = {"dims": list(t.shape), "type": kind, "offset": self.offset}
        data = arr.tobytes()
        self.f.write(data)
        self.offset += len(data)
        return ref

    def close(self):
        self.f.close()


def _capture(model, tensor_names):
    """Forward hooks that record PyTorch's value of each named tensor (same meaning as onnx_names)."""
    if isinstance(model, LlamaForCausalLM):
        return _capture_llama(model)
    store = {}
    hooks = []
    cfg = model.config
    for i, blk in enumerate(model.transformer.h):
        def pre(name):
            return lambda mod, inp: store.__setitem__(name, inp[0])

        def post(name):
            return lambda mod, inp, out: store.__setitem__(name, out)

        hooks.append(blk.ln_1.register_forward_pre_hook(pre(f"resid_pre.{i}")))
        hooks.append(blk.ln_2.register_forward_pre_hook(pre(f"resid_mid.{i}")))
        hooks.append(blk.attn.c_proj.register_forward_pre_hook(pre(f"z.{i}")))
        hooks.append(blk.attn.c_proj.register_forward_hook(post(f"attn_out.{i}")))
        hooks.append(blk.mlp.act.register_forward_pre_hook(pre(f"mlp_pre.{i}")))
        hooks.append(blk.mlp.act.register_forward_hook(post(f"mlp_post.{i}")))
        hooks.append(blk.mlp.c_proj.register_forward_hook(post(f"mlp_out.{i}")))
        hooks.append(blk.register_forward_hook(
            (lambda name: (lambda mod, inp, out: store.__setitem__(name, out[0])))(f"resid_post.{i}")))
    hooks.append(model.transformer.ln_f.register_forward_hook(post("ln_final")))

    # pattern, q, k, v: recompute from the hooked attention input (keeps the model code hook-free)
    def attn_hook(i):
        def h(mod, inp, out):
            x, allowed, layer_past = inp[0], inp[1], (inp[2] if len(inp) > 2 else None)
            qkv = mod.c_attn(x)
            q, k, v = qkv.split(mod.n_embd, dim=2)
            q, k, v = mod._split_heads(q), mod._split_heads(k), mod._split_heads(v)
            if layer_past is not None:
                k = torch.cat((layer_past[0], k), dim=-2)
                v = torch.cat((layer_past[1], v), dim=-2)
            sc = torch.matmul(q, k.transpose(-1, -2)) / (mod.head_dim ** 0.5)
            sc = torch.where(allowed, sc, torch.tensor(torch.finfo(sc.dtype).min))
            store[f"pattern.{i}"] = torch.softmax(sc, -1)
            store[f"q.{i}"], store[f"k.{i}"], store[f"v.{i}"] = q, k, v
            store[f"k_t.{i}"] = k.transpose(-1, -2)
        return h

    for i, blk in enumerate(model.transformer.h):
        hooks.append(blk.attn.register_forward_hook(attn_hook(i)))
    return store, hooks


def _capture_llama(model):
    """_capture for the Llama layout: the same tensor meanings at LlamaForCausalLM's modules."""
    store = {}
    hooks = []

    def pre(name):
        return lambda mod, inp: store.__setitem__(name, inp[0])

    def post(name):
        return lambda mod, inp, out: store.__setitem__(name, out)

    def attn_hook(i):
        def h(mod, inp, out):
            x, allowed, cos, sin = inp[:4]
            q, k, v = mod.qkv(x, cos, sin, inp[4] if len(inp) > 4 else None)
            store[f"pattern.{i}"] = mod.pattern(q, k, allowed)
            store[f"q.{i}"], store[f"k.{i}"], store[f"v.{i}"] = q, k, v
            store[f"k_t.{i}"] = k.transpose(-1, -2)
        return h

    for i, layer in enumerate(model.model.layers):
        hooks.append(layer.input_layernorm.register_forward_pre_hook(pre(f"resid_pre.{i}")))
        hooks.append(layer.post_attention_layernorm.register_forward_pre_hook(pre(f"resid_mid.{i}")))
        hooks.append(layer.self_attn.o_proj.register_forward_pre_hook(pre(f"z.{i}")))
        hooks.append(layer.self_attn.o_proj.register_forward_hook(post(f"attn_out.{i}")))
        hooks.append(layer.mlp.act_fn.register_forward_pre_hook(pre(f"mlp_pre.{i}")))
        hooks.append(layer.mlp.down_proj.register_forward_pre_hook(pre(f"mlp_post.{i}")))
        hooks.append(layer.mlp.down_proj.register_forward_hook(post(f"mlp_out.{i}")))
        hooks.append(layer.register_forward_hook(
            (lambda name: (lambda mod, inp, out: store.__setitem__(name, out[0])))(f"resid_post.{i}")))
        hooks.append(layer.self_attn.register_forward_hook(attn_hook(i)))
    hooks.append(model.model.norm.register_forward_hook(post("ln_final")))
    return store, hooks


def build_cases(model, task_vocab_size, with_past, seq_len, tensor_names, blob: TensorBlob):
    dm = dims(model)
    g = torch.Generator().manual_seed(7)
    H, D = dm.n_head, dm.head_dim
    cases = []

    def run(name, ids, mask, past=None, capture=False):
        pos = default_position_ids(mask, ids.shape[1])
        store, hooks = _capture(model, None) if capture else ({}, [])
        with torch.no_grad():
            logits, presents = model(ids, mask, pos, past)
        for h in hooks:
            h.remove()
        feeds = {"input_ids": blob.add(ids), "attention_mask": blob.add(mask), "position_ids": blob.add(pos)}
        if with_past:
            B = ids.shape[0]
            pk = past if past is not None else tuple(
                (torch.zeros(B, H, 0, D), torch.zeros(B, H, 0, D)) for _ in range(dm.n_layer))
            for i, (k, v) in enumerate(pk):
                feeds[f"past_key_values.{i}.key"] = blob.add(k)
                feeds[f"past_key_values.{i}.value"] = blob.add(v)
        expect = {"logits": blob.add(logits)}
        if with_past:
            for i, (k, v) in enumerate(presents):
                expect[f"present.{i}.key"] = blob.add(k)
                expect[f"present.{i}.value"] = blob.add(v)
        inter = {k: blob.add(v) for k, v in store.items() if k in tensor_names}
        cases.append({"name": name, "feeds": feeds, "expect": expect, "intermediates": inter})
        return logits, presents

    L = seq_len
    ids = torch.randint(len(SPECIALS), task_vocab_size, (2, L), generator=g)
    ids[:, 0] = BOS
    full_mask = torch.ones(2, L, dtype=torch.long)
    run("full batch=2, no padding", ids, full_mask, capture=True)
    # left padding: the second row has 7 pads at the front
    pad_ids = ids[:, : L - 8].clone()
    pad_mask = torch.ones_like(pad_ids)
    pad_ids[1, :7] = PAD
    pad_mask[1, :7] = 0
    run("batch=2, left padding", pad_ids, pad_mask, capture=True)
    # right padding
    rp_ids = ids[:, :20].clone()
    rp_mask = torch.ones_like(rp_ids)
    rp_ids[0, 15:] = PAD
    rp_mask[0, 15:] = 0
    run("batch=2, right padding", rp_ids, rp_mask)
    if with_past:
        # prefill 10 tokens, then decode 1 token, then 3 tokens, comparing with the full forward
        _, pres = run("prefill 10 (past 0)", ids[:, :10], full_mask[:, :10])
        _, pres = run("decode 1 (past 10)", ids[:, 10:11], full_mask[:, :11], past=pres)
        run("decode 3 (past 11)", ids[:, 11:14], full_mask[:, :14], past=pres)
        # torch-side consistency: incremental == full
        with torch.no_grad():
            pos = default_position_ids(full_mask[:, :14], 14)
            full, _ = model(ids[:, :14], full_mask[:, :14], pos)
            _, p10 = model(ids[:, :10], full_mask[:, :10])
            inc, _ = model(ids[:, 10:14], full_mask[:, :14], None, p10)
        d = float((full[:, 10:14] - inc).abs().max())
        assert d < 1e-4, f"torch incremental decoding differs from the full forward by {d}"
    return cases


def verify(model_dir, model, with_past, seq_len, tensor_names, external_data=False):
    import onnx
    from onnx import helper, TensorProto

    # onnx.load also reads an external data file (model.onnx_data) from the model's folder
    m = onnx.load(os.path.join(model_dir, "onnx", "model.onnx"))
    existing = {o.name for o in m.graph.output}
    for key, name in tensor_names.items():
        if name not in existing:
            m.graph.output.append(helper.make_tensor_value_info(name, TensorProto.FLOAT, None))
    with tempfile.TemporaryDirectory() as td:
        probe = os.path.join(td, "probe.onnx")
        # the probe keeps its weights external when the model does (a single protobuf stops at 2 GB)
        if external_data:
            onnx.save_model(m, probe, save_as_external_data=True, all_tensors_to_one_file=True,
                            location="probe.onnx_data")
        else:
            onnx.save(m, probe)
        del m
        blob = TensorBlob(os.path.join(td, "cases.bin"))
        try:
            cases = build_cases(model, dims(model).vocab_size, with_past, seq_len, tensor_names, blob)
        finally:
            blob.close()
        cpath = os.path.join(td, "cases.json")
        with open(cpath, "w") as f:
            json.dump({"tensor_names": tensor_names, "cases": cases}, f)
        r = subprocess.run(["node", os.path.join(HERE, "verify_onnx.mjs"), probe, cpath, blob.f.name],
                           capture_output=True, text=True, cwd=HERE)
    if r.returncode != 0:
        sys.stderr.write(r.stdout + r.stderr)
        raise SystemExit("ONNX verification failed")
    res = json.loads(r.stdout.strip().splitlines()[-1])
    return res


# --------------------------------------------------------------------------------------------- main
def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--checkpoint", required=True)
    ap.add_argument("--out", required=True)
    ap.add_argument("--with-past", action="store_true")
    ap.add_argument("--no-verify", action="store_true")
    ap.add_argument("--external-data", action="store_true",
                    help="weights in onnx/model.onnx_data beside onnx/model.onnx (Optimum's layout for large models)")
    ap.add_argument("--name", default=None, help="occam.name in config.json (default: basename of --out)")
    args = ap.parse_args(argv)
    torch.manual_seed(0)
    torch.set_num_threads(1)

    ck, cfg, model, vocab = load_checkpoint(args.checkpoint)
    os.makedirs(os.path.join(args.out, "onnx"), exist_ok=True)
    onnx_path = os.path.join(args.out, "onnx", "model.onnx")
    m = export_onnx(model, onnx_path, args.with_past)
    names = find_tensor_names(m, arch_of(ck))
    if args.external_data:
        # Optimum's layout: every initializer over 1 KB in one file, model.onnx_data, named by a relative
        # location; the graph file keeps only the structure and small constants
        data_path = onnx_path + "_data"
        if os.path.exists(data_path):
            os.remove(data_path)  # save_model appends to an existing data file
        __import__("onnx").save_model(m, onnx_path, save_as_external_data=True, all_tensors_to_one_file=True,
                                      location=os.path.basename(data_path), size_threshold=1024)
    del m

    conf = hf_config(ck, cfg, args.with_past, dict(names))
    conf["occam"]["onnx"]["external_data"] = "model.onnx_data" if args.external_data else None
    conf["occam"]["name"] = args.name or os.path.basename(os.path.normpath(args.out))
    with open(os.path.join(args.out, "config.json"), "w") as f:
        json.dump(conf, f, indent=2, allow_nan=False)
    with open(os.path.join(args.out, "generation_config.json"), "w") as f:
        json.dump({"bos_token_id": BOS, "eos_token_id": EOS, "pad_token_id": PAD,
                   "max_length": dims(model).n_positions, "do_sample": False}, f, indent=2)
    with open(os.path.join(args.out, "tokenizer.json"), "w") as f:
        json.dump(tokenizer_json(vocab), f, indent=1, ensure_ascii=False)
    with open(os.path.join(args.out, "tokenizer_config.json"), "w") as f:
        json.dump(tokenizer_config(vocab, dims(model).n_positions), f, indent=2)
    with open(os.path.join(args.out, "special_tokens_map.json"), "w") as f:
        json.dump({"bos_token": SPECIALS[BOS], "eos_token": SPECIALS[EOS], "pad_token": SPECIALS[PAD],
                   "unk_token": SPECIALS[UNK]}, f, indent=2)

    size = os.path.getsize(onnx_path)
    data_note = f" + {os.path.getsize(onnx_path + '_data')} bytes in model.onnx_data" if args.external_data else ""
    print(f"exported {args.checkpoint} (step {ck['step']}) -> {args.out} "
          f"[{'with past' if args.with_past else 'no past'}, {size} bytes{data_note}]")
    if not args.no_verify:
        res = verify(args.out, model, args.with_past, ck["task_info"]["seq_len"], dict(names), args.external_data)
        print(f"onnxruntime vs torch: max |diff| logits {res['max_logits']:.2e}, presents {res['max_presents']:.2e}, "
              f"named tensors {res['max_intermediates']:.2e} (relative to max(1, max|x|); worst: "
              f"{res['worst_intermediate']}) over {res['n_cases']} cases, {res['n_intermediates']} named tensors")
        if max(res["max_logits"], res["max_presents"], res["max_intermediates"]) >= 1e-4:
            raise SystemExit("ONNX output differs from PyTorch by >= 1e-4")


if __name__ == "__main__":
    main()
