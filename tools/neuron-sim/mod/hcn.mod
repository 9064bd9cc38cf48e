COMMENT
Hyperpolarisation-activated cation current Ih (written for occam's neuron-sim).
One activation gate, Boltzmann steady state, bell-shaped time constant; tabulated rates,
exact exponential update per fixed time step.
ENDCOMMENT

NEURON {
    SUFFIX hcn
    NONSPECIFIC_CURRENT ih
    RANGE gbar, ehcn, ih
    GLOBAL vhalf, slope, taumin, taupeak, vtau, wtau
}

UNITS {
    (mA) = (milliamp)
    (mV) = (millivolt)
    (S) = (siemens)
}

PARAMETER {
    gbar = 0.0001 (S/cm2)
    ehcn = -45 (mV)
    vhalf = -88 (mV)
    slope = 8.5 (mV)
    taumin = 8 (ms)
    taupeak = 45 (ms)
    vtau = -78 (mV)
    wtau = 22 (mV)
}

ASSIGNED {
    v (mV)
    ih (mA/cm2)
    minf (1)
    mexp (1)
    m (1)
}

INITIAL {
    rates(v)
    m = minf
}

BREAKPOINT {
    SOLVE states
    ih = gbar*m*(v - ehcn)
}

PROCEDURE states() {
    rates(v)
    m = m + mexp*(minf - m)
}

PROCEDURE rates(v (mV)) {
    LOCAL mtau
    TABLE minf, mexp DEPEND dt, vhalf, slope, taumin, taupeak, vtau, wtau FROM -140 TO 60 WITH 800
    minf = 1/(1 + exp((v - vhalf)/slope))
    mtau = taumin + taupeak*exp(-((v - vtau)/wtau)*((v - vtau)/wtau))
    mexp = 1 - exp(-dt/mtau)
}
