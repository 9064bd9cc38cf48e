"""Parameter tables: the seven cell variants, presynaptic populations, conditions."""

# ----------------------------------------------------------------------------------------
# Cell variants. Morphology (µm) and biophysics (Ra Ω·cm, Rm Ω·cm², g S/cm²).
# ----------------------------------------------------------------------------------------
BASE_BIO = dict(
    Ra=100.0, Rm_soma=15000.0, Rm_dend=15000.0, e_pas=-70.0, spine_factor=2.0, d_lambda=0.5,
    gna_soma=0.05, gk_soma=0.05, gkm_soma=0.001, gahp_soma=0.01, vtraub=-56.0, ais_shift=-5.0,
    gna_ais=0.5, gk_ais=0.4, gna_axon=0.1, gk_axon=0.05,
    gh_soma=0.00003, gh_fold=12.0, gca_zone=0.002, gks_zone=0.0015, gna_apical=0.0,
)

BASE_MORPH = dict(
    soma_diam=22.0, n_basal=6, basal_levels=2, basal_len=220.0, basal_d0=1.4,
    trunk_len=800.0, trunk_d0=3.2, trunk_d1=1.8, n_oblique=8, oblique_len=170.0, oblique_d0=0.9,
    tuft_primary=3, tuft_levels=2, tuft_len=320.0, tuft_d0=1.3,
)

VARIANTS = [
    ("v1", "reference: 6 basal, 800 µm trunk, 3-branch tuft, moderate Ih and Ca zone", {}, {}),
    ("v2", "tall: 1000 µm trunk, long tuft, 7 basal, high Rm",
     dict(trunk_len=1000.0, tuft_len=380.0, n_basal=7, n_oblique=10, trunk_d0=3.6),
     dict(Rm_dend=20000.0, Rm_soma=20000.0, vtraub=-57.0)),
    ("v3", "compact: 600 µm trunk, short basal, few obliques, thin dendrites, high Ra",
     dict(trunk_len=600.0, tuft_len=250.0, basal_len=180.0, n_oblique=5, basal_d0=1.1,
          trunk_d0=2.6, trunk_d1=1.4, soma_diam=18.0),
     dict(Ra=140.0, gh_soma=0.00002, gh_fold=8.0, vtraub=-52.0)),
    ("v4", "thick trunk, strong Ca hot zone, weak apical Na",
     dict(trunk_d0=4.2, trunk_d1=2.4, tuft_d0=1.6, tuft_primary=4, tuft_levels=1),
     dict(gca_zone=0.006, gks_zone=0.004, gna_apical=0.012, Ra=80.0, vtraub=-60.0)),
    ("v5", "leaky, high Ih: low Rm, 15-fold apical Ih gradient",
     dict(n_basal=5, basal_levels=3, basal_len=250.0),
     dict(Rm_dend=9000.0, Rm_soma=10000.0, gh_soma=0.00008, gh_fold=15.0, e_pas=-72.0, vtraub=-61.0)),
    ("v6", "bushy basal: 9 thin basal trees, 2-branch tuft, high Ra",
     dict(n_basal=9, basal_levels=2, basal_d0=1.0, basal_len=210.0, tuft_primary=2),
     dict(Ra=150.0, gna_soma=0.06, vtraub=-57.0)),
    ("v7", "sparse apical: few obliques, 2 unbranched-ish tuft branches, no Ca zone",
     dict(n_oblique=3, tuft_primary=2, tuft_levels=1, tuft_len=280.0, trunk_len=900.0,
          trunk_d1=1.6),
     dict(gca_zone=0.0, gks_zone=0.0, gna_ais=0.6, gk_ais=0.48, Rm_dend=18000.0, vtraub=-52.0)),
]


def variant_params(name):
    for i, (n, desc, morph, bio) in enumerate(VARIANTS):
        if n == name:
            m = dict(BASE_MORPH); m.update(morph)
            b = dict(BASE_BIO); b.update(bio)
            return dict(name=n, index=i, description=desc, morphology=m, biophysics=b)
    raise KeyError("unknown variant %r (known: %s)" % (name, ", ".join(v[0] for v in VARIANTS)))


# ----------------------------------------------------------------------------------------
# Synaptic parameters (shared by all variants)
# ----------------------------------------------------------------------------------------
SYNAPSE = dict(
    ampa_tau1=0.2, ampa_tau2=2.0, nmda_tau1=2.0, nmda_tau2=50.0, nmda_ratio=0.5, mg=1.0,
    gaba_tau1=0.5, gaba_tau2=8.0, gaba_e=-80.0,
    weight_sigma=0.35,  # lognormal spread of per-synapse weights
)

# Layers by depth below the pia. The cell's pia is 30 µm above its highest apical point and
# depths are rescaled so that the soma sits at 1150 µm (L5B), which keeps each population's
# layer targeting meaningful for short and tall cells alike.
SOMA_DEPTH = 1150.0
LAYERS = [("L1", 0, 150), ("L2", 150, 350), ("L3", 350, 580), ("L4", 580, 880),
          ("L5A", 880, 1070), ("L5B", 1070, 1450), ("L6", 1450, 5000)]

E_TYPES = ["L2", "L34", "L4py", "L4sp", "L4ss", "L5st", "L5tt", "L6cc", "L6ccinv", "L6ct", "VPM"]
I_TYPES = ["SymLocal1", "SymLocal2", "SymLocal3", "SymLocal4", "SymLocal5", "L45Sym", "L45Peak",
           "L1", "L23Trans", "L56Trans"]

# Presynaptic cell types. n: synapses onto the cell (all columns); home: fraction from the home
# column C2 (the rest from the four neighbours B2, D2, C1, C3); spc: mean synapses per
# presynaptic cell; bg: mean background rate (Hz); w: mean AMPA (or GABA) peak conductance (nS);
# p: probability that a principal-column cell responds to a principal-whisker deflection;
# lat/sd/onset: response latency (ms after the stimulus, shifted gamma); extra: probability of
# a second evoked spike; prel: release probability per presynaptic spike; layers: relative
# innervation density per µm of dendrite in each layer; soma: density on the soma (per 10 µm²
# equivalent), only for perisomatic interneurons.
POPULATIONS = {
    # excitatory
    "VPM":     dict(n=260, home=0.9, spc=3.0, bg=2.0, w=0.9, p=0.75, lat=9.0, sd=1.4, onset=6.0, extra=0.35, prel=0.7,
                    layers=dict(L3=0.1, L4=1.0, L5A=0.4, L5B=0.5, L6=0.5)),
    "L4ss":    dict(n=340, home=0.85, spc=2.0, bg=0.5, w=0.6, p=0.55, lat=12.5, sd=2.5, onset=8.0, extra=0.15, prel=0.6,
                    layers=dict(L3=0.3, L4=1.0, L5A=0.5, L5B=0.2)),
    "L4sp":    dict(n=150, home=0.8, spc=2.0, bg=0.5, w=0.6, p=0.45, lat=13.5, sd=3.0, onset=8.5, extra=0.1, prel=0.6,
                    layers=dict(L2=0.4, L3=0.6, L4=1.0, L5A=0.3)),
    "L4py":    dict(n=80, home=0.8, spc=1.5, bg=0.8, w=0.6, p=0.4, lat=14.0, sd=3.0, onset=8.5, extra=0.1, prel=0.6,
                    layers=dict(L2=0.5, L3=0.8, L4=1.0, L5A=0.3)),
    "L2":      dict(n=300, home=0.6, spc=1.5, bg=0.5, w=0.5, p=0.2, lat=20.0, sd=8.0, onset=10.0, extra=0.05, prel=0.6,
                    layers=dict(L1=0.4, L2=1.0, L3=0.5, L5A=0.3, L5B=0.3)),
    "L34":     dict(n=340, home=0.6, spc=1.5, bg=0.8, w=0.5, p=0.3, lat=18.0, sd=7.0, onset=9.5, extra=0.05, prel=0.6,
                    layers=dict(L2=0.6, L3=1.0, L4=0.3, L5A=0.5, L5B=0.4)),
    "L5st":    dict(n=400, home=0.6, spc=1.5, bg=2.0, w=0.5, p=0.2, lat=20.0, sd=9.0, onset=9.0, extra=0.1, prel=0.6,
                    layers=dict(L1=0.3, L2=0.4, L3=0.4, L5A=1.0, L5B=0.8)),
    "L5tt":    dict(n=400, home=0.6, spc=1.5, bg=3.0, w=0.5, p=0.4, lat=17.0, sd=7.0, onset=9.5, extra=0.25, prel=0.6,
                    layers=dict(L1=0.1, L5A=0.7, L5B=1.0, L6=0.3)),
    "L6cc":    dict(n=250, home=0.5, spc=1.5, bg=1.0, w=0.5, p=0.3, lat=15.0, sd=6.0, onset=8.5, extra=0.05, prel=0.6,
                    layers=dict(L4=0.2, L5A=0.3, L5B=0.7, L6=1.0)),
    "L6ccinv": dict(n=80, home=0.5, spc=1.5, bg=1.0, w=0.5, p=0.1, lat=18.0, sd=8.0, onset=9.0, extra=0.0, prel=0.6,
                    layers=dict(L5B=0.6, L6=1.0)),
    "L6ct":    dict(n=80, home=0.7, spc=1.5, bg=0.5, w=0.5, p=0.1, lat=20.0, sd=8.0, onset=10.0, extra=0.0, prel=0.6,
                    layers=dict(L4=1.0, L5B=0.2, L6=0.5)),
    # inhibitory
    "SymLocal1": dict(p_late=0.45, lat_late=28.0, sd_late=11.0, n=90, home=0.85, spc=4.0, bg=6.0, w=1.0, p=0.55, lat=11.0, sd=2.5, onset=7.0, extra=0.3, prel=0.8,
                      layers=dict(L5A=0.5, L5B=1.0, L6=0.3), soma=3.0),
    "SymLocal2": dict(p_late=0.45, lat_late=28.0, sd_late=11.0, n=40, home=0.85, spc=4.0, bg=6.0, w=1.0, p=0.5, lat=11.5, sd=2.5, onset=7.0, extra=0.3, prel=0.8,
                      layers=dict(L5A=0.5, L5B=1.0), soma=3.0),
    "SymLocal3": dict(p_late=0.45, lat_late=28.0, sd_late=11.0, n=120, home=0.85, spc=4.0, bg=6.0, w=1.0, p=0.55, lat=11.0, sd=2.5, onset=7.0, extra=0.3, prel=0.8,
                      layers=dict(L4=0.3, L5A=0.8, L5B=1.0), soma=1.0),
    "SymLocal4": dict(p_late=0.45, lat_late=28.0, sd_late=11.0, n=120, home=0.85, spc=4.0, bg=6.0, w=1.0, p=0.5, lat=11.5, sd=2.5, onset=7.0, extra=0.3, prel=0.8,
                      layers=dict(L5A=0.6, L5B=1.0, L6=0.4), soma=1.0),
    "SymLocal5": dict(p_late=0.45, lat_late=28.0, sd_late=11.0, n=20, home=0.85, spc=4.0, bg=6.0, w=1.0, p=0.5, lat=12.0, sd=3.0, onset=7.0, extra=0.2, prel=0.8,
                      layers=dict(L5B=1.0, L6=0.6)),
    "L45Sym":  dict(p_late=0.45, lat_late=28.0, sd_late=11.0, n=80, home=0.8, spc=3.0, bg=5.0, w=1.0, p=0.5, lat=11.5, sd=2.5, onset=7.0, extra=0.2, prel=0.8,
                    layers=dict(L4=1.0, L5A=1.0, L5B=0.6), soma=0.5),
    "L45Peak": dict(p_late=0.45, lat_late=28.0, sd_late=11.0, n=120, home=0.8, spc=3.0, bg=6.0, w=1.0, p=0.6, lat=10.5, sd=2.0, onset=7.0, extra=0.4, prel=0.8,
                    layers=dict(L1=0.2, L4=0.6, L5A=1.0, L5B=1.0), soma=0.5),
    "L1":      dict(n=50, home=0.7, spc=2.0, bg=3.0, w=1.0, p=0.2, lat=22.0, sd=10.0, onset=10.0, extra=0.1, prel=0.8,
                    layers=dict(L1=1.0, L2=0.2)),
    "L23Trans": dict(n=50, home=0.8, spc=2.0, bg=4.0, w=1.0, p=0.3, lat=18.0, sd=6.0, onset=9.0, extra=0.1, prel=0.8,
                     layers=dict(L1=0.6, L2=1.0, L3=1.0)),
    "L56Trans": dict(n=120, home=0.8, spc=2.5, bg=5.0, w=1.0, p=0.3, lat=20.0, sd=9.0, onset=9.0, extra=0.15, prel=0.8,
                     layers=dict(L1=0.8, L2=0.3, L5A=0.6, L5B=1.0, L6=0.5)),
}

# Global scales applied on top of the population table (calibrated so that the reference
# cell fires at a few Hz in the background and evokes a spike in roughly half of the trials).
GLOBAL = dict(bg_e=1.5, bg_i=0.5, w_e=1.0, w_i=0.7, p_ev_e=0.7, p_ev_i=0.8)

HOME = "C2"
SURROUND = ["B2", "D2", "C1", "C3"]
COLUMNS = [HOME] + SURROUND


def column_distance(a, b):
    """Chebyshev distance on the barrel grid (rows A–E, arcs 1–4); diagonal neighbours = 1."""
    return max(abs(ord(a[0]) - ord(b[0])), abs(int(a[1:]) - int(b[1:])))


# ----------------------------------------------------------------------------------------
# Conditions ("passive whisker touch"). whisker: the deflected whisker; strength scales the
# response probabilities (and weak deflections respond later); stim_time in ms.
# ----------------------------------------------------------------------------------------
CONDITIONS = {
    "C2": dict(whisker="C2", strength=1.0, stim_time=245.0,
               description="principal whisker (C2) deflection, default strength"),
    "C2weak": dict(whisker="C2", strength=0.5, stim_time=245.0,
                   description="principal whisker (C2), half-strength deflection"),
    "D2": dict(whisker="D2", strength=1.0, stim_time=245.0,
               description="surround whisker (D2) deflection, default strength"),
    "B2": dict(whisker="B2", strength=1.0, stim_time=245.0,
               description="surround whisker (B2) deflection, default strength"),
    "spont": dict(whisker=None, strength=0.0, stim_time=245.0,
                  description="no stimulus: background activity only"),
}

# response scaling with the distance between a presynaptic cell's column and the deflected
# whisker's column (0: principal, 1: adjacent, 2: two barrels away)
COLUMN_GAIN = {0: 1.0, 1: 0.5, 2: 0.15}
COLUMN_DELAY = {0: 0.0, 1: 2.5, 2: 4.0}     # ms added to the latency
VPM_COLUMN_GAIN = {0: 1.0, 1: 0.35, 2: 0.1}  # thalamic barreloids are more sharply tuned
WEAK_DELAY = 3.0                             # ms added at strength 0 (linear in 1-strength)
POST_SUPPRESSION = dict(start=40.0, end=140.0, factor=0.5)  # excitatory background after the response
TRIAL_GAIN_SIGMA = dict(bg=0.25, evoked=0.2)  # lognormal trial-to-trial network state
