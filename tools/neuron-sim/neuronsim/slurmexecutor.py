"""--executor slurm: the chunk tasks of a work folder as sbatch job arrays, with the conventions of occam's
TypeScript executor (packages/core/src/executor/slurmExecutor.ts): ONE array per attempt, each array task runs
`simulate.py --run-chunk $SLURM_ARRAY_TASK_ID --work-dir DIR`, the run waits until the job has left the queue
(squeue), and the tasks without a result then (failed, killed, timed out, node lost) are resubmitted alone, as an
array of just those indices, up to --slurm-retries more times.
"""
import os
import shlex
import subprocess
import sys
import time

from . import workfolder as W
from .errors import RunError
from .fanout import describe_failures

TRY_LOCAL = "run tools/slurm/start-local-cluster.sh (as root) to try a single-node cluster, or use --executor local"
_DOWN = ("contact", "connect", "controller", "munge", "Socket timed out", "Connection refused")


def array_spec(indices):
    """`0-9` or `3,7-8`: the indices as a SLURM --array list."""
    s = sorted(indices)
    parts, i = [], 0
    while i < len(s):
        j = i
        while j + 1 < len(s) and s[j + 1] == s[j] + 1:
            j += 1
        parts.append(str(s[i]) if i == j else "%d-%d" % (s[i], s[j]))
        i = j + 1
    return ",".join(parts)


def _command(argv, env):
    try:
        return subprocess.run(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
    except FileNotFoundError:
        raise RunError("--executor slurm: '%s' was not found on PATH: install SLURM's client commands (Debian: "
                       "slurm-client) or %s" % (argv[0], TRY_LOCAL))


def check_installed(env=None):
    """Before any work: the client commands the run needs are there."""
    path = (env or os.environ).get("PATH", os.defpath)
    for cmd in ("sbatch", "squeue"):
        if not any(os.access(os.path.join(d, cmd), os.X_OK) for d in path.split(os.pathsep) if d):
            raise RunError("--executor slurm: '%s' was not found on PATH: install SLURM's client commands (Debian: "
                           "slurm-client) or %s" % (cmd, TRY_LOCAL))


class SlurmExecutor:
    def __init__(self, work, simulate, python, sbatch_options=(), retries=2, poll=2.0, cwd=None, log=sys.stderr,
                 env=None):
        self.work = os.path.abspath(work)
        self.simulate = os.path.abspath(simulate)
        self.python = python
        self.sbatch_options = list(sbatch_options)
        self.retries = retries
        self.poll = poll
        self.cwd = cwd or os.getcwd()
        self.log = log
        self.env = env

    def _say(self, line):
        print("[neuron-sim] %s" % line, file=self.log, flush=True)

    def _script(self):
        logs = W.paths(self.work)["slurm"]
        os.makedirs(logs, exist_ok=True)
        path = os.path.join(logs, "array.sh")
        W.write_atomic(path, "\n".join([
            "#!/bin/sh",
            "# one chunk of a neuron-sim work folder: written by simulate.py --executor slurm, submitted with "
            "sbatch --array",
            "exec %s %s --run-chunk \"$SLURM_ARRAY_TASK_ID\" --work-dir %s" % (
                shlex.quote(self.python), shlex.quote(self.simulate), shlex.quote(self.work)),
            ""]))
        os.chmod(path, 0o755)
        return path

    def run(self, tasks, pending):
        """Until `pending()` is empty: submit the missing tasks as one array, wait for it, resubmit what failed."""
        script = self._script()
        missing = pending()
        attempt = 0
        while missing:
            if attempt > self.retries:
                raise RunError(
                    "--executor slurm: %d of %d chunk task(s) failed %d time(s):\n%s\nThe done chunks are kept in "
                    "%s: fix the cause and run the same command with the same --work-dir to run only the rest."
                    % (len(missing), len(tasks), self.retries + 1, describe_failures(self.work, missing), self.work))
            indices = [t["index"] for t in missing]
            job = self._submit(script, indices, attempt)
            self._say("submitted SLURM job %s: array %s (attempt %d of %d)"
                      % (job, array_spec(indices), attempt + 1, self.retries + 1))
            self._wait(job, lambda: self._progress(len(tasks), pending()))
            missing = pending()
            if missing:
                self._say("SLURM job %s: %d task(s) without a result: %s"
                          % (job, len(missing), array_spec([t["index"] for t in missing])))
            attempt += 1

    def _progress(self, total, missing):
        """Whether every task is done; says so when the count of done tasks has changed (a long run shows life)."""
        done = total - len(missing)
        if done != getattr(self, "_done", None):
            self._done = done
            self._say("%d/%d chunk(s) done" % (done, total))
        return not missing

    def _submit(self, script, indices, attempt):
        argv = ["sbatch", "--parsable", "--array=%s" % array_spec(indices),
                "--job-name=neuron-sim-%s" % ("chunks" if attempt == 0 else "retry%d" % attempt),
                "--output=%s" % os.path.join(W.paths(self.work)["slurm"], "%A_%a.out"),
                "--chdir=%s" % self.cwd] + self.sbatch_options + [script]
        r = _command(argv, self.env)
        if r.returncode != 0:
            why = (r.stderr.strip() or r.stdout.strip())
            down = any(w.lower() in why.lower() for w in _DOWN)
            raise RunError("--executor slurm: sbatch failed: %s\n%s" % (
                why, "The SLURM controller did not answer: is the cluster up (sinfo)? Locally, %s." % TRY_LOCAL
                if down else "Check the --slurm-option values (partition, time, account) against `sinfo` and "
                             "your site."))
        job = r.stdout.strip().split(";")[0]
        if not job.isdigit():
            raise RunError("--executor slurm: sbatch printed %r, expected a job id" % r.stdout.strip())
        return job

    def _wait(self, job, all_done):
        """Until the job has left the queue (squeue lists none of its tasks) or every result is there."""
        failures = 0
        while True:
            time.sleep(self.poll)
            if all_done():
                return
            r = _command(["squeue", "-h", "-j", job, "-o", "%i %T"], self.env)
            if r.returncode == 0:
                failures = 0
                if not r.stdout.strip():
                    return
                continue
            if "invalid job id" in r.stderr.lower():  # finished and already purged by the controller
                return
            failures += 1
            if failures >= 15:
                raise RunError("--executor slurm: squeue has failed %d times in a row: %s\nIs the SLURM controller "
                               "up (sinfo)? Job %s may still run; its chunks land in %s."
                               % (failures, r.stderr.strip(), job, self.work))
