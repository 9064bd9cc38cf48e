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


def _logit(p):
    m = np.clip(p, 1e-12, 1 - 1e-12)
    return np.log(m / (1 - m))


def apply_lookup(table, eta):
    """The table at each WNI, as glm/lookupNonlinearity.ts applyLookup: linear in log-odds between bin centres,
    and beyond the ends along the end segment's slope (never downward)."""
    wni, p = np.asarray(table["wni"], float), np.asarray(table["p"], float)
    eta = np.asarray(eta, float)
    if len(wni) == 1:
        return np.full_like(eta, p[0])
    lo = np.clip(np.searchsorted(wni, eta, side="right") - 1, 0, len(wni) - 2)
    lo = np.where(eta <= wni[0], 0, np.where(eta >= wni[-1], len(wni) - 2, lo))
    hi = lo + 1
    span = wni[hi] - wni[lo]
    with np.errstate(invalid="ignore", divide="ignore"):
        slope = np.where(span > 0, np.maximum(0.0, (_logit(p[hi]) - _logit(p[lo])) / span), 0.0)
    x = _logit(p[lo]) + slope * (eta - wni[lo])
    return 1 / (1 + np.exp(-x))


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
