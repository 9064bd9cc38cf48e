"""--executor local with --work-dir: the chunk tasks of a work folder run on this machine, as the processes an
array task would start (`simulate.py --run-chunk INDEX --work-dir DIR`), --jobs at a time."""
import os
import subprocess
import sys

from .errors import RunError
from .fanout import describe_failures


class LocalExecutor:
    """--executor local with --work-dir: the same tasks, run here as `simulate.py --run-chunk` processes, --jobs
    at a time (what an array task runs, without SLURM)."""

    def __init__(self, work, simulate, python, jobs=1, log=sys.stderr):
        self.work = os.path.abspath(work)
        self.simulate = os.path.abspath(simulate)
        self.python = python
        self.jobs = max(1, jobs)
        self.log = log

    def run(self, tasks, pending):
        queue = list(pending())
        running = []
        while queue or running:
            while queue and len(running) < self.jobs:
                t = queue.pop(0)
                running.append(subprocess.Popen([self.python, self.simulate, "--run-chunk", str(t["index"]),
                                                 "--work-dir", self.work], stdout=self.log, stderr=self.log))
            running[0].wait()
            running = [p for p in running if p.poll() is None]
        left = pending()
        if left:
            raise RunError("--executor local: %d of %d chunk task(s) failed:\n%s\nThe done chunks are kept in %s: "
                           "fix the cause and run the same command with the same --work-dir to run only the rest."
                           % (len(left), len(tasks), describe_failures(self.work, left), self.work))
