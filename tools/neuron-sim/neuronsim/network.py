"""Synapse placement (fixed per variant) and presynaptic activity (drawn per trial)."""
import math
import zlib

import numpy as np

from . import params as P


def stable_key(text):
    return zlib.crc32(text.encode()) & 0x7FFFFFFF


def connectivity_rng(seed, variant_name):
    return np.random.default_rng(np.random.SeedSequence([int(seed), stable_key("conn"), stable_key(variant_name)]))


def trial_rng(seed, variant_name, condition_name, trial):
    """Randomness of one trial depends only on (seed, variant, condition, global trial index)."""
    return np.random.default_rng(np.random.SeedSequence(
        [int(seed), stable_key("trial"), stable_key(variant_name), stable_key(condition_name), int(trial)]))


def layer_of_depth(depth):
    for name, lo, hi in P.LAYERS:
        if lo <= depth < hi:
            return name
    return "L1" if depth < 0 else "L6"


def candidate_points(secs):
    """All synapse sites: (sec_id, pt_id, label, soma_distance, y, weight_length)."""
    out = []
    for k, s in enumerate(secs):
        if s.label not in ("Dendrite", "ApicalDendrite"):
            continue
        start = 1  # pt 0 is the parent point (or the soma surface for root sections)
        arc = s.arc
        n = len(arc)
        for i in range(start, n):
            lo = arc[i - 1] if i > start else arc[i]
            hi = arc[i + 1] if i + 1 < n else arc[i]
            wl = 0.5 * (hi - lo)
            if i == start and start == 1:
                wl += 0.5 * (arc[1] - arc[0])
            out.append((k, i, s.label, s.dist0 + arc[i], s.pts[i][1], wl))
    return out


class Network:
    """Fixed wiring of presynaptic cells onto the cell's dendrites."""

    def __init__(self, secs, seed, variant_name):
        rng = connectivity_rng(seed, variant_name)
        cand = candidate_points(secs)
        soma = secs[0]
        soma_area = math.pi * float(np.mean(soma.diams)) * soma.length
        ys = np.array([c[4] for c in cand])
        labels = np.array([c[2] for c in cand])
        soma_y = float(np.mean(soma.pts[:, 1]))
        apical_y = ys[labels == "ApicalDendrite"]
        pia_y = (apical_y.max() if apical_y.size else soma_y + 1000.0) + 30.0
        scale = P.SOMA_DEPTH / (pia_y - soma_y)
        depth = (pia_y - ys) * scale
        layer = np.array([layer_of_depth(d) for d in depth])
        wl = np.array([c[5] for c in cand])
        self.pia_y, self.depth_scale = pia_y, scale

        self.syn_type = []      # "<celltype>_<column>"
        self.syn_id = []        # index within syn_type
        self.syn_sec = []
        self.syn_pt = []
        self.syn_dist = []
        self.syn_label = []
        self.syn_exc = []
        self.syn_weight = []    # µS
        self.syn_cell = []      # global presynaptic cell index
        self.cell_type = []     # "<celltype>_<column>"
        self.cell_id = []       # index within its type
        self.cell_rate = []     # background rate (Hz)
        self.cell_pop = []      # celltype
        self.cell_col = []      # column
        n_soma_pts = len(soma.pts)
        for ctype in P.E_TYPES + P.I_TYPES:
            pop = P.POPULATIONS[ctype]
            exc = ctype in P.E_TYPES
            dens = np.array([pop["layers"].get(l, 0.0) for l in layer]) * wl
            soma_w = pop.get("soma", 0.0) * soma_area / 10.0
            weights = np.concatenate([dens, np.full(n_soma_pts, soma_w / n_soma_pts)])
            weights = weights / weights.sum()
            for col in P.COLUMNS:
                frac = pop["home"] if col == P.HOME else (1 - pop["home"]) / len(P.SURROUND)
                nsyn = int(round(pop["n"] * frac))
                if nsyn == 0:
                    continue
                ncell = max(1, int(round(nsyn / pop["spc"])))
                owner = np.concatenate([np.arange(ncell), rng.integers(0, ncell, nsyn - ncell)]) \
                    if nsyn > ncell else np.arange(nsyn)
                ncell = int(owner.max()) + 1
                owner = np.sort(owner)
                cell_base = len(self.cell_type)
                name = "%s_%s" % (ctype, col)
                for c in range(ncell):
                    self.cell_type.append(name)
                    self.cell_id.append(c)
                    self.cell_pop.append(ctype)
                    self.cell_col.append(col)
                    self.cell_rate.append(pop["bg"] * (P.GLOBAL["bg_e"] if exc else P.GLOBAL["bg_i"])
                                          * math.exp(rng.normal(-0.125, 0.5)))
                site = rng.choice(len(weights), size=nsyn, p=weights)
                w = pop["w"] * 1e-3 * (P.GLOBAL["w_e"] if exc else P.GLOBAL["w_i"]) * np.exp(rng.normal(-0.5 * P.SYNAPSE["weight_sigma"] ** 2,
                                                         P.SYNAPSE["weight_sigma"], nsyn))
                for j in range(nsyn):
                    s = site[j]
                    if s < len(cand):
                        sec, pt, lab, dist = cand[s][0], cand[s][1], cand[s][2], cand[s][3]
                    else:
                        sec, pt, lab, dist = 0, int(s - len(cand)), "Soma", 0.0
                    self.syn_type.append(name)
                    self.syn_id.append(j)
                    self.syn_sec.append(int(sec))
                    self.syn_pt.append(int(pt))
                    self.syn_dist.append(float(dist))
                    self.syn_label.append(lab)
                    self.syn_exc.append(exc)
                    self.syn_weight.append(float(w[j]))
                    self.syn_cell.append(cell_base + int(owner[j]))
        self.syn_cell = np.array(self.syn_cell)
        self.syn_exc = np.array(self.syn_exc)
        self.cell_rate = np.array(self.cell_rate)
        self.cell_exc = np.array([p in P.E_TYPES for p in self.cell_pop])
        self.n_cells = len(self.cell_type)
        self.n_syn = len(self.syn_type)
        # synapses of each cell
        order = np.argsort(self.syn_cell, kind="stable")
        bounds = np.searchsorted(self.syn_cell[order], np.arange(self.n_cells + 1))
        self.cell_syns = [order[bounds[c]:bounds[c + 1]] for c in range(self.n_cells)]
        self.syn_prel = np.array([P.POPULATIONS[t.split("_")[0]]["prel"] for t in self.syn_type])

    def summary(self):
        out = {}
        for t, e in zip(self.syn_type, self.syn_exc):
            ct = t.split("_")[0]
            out.setdefault(ct, 0)
            out[ct] += 1
        return dict(n_synapses=self.n_syn, n_excitatory=int(self.syn_exc.sum()),
                    n_inhibitory=int((~self.syn_exc).sum()), n_presynaptic_cells=self.n_cells,
                    synapses_per_type=out)

    # ------------------------------------------------------------------------------------
    def draw_trial(self, rng, condition, tstop):
        """Presynaptic spike trains (list of sorted arrays per cell) and synapse activations."""
        stim = condition["stim_time"]
        strength = condition["strength"]
        whisker = condition["whisker"]
        sg = P.TRIAL_GAIN_SIGMA
        g_bg = math.exp(rng.normal(-0.5 * sg["bg"] ** 2, sg["bg"]))
        g_ev = math.exp(rng.normal(-0.5 * sg["evoked"] ** 2, sg["evoked"]))
        T = tstop / 1000.0
        # background: homogeneous Poisson, thinned during the post-response suppression
        counts = rng.poisson(self.cell_rate * g_bg * T)
        times = rng.uniform(0.0, tstop, counts.sum())
        owner = np.repeat(np.arange(self.n_cells), counts)
        ps = P.POST_SUPPRESSION
        if whisker is not None and strength > 0:
            inwin = (times >= stim + ps["start"]) & (times < stim + ps["end"]) & self.cell_exc[owner]
            keep = ~inwin | (rng.uniform(size=times.size) < ps["factor"])
            times, owner = times[keep], owner[keep]
        ev_t, ev_o = [], []
        if whisker is not None and strength > 0:
            u = rng.uniform(size=self.n_cells)
            u2 = rng.uniform(size=self.n_cells)
            u3 = rng.uniform(size=self.n_cells)
            g1 = rng.standard_gamma(1.0, size=self.n_cells)
            for c in range(self.n_cells):
                ct = self.cell_pop[c]
                pop = P.POPULATIONS[ct]
                d = P.column_distance(self.cell_col[c], whisker)
                gains = P.VPM_COLUMN_GAIN if ct == "VPM" else P.COLUMN_GAIN
                gain = gains.get(d, 0.0)
                pscale = P.GLOBAL["p_ev_e"] if ct in P.E_TYPES else P.GLOBAL["p_ev_i"]
                p = min(1.0, pop["p"] * pscale * gain * strength * g_ev)
                if u[c] >= p:
                    continue
                mean = pop["lat"] - pop["onset"]
                k = (mean / pop["sd"]) ** 2
                theta = pop["sd"] ** 2 / mean
                lat = pop["onset"] + theta * rng.standard_gamma(k)
                lat += P.COLUMN_DELAY.get(d, 4.0) + P.WEAK_DELAY * (1.0 - min(strength, 1.0))
                ev_t.append(stim + lat); ev_o.append(c)
                if u2[c] < pop["extra"]:
                    ev_t.append(stim + lat + 2.5 + 3.0 * g1[c]); ev_o.append(c)
            # late (feedback) spikes of interneurons, spread over the cortical response
            for c in range(self.n_cells):
                pop = P.POPULATIONS[self.cell_pop[c]]
                pl = pop.get("p_late", 0.0)
                if pl <= 0:
                    continue
                d = P.column_distance(self.cell_col[c], whisker)
                p = min(1.0, pl * P.COLUMN_GAIN.get(d, 0.0) * strength * g_ev)
                if u3[c] < p:
                    mean, sd = pop["lat_late"], pop["sd_late"]
                    k = (mean / sd) ** 2
                    lat = (sd ** 2 / mean) * rng.standard_gamma(k)
                    lat += P.COLUMN_DELAY.get(d, 4.0) + P.WEAK_DELAY * (1.0 - min(strength, 1.0))
                    ev_t.append(stim + lat); ev_o.append(c)
        if ev_t:
            times = np.concatenate([times, np.array(ev_t)])
            owner = np.concatenate([owner, np.array(ev_o, dtype=int)])
        times = np.round(times, 4)
        keep = (times >= 0) & (times < tstop)
        times, owner = times[keep], owner[keep]
        order = np.lexsort((times, owner))
        times, owner = times[order], owner[order]
        bounds = np.searchsorted(owner, np.arange(self.n_cells + 1))
        cell_spikes = [times[bounds[c]:bounds[c + 1]] for c in range(self.n_cells)]
        # release: each synapse transmits each spike of its cell with probability prel
        act = [None] * self.n_syn
        for c in range(self.n_cells):
            st = cell_spikes[c]
            if st.size == 0:
                continue
            syns = self.cell_syns[c]
            r = rng.uniform(size=(syns.size, st.size))
            for j, s in enumerate(syns):
                m = r[j] < self.syn_prel[s]
                if m.any():
                    act[s] = st[m]
        return cell_spikes, act, dict(g_bg=g_bg, g_ev=g_ev)
