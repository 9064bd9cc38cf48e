COMMENT
Spike-activated afterhyperpolarisation potassium conductance (written for occam's
neuron-sim). A voltage gate that opens only during action potentials (fast activation)
and closes slowly (deactivation tau), standing in for the BK/SK currents that shape the
AHP and limit firing rates. Fixed reversal potential.
ENDCOMMENT

NEURON {
    SUFFIX kahp
    NONSPECIFIC_CURRENT ik
    RANGE gbar, ek, ik
    GLOBAL vhalf, slope, tauact, taudeact
}

UNITS {
    (mA) = (milliamp)
    (mV) = (millivolt)
    (S) = (siemens)
}

PARAMETER {
    gbar = 0.0 (S/cm2)
    ek = -90 (mV)
    vhalf = -15 (mV)
    slope = 5 (mV)
    tauact = 1 (ms)
    taudeact = 15 (ms)
}

ASSIGNED {
    v (mV)
    ik (mA/cm2)
    ninf (1)
    n (1)
    ea (1)
    ed (1)
    dtsaved (ms)
}

INITIAL {
    rates(v)
    n = ninf
    ea = 1 - exp(-dt/tauact)
    ed = 1 - exp(-dt/taudeact)
    dtsaved = dt
}

BREAKPOINT {
    SOLVE states
    ik = gbar*n*(v - ek)
}

PROCEDURE states() {
    if (dt != dtsaved) {
        ea = 1 - exp(-dt/tauact)
        ed = 1 - exp(-dt/taudeact)
        dtsaved = dt
    }
    rates(v)
    if (ninf > n) {
        n = n + ea*(ninf - n)
    } else {
        n = n + ed*(ninf - n)
    }
}

PROCEDURE rates(v (mV)) {
    TABLE ninf DEPEND vhalf, slope FROM -140 TO 60 WITH 800
    ninf = 1/(1 + exp(-(v - vhalf)/slope))
}
