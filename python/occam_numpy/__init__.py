"""Load occam Datasets and ReducedModels and predict per-bin probabilities, with NumPy, json and gzip only.

    import sys; sys.path.insert(0, "python")      # from the repository root
    import occam_numpy as occam

    ds = occam.load_dataset("out/lm/dataset")      # manifest.json + inputs/target/scored (.npy or .npy.gz)
    model = occam.load_model("out/lm/model.json")  # what `occam fit` wrote
    pred = occam.predict(model, ds)                # every scored bin, trial-major, bins ascending
    print(pred.trial[:5], pred.bin[:5])            # where each row is
    print(pred.eta[:5])                            # linear predictor: intercept + X @ beta
    print(pred.mean[:5])                           # P(output) through the link (logistic for bernoulli)
    everything = occam.predict(model, ds, rows="all")  # every bin, scored or not

The conventions (lags, padding, history, column order, grouping, bases, exclusions, links) are written down in
packages/core/README.md, "Predicting outside occam". Results equal occam's `predictReducedModel` to ~1e-15 in
the linear predictor: the design is accumulated in occam's order and rounded to float32 as occam stores it
(`exact=True` keeps float64 instead). Command line: `python3 -m occam_numpy DATASET MODEL [--rows all] [--json OUT]`.
"""
from .arrays import load_array
from .dataset import Dataset, load_dataset
from .design import Design, build_design
from .errors import OccamFormatError
from .layout import Layout, layout_for_model
from .model import load_model
from .predict import Prediction, apply_lookup, inverse_link, predict

__all__ = [
    "Dataset",
    "Design",
    "Layout",
    "OccamFormatError",
    "Prediction",
    "apply_lookup",
    "build_design",
    "inverse_link",
    "layout_for_model",
    "load_array",
    "load_dataset",
    "load_model",
    "predict",
]
