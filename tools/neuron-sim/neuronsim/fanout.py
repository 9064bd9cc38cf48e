"""The trial chunks of a run as tasks of a work folder: one task's run (what an array task executes), the run of
all tasks on an executor, and the merge that writes --out exactly as a direct local run does.

Every chunk's files depend on the arguments alone (trial k's activity on seed, variant, condition and k), so a
chunk simulated on any node, in any order, once or twice, is the same bytes; the merge only copies them.
"""
import os
import shutil
import sys
import time
import traceback

from . import runner
from . import workfolder as W
from .errors import RunError


def task_name(folder, task):
    """`v1/C2/run_0000`: a chunk's path under --out, which is also its task's name."""
    return "%s/%s/%s" % (folder["vname"], folder["folder"], runner.chunk_name(task["chunk"]))


def _indexed(folders):
    """(index, folder, task) for every chunk of the run; index = the chunk's position, fixed by the arguments."""
    out = []
    for f in folders:
        for t in f["tasks"]:
            out.append((len(out), f, t))
    return out


def run_task(work, index, args, variants, cond_name, cond, interventions, log=sys.stderr):
    """Task `index` of `work`: the chunk's files into stage/ (temp folder, then rename), its variant's files when
    no other task has written them yet, then its result record. A chunk already staged is not simulated again."""
    task = W.read_task(work, index)
    try:
        ident = W.read_args(work)
        here = W.identity(args, variants)
        if here["key"] != ident["key"]:
            raise RunError("the run's input files changed since it was submitted (%s): run simulate.py again with "
                           "a new --work-dir" % ("; ".join(W.differences(ident, here)) or "the hash differs"))
        stage = W.paths(work)["stage"]
        chunks = _indexed(runner.all_folders(args, variants, cond_name, cond, interventions, stage))
        if index >= len(chunks):
            raise RunError("task %d: the run has %d chunk(s)" % (index, len(chunks)))
        _, folder, chunk = chunks[index]
        if task["name"] != task_name(folder, chunk):
            raise RunError("task %d is %s, but the work folder's arguments make it %s"
                           % (index, task["name"], task_name(folder, chunk)))
        if not os.path.exists(os.path.join(folder["vdir"], "variant.json")):
            runner.export_variant(dict(variant=folder["variant"], seed=args.seed, swc=args.swc,
                                       vdir=folder["vdir"], vdir_name=folder["vname"]))
        os.makedirs(folder["cdir"], exist_ok=True)
        cost = dict(cpu_seconds=None, wall_seconds=None)  # unknown when an earlier attempt staged the chunk
        if not os.path.isdir(chunk["chunk_dir"]):
            res = runner.run_chunk(chunk)
            cost = dict(cpu_seconds=res["cpu"], wall_seconds=res["wall"])
        W.write_result(work, task, n_trials=chunk["n"], **cost)
    except Exception as e:  # recorded for the submitting process's summary; the traceback goes to the job log
        W.write_failure(work, task, "%s: %s" % (type(e).__name__, e) if not isinstance(e, RunError) else str(e))
        if not isinstance(e, RunError):
            traceback.print_exc(file=log)
        raise RunError("task %d (%s) failed: %s" % (index, task["name"], e))
    print("[neuron-sim] task %d (%s): %d trial(s) written to %s" % (index, task["name"], chunk["n"],
                                                                      chunk["chunk_dir"]), file=log, flush=True)


def _copy_into(src, dst, names=None):
    """Copy a staged folder's files (all, or `names` in that order) to `dst`: each file to a temp name, then renamed;
    a new folder is built under a temp name and renamed whole, so --out never shows half a chunk."""
    if names is None:
        tmp = dst + W.temp_suffix()
        shutil.rmtree(tmp, ignore_errors=True)
        shutil.copytree(src, tmp)
        os.rename(tmp, dst)
        return
    os.makedirs(dst, exist_ok=True)
    for name in names:
        tmp = os.path.join(dst, name + W.temp_suffix())
        shutil.copyfile(os.path.join(src, name), tmp)
        os.replace(tmp, os.path.join(dst, name))


def _variant_files(vname):
    return ["%s.swc" % vname, "sections.tsv", "variant.json"]  # variant.json last: it marks the export done


def run(args, variants, cond_name, cond, interventions, executor, work, log=sys.stderr):
    """Run the chunks --out lacks as tasks of `work` on `executor`, then merge them into --out."""
    from . import mechanisms
    ident = W.identity(args, variants)
    rerun = W.claim(work, args.out, ident)
    # --out is checked and its manifests written as a direct run does (a run that stops is resumed the same way).
    todo, exports, manifests = runner.plan(args, variants, cond_name, cond, interventions)
    # compiled once here, before any task starts: the nodes load the library from the shared tool folder
    mechanisms.ensure_compiled(log)
    runner.write_manifests(manifests)
    stage = W.paths(work)["stage"]
    staged = _indexed(runner.all_folders(args, variants, cond_name, cond, interventions, stage))
    tasks = W.write_tasks(work, ident["key"], [task_name(f, t) for _, f, t in staged])
    wanted = {t["chunk_dir"] for t in todo}
    out_dir = {i: os.path.join(args.out, task_name(f, t)) for i, f, t in staged}
    needed = [task for task in tasks if out_dir[task["index"]] in wanted]

    def pending():
        return [t for t in needed if W.read_result(work, t) is None
                or not os.path.isdir(os.path.join(stage, t["name"]))]

    first = pending()
    print("[neuron-sim] %s %s: %d chunk(s) of %d to run (%d in --out already, %d done in the work folder)"
          % ("reusing work folder" if rerun else "work folder", work, len(first), len(tasks),
             len(tasks) - len(needed), len(needed) - len(first)), file=log, flush=True)
    t0 = time.time()
    if first:
        executor.run(needed, pending)
    left = pending()
    if left:  # an executor returns only when every task is done or it has given up; this is the safety net
        raise RunError("%d chunk(s) have no result in %s: run the same command again to run only those"
                       % (len(left), work))
    _merge(args, exports, needed, stage, log)
    cost = [W.read_result(work, t) for t in needed]
    cpu = sum(r["cpu_seconds"] or 0.0 for r in cost)
    trials = sum(r["n_trials"] for r in cost if r["cpu_seconds"] is not None)
    print("[neuron-sim] ran and merged %d chunk(s) into %s in %s%s" % (
        len(needed), args.out, runner._fmt_secs(time.time() - t0),
        ", cpu %.2f s/trial on the nodes" % (cpu / trials) if trials else ""), file=log, flush=True)


def _merge(args, exports, needed, stage, log):
    """--out from the staged files, in the order a direct run writes them: each variant's files, then the chunks."""
    for e in exports:
        src = os.path.join(stage, e["vdir_name"])
        if os.path.exists(os.path.join(src, "variant.json")):
            _copy_into(src, e["vdir"], _variant_files(e["vdir_name"]))
        else:  # every chunk of this variant was in --out already: no task wrote its files
            runner.export_variant(e)
    for t in needed:
        dst = os.path.join(args.out, t["name"])
        if not os.path.isdir(dst):
            _copy_into(os.path.join(stage, t["name"]), dst)


def describe_failures(work, tasks, limit=10):
    lines = []
    for t in tasks[:limit]:
        f = W.read_failure(work, t)
        lines.append("  task %d (%s): %s" % (t["index"], t["name"], f["message"].split("\n")[0] if f else
                     "no result and no failure recorded: killed? see %s"
                     % os.path.join(W.paths(work)["slurm"], "*_%d.out" % t["index"])))
    if len(tasks) > limit:
        lines.append("  ... and %d more" % (len(tasks) - limit))
    return "\n".join(lines)
