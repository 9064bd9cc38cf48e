#!/usr/bin/python3
"""Generate ISF-format ground truth: detailed L5 pyramidal-like cells under passive whisker touch.

Run with Debian's Python, which has NEURON:  /usr/bin/python3 tools/neuron-sim/simulate.py --help
"""
import argparse
import os
import shutil
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
if HERE not in sys.path:
    sys.path.insert(0, HERE)
os.environ.setdefault("NEURON_MODULE_OPTIONS", "-nogui")

from neuronsim import params as P  # noqa: E402
from neuronsim.errors import RunError  # noqa: E402


def parse(argv=None):
    names = [v[0] for v in P.VARIANTS]
    ap = argparse.ArgumentParser(
        description="Simulate detailed layer-5 pyramidal-like cells (NEURON) under a passive whisker "
                    "touch condition and write the trials in the in_silico_framework (ISF) formats.",
        formatter_class=argparse.ArgumentDefaultsHelpFormatter)
    ap.add_argument("--variant", default="all",
                    help="cell variant: 'all' or a comma-separated list of %s" % ", ".join(names))
    ap.add_argument("--condition", default="C2", choices=sorted(P.CONDITIONS),
                    help="stimulus condition (parameter set; see neuronsim/params.py)")
    ap.add_argument("--stim-time", type=float, default=None,
                    help="override the condition's stimulus time (ms)")
    ap.add_argument("--trials", type=int, default=1000, help="trials per variant")
    ap.add_argument("--tstop", type=float, default=350.0, help="trial length (ms)")
    ap.add_argument("--chunk-size", type=int, default=50, help="trials per run directory")
    ap.add_argument("--seed", type=int, default=1, help="master seed (morphology, wiring, activity)")
    ap.add_argument("--jobs", type=int, default=2, help="parallel worker processes")
    ap.add_argument("--out", default="sim-out", help="output root directory")
    ap.add_argument("--no-traces", action="store_true", help="do not write *_vm_all_traces.csv")
    ap.add_argument("--trace-chunks", type=int, default=None,
                    help="write traces only for the first N chunks of each variant; None means every chunk")
    ap.add_argument("--trace-start", type=float, default=100.0,
                    help="first time (ms) written to the trace files (ISF's example starts at 100)")
    ap.add_argument("--swc", default=None,
                    help="use this SWC morphology (types 1 soma, 3 basal, 4 apical; axon replaced by "
                         "a stub) with the biophysics of --variant (default v1)")
    ap.add_argument("--interventions", default=None, metavar="FILE",
                    help="occam's intervention list (JSON, system 'neuron'): rerun the same trials (same "
                         "presynaptic activity) under each intervention, each into <condition>_<name slug>/ "
                         "beside the condition folder; see neuronsim/interventions.py")
    ap.add_argument("--interventions-only", action="store_true",
                    help="with --interventions: run only the intervened folders, not the unintervened one "
                         "(e.g. when that one exists already, made with the same seed and chunk size)")
    ap.add_argument("--bin-ms", type=float, default=1.0,
                    help="with --interventions: the bin width (ms) a shift given in 'bins' means "
                         "(occam neuron import bins by 1 ms by default)")
    ap.add_argument("--smoke", action="store_true",
                    help="quick check: variant v1, 4 trials in chunks of 2, 300 ms, 1 job")
    ex = ap.add_argument_group(
        "executors", "where the trial chunks run; --out is the same bytes whichever is used (see README.md)")
    ex.add_argument("--executor", choices=("local", "slurm"), default="local",
                    help="local = processes here (--jobs); slurm = one sbatch job array, one array task per chunk, "
                         "writing into --work-dir, then merged into --out")
    ex.add_argument("--work-dir", default=None, metavar="DIR",
                    help="the work folder of the chunk tasks (on a filesystem every node sees); a rerun with the "
                         "same arguments reuses its done chunks. Default with slurm: .<out name>.occam-work beside "
                         "--out, removed after the merge. With local: run the chunks as tasks of DIR")
    ex.add_argument("--slurm-option", action="append", default=[], metavar="OPT",
                    help="an sbatch option passed through as written, with '=' (repeatable): "
                         "--slurm-option=--partition=short --slurm-option=--time=00:30:00")
    ex.add_argument("--slurm-retries", type=int, default=2,
                    help="how many more times a failed array task is resubmitted: one new array of the failed tasks only")
    ex.add_argument("--slurm-poll", type=float, default=2.0, help="seconds between squeue polls")
    ex.add_argument("--slurm-python", default=sys.executable, metavar="PATH",
                    help="the Python (with NEURON) the array tasks run simulate.py with; the same path on the nodes")
    ex.add_argument("--run-chunk", type=int, default=None, metavar="INDEX",
                    help="run chunk task INDEX of --work-dir and exit (what each array task runs; the arguments "
                         "come from the work folder)")
    args = ap.parse_args(argv)
    if args.run_chunk is not None:
        return args, []
    if args.smoke:
        args.variant = "v1" if args.variant == "all" else args.variant
        args.trials, args.chunk_size, args.tstop, args.jobs = 4, 2, 300.0, 1
    if args.swc and args.variant == "all":
        args.variant = "v1"
    variants = names if args.variant == "all" else [v.strip() for v in args.variant.split(",")]
    for v in variants:
        if v not in names:
            ap.error("unknown variant %r (known: %s)" % (v, ", ".join(names)))
    if args.swc:
        if not os.path.exists(args.swc):
            ap.error("no such SWC file: %s" % args.swc)
        from neuronsim.morphology import read_swc
        types = {r[1] for r in read_swc(args.swc)}
        if 1 not in types or not types & {3, 4}:
            ap.error("%s needs soma (type 1) and basal/apical (type 3/4) points; found types %s"
                     % (args.swc, sorted(types)))
    if args.trials < 1 or args.chunk_size < 1:
        ap.error("--trials and --chunk-size must be positive")
    if args.tstop < args.trace_start:
        args.trace_start = 0.0
    args.intervention_list = None
    if args.executor == "slurm" and args.jobs != ap.get_default("jobs") and not args.smoke:
        ap.error("--jobs sets the processes of a local run; with --executor slurm each chunk is an array task "
                 "(size it with --chunk-size)")
    if args.slurm_retries < 0 or not args.slurm_poll > 0:
        ap.error("--slurm-retries must be >= 0 and --slurm-poll positive")
    if args.interventions_only and not args.interventions:
        ap.error("--interventions-only needs --interventions FILE")
    if args.interventions:
        from neuronsim.interventions import InterventionError, read_interventions
        if not args.bin_ms > 0:
            ap.error("--bin-ms must be positive")
        try:
            args.intervention_list = read_interventions(args.interventions, args.bin_ms)
        except InterventionError as e:
            ap.error(str(e))
    return args, variants


def condition_params(args):
    cond = dict(P.CONDITIONS[args.condition])
    if args.stim_time is not None:
        cond["stim_time"] = float(args.stim_time)
    cond.pop("description", None)
    cond["description"] = P.CONDITIONS[args.condition]["description"]
    return cond


def run_chunk_task(index, work):
    """One array task: the run's arguments from the work folder, then chunk `index` into its stage/."""
    from neuronsim import fanout, workfolder
    if work is None:
        raise RunError("--run-chunk needs --work-dir (the work folder simulate.py --executor slurm wrote)")
    ident = workfolder.read_args(work)
    try:
        args, variants = parse(workfolder.argv_of(ident) + ["--out", workfolder.paths(work)["stage"]])
    except SystemExit:  # argparse has printed why (e.g. an input file gone) into the job log
        task = workfolder.read_task(work, index)
        workfolder.write_failure(work, task, "the work folder's arguments no longer parse (an input file moved or "
                                             "changed?): see the job log")
        raise
    fanout.run_task(work, index, args, variants, args.condition, condition_params(args), args.intervention_list)


def default_work_dir(out):
    out = os.path.abspath(out)
    return os.path.join(os.path.dirname(out), ".%s.occam-work" % os.path.basename(out))


def main(argv=None):
    args, variants = parse(argv)
    if args.run_chunk is not None:
        run_chunk_task(args.run_chunk, args.work_dir)
        return 0
    from neuronsim import runner
    cond = condition_params(args)
    if args.executor == "local" and args.work_dir is None:
        runner.run(args, variants, args.condition, cond, interventions=args.intervention_list)
        return 0
    from neuronsim import fanout
    work = os.path.abspath(args.work_dir or default_work_dir(args.out))
    if args.executor == "slurm":
        from neuronsim.slurmexecutor import SlurmExecutor, check_installed
        check_installed()
        executor = SlurmExecutor(work, __file__, args.slurm_python, args.slurm_option, args.slurm_retries,
                                 args.slurm_poll)
    else:
        from neuronsim.localexecutor import LocalExecutor
        executor = LocalExecutor(work, __file__, sys.executable, args.jobs)
    fanout.run(args, variants, args.condition, cond, args.intervention_list, executor, work)
    if args.work_dir is None:  # the default folder is this run's alone
        shutil.rmtree(work)
    return 0


def cli(argv=None):
    """main() with the errors a user can act on printed as one message (exit 1), never as a traceback."""
    try:
        return main(argv)
    except RunError as e:
        print("simulate.py: error: %s" % e, file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("simulate.py: interrupted; the same command resumes the run (with --executor slurm a submitted "
              "array keeps running: squeue --me lists it, scancel JOBID ends it)", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(cli())
