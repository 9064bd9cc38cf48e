COMMENT
High-voltage-activated calcium conductance for the apical "hot zone"
(written for occam's neuron-sim). Fixed reversal potential (no calcium
dynamics), m^2 h kinetics with slow inactivation; tabulated rates.
ENDCOMMENT

NEURON {
    SUFFIX cahz
    NONSPECIFIC_CURRENT ica
    RANGE gbar, eca, ica
    GLOBAL mvhalf, mslope, mtau, hvhalf, hslope, htau
}

UNITS {
    (mA) = (milliamp)
    (mV) = (millivolt)
    (S) = (siemens)
}

PARAMETER {
    gbar = 0.0 (S/cm2)
    eca = 120 (mV)
    mvhalf = -27 (mV)
    mslope = 5.5 (mV)
    mtau = 1.5 (ms)
    hvhalf = -45 (mV)
    hslope = 6 (mV)
    htau = 80 (ms)
}

ASSIGNED {
    v (mV)
    ica (mA/cm2)
    minf (1)
    hinf (1)
    mexp (1)
    hexp (1)
    m (1)
    h (1)
}

INITIAL {
    rates(v)
    m = minf
    h = hinf
}

BREAKPOINT {
    SOLVE states
    ica = gbar*m*m*h*(v - eca)
}

PROCEDURE states() {
    rates(v)
    m = m + mexp*(minf - m)
    h = h + hexp*(hinf - h)
}

PROCEDURE rates(v (mV)) {
    TABLE minf, hinf, mexp, hexp DEPEND dt, mvhalf, mslope, mtau, hvhalf, hslope, htau FROM -140 TO 60 WITH 800
    minf = 1/(1 + exp(-(v - mvhalf)/mslope))
    hinf = 1/(1 + exp((v - hvhalf)/hslope))
    mexp = 1 - exp(-dt/mtau)
    hexp = 1 - exp(-dt/htau)
}
