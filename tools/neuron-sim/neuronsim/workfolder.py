"""A neuron-sim work folder: the trial chunks of one simulation as tasks (--executor slurm, or local with --work-dir).

The layout mirrors occam's work folders (packages/core/src/executor/workFolder.ts). It must be on a filesystem
every compute node sees:

  .occam-work        marks the folder as a work folder: a rerun may reuse it; no other non-empty folder is used
  args.json          the simulation's arguments and their hash: a rerun with other arguments is refused
  tasks/<i>.json     what task i is (one chunk: variant/condition folder/run_NNNN)
  stage/             the tasks' files, laid out as --out (a chunk is written to a temp folder, then renamed)
  results/<i>.json   task i's record (trials, cost), written atomically after its chunk: present = done
  failures/<i>.json  why task i's last attempt failed
  slurm/             the array script and the job logs (<job>_<index>.out)
"""
import hashlib
import json
import os
import socket

from .errors import RunError

MARK = ".occam-work"
ARGS = "args.json"
FORMAT = "neuron-sim.work"
VERSION = 1


def temp_suffix():
    """A temp-name suffix unique across the nodes sharing a filesystem (process ids repeat between hosts)."""
    return ".tmp-%s-%d" % (socket.gethostname(), os.getpid())


def write_atomic(path, text):
    """Write `text` to `path` so that a reader sees the old file or the whole new one, never a part."""
    tmp = path + temp_suffix()
    with open(tmp, "w") as f:
        f.write(text)
        f.flush()
        os.fsync(f.fileno())
    os.replace(tmp, path)


def paths(work):
    return dict(mark=os.path.join(work, MARK), args=os.path.join(work, ARGS), stage=os.path.join(work, "stage"),
                tasks=os.path.join(work, "tasks"), results=os.path.join(work, "results"),
                failures=os.path.join(work, "failures"), slurm=os.path.join(work, "slurm"))


def _file_sha256(path):
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


# The options that decide what a run writes, in the order they are handed to the array tasks. --out, --jobs and
# the executor options are not among them: the same chunks may be merged into any --out.
_OPTIONS = (("variant", "--variant"), ("condition", "--condition"), ("stim_time", "--stim-time"),
            ("trials", "--trials"), ("tstop", "--tstop"), ("chunk_size", "--chunk-size"), ("seed", "--seed"),
            ("no_traces", "--no-traces"), ("trace_chunks", "--trace-chunks"), ("trace_start", "--trace-start"),
            ("swc", "--swc"), ("interventions", "--interventions"),
            ("interventions_only", "--interventions-only"), ("bin_ms", "--bin-ms"))


def identity(args, variants):
    """The run's arguments as a canonical dict (files by absolute path and content hash) and its sha256."""
    opts = {}
    for key, _ in _OPTIONS:
        value = getattr(args, key)
        if key == "variant":
            value = ",".join(variants)
        elif key in ("swc", "interventions") and value is not None:
            value = os.path.abspath(value)
        opts[key] = value
    files = {key: _file_sha256(opts[key]) for key in ("swc", "interventions") if opts[key] is not None}
    key = hashlib.sha256(json.dumps([opts, files], sort_keys=True).encode()).hexdigest()
    return dict(options=opts, file_sha256=files, key=key)


def argv_of(ident):
    """The command-line arguments that parse back to the run `ident` describes (without --out)."""
    argv = []
    for key, flag in _OPTIONS:
        value = ident["options"][key]
        if value is None or value is False:
            continue
        argv += [flag] if value is True else [flag, repr(value) if isinstance(value, float) else str(value)]
    return argv


def differences(old, new):
    """What differs between two runs' identities, as the options a user would change."""
    flags = dict(_OPTIONS)
    out = []
    for key in sorted(set(old.get("options", {})) | set(new["options"])):
        a, b = old.get("options", {}).get(key), new["options"].get(key)
        if a != b:
            out.append("%s %s (the work folder's: %s)" % (flags.get(key, key), json.dumps(b), json.dumps(a)))
    for key in sorted(set(old.get("file_sha256", {})) | set(new["file_sha256"])):
        if old.get("file_sha256", {}).get(key) != new["file_sha256"].get(key) and \
                old.get("options", {}).get(key) == new["options"].get(key):
            out.append("the content of --%s %s changed" % (key, new["options"][key]))
    return out


def claim(work, out, ident):
    """Check the work folder before any work and mark it: a new or empty folder, or one an earlier run of the
    same arguments marked. Returns whether the folder was already there (a rerun)."""
    p = paths(work)
    w, o = os.path.realpath(work), os.path.realpath(out)
    if w == o or w.startswith(o + os.sep) or o.startswith(w + os.sep):
        raise RunError("--work-dir %s: must be outside --out %s (and not hold it): the merge writes --out from it"
                       % (work, out))
    if os.path.exists(work) and not os.path.isdir(work):
        raise RunError("--work-dir %s: exists and is not a folder; name a new or empty folder" % work)
    marked = os.path.isfile(p["mark"])
    if os.path.isdir(work) and os.listdir(work) and not marked:
        raise RunError("--work-dir %s: a non-empty folder that is not a work folder (no %s): its files could be "
                       "replaced, so it is not used; name a new or empty folder" % (work, MARK))
    if marked:
        try:
            with open(p["args"]) as f:
                old = json.load(f)
        except (OSError, ValueError) as e:
            raise RunError("%s: cannot read (%s); delete the work folder %s and run again" % (p["args"], e, work))
        if old.get("key") != ident["key"]:
            diff = differences(old, ident)
            raise RunError("--work-dir %s holds the chunks of other arguments (hash %s, these are %s): %s. "
                           "Use another --work-dir, or delete this one to start over"
                           % (work, str(old.get("key"))[:12], ident["key"][:12],
                              "; ".join(diff) or "the options differ"))
        return True
    os.makedirs(work, exist_ok=True)
    for name in ("tasks", "results", "failures", "stage", "slurm"):
        os.makedirs(p[name], exist_ok=True)
    write_atomic(p["args"], json.dumps(dict(format=FORMAT, version=VERSION, **ident), indent=1) + "\n")
    write_atomic(p["mark"], "neuron-sim work folder (occam conventions): the chunk tasks, their files and job "
                            "logs of one simulation; safe to delete once --out is written\n")
    return False


def read_args(work):
    """The run a work folder is for (what an array task reads first)."""
    path = paths(work)["args"]
    try:
        with open(path) as f:
            ident = json.load(f)
    except (OSError, ValueError) as e:
        raise RunError("%s: cannot read (%s): is --work-dir the folder simulate.py --executor slurm wrote?"
                       % (path, e))
    if ident.get("format") != FORMAT or ident.get("version") != VERSION:
        raise RunError("%s: not a neuron-sim work folder of version %d" % (path, VERSION))
    return ident


def task_key(run_key, name):
    return hashlib.sha256(("%s\n%s" % (run_key, name)).encode()).hexdigest()


def write_tasks(work, run_key, names):
    """tasks/<i>.json for every chunk (index = position); a file already there with the same content is kept."""
    tasks = []
    for index, name in enumerate(names):
        task = dict(format="neuron-sim.task", version=VERSION, index=index, name=name, key=task_key(run_key, name))
        path = os.path.join(paths(work)["tasks"], "%d.json" % index)
        text = json.dumps(task) + "\n"
        try:
            old = open(path).read()
        except OSError:
            old = None
        if old != text:
            write_atomic(path, text)
        tasks.append(task)
    return tasks


def read_task(work, index):
    path = os.path.join(paths(work)["tasks"], "%d.json" % index)
    try:
        with open(path) as f:
            task = json.load(f)
    except (OSError, ValueError) as e:
        raise RunError("%s: cannot read (%s): is the index below the task count?" % (path, e))
    if task.get("index") != index:
        raise RunError("%s: says it is task %r, expected %d" % (path, task.get("index"), index))
    return task


def _read_record(path, task):
    try:
        with open(path) as f:
            rec = json.load(f)
    except (OSError, ValueError):
        return None
    return rec if rec.get("key") == task["key"] else None


def read_result(work, task):
    """Task's result when it is done (present and for this task), else None."""
    return _read_record(os.path.join(paths(work)["results"], "%d.json" % task["index"]), task)


def read_failure(work, task):
    return _read_record(os.path.join(paths(work)["failures"], "%d.json" % task["index"]), task)


def write_result(work, task, **fields):
    rec = dict(format="neuron-sim.task-result", version=VERSION, index=task["index"], name=task["name"],
               key=task["key"], host=socket.gethostname(), **fields)
    write_atomic(os.path.join(paths(work)["results"], "%d.json" % task["index"]), json.dumps(rec) + "\n")
    try:
        os.remove(os.path.join(paths(work)["failures"], "%d.json" % task["index"]))
    except FileNotFoundError:
        pass


def write_failure(work, task, message):
    rec = dict(format="neuron-sim.task-failure", version=VERSION, index=task["index"], name=task["name"],
               key=task["key"], host=socket.gethostname(), message=message)
    write_atomic(os.path.join(paths(work)["failures"], "%d.json" % task["index"]), json.dumps(rec) + "\n")
