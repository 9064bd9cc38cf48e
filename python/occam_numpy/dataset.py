"""An occam Dataset directory: manifest.json plus inputs [atoms, trials, bins], target and scored [trials, bins]."""
import json
import os
from dataclasses import dataclass

import numpy as np

from .arrays import load_array
from .errors import OccamFormatError

_DEFAULT_FILES = {"inputs": "inputs.npy", "target": "target.npy", "scored": "scored.npy"}
_VALUE_DTYPES = ("uint8", "uint16", "float32")


@dataclass
class Dataset:
    manifest: dict
    inputs: np.ndarray  # [atoms, trials, bins], uint8 | uint16 | float32
    target: np.ndarray  # [trials, bins]
    scored: np.ndarray  # [trials, bins], 0/1

    @property
    def atoms(self):
        return self.manifest["atoms"]


def load_dataset(directory):
    """Read a Dataset directory (a symlink to occam's hidden version folder is followed like any directory)."""
    manifest_path = os.path.join(directory, "manifest.json")
    try:
        with open(manifest_path, encoding="utf-8") as f:
            manifest = json.load(f)
    except FileNotFoundError:
        raise OccamFormatError(f"{manifest_path}: not found — a dataset is a directory with manifest.json and .npy arrays") from None
    except json.JSONDecodeError as e:
        raise OccamFormatError(f"{manifest_path}: line {e.lineno}: not JSON ({e.msg})") from None
    if manifest.get("format") != "occam.dataset":
        raise OccamFormatError(f"{manifest_path}: field 'format' is {manifest.get('format')!r}, expected 'occam.dataset'")
    files = {**_DEFAULT_FILES, **manifest.get("files", {})}
    n_atoms, n_trials, n_bins = len(manifest["atoms"]), manifest["nTrials"], manifest["nBins"]
    shapes = {"inputs": (n_atoms, n_trials, n_bins), "target": (n_trials, n_bins), "scored": (n_trials, n_bins)}
    arrays = {}
    for name, shape in shapes.items():
        path = os.path.join(directory, files[name])
        if not os.path.isfile(path):
            raise OccamFormatError(f"{manifest_path}: files.{name} names {path}, which is not a file")
        a = load_array(path)
        if a.shape != shape:
            raise OccamFormatError(f"{path}: shape {a.shape}, but the manifest says {shape} ([atoms, trials, bins] / [trials, bins])")
        allowed = ("uint8", "bool") if name == "scored" else _VALUE_DTYPES
        if a.dtype.name not in allowed:
            raise OccamFormatError(f"{path}: dtype {a.dtype.name}, expected one of {', '.join(allowed)}")
        arrays[name] = a
    return Dataset(manifest, arrays["inputs"], arrays["target"], arrays["scored"].astype(np.uint8))
