"""occam's bases (packages/core/src/bases/), evaluated with the same floating-point operations in the same order.

A basis evaluated on points returns a matrix [functions, points]. Scalar `math` is used rather than NumPy's
vectorised log/cos so each value is the correctly rounded libm result, as close as possible to V8's.
"""
import math

import numpy as np

from .errors import OccamFormatError


def basis_matrix(basis, points):
    """phi_j(points[i]) as an array [functions, points]; `raw` is the indicator of each point of the grid itself."""
    points = [float(p) for p in points]
    kind = basis.get("kind")
    if kind == "raisedCosineLog":
        return _raised_cosine_log(basis, points)
    if kind == "isfRaisedCosine":
        return _isf_raised_cosine(basis, points)
    if kind == "raw":
        return np.eye(len(points))
    if kind == "constant":
        return np.ones((1, len(points)))
    raise OccamFormatError(f"spec basis kind {kind!r}: expected raisedCosineLog, isfRaisedCosine, raw or constant")


def _raised_cosine_log(basis, points):
    # Pillow (2008): peaks evenly spaced in x = log(t + offset) from firstPeak to lastPeak, quarter-period overlap.
    count, first, last = basis["count"], basis["firstPeak"], basis["lastPeak"]
    offset = basis.get("offset", 1)
    x0 = math.log(first + offset)
    x1 = math.log(last + offset)
    delta = (x1 - x0) / (count - 1) if count > 1 else max(x1 - x0, 1)
    out = np.zeros((count, len(points)))
    for j in range(count):
        centre = x0 + j * delta
        for i, t in enumerate(points):
            x = math.log(max(t + offset, 1e-12))
            arg = ((x - centre) * math.pi) / (2 * delta)
            out[j, i] = 0.0 if abs(arg) >= math.pi else 0.5 * (math.cos(arg) + 1)
    return out


def _isf_raised_cosine(basis, points):
    # The published method's form: 0.5 cos(a log(x + c) - phase) + 0.5 inside +-pi, x = value / scale.
    a, c, scale = basis["a"], basis["c"], basis.get("scale", 1)
    phases = basis["phases"]
    out = np.zeros((len(phases), len(points)))
    for j, phi in enumerate(phases):
        for i, v in enumerate(points):
            u = v / scale + c
            # JavaScript's Math.log: log(0) = -Infinity (outside +-pi: weight 0), log(negative) = NaN.
            arg = a * math.log(u) - phi if u > 0 else (-math.inf if u == 0 else math.nan)
            out[j, i] = 0.0 if arg < -math.pi or arg > math.pi else (math.nan if arg != arg else 0.5 * math.cos(arg) + 0.5)
    return out


def lag_grid(min_lag, max_lag):
    """Integer lags min_lag..max_lag inclusive: the points a temporal or history basis is evaluated at."""
    return list(range(min_lag, max_lag + 1))
