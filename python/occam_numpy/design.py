"""Causal, basis-projected regressors for a dataset's bins (packages/core/src/design/buildDesign.ts).

Bin t of a trial sees inputs at t - lag for lag in [minLag, maxLag] (lag 0 = the same bin) and its own output at
t - 1 ... t - historyMaxLag; anything before the trial's first bin counts as zero. Sums are accumulated in float64
in occam's order (atoms in dataset order, then lags in increasing order), so each regressor is bit-identical to
occam's before it is rounded to float32 as occam stores its design.
"""
from dataclasses import dataclass

import numpy as np

_CHUNK_VALUES = 4_000_000  # float64 accumulator values per chunk of trials (~32 MB)


@dataclass
class Design:
    X: np.ndarray  # [rows, p], float32 (occam's storage) or float64 (exact=True)
    y: np.ndarray  # [rows] float64
    trial: np.ndarray  # [rows] int32
    bin: np.ndarray  # [rows] int32


def _group_series(dataset, layout, trials):
    """[G*K, trials, bins]: each group's atoms weighted by spatial function k and summed (atoms in dataset order)."""
    K = layout.K
    n_bins = dataset.inputs.shape[2]
    series = np.zeros((len(layout.groups) * K, len(trials), n_bins))
    for g, (_, atoms) in enumerate(layout.groups):
        for a in atoms:
            x = dataset.inputs[a, trials].astype(np.float64)
            for k in range(K):
                w = layout.atom_spatial_weights[a, k]
                if w != 0:
                    series[g * K + k] += w * x
    return series


def _lagged(signal, basis, first_lag):
    """[functions, *signal.shape]: sum over lags of basis[j, l] * signal[..., t - (first_lag + l)], zero before bin 0."""
    n_bins = signal.shape[-1]
    out = np.zeros((basis.shape[0],) + signal.shape)
    for l in range(basis.shape[1]):
        shift = first_lag + l
        if shift >= n_bins:
            break
        src = signal[..., : n_bins - shift]
        for j in range(basis.shape[0]):
            phi = basis[j, l]
            if phi != 0:
                out[j, ..., shift:] += phi * src
    return out


def build_design(dataset, layout, rows="scored", exact=False):
    """Rows: every scored bin (rows='scored', occam's default) or every bin (rows='all'), trial-major, bins ascending.

    exact=True keeps the regressors in float64; occam rounds them to float32 (the default here, to match it).
    """
    if rows not in ("scored", "all"):
        raise ValueError(f"rows must be 'scored' or 'all', got {rows!r}")
    n_trials, n_bins = dataset.target.shape
    S, J = len(layout.groups) * layout.K, layout.J
    per_trial = (S * J + S + layout.H + 1) * n_bins
    chunk = max(1, _CHUNK_VALUES // per_trial)
    dtype = np.float64 if exact else np.float32
    parts, ys, trials_out, bins_out = [], [], [], []
    for start in range(0, n_trials, chunk):
        trials = np.arange(start, min(n_trials, start + chunk))
        mask = np.ones((len(trials), n_bins), bool) if rows == "all" else dataset.scored[trials] != 0
        target = dataset.target[trials].astype(np.float64)
        columns = _lagged(_group_series(dataset, layout, trials), layout.temporal, layout.min_lag)
        # [J, S, trials, bins] -> [S*J, ...] with column (g*K + k)*J + j: the temporal function varies fastest.
        blocks = [np.moveaxis(columns, 0, 1).reshape(S * J, len(trials), n_bins)]
        if layout.H > 0:
            blocks.append(_lagged(target, layout.history, 1))
        X = np.concatenate(blocks, axis=0)[:, mask].T
        parts.append(X.astype(dtype))
        ys.append(target[mask])
        t_idx, b_idx = np.nonzero(mask)
        trials_out.append(trials[t_idx].astype(np.int32))
        bins_out.append(b_idx.astype(np.int32))
    return Design(np.concatenate(parts), np.concatenate(ys), np.concatenate(trials_out), np.concatenate(bins_out))
