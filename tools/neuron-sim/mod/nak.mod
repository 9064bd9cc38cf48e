COMMENT
Fast sodium and delayed-rectifier potassium currents for spike generation
(written for occam's neuron-sim). Rate functions of the Traub & Miles (1991) form as
used for cortical regular-spiking cells by Pospischil et al. (2008), shifted by vtraub:
    Na: m^3 h,   K: n^4.
Exact exponential update per fixed time step.
ENDCOMMENT

NEURON {
    SUFFIX nak
    USEION na READ ena WRITE ina
    USEION k READ ek WRITE ik
    RANGE gnabar, gkbar, vtraub, ina, ik
}

UNITS {
    (mA) = (milliamp)
    (mV) = (millivolt)
    (S) = (siemens)
}

PARAMETER {
    gnabar = 0.05 (S/cm2)
    gkbar = 0.005 (S/cm2)
    vtraub = -56.2 (mV)
}

ASSIGNED {
    v (mV)
    ena (mV)
    ek (mV)
    ina (mA/cm2)
    ik (mA/cm2)
    m (1)
    h (1)
    n (1)
}

INITIAL {
    LOCAL a, b
    a = am(v - vtraub)  b = bm(v - vtraub)  m = a/(a + b)
    a = ah(v - vtraub)  b = bh(v - vtraub)  h = a/(a + b)
    a = an(v - vtraub)  b = bn(v - vtraub)  n = a/(a + b)
}

BREAKPOINT {
    SOLVE states
    ina = gnabar*m*m*m*h*(v - ena)
    ik = gkbar*n*n*n*n*(v - ek)
}

PROCEDURE states() {
    LOCAL a, b, u
    u = v - vtraub
    a = am(u)  b = bm(u)  m = m + (1 - exp(-dt*(a + b)))*(a/(a + b) - m)
    a = ah(u)  b = bh(u)  h = h + (1 - exp(-dt*(a + b)))*(a/(a + b) - h)
    a = an(u)  b = bn(u)  n = n + (1 - exp(-dt*(a + b)))*(a/(a + b) - n)
}

FUNCTION vtrap(x, y) {
    : x/(exp(x/y) - 1), continuous at x = 0
    if (fabs(x/y) < 1e-6) {
        vtrap = y*(1 - x/y/2)
    } else {
        vtrap = x/(exp(x/y) - 1)
    }
}

FUNCTION am(u) { am = 0.32*vtrap(-(u - 13), 4) }
FUNCTION bm(u) { bm = 0.28*vtrap(u - 40, 5) }
FUNCTION ah(u) { ah = 0.128*exp(-(u - 17)/18) }
FUNCTION bh(u) { bh = 4/(1 + exp(-(u - 40)/5)) }
FUNCTION an(u) { an = 0.032*vtrap(-(u - 15), 5) }
FUNCTION bn(u) { bn = 0.5*exp(-(u - 10)/40) }
