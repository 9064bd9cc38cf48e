"""Which atoms feed which design columns (packages/core/src/design/layout.ts, applied with a fitted model's layout).

Columns: group g -> spatial function k -> temporal function j, column (g*K + k)*J + j, then H history columns.
"""
from dataclasses import dataclass

import numpy as np

from .bases import basis_matrix, lag_grid
from .errors import OccamFormatError
from .jsNumber import js_number_text, js_value_text


@dataclass
class Layout:
    groups: list  # [(label, [atom indices ascending])], in the model's group order
    atom_spatial_weights: np.ndarray  # [atoms, K]: the spatial basis at each atom's attribute value
    temporal: np.ndarray  # [J, lags]: temporal basis at lags min_lag..max_lag
    history: np.ndarray  # [H, lags]: history basis at lags 1..history max lag ([0, 0] without history)
    min_lag: int
    K: int
    J: int
    H: int

    @property
    def p(self):
        return len(self.groups) * self.K * self.J + self.H


def _is_number(v):
    return isinstance(v, (int, float)) and not isinstance(v, bool)


def _excluded(spec, attributes):
    # Atoms that read the behaviour's own readout predict it whatever the weights: out unless asked for.
    if not spec.get("includeReadoutAtoms", False) and attributes.get("readsReadout") == "yes":
        return True
    for attr, values in spec.get("exclude", {}).items():
        v = attributes.get(attr)
        # Like JavaScript's includes(): the number 1 and the string "1" differ.
        if v is not None and v in values:
            return True
    return False


def _group_label(spec, atom):
    """The atom's group label as occam writes it ("all", "type=excitatory", "layer∈[0,2)"), or None (no bin)."""
    group_by = spec.get("groupBy", [])
    if not group_by:
        return "all"
    parts = []
    for g in group_by:
        if isinstance(g, str):
            if g not in atom["attributes"]:
                raise OccamFormatError(f"atom '{atom['id']}' has no attribute '{g}' named in spec.groupBy")
            parts.append(f"{g}={js_value_text(atom['attributes'][g])}")
        else:
            v = atom["attributes"].get(g["attribute"])
            if not _is_number(v):
                raise OccamFormatError(f"atom '{atom['id']}' needs a numeric attribute '{g['attribute']}' for binned grouping")
            e = g["edges"]
            found = -1
            for i in range(len(e) - 1):
                if e[i] <= v < e[i + 1]:
                    found = i  # the last matching bin wins, as in occam
            if found < 0:
                return None
            parts.append(f"{g['attribute']}∈[{js_number_text(e[found])},{js_number_text(e[found + 1])})")
    return ", ".join(parts)


def layout_for_model(model, atoms):
    """Rebuild a fitted model's layout on a dataset's atoms: the model's groups (in its order) and spatial values."""
    spec, fixed = model["spec"], model["layout"]
    members = {}
    for i, atom in enumerate(atoms):
        if _excluded(spec, atom["attributes"]):
            continue
        label = _group_label(spec, atom)
        if label is not None:
            members.setdefault(label, []).append(i)
    unknown = [label for label in members if label not in fixed["groups"]]
    if unknown:
        raise OccamFormatError(
            f"dataset has group '{unknown[0]}' that the model does not know (model groups: {'; '.join(fixed['groups'])})"
        )
    groups = [(label, members.get(label, [])) for label in fixed["groups"]]

    spatial = spec.get("spatial")
    if spatial:
        attr, basis = spatial["attribute"], spatial["basis"]
        values = [float(v) for v in fixed["spatialValues"]]
        K = basis_matrix(basis, values).shape[0]
        weights = np.zeros((len(atoms), K))
        for _, idx in groups:
            for a in idx:
                v = atoms[a]["attributes"].get(attr)
                if not _is_number(v):
                    raise OccamFormatError(f"atom '{atoms[a]['id']}' needs numeric attribute '{attr}' for spec.spatial")
                if basis["kind"] == "raw":
                    # One free weight per value the model was fitted on: an indicator of the value's place.
                    if float(v) not in values:
                        raise OccamFormatError(f"atom '{atoms[a]['id']}': {attr}={js_number_text(v)} is not among the model's values")
                    weights[a, values.index(float(v))] = 1.0
                else:
                    weights[a] = basis_matrix(basis, [v])[:, 0]
    else:
        K = 1
        weights = np.ones((len(atoms), 1))

    temporal_spec = spec["temporal"]
    min_lag = temporal_spec.get("minLag", 0)
    temporal = basis_matrix(temporal_spec["basis"], lag_grid(min_lag, temporal_spec["maxLag"]))
    history_spec = spec.get("history")
    history = basis_matrix(history_spec["basis"], lag_grid(1, history_spec["maxLag"])) if history_spec else np.zeros((0, 0))
    layout = Layout(groups, weights, temporal, history, min_lag, K, temporal.shape[0], history.shape[0])
    for name, ours in (("K", layout.K), ("J", layout.J), ("H", layout.H)):
        if fixed.get(name) is not None and fixed[name] != ours:
            raise OccamFormatError(f"model layout.{name} is {fixed[name]} but its spec gives {ours}")
    n_beta = len(model["coefficients"]["beta"])
    if layout.p != n_beta:
        raise OccamFormatError(f"model has {n_beta} coefficients but its layout on this dataset has {layout.p}")
    return layout
