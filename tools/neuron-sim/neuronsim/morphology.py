"""Morphologies as SWC point lists: a procedural layer-5 pyramidal generator, SWC I/O.

A morphology is a list of rows ``(id, type, x, y, z, radius, parent)`` (standard 7-column
SWC; types 1 soma, 2 axon, 3 basal dendrite, 4 apical dendrite). +y points to the pia.
Cells are built from such rows by ``cell.py``; generated variants go through the same
path as user SWC files, so section IDs always follow the SWC's point order.
"""
import math

import numpy as np

SOMA, AXON, BASAL, APICAL = 1, 2, 3, 4


class Tree:
    def __init__(self):
        self.rows = []

    def add(self, typ, pos, radius, parent):
        pid = len(self.rows) + 1
        self.rows.append((pid, typ, float(pos[0]), float(pos[1]), float(pos[2]), float(radius), parent))
        return pid

    def pos(self, pid):
        r = self.rows[pid - 1]
        return np.array(r[2:5])


def _unit(v):
    return v / np.linalg.norm(v)


def _perturb(direction, rng, sigma):
    d = direction + rng.normal(0.0, sigma, 3)
    return _unit(d)


def _rotate_away(direction, angle, rng):
    """A unit vector at `angle` (rad) from `direction`, random azimuth."""
    d = _unit(direction)
    helper = np.array([1.0, 0.0, 0.0]) if abs(d[0]) < 0.9 else np.array([0.0, 0.0, 1.0])
    u = _unit(np.cross(d, helper))
    w = np.cross(d, u)
    phi = rng.uniform(0, 2 * math.pi)
    return _unit(math.cos(angle) * d + math.sin(angle) * (math.cos(phi) * u + math.sin(phi) * w))


def _path(tree, typ, parent, start, direction, length, d0, d1, rng, step=6.0, wiggle=0.12,
          pull=None, pull_w=0.0):
    """Grow an unbranched path of `length` µm; returns the list of new point ids."""
    n = max(2, int(round(length / step)))
    step = length / n
    ids = []
    pos = np.array(start, dtype=float)
    direction = _unit(np.array(direction, dtype=float))
    pid = parent
    for i in range(n + 1):
        if i > 0:
            direction = _perturb(direction, rng, wiggle)
            if pull is not None and pull_w > 0:
                direction = _unit(direction + pull_w * np.asarray(pull))
            pos = pos + step * direction
        frac = i / n
        diam = d0 + (d1 - d0) * frac
        pid = tree.add(typ, pos, diam / 2.0, pid)
        ids.append(pid)
    return ids, direction


def _branching(tree, typ, parent, start, direction, lengths, d0, taper, rng, angle,
               min_diam, pull=None, pull_w=0.0, wiggle=0.12):
    """Path of lengths[0], then bifurcate recursively over the remaining lengths."""
    ln = lengths[0] * rng.uniform(0.75, 1.25)
    d1 = max(min_diam, d0 * taper)
    ids, end_dir = _path(tree, typ, parent, start, direction, ln, d0, d1, rng, wiggle=wiggle,
                         pull=pull, pull_w=pull_w)
    if len(lengths) > 1:
        tip = tree.pos(ids[-1])
        child_d = max(min_diam, d1 * 0.8)
        base = _rotate_away(end_dir, 0.0, rng)
        for sign in (-1.0, 1.0):
            a = angle * rng.uniform(0.7, 1.3)
            cdir = _rotate_away(base, a, rng) if sign > 0 else _rotate_away(base, a * 0.9, rng)
            first = tip + 0.5 * cdir  # tiny offset so the child's first point is distinct
            _branching(tree, typ, ids[-1], first, cdir, lengths[1:], child_d, taper, rng, angle,
                       min_diam, pull=pull, pull_w=pull_w, wiggle=wiggle)
    return ids


def generate_l5(params, seed):
    """Procedural L5 pyramidal-like dendrites (no axon: the cell builder adds the AIS/axon stub).

    params: dict with soma_diam, n_basal, basal_levels, basal_len, basal_d0, trunk_len,
    trunk_d0, trunk_d1, n_oblique, oblique_len, oblique_d0, tuft_primary, tuft_levels, tuft_len,
    tuft_d0.
    """
    rng = np.random.default_rng(seed)
    t = Tree()
    r = params["soma_diam"] / 2.0
    c = t.add(SOMA, (0, 0, 0), r, -1)
    t.add(SOMA, (0, -r, 0), r, c)
    t.add(SOMA, (0, r, 0), r, c)

    # basal dendrites: downward / sideways
    nb = params["n_basal"]
    levels = params["basal_levels"]
    fr = np.array([1.0] + [1.3 ** k for k in range(1, levels + 1)])
    lengths = list(params["basal_len"] * fr / fr.sum())
    for k in range(nb):
        phi = 2 * math.pi * (k + rng.uniform(-0.3, 0.3)) / nb
        elev = rng.uniform(-1.1, 0.25)  # radians below/above horizontal
        d = np.array([math.cos(elev) * math.cos(phi), math.sin(elev), math.cos(elev) * math.sin(phi)])
        start = r * _unit(d)
        _branching(t, BASAL, c, start, d, lengths, params["basal_d0"] * rng.uniform(0.85, 1.15),
                   0.7, rng, angle=0.55, min_diam=0.45, pull=np.array([0, -1.0, 0]), pull_w=0.03)

    # apical trunk
    trunk_ids, _ = _path(t, APICAL, c, (0, r, 0), (0, 1, 0), params["trunk_len"],
                         params["trunk_d0"], params["trunk_d1"], rng, step=6.0, wiggle=0.04,
                         pull=np.array([0, 1.0, 0]), pull_w=0.15)
    # obliques attached to trunk points between 40 µm and 65% of the trunk
    n_obl = params["n_oblique"]
    if n_obl > 0:
        lo, hi = 40.0, 0.65 * params["trunk_len"]
        where = np.sort(rng.uniform(lo, hi, n_obl))
        step_len = params["trunk_len"] / (len(trunk_ids) - 1)
        used = set()
        for w in where:
            idx = int(round(w / step_len))
            while idx in used:
                idx += 1
            used.add(idx)
            pid = trunk_ids[min(idx, len(trunk_ids) - 2)]
            d = _rotate_away(np.array([0, 1.0, 0]), rng.uniform(0.8, 1.25), rng)
            start = t.pos(pid) + 0.5 * params["trunk_d0"] * d
            ln = params["oblique_len"]
            if rng.uniform() < 0.5:
                lens = [0.45 * ln, 0.55 * ln]
            else:
                lens = [ln]
            _branching(t, APICAL, pid, start, d, lens, params["oblique_d0"], 0.65, rng, angle=0.5,
                       min_diam=0.45, wiggle=0.1)
    # tuft from the main bifurcation
    top = trunk_ids[-1]
    tp = params["tuft_primary"]
    tl = params["tuft_levels"]
    fr = np.array([1.0] + [1.2 ** k for k in range(1, tl + 1)])
    lengths = list(params["tuft_len"] * fr / fr.sum())
    for k in range(tp):
        d = _rotate_away(np.array([0, 1.0, 0]), rng.uniform(0.35, 0.7), rng)
        start = t.pos(top) + 0.5 * d
        _branching(t, APICAL, top, start, d, lengths, params["tuft_d0"] * rng.uniform(0.9, 1.1), 0.7,
                   rng, angle=0.45, min_diam=0.4, pull=np.array([0, 1.0, 0]), pull_w=0.08)
    return t.rows


def read_swc(path):
    rows = []
    with open(path) as f:
        for line in f:
            s = line.strip()
            if not s or s.startswith("#"):
                continue
            p = s.split()
            rows.append((int(float(p[0])), int(float(p[1])), float(p[2]), float(p[3]), float(p[4]),
                         float(p[5]), int(float(p[6]))))
    return rows


def write_swc(path, rows, header_lines=()):
    with open(path, "w") as f:
        for line in header_lines:
            f.write("# %s\n" % line)
        for r in rows:
            f.write("%d %d %.4f %.4f %.4f %.4f %d\n" % r)
