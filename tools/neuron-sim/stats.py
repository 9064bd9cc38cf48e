#!/usr/bin/python3
"""Firing statistics of generated data: reads <out>/<variant>/<condition>/run_*/ spike files.

Per variant/condition: trials, background rate (100 ms .. stimulus), fraction of trials with a
spike in the evoked window (stimulus + 5 .. + 35 ms), first evoked spike latency mean ± sd,
spikes per trial after the window, and the CPU/wall cost per trial where chunk.json records it (output written
before the runs became byte-reproducible; newer runs log the cost instead: "cpu ... s/trial").
"""
import argparse
import glob
import json
import os

import numpy as np


def load(cdir):
    man = json.load(open(os.path.join(cdir, "manifest.json")))
    trials, cpu, wall = [], 0.0, 0.0
    timed = True
    for rd in sorted(glob.glob(os.path.join(cdir, "run_*"))):
        if ".tmp-" in rd:
            continue
        cid = os.path.basename(rd).split("_")[-1]
        with open(os.path.join(rd, "%s_spike_times.csv" % cid)) as f:
            for line in f:
                if line.startswith("#"):
                    continue
                _, times = line.rstrip("\n").split("\t")
                trials.append(np.array([float(x) for x in times.split(",") if x]))
        info = json.load(open(os.path.join(rd, "chunk.json")))
        if "cpu_seconds" in info:
            cpu += info["cpu_seconds"]
            wall += info["wall_seconds"]
        else:
            timed = False
    return man, trials, (cpu if timed else None), (wall if timed else None)


def summarize(man, trials, cpu, wall, lo=5.0, hi=35.0):
    stim = man["stim_time"]
    n = len(trials)
    bg = sum(np.sum((s >= 100) & (s < stim)) for s in trials) / (n * (stim - 100) / 1000.0)
    first = [s[(s >= stim + lo) & (s < stim + hi)] for s in trials]
    lat = np.array([f[0] - stim for f in first if len(f)])
    late = sum(np.sum(s >= stim + hi) for s in trials) / n
    return dict(trials=n, bg_hz=bg, p_evoked=len(lat) / n if n else 0.0,
                p_bg_expected=1 - np.exp(-bg * (hi - lo) / 1000.0),
                latency_mean=float(lat.mean()) if len(lat) else float("nan"),
                latency_sd=float(lat.std()) if len(lat) else float("nan"),
                spikes_per_trial=sum(len(s) for s in trials) / n, late_spikes_per_trial=late,
                cpu_per_trial=cpu / n if cpu is not None else None,
                wall_per_trial=wall / n if wall is not None else None)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("out", nargs="?", default="sim-out")
    ap.add_argument("--json", action="store_true")
    args = ap.parse_args()
    rows = []
    for mpath in sorted(glob.glob(os.path.join(args.out, "*", "*", "manifest.json"))):
        cdir = os.path.dirname(mpath)
        man, trials, cpu, wall = load(cdir)
        if not trials:
            continue
        s = summarize(man, trials, cpu, wall)
        s["variant"], s["condition"] = man["variant"], man["condition"]
        rows.append(s)
    if args.json:
        print(json.dumps(rows, indent=1))
        return
    print("| variant | condition | trials | background (Hz) | P(evoked spike) | latency (ms) | "
          "spikes/trial | CPU s/trial |")
    print("| --- | --- | --- | --- | --- | --- | --- | --- |")
    for s in rows:
        cost = "–" if s["cpu_per_trial"] is None else "%.2f" % s["cpu_per_trial"]
        print("| %s | %s | %d | %.2f | %.2f (bg alone %.2f) | %.1f ± %.1f | %.2f | %s |" % (
            s["variant"], s["condition"], s["trials"], s["bg_hz"], s["p_evoked"], s["p_bg_expected"],
            s["latency_mean"], s["latency_sd"], s["spikes_per_trial"], cost))


if __name__ == "__main__":
    main()
