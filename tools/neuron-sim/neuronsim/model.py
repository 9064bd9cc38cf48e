"""One simulated cell: geometry + biophysics + synapses, and the per-trial run."""
import os

os.environ.setdefault("NEURON_MODULE_OPTIONS", "-nogui")

import numpy as np

from . import mechanisms
from . import params as P
from .cell import NeuronCell, sections_from_swc, export_swc
from .morphology import generate_l5, read_swc
from .network import Network, trial_rng, stable_key

DT = 0.025


def variant_rows(variant, seed, swc=None):
    if swc:
        return read_swc(swc)
    return generate_l5(variant["morphology"], [int(seed), stable_key("morph"), stable_key(variant["name"])])


class Model:
    def __init__(self, variant_name, seed, swc=None, tstop=350.0):
        mechanisms.load()
        from neuron import h
        h.load_file("stdrun.hoc")
        self.h = h
        self.variant = P.variant_params(variant_name)
        self.seed = seed
        self.swc = swc
        rows = variant_rows(self.variant, seed, swc)
        self.secs, self.soma_center, self.soma_radius = sections_from_swc(rows)
        self.cell = NeuronCell(self.secs, self.variant["biophysics"], h)
        net_key = variant_name if not swc else variant_name + ":" + os.path.basename(swc)
        self.net = Network(self.secs, seed, net_key)
        self._synapses()
        h.dt = DT
        h.cvode_active(0)
        h.cvode.cache_efficient(1)
        self.pc = h.ParallelContext()
        self.pc.set_maxstep(10)
        h.celsius = 34.0  # own mechanisms are temperature-independent
        self.vrec = h.Vector()
        self.vrec.record(self.cell.nrn[0](0.5)._ref_v)
        self._steady_state()

    def _synapses(self):
        """One SynEI point process per segment that carries synapses; one NetCon per synapse."""
        h, S = self.h, P.SYNAPSE
        self.pp = {}
        self.netcons = []
        for s in range(self.net.n_syn):
            sec, pt = self.net.syn_sec[s], self.net.syn_pt[s]
            seg = self.cell.segment_of(sec, pt)
            nseg = self.cell.nrn[sec].nseg
            idx = min(int(seg.x * nseg), nseg - 1)
            key = (sec, idx)
            pp = self.pp.get(key)
            if pp is None:
                pp = h.SynEI(self.cell.nrn[sec]((idx + 0.5) / nseg))
                pp.tau1a, pp.tau2a = S["ampa_tau1"], S["ampa_tau2"]
                pp.tau1n, pp.tau2n = S["nmda_tau1"], S["nmda_tau2"]
                pp.tau1g, pp.tau2g = S["gaba_tau1"], S["gaba_tau2"]
                pp.ratio, pp.mg, pp.egaba = S["nmda_ratio"], S["mg"], S["gaba_e"]
                self.pp[key] = pp
            nc = h.NetCon(None, pp)
            w = self.net.syn_weight[s]
            nc.weight[0] = w if self.net.syn_exc[s] else -w  # SynEI: negative weight = GABA
            nc.delay = 0
            self.netcons.append(nc)

    def _steady_state(self):
        """Relax to rest without input once and remember every segment's voltage. Each trial
        then starts from these voltages (set by an FInitializeHandler before the INITIAL blocks,
        so every gate starts at its steady state), i.e. from the resting state."""
        h = self.h
        self.v_ss = None
        h.finitialize(self.variant["biophysics"]["e_pas"])
        h.dt = 0.5
        h.continuerun(1500.0)
        h.dt = DT
        self.v_ss = [(seg, seg.v) for sec in self.cell.nrn for seg in sec]
        self.v_rest = self.cell.nrn[0](0.5).v
        self._fih = h.FInitializeHandler(0, self._set_rest)

    def _set_rest(self):
        if self.v_ss is not None:
            for seg, v in self.v_ss:
                seg.v = v

    def run_trial(self, condition_name, condition, trial, tstop, intervention=None):
        """One trial. With an `intervention` (neuronsim.interventions), the same presynaptic activity
        (same per-trial seed) is drawn and then changed; without one, nothing differs."""
        h = self.h
        rng = trial_rng(self.seed, self.variant["name"] if not self.swc else
                        self.variant["name"] + ":" + os.path.basename(self.swc), condition_name, trial)
        cell_spikes, act, gains = self.net.draw_trial(rng, condition, tstop)
        scaled = []
        if intervention is not None:
            from .interventions import apply_to_activations, selected, synapse_attributes
            if getattr(self, "_syn_attrs", None) is None:
                self._syn_attrs = synapse_attributes(self.net)
            mask = selected(self._syn_attrs, intervention["select"])
            act = apply_to_activations(intervention, mask, act, tstop)
            if intervention["op"] == "scale":
                scaled = [(self.netcons[s], self.netcons[s].weight[0]) for s in np.nonzero(mask)[0]]
                for nc, w in scaled:
                    nc.weight[0] = w * intervention["factor"]
        h.dt = DT
        h.finitialize(self.v_rest)
        for s, ts in enumerate(act):
            if ts is not None:
                nc = self.netcons[s]
                for t in ts:
                    nc.event(float(t))
        try:
            self.pc.psolve(tstop)
        finally:
            for nc, w in scaled:
                nc.weight[0] = w
        v = self.vrec.as_numpy().copy()
        n = int(round(tstop / DT)) + 1
        v = v[:n]
        return dict(v=v, cell_spikes=cell_spikes, act=act, spikes=detect_spikes(v, DT), gains=gains)

    def destroy(self):
        """Free every NEURON object of this model (so a worker can build another variant)."""
        h = self.h
        self._fih = None
        self.v_ss = None
        self.netcons = []
        self.pp = {}
        self.vrec = None
        for sec in self.cell.nrn:
            h.delete_section(sec=sec)
        self.cell.nrn = []

    def swc_rows(self):
        return export_swc(self.secs)

    def description(self):
        d = dict(self.variant)
        d["swc_source"] = os.path.abspath(self.swc) if self.swc else None
        d["n_sections"] = len(self.secs)
        d["n_segments"] = int(self.cell.nseg_total)
        d["n_point_processes"] = len(self.pp)
        d["nexus_distance_um"] = self.cell.nexus
        d["max_apical_distance_um"] = self.cell.max_apical
        d["total_dendritic_length_um"] = float(sum(s.length for s in self.secs
                                                   if s.label in ("Dendrite", "ApicalDendrite")))
        d["resting_potential_mV"] = float(self.v_rest)
        d["network"] = self.net.summary()
        d["synapse"] = P.SYNAPSE
        d["dt_ms"] = DT
        return d


def detect_spikes(v, dt, thr=0.0):
    """Upward crossings of `thr`, linearly interpolated between samples (times in ms)."""
    i = np.nonzero((v[:-1] < thr) & (v[1:] >= thr))[0]
    frac = (thr - v[i]) / (v[i + 1] - v[i])
    return (i + frac) * dt
