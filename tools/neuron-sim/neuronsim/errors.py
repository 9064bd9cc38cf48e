"""The one error class simulate.py prints as a message instead of a traceback."""


class RunError(Exception):
    """A problem the user can act on (a folder in the way, SLURM down, a task that kept failing): simulate.py
    prints its message, with what to do, and exits non-zero."""
