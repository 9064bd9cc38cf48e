"""Build a NEURON cell from SWC rows, set its biophysics, export it back as SWC.

Section IDs: 0 is the soma, then the dendritic sections in depth-first order of the SWC
(children visited in SWC id order), then the AIS and the axon stub. Each non-root section's
3D point list starts with its parent's last point (as NEURON's Import3d does), so a
synapse's "section pt ID" is an index into the section's pt3d list.

Soma distance = path length along the dendrite from the point where the dendrite leaves the
soma (its first SWC point) — the soma itself and root points have distance 0.
"""
import math
from collections import defaultdict

import numpy as np

from .morphology import SOMA, AXON, BASAL, APICAL

LABELS = {BASAL: "Dendrite", APICAL: "ApicalDendrite"}
AIS_LEN, AXON_LEN = 40.0, 160.0


class Section:
    """Geometry-only description of one section (NEURON objects are attached later)."""

    def __init__(self, label, parent, pts, diams, swc_ids):
        self.label = label
        self.parent = parent  # index of parent section, -1 for soma
        self.pts = np.asarray(pts, dtype=float)
        self.diams = np.asarray(diams, dtype=float)
        self.swc_ids = list(swc_ids)  # SWC id of each point (None for generated axon points)
        seg = np.linalg.norm(np.diff(self.pts, axis=0), axis=1)
        self.arc = np.concatenate([[0.0], np.cumsum(seg)])
        self.length = float(self.arc[-1])
        self.dist0 = 0.0  # path distance from the soma at the first point


def _soma_points(rows_by_id, soma_ids, children):
    """Return (pts, diams, swc_ids, center, radius) for the soma section."""
    P = {i: np.array(rows_by_id[i][2:5]) for i in soma_ids}
    R = {i: rows_by_id[i][5] for i in soma_ids}
    if len(soma_ids) == 1:
        i = soma_ids[0]
        c, r = P[i], R[i]
        off = np.array([0, r, 0])
        return [c - off, c, c + off], [2 * r] * 3, [i, i, i], c, r
    first = soma_ids[0]
    if len(soma_ids) == 3 and all(rows_by_id[i][6] == first for i in soma_ids[1:]):
        a, b = soma_ids[1], soma_ids[2]
        c, r = P[first], R[first]
        return [P[a], c, P[b]], [2 * r] * 3, [a, first, b], c, r
    chain = all(rows_by_id[soma_ids[k]][6] == soma_ids[k - 1] for k in range(1, len(soma_ids)))
    pts = np.array([P[i] for i in soma_ids])
    c = pts.mean(axis=0)
    if chain:
        diams = [2 * R[i] for i in soma_ids]
        r = float(np.mean(diams)) / 2
        return list(pts), diams, list(soma_ids), c, r
    r = float(np.mean(np.linalg.norm(pts - c, axis=1)))
    off = np.array([0, r, 0])
    return [c - off, c, c + off], [2 * r] * 3, [first] * 3, c, r


def sections_from_swc(rows):
    """Split SWC rows into unbranched sections. Axon points (type 2) are replaced by a stub."""
    rows_by_id = {r[0]: r for r in rows}
    children = defaultdict(list)
    for r in rows:
        children[r[6]].append(r[0])
    for k in children:
        children[k].sort()
    soma_ids = sorted(r[0] for r in rows if r[1] == SOMA)
    if not soma_ids:
        raise ValueError("SWC has no soma (type 1) points")
    dend = [r for r in rows if r[1] in (BASAL, APICAL)]
    if not dend:
        raise ValueError("SWC has no basal (3) or apical (4) dendrite points; typed SWC required")
    soma_set = set(soma_ids)
    spts, sdiams, sids, center, radius = _soma_points(rows_by_id, soma_ids, children)
    secs = [Section("Soma", -1, spts, sdiams, sids)]

    def is_dend(i):
        return rows_by_id[i][1] in (BASAL, APICAL)

    # roots: dendritic points whose parent is not dendritic (soma, axon, or none)
    roots = [r[0] for r in rows if r[1] in (BASAL, APICAL) and
             (r[6] not in rows_by_id or not is_dend(r[6]))]
    roots.sort()
    stack = [(i, 0, None) for i in reversed(roots)]  # (first point id, parent sec, prepend id)
    while stack:
        first, psec, prepend = stack.pop()
        ids = [first]
        while True:
            kids = [k for k in children.get(ids[-1], []) if is_dend(k)]
            if len(kids) == 1:
                ids.append(kids[0])
            else:
                break
        typ = rows_by_id[first][1]
        pids = ([prepend] if prepend is not None else []) + ids
        pts = [rows_by_id[i][2:5] for i in pids]
        diams = [2 * rows_by_id[i][5] for i in pids]
        if prepend is not None:
            diams[0] = diams[1]  # the branch point takes the child's diameter
        if len(pts) == 1:  # single-point root: extend outward by 1 µm
            p = np.array(pts[0]); d = p - center
            d = d / (np.linalg.norm(d) or 1.0)
            pts = [p, p + d]; diams = diams * 2; pids = pids * 2
        secs.append(Section(LABELS[typ], psec, pts, diams, pids))
        me = len(secs) - 1
        kids = [k for k in children.get(ids[-1], []) if is_dend(k)]
        for k in reversed(kids):
            stack.append((k, me, ids[-1]))
    # axon stub along -y from the soma bottom
    bottom = center - np.array([0, radius, 0])
    n = int(AIS_LEN / 5)
    ais_pts = [bottom - np.array([0, 5.0 * k, 0]) for k in range(n + 1)]
    ais_d = list(np.linspace(1.6, 1.1, n + 1))
    secs.append(Section("AIS", 0, ais_pts, ais_d, [None] * (n + 1)))
    n2 = int(AXON_LEN / 10)
    ax_pts = [ais_pts[-1] - np.array([0, 10.0 * k, 0]) for k in range(n2 + 1)]
    secs.append(Section("Axon", len(secs) - 1, ax_pts, [1.0] * (n2 + 1), [None] * (n2 + 1)))
    # path distances
    for s in secs[1:]:
        if s.label == "Axon":
            s.dist0 = secs[s.parent].dist0 + secs[s.parent].length
        elif s.parent > 0:
            s.dist0 = secs[s.parent].dist0 + secs[s.parent].length
    return secs, center, radius


def export_swc(secs):
    """SWC rows for the built cell (3-point soma + every section's own points)."""
    rows = []
    soma = secs[0]
    c = soma.pts.mean(axis=0) if len(soma.pts) != 3 else soma.pts[1]
    r = float(np.mean(soma.diams)) / 2
    rows.append((1, SOMA, c[0], c[1], c[2], r, -1))
    rows.append((2, SOMA, c[0], c[1] - r, c[2], r, 1))
    rows.append((3, SOMA, c[0], c[1] + r, c[2], r, 1))
    last_id = {0: 1}
    point_ids = {0: [2, 1, 3] if len(soma.pts) == 3 else [1] * len(soma.pts)}
    typ_of = {"Dendrite": BASAL, "ApicalDendrite": APICAL, "AIS": AXON, "Axon": AXON}
    for k, s in enumerate(secs[1:], start=1):
        typ = typ_of[s.label]
        own = range(1, len(s.pts)) if s.parent > 0 else range(len(s.pts))
        parent_id = last_id[s.parent] if s.parent >= 0 else 1
        ids = [last_id[s.parent]] if s.parent > 0 else []
        for i in own:
            nid = len(rows) + 1
            p = s.pts[i]
            rows.append((nid, typ, p[0], p[1], p[2], s.diams[i] / 2, parent_id))
            parent_id = nid
            ids.append(nid)
        last_id[k] = parent_id
        point_ids[k] = ids
    return rows, point_ids


def nexus_distance(secs):
    """Distance of the apical main bifurcation: follow the apical child with the largest
    subtree until the two largest child subtrees are both substantial."""
    kids = defaultdict(list)
    for i, s in enumerate(secs):
        if s.parent >= 0:
            kids[s.parent].append(i)
    sub = {}
    for i in reversed(range(len(secs))):
        sub[i] = secs[i].length + sum(sub[k] for k in kids[i])
    ap_roots = [i for i in kids[0] if secs[i].label == "ApicalDendrite"]
    if not ap_roots:
        return None
    cur = max(ap_roots, key=lambda i: sub[i])
    while kids[cur]:
        ch = sorted(kids[cur], key=lambda i: -sub[i])
        if len(ch) >= 2 and sub[ch[1]] > 0.3 * sub[ch[0]] and sub[ch[1]] > 150:
            break
        cur = ch[0]
    return secs[cur].dist0 + secs[cur].length


class NeuronCell:
    """The NEURON instantiation: sections, biophysics, shared synaptic point processes."""

    def __init__(self, secs, bio, h):
        self.h = h
        self.secs = secs
        self.bio = bio
        self.nrn = []
        for k, s in enumerate(secs):
            sec = h.Section(name="sec%d" % k)
            for p, d in zip(s.pts, s.diams):
                h.pt3dadd(float(p[0]), float(p[1]), float(p[2]), float(d), sec=sec)
            self.nrn.append(sec)
        for k, s in enumerate(secs):
            if s.parent >= 0:
                px = 1.0 if s.parent > 0 else 0.5
                if s.label in ("AIS",):
                    px = 0.0
                self.nrn[k].connect(self.nrn[s.parent](px), 0)
        self.nexus = nexus_distance(secs)
        self.max_apical = max([s.dist0 + s.length for s in secs if s.label == "ApicalDendrite"] or [1.0])
        self._biophysics()
        self.nseg_total = sum(sec.nseg for sec in self.nrn)

    def _biophysics(self):
        h, b = self.h, self.bio
        for s, sec in zip(self.secs, self.nrn):
            dend = s.label in ("Dendrite", "ApicalDendrite")
            sec.Ra = b["Ra"]
            sec.insert("pas")
            sec.cm = 1.0
            # spine correction beyond 60 µm on dendrites, set per segment below
            if dend:
                cm_for_nseg = b["spine_factor"]
            else:
                cm_for_nseg = 1.0
            lam = 1e5 * math.sqrt(max(np.mean(s.diams), 0.2) / (4 * math.pi * 100.0 * b["Ra"] * cm_for_nseg))
            nseg = int((s.length / (b["d_lambda"] * lam) + 0.9) / 2) * 2 + 1
            if s.label == "AIS":
                nseg = 5
            elif s.label == "Axon":
                nseg = 5
            elif s.label == "Soma":
                nseg = 1
            sec.nseg = max(1, nseg)
            if s.label in ("Soma", "AIS", "Axon"):
                sec.insert("nak")
                sec.insert("hcn")
                sec.ena, sec.ek = 50.0, -90.0
                if s.label == "Soma":
                    sec.insert("kslow")
                    sec.insert("kahp")
                for seg in sec:
                    seg.g_pas = 1.0 / b["Rm_soma"]
                    seg.e_pas = b["e_pas"]
                    seg.hcn.gbar = b["gh_soma"] if s.label == "Soma" else 0.0
                    if s.label == "Soma":
                        seg.nak.gnabar, seg.nak.gkbar = b["gna_soma"], b["gk_soma"]
                        seg.nak.vtraub = b["vtraub"]
                        seg.kslow.gbar = b["gkm_soma"]
                        seg.kahp.gbar = b["gahp_soma"]
                    elif s.label == "AIS":
                        seg.nak.gnabar, seg.nak.gkbar = b["gna_ais"], b["gk_ais"]
                        seg.nak.vtraub = b["vtraub"] + b["ais_shift"]
                    else:
                        seg.nak.gnabar, seg.nak.gkbar = b["gna_axon"], b["gk_axon"]
                        seg.nak.vtraub = b["vtraub"]
                continue
            sec.insert("hcn")
            apical = s.label == "ApicalDendrite"
            zone = apical and self.nexus is not None and b["gca_zone"] > 0
            if zone:
                sec.insert("cahz")
                sec.insert("kslow")
            if apical and b["gna_apical"] > 0:
                sec.insert("nak")
                sec.ena, sec.ek = 50.0, -90.0
            for seg in sec:
                d = s.dist0 + seg.x * s.length
                f = b["spine_factor"] if d > 60.0 else 1.0
                seg.cm = f
                seg.g_pas = f / b["Rm_dend"]
                seg.e_pas = b["e_pas"]
                if apical:
                    lam_h = self.max_apical / math.log(b["gh_fold"])
                    seg.hcn.gbar = b["gh_soma"] * math.exp(min(d, self.max_apical) / lam_h)
                else:
                    seg.hcn.gbar = b["gh_soma"]
                if zone:
                    inz = (self.nexus - 100.0) <= d <= (self.nexus + 150.0)
                    seg.cahz.gbar = b["gca_zone"] if inz else 0.0
                    seg.kslow.gbar = b["gks_zone"] if inz else 0.0
                if apical and b["gna_apical"] > 0:
                    seg.nak.gnabar = b["gna_apical"] * math.exp(-d / 350.0)
                    seg.nak.gkbar = 0.5 * seg.nak.gnabar
                    seg.nak.vtraub = b["vtraub"]

    def segment_of(self, sec_id, pt_id):
        s = self.secs[sec_id]
        x = s.arc[pt_id] / s.length if s.length > 0 else 0.5
        return self.nrn[sec_id](min(max(x, 0.0), 1.0))
