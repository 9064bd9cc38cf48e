COMMENT
Slow, non-inactivating potassium conductance (M-current-like) that repolarises
dendritic calcium events (written for occam's neuron-sim). Fixed reversal potential,
independent of the k ion used by hh; tabulated rates.
ENDCOMMENT

NEURON {
    SUFFIX kslow
    NONSPECIFIC_CURRENT ik
    RANGE gbar, ek, ik
    GLOBAL vhalf, slope, ntau
}

UNITS {
    (mA) = (milliamp)
    (mV) = (millivolt)
    (S) = (siemens)
}

PARAMETER {
    gbar = 0.0 (S/cm2)
    ek = -85 (mV)
    vhalf = -35 (mV)
    slope = 9 (mV)
    ntau = 30 (ms)
}

ASSIGNED {
    v (mV)
    ik (mA/cm2)
    ninf (1)
    nexp (1)
    n (1)
}

INITIAL {
    rates(v)
    n = ninf
}

BREAKPOINT {
    SOLVE states
    ik = gbar*n*(v - ek)
}

PROCEDURE states() {
    rates(v)
    n = n + nexp*(ninf - n)
}

PROCEDURE rates(v (mV)) {
    TABLE ninf, nexp DEPEND dt, vhalf, slope, ntau FROM -140 TO 60 WITH 800
    ninf = 1/(1 + exp(-(v - vhalf)/slope))
    nexp = 1 - exp(-dt/ntau)
}
