#!/usr/bin/python3
"""Smoke test for tools/neuron-sim (plain asserts; run with /usr/bin/python3; non-zero exit on failure).

Runs the --smoke simulation twice into temporary directories and checks
- the ISF file formats (headers, tab separators, trailing commas, distances > 0 off the soma),
- consistency (activation times are spike times of a presynaptic cell of the same type),
- one spike-time line per trial, traces with one column per run and rows every 0.025 ms,
- determinism (same seed -> identical files, every byte, chunk.json included) and chunking
  independence (trial k is the same whether it is run in chunks of 2 or 4),
- the exported SWC re-imports to the same sections (section IDs stay valid).
"""
import filecmp
import json
import os
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
SIM = os.path.join(HERE, "simulate.py")
PY = sys.executable

SYN_HEADER = ("# synapse type\tsynapse ID\tsoma distance\tsection ID\tsection pt ID\t"
              "dendrite label\tactivation times")
PRE_HEADER = "# presynaptic cell type\tcell ID\tspike times"


def run(args):
    proc = subprocess.run([PY, SIM] + args, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    assert proc.returncode == 0, proc.stdout
    return proc.stdout


def parse_times(field):
    assert field == "" or field.endswith(","), "time list must end with a comma: %r" % field
    return [float(x) for x in field.split(",") if x != ""]


def check_chunk(cdir, n_runs, tstop, traces):
    cid = os.path.basename(cdir).split("_")[-1]
    for j in range(n_runs):
        pre = {}
        with open(os.path.join(cdir, "simulation_run%04d_presynaptic_cells.csv" % j)) as f:
            lines = f.read().split("\n")
        assert lines[0] == PRE_HEADER, lines[0]
        assert lines[-1] == ""
        for line in lines[1:-1]:
            typ, cid_, times = line.split("\t")
            assert "_" in typ and int(cid_) >= 0
            ts = parse_times(times)
            assert ts and all(0 <= t < tstop for t in ts)
            pre.setdefault(typ, set()).update(ts)
        with open(os.path.join(cdir, "simulation_run%04d_synapses.csv" % j)) as f:
            lines = f.read().split("\n")
        assert lines[0] == SYN_HEADER, lines[0]
        assert len(lines) > 500, "expected hundreds of active synapses, got %d" % len(lines)
        labels = set()
        for line in lines[1:-1]:
            p = line.split("\t")
            assert len(p) == 7, line
            typ, sid, dist, sec, pt, lab, times = p
            assert typ.split("_")[1] in ("C2", "B2", "D2", "C1", "C3"), typ
            int(sid), int(sec), int(pt)
            labels.add(lab)
            if lab == "Soma":
                assert float(dist) == 0.0 and int(sec) == 0
            else:
                assert lab in ("Dendrite", "ApicalDendrite"), lab
                assert float(dist) > 0, line
            ts = parse_times(times)
            assert ts, line
            for t in ts:
                assert t in pre[typ], "activation %r of %s is no spike of a %s cell" % (t, typ, typ)
        assert {"Dendrite", "ApicalDendrite"} <= labels
    with open(os.path.join(cdir, "%s_spike_times.csv" % cid)) as f:
        lines = f.read().split("\n")
    assert lines[0] == "# trial\tspike times"
    assert len(lines) == n_runs + 2 and lines[-1] == ""
    for j, line in enumerate(lines[1:-1]):
        k, times = line.split("\t")
        assert int(k) == j
        parse_times(times)
    tpath = os.path.join(cdir, "%s_vm_all_traces.csv" % cid)
    assert os.path.exists(tpath) == traces
    if traces:
        with open(tpath) as f:
            head = f.readline().rstrip("\n").split("\t")
            r1 = f.readline().rstrip("\n").split("\t")
            r2 = f.readline().rstrip("\n").split("\t")
        assert head == ["t"] + ["Vm run %02d" % k for k in range(n_runs)], head
        assert float(r1[0]) == 100.0 and abs(float(r2[0]) - 100.025) < 1e-9
        assert len(r1) == n_runs + 1 and -90 < float(r1[1]) < -40


def same_tree(a, b, skip=()):
    cmp = filecmp.dircmp(a, b)
    assert not cmp.left_only and not cmp.right_only, (cmp.left_only, cmp.right_only)
    bad = [f for f in cmp.common_files if f not in skip and not filecmp.cmp(os.path.join(a, f),
                                                                           os.path.join(b, f), shallow=False)]
    assert not bad, "files differ: %s" % bad
    for d in cmp.common_dirs:
        same_tree(os.path.join(a, d), os.path.join(b, d), skip)


def main():
    with tempfile.TemporaryDirectory() as tmp:
        o1, o2, o3 = (os.path.join(tmp, x) for x in ("a", "b", "c"))
        out = run(["--smoke", "--out", o1])
        assert "finished 4 trial(s)" in out, out
        base = os.path.join(o1, "v1", "C2")
        man = json.load(open(os.path.join(base, "manifest.json")))
        assert man["trials"] == 4 and man["chunk_size"] == 2 and man["seed"] == 1
        assert man["stim_time"] == 245.0 and man["dt"] == 0.025 and man["tstop"] == 300.0
        assert "VPM" in man["excitatory_types"] and "L1" in man["inhibitory_types"]
        for k in range(2):
            check_chunk(os.path.join(base, "run_%04d" % k), 2, 300.0, traces=True)
        # resumable: a second call finds both chunks complete and runs nothing
        out = run(["--smoke", "--out", o1])
        assert "0 trial(s) to run" in out, out
        # determinism
        run(["--smoke", "--out", o2])
        same_tree(o1, o2)
        # chunking independence: trials 2 and 3 are the same in chunks of 4, without traces
        run(["--variant", "v1", "--trials", "4", "--chunk-size", "4", "--tstop", "300", "--jobs", "1",
             "--no-traces", "--out", o3])
        c3 = os.path.join(o3, "v1", "C2", "run_0000")
        check_chunk(c3, 4, 300.0, traces=False)
        for j in (0, 1):
            for kind in ("synapses", "presynaptic_cells"):
                a = os.path.join(base, "run_0001", "simulation_run%04d_%s.csv" % (j, kind))
                b = os.path.join(c3, "simulation_run%04d_%s.csv" % (j + 2, kind))
                assert filecmp.cmp(a, b, shallow=False), (a, b)
        s2 = open(os.path.join(base, "run_0001", "0001_spike_times.csv")).read().split("\n")[1:3]
        s4 = open(os.path.join(c3, "0000_spike_times.csv")).read().split("\n")[3:5]
        assert [x.split("\t")[1] for x in s2] == [x.split("\t")[1] for x in s4], (s2, s4)
        # SWC round trip: the exported morphology rebuilds the same sections
        sys.path.insert(0, HERE)
        from neuronsim.cell import sections_from_swc
        from neuronsim.morphology import read_swc
        secs, _, _ = sections_from_swc(read_swc(os.path.join(o1, "v1", "v1.swc")))
        rows = open(os.path.join(o1, "v1", "sections.tsv")).read().split("\n")[1:-1]
        assert len(rows) == len(secs), (len(rows), len(secs))
        for row, s in zip(rows, secs):
            p = row.split("\t")
            assert p[1] == s.label and int(p[2]) == s.parent and int(p[5]) == len(s.pts)
            assert abs(float(p[3]) - s.length) < 1e-2 and abs(float(p[4]) - s.dist0) < 1e-2
        # distances in the synapse file equal path lengths in the rebuilt sections
        with open(os.path.join(base, "run_0000", "simulation_run0000_synapses.csv")) as f:
            for line in list(f)[1:200]:
                p = line.split("\t")
                sec, pt, dist = int(p[3]), int(p[4]), float(p[2])
                if sec > 0:
                    want = secs[sec].dist0 + secs[sec].arc[pt]
                    assert abs(want - dist) < 0.05, (line, want)
    print("test_smoke: OK")
    return 0


if __name__ == "__main__":
    sys.exit(main())
