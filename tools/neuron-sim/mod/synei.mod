COMMENT
Shared synaptic conductances of one dendritic segment (written for occam's neuron-sim):
AMPA + NMDA (excitatory, reversal e) and GABA_A (inhibitory, reversal egaba).

Each conductance is a difference of two exponentials normalised to a peak of 1 per unit
weight. An excitatory event of weight w (uS) gives an AMPA peak of w and an NMDA peak of
ratio*w before the Mg block; an inhibitory event gives a GABA_A peak of w. The NMDA part is
blocked by extracellular magnesium following Jahr & Stevens (1990):
    B(v) = 1 / (1 + exp(-0.062 v) * mg / 3.57)
All parts are linear in their inputs, so every synapse on a segment can share one instance
(each synapse keeps its own NetCon and weight). NetCon weight: w (uS) for an excitatory
synapse, -w for an inhibitory one.

Fixed-step only: the exponential decays are applied exactly with factors exp(-dt/tau).
ENDCOMMENT

NEURON {
    POINT_PROCESS SynEI
    RANGE tau1a, tau2a, tau1n, tau2n, tau1g, tau2g, e, egaba, ratio, mg
    RANGE ga, gn, gg, i
    NONSPECIFIC_CURRENT i
}

UNITS {
    (nA) = (nanoamp)
    (mV) = (millivolt)
    (uS) = (microsiemens)
    (mM) = (milli/liter)
}

PARAMETER {
    tau1a = 0.2 (ms)
    tau2a = 2.0 (ms)
    tau1n = 2.0 (ms)
    tau2n = 70.0 (ms)
    tau1g = 0.5 (ms)
    tau2g = 8.0 (ms)
    e = 0 (mV)
    egaba = -80 (mV)
    ratio = 1.0 (1)
    mg = 1.0 (mM)
}

ASSIGNED {
    v (mV)
    i (nA)
    ga (uS)
    gn (uS)
    gg (uS)
    facta (1)
    factn (1)
    factg (1)
    d1a d2a d1n d2n d1g d2g
    dtsaved (ms)
    Aa (uS)
    Ba (uS)
    An (uS)
    Bn (uS)
    Ag (uS)
    Bg (uS)
}

FUNCTION peakfactor(t1 (ms), t2 (ms)) {
    LOCAL tp
    tp = (t1*t2)/(t2 - t1) * log(t2/t1)
    peakfactor = 1/(-exp(-tp/t1) + exp(-tp/t2))
}

PROCEDURE decays() {
    d1a = exp(-dt/tau1a)
    d2a = exp(-dt/tau2a)
    d1n = exp(-dt/tau1n)
    d2n = exp(-dt/tau2n)
    d1g = exp(-dt/tau1g)
    d2g = exp(-dt/tau2g)
    dtsaved = dt
}

INITIAL {
    if (tau1a/tau2a > 0.9999) { tau1a = 0.9999*tau2a }
    if (tau1n/tau2n > 0.9999) { tau1n = 0.9999*tau2n }
    if (tau1g/tau2g > 0.9999) { tau1g = 0.9999*tau2g }
    facta = peakfactor(tau1a, tau2a)
    factn = peakfactor(tau1n, tau2n)
    factg = peakfactor(tau1g, tau2g)
    decays()
    Aa = 0  Ba = 0  An = 0  Bn = 0  Ag = 0  Bg = 0
}

BREAKPOINT {
    SOLVE update
    ga = Ba - Aa
    gn = (Bn - An) * mgblock(v)
    gg = Bg - Ag
    i = (ga + gn) * (v - e) + gg * (v - egaba)
}

PROCEDURE update() {
    if (dt != dtsaved) { decays() }
    Aa = Aa*d1a
    Ba = Ba*d2a
    An = An*d1n
    Bn = Bn*d2n
    Ag = Ag*d1g
    Bg = Bg*d2g
}

FUNCTION mgblock(v (mV)) (1) {
    TABLE DEPEND mg FROM -140 TO 80 WITH 2200
    mgblock = 1 / (1 + exp(0.062 (/mV) * -v) * (mg / 3.57 (mM)))
}

NET_RECEIVE(weight (uS)) {
    if (weight < 0) {
        Ag = Ag - weight*factg
        Bg = Bg - weight*factg
    } else {
        Aa = Aa + weight*facta
        Ba = Ba + weight*facta
        An = An + weight*ratio*factn
        Bn = Bn + weight*ratio*factn
    }
}
