#!/bin/sh
# Stands in for /usr/bin/python3 in the SLURM test's array tasks (--slurm-python): the first time it is started for
# chunk task OCCAM_TEST_KILL_INDEX it kills itself with SIGKILL (as a node loss or the OOM killer would), leaving a
# marker so that the rerun goes through; every other start is Debian's python3 with the same arguments
# (simulate.py --run-chunk INDEX --work-dir DIR).
if [ -n "$OCCAM_TEST_KILL_MARKER" ] && [ "$3" = "$OCCAM_TEST_KILL_INDEX" ] && [ ! -e "$OCCAM_TEST_KILL_MARKER" ]; then
  echo "killed task $3" >"$OCCAM_TEST_KILL_MARKER"
  kill -9 $$
fi
exec /usr/bin/python3 "$@"
