"""Writers for the in_silico_framework (ISF) on-disk formats.

Tab-separated fields, '# ' header lines, lists of times written as each value followed by a
comma (so a non-empty list ends with a comma).
"""
import numpy as np

SYN_HEADER = ("# synapse type\tsynapse ID\tsoma distance\tsection ID\tsection pt ID\t"
              "dendrite label\tactivation times\n")
PRE_HEADER = "# presynaptic cell type\tcell ID\tspike times\n"
SPIKE_HEADER = "# trial\tspike times\n"


def times_field(ts):
    return "".join("%.4f," % t for t in ts)


def write_synapses(path, net, act):
    """One line per active synapse (at least one activation), sorted by type then ID."""
    rows = []
    for s, ts in enumerate(act):
        if ts is None or len(ts) == 0:
            continue
        rows.append((net.syn_type[s], net.syn_id[s], s))
    rows.sort()
    with open(path, "w") as f:
        f.write(SYN_HEADER)
        for typ, sid, s in rows:
            f.write("%s\t%d\t%.4f\t%d\t%d\t%s\t%s\n" % (
                typ, sid, net.syn_dist[s], net.syn_sec[s], net.syn_pt[s], net.syn_label[s],
                times_field(act[s])))


def write_presynaptic(path, net, cell_spikes):
    """One line per presynaptic cell that spiked, sorted by type then ID."""
    rows = [(net.cell_type[c], net.cell_id[c], c) for c in range(net.n_cells) if len(cell_spikes[c])]
    rows.sort()
    with open(path, "w") as f:
        f.write(PRE_HEADER)
        for typ, cid, c in rows:
            f.write("%s\t%d\t%s\n" % (typ, cid, times_field(cell_spikes[c])))


def write_traces(path, traces, dt, t_start):
    """`t\tVm run 00\t...`, one row per time step from t_start (t written like ISF: 100.0, 100.025)."""
    import io
    i0 = int(round(t_start / dt))
    n = min(len(v) for v in traces)
    t = np.round(np.arange(i0, n) * dt, 6)
    buf = io.StringIO()
    np.savetxt(buf, np.column_stack([np.asarray(v[i0:n]) for v in traces]), fmt="%.4f", delimiter="\t")
    lines = buf.getvalue().split("\n")
    with open(path, "w") as f:
        f.write("t\t" + "\t".join("Vm run %02d" % k for k in range(len(traces))) + "\n")
        for tt, line in zip(t, lines):
            f.write(repr(float(tt)) + "\t" + line + "\n")


def write_spike_times(path, spikes):
    """`# trial\\tspike times`, one line per run (run index within the chunk)."""
    with open(path, "w") as f:
        f.write(SPIKE_HEADER)
        for k, ts in enumerate(spikes):
            f.write("%d\t%s\n" % (k, times_field(ts)))


def write_sections(path, secs, point_ids):
    """Map of section ID -> label, parent, length, first distance and SWC ids of its pt3d points."""
    with open(path, "w") as f:
        f.write("# section ID\tlabel\tparent section ID\tlength\tsoma distance of pt 0\t"
                "n points\tSWC ids of points\n")
        for k, s in enumerate(secs):
            ids = point_ids.get(k, [])
            f.write("%d\t%s\t%d\t%.4f\t%.4f\t%d\t%s\n" % (
                k, s.label, s.parent, s.length, s.dist0, len(s.pts),
                "".join("%d," % i for i in ids)))
