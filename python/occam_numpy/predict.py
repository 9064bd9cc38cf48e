"""Per-bin predictions of a ReducedModel on a Dataset (packages/core/src/model/predict.ts)."""
from dataclasses import dataclass

import numpy as np

from .design import build_design
from .layout import layout_for_model


@dataclass
class Prediction:
    trial: np.ndarray  # [rows] int32
    bin: np.ndarray  # [rows] int32
    eta: np.ndarray  # linear predictor (the weighted net input, history included)
    mean: np.ndarray  # through the family's link: probability (bernoulli), rate (poisson), mean (gaussian)
    lookup: np.ndarray  # through the model's empirical lookup table, or None when it has none
    target: np.ndarray  # the recorded output of each row


def inverse_link(family, eta):
    """The canonical inverse links: logistic (bernoulli), exp capped at e^700 (poisson), identity (gaussian)."""
    if family == "bernoulli":
        # The two branches avoid overflow, as occam does: 1/(1+e^-eta) for eta >= 0, e^eta/(1+e^eta) below.
        out = np.empty_like(eta)
        pos = eta >= 0
        out[pos] = 1 / (1 + np.exp(-eta[pos]))
        e = np.exp(eta[~pos])
        out[~pos] = e / (1 + e)
        return out
    if family == "poisson":
        return np.exp(np.minimum(eta, 700))
    if family == "gaussian":
        return eta.copy()
    raise ValueError(f"family {family!r}: expected bernoulli, poisson or gaussian")


def apply_lookup(table, eta):
    """Linear interpolation between the table's bin centres, flat beyond its ends (glm/lookupNonlinearity.ts)."""
    wni, p = np.asarray(table["wni"], float), np.asarray(table["p"], float)
    if len(wni) == 1:
        return np.full_like(eta, p[0])
    lo = np.clip(np.searchsorted(wni, eta, side="right") - 1, 0, len(wni) - 2)
    hi = lo + 1
    span = wni[hi] - wni[lo]
    with np.errstate(invalid="ignore", divide="ignore"):
        f = np.where(span > 0, (eta - wni[lo]) / span, 0.0)
    out = p[lo] + f * (p[hi] - p[lo])
    out[eta <= wni[0]] = p[0]
    out[eta >= wni[-1]] = p[-1]
    return out


def predict(model, dataset, rows="scored", exact=False):
    """Predict every scored bin (or every bin, rows='all'), conditioning on the dataset's recorded output history."""
    layout = layout_for_model(model, dataset.atoms)
    design = build_design(dataset, layout, rows=rows, exact=exact)
    coefficients = model["coefficients"]
    eta = coefficients["intercept"] + design.X.astype(np.float64) @ np.asarray(coefficients["beta"], float)
    table = model["nonlinearity"].get("lookup")
    return Prediction(
        trial=design.trial,
        bin=design.bin,
        eta=eta,
        mean=inverse_link(model["spec"].get("family", "bernoulli"), eta),
        lookup=apply_lookup(table, eta) if table else None,
        target=design.y,
    )
