"""Interventions on the synaptic input, read from occam's intervention list format.

The file is the one `occam intervene --interventions FILE` reads (schemas/intervention-list.schema.json):

    {"system": "neuron",
     "interventions": [
       {"name": "no inhibition", "silence": {"type": ["inhibitory"]}},
       {"name": "distal excitation off", "silence": {"type": ["excitatory"], "distance": {"min": 500}}},
       {"name": "excitation 3 ms later", "shift": {"select": {"type": ["excitatory"]}, "ms": 3}},
       {"name": "inhibition halved", "scale": {"select": {"type": ["inhibitory"]}, "factor": 0.5}}]}

A selection names synapse attributes: a list of accepted values (categorical) or {"min", "max"} (numeric,
min inclusive, max exclusive). Every listed attribute must match. What each operation does here:
- silence: the selected synapses never activate (they are left out of the synapses file, as an
  inactive synapse is);
- shift: every activation of a selected synapse moves by `ms` (or `bins` x --bin-ms); activations
  that leave [0, tstop) are dropped; the synapses file records the shifted times;
- scale: the selected synapses' conductance (NetCon weight) is multiplied by `factor`; their
  activation times are unchanged, so the synapses file equals the unintervened one.
The presynaptic activity (cell spikes, release draws) is drawn exactly as without the intervention,
from the same per-trial seed, so an intervened trial k differs from trial k only by the intervention.
"""
import json
import re

import numpy as np

# Synapse attributes a selection may name; `type` and `distance` are the ones occam's neuron atoms carry.
ATTRIBUTES = {
    "type": "categorical: excitatory | inhibitory",
    "distance": "numeric: soma distance (µm, path length)",
    "cellType": "categorical: presynaptic cell type, e.g. VPM, L4ss, SymLocal1",
    "column": "categorical: presynaptic column, e.g. C2, D2",
    "dendrite": "categorical: dendrite label, e.g. Dendrite, ApicalDendrite, Soma",
}
OPERATIONS = ("silence", "shift", "scale")


class InterventionError(ValueError):
    pass


def _closest(word, known):
    best, best_d = None, 1 << 30
    for k in known:
        a, b = word.lower(), k.lower()
        row = list(range(len(b) + 1))
        for i in range(1, len(a) + 1):
            diag, row[0] = row[0], i
            for j in range(1, len(b) + 1):
                up = row[j]
                row[j] = min(row[j] + 1, row[j - 1] + 1, diag + (a[i - 1] != b[j - 1]))
                diag = up
        if row[len(b)] < best_d:
            best, best_d = k, row[len(b)]
    return best if best is not None and best_d <= min(3, (len(word) + 1) // 2) else None


def _keys(where, obj, allowed):
    if not isinstance(obj, dict):
        raise InterventionError("%s: expected an object, got %s" % (where, json.dumps(obj)))
    for k in obj:
        if k not in allowed:
            near = _closest(k, allowed)
            raise InterventionError("%s: unknown key '%s'%s; known here: %s" % (
                where, k, " (did you mean '%s'?)" % near if near else "", ", ".join(sorted(allowed))))


def _number(where, v):
    if isinstance(v, bool) or not isinstance(v, (int, float)) or not np.isfinite(v):
        raise InterventionError("%s: expected a finite number, got %s" % (where, json.dumps(v)))
    return float(v)


def _selection(where, sel):
    _keys(where, sel, list(ATTRIBUTES))
    if not sel:
        raise InterventionError("%s: a selection needs at least one attribute (%s)" % (where, ", ".join(ATTRIBUTES)))
    out = {}
    for name, cond in sel.items():
        w = "%s.%s" % (where, name)
        if isinstance(cond, list):
            if not cond or not all(isinstance(c, (str, int, float)) and not isinstance(c, bool) for c in cond):
                raise InterventionError("%s: expected a non-empty list of values" % w)
            out[name] = ("in", set(cond))
        else:
            _keys(w, cond, ["min", "max"])
            if not cond:
                raise InterventionError("%s: give min and/or max" % w)
            lo = _number(w + ".min", cond["min"]) if "min" in cond else -np.inf
            hi = _number(w + ".max", cond["max"]) if "max" in cond else np.inf
            if not lo < hi:
                raise InterventionError("%s: min must be below max" % w)
            out[name] = ("range", lo, hi)
    return out


def slug(name):
    s = re.sub(r"[^A-Za-z0-9]+", "-", name.strip()).strip("-").lower()
    return s or "intervention"


def read_interventions(path, bin_ms=1.0):
    """Validate the file (the same rules as occam's zod schema) and return a list of parsed interventions."""
    try:
        with open(path) as f:
            doc = json.load(f)
    except (OSError, ValueError) as e:
        raise InterventionError("%s: cannot read as JSON: %s" % (path, e))
    _keys(path, doc, ["$schema", "system", "interventions"])
    if doc.get("system") != "neuron":
        raise InterventionError("%s: system: this tool applies 'neuron' interventions, got %s"
                                % (path, json.dumps(doc.get("system"))))
    items = doc.get("interventions")
    if not isinstance(items, list) or not items:
        raise InterventionError("%s: interventions: expected a non-empty list" % path)
    out, seen = [], set()
    for i, it in enumerate(items):
        where = "%s: interventions.%d" % (path, i)
        _keys(where, it, ["name", "description"] + list(OPERATIONS))
        name = it.get("name")
        if not isinstance(name, str) or not name.strip():
            raise InterventionError("%s.name: expected a non-empty string" % where)
        if slug(name) in seen:
            raise InterventionError("%s.name: '%s' repeats another intervention's name" % (where, name))
        seen.add(slug(name))
        ops = [k for k in OPERATIONS if k in it]
        if len(ops) != 1:
            raise InterventionError("%s: give exactly one of %s, got %d" % (where, ", ".join(OPERATIONS), len(ops)))
        op = ops[0]
        body = it[op]
        if op == "silence":
            parsed = dict(op=op, select=_selection(where + ".silence", body))
        elif op == "shift":
            _keys(where + ".shift", body, ["select", "bins", "ms"])
            if ("bins" in body) == ("ms" in body):
                raise InterventionError("%s.shift: give exactly one of bins, ms" % where)
            if "bins" in body:
                b = body["bins"]
                if isinstance(b, bool) or not isinstance(b, int) or b == 0:
                    raise InterventionError("%s.shift.bins: expected a non-zero whole number" % where)
                ms = b * bin_ms
            else:
                ms = _number(where + ".shift.ms", body["ms"])
                if ms == 0:
                    raise InterventionError("%s.shift.ms: expected a non-zero shift" % where)
            parsed = dict(op=op, select=_selection(where + ".shift.select", body.get("select")), ms=ms)
        else:
            _keys(where + ".scale", body, ["select", "factor"])
            f = _number(where + ".scale.factor", body.get("factor"))
            if f < 0:
                raise InterventionError("%s.scale.factor: expected a factor >= 0" % where)
            parsed = dict(op=op, select=_selection(where + ".scale.select", body.get("select")), factor=f)
        parsed.update(name=name, slug=slug(name), raw=it)
        out.append(parsed)
    return out


def synapse_attributes(net):
    """Per-synapse attribute arrays for selections."""
    cell = [t.split("_") for t in net.syn_type]
    return dict(
        type=np.array(["excitatory" if e else "inhibitory" for e in net.syn_exc]),
        distance=np.asarray(net.syn_dist, dtype=float),
        cellType=np.array([c[0] for c in cell]),
        column=np.array([c[1] if len(c) > 1 else "" for c in cell]),
        dendrite=np.array(net.syn_label),
    )


def selected(attrs, select):
    mask = np.ones(len(attrs["type"]), dtype=bool)
    for name, cond in select.items():
        v = attrs[name]
        if cond[0] == "in":
            mask &= np.isin(v, list(cond[1]))
        else:
            mask &= (v >= cond[1]) & (v < cond[2])
    return mask


def apply_to_activations(iv, mask, act, tstop):
    """The trial's synapse activations under the intervention (a new list; `act` is not changed)."""
    out = list(act)
    if iv["op"] == "silence":
        for s in np.nonzero(mask)[0]:
            out[s] = None
    elif iv["op"] == "shift":
        for s in np.nonzero(mask)[0]:
            ts = act[s]
            if ts is None:
                continue
            ts = np.round(ts + iv["ms"], 4)
            ts = ts[(ts >= 0) & (ts < tstop)]
            out[s] = ts if ts.size else None
    return out


def describe(ivs, net):
    attrs = synapse_attributes(net)
    return [dict(name=iv["name"], folder_suffix=iv["slug"], operation=iv["op"],
                 selected_synapses=int(selected(attrs, iv["select"]).sum()), spec=iv["raw"]) for iv in ivs]

