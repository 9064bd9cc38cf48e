"""Compile (on first use) and load this tool's NMODL mechanisms.

The .mod files live in ``tools/neuron-sim/mod``; they are compiled with nrnivmodl into
``tools/neuron-sim/build/`` (git-ignored). A hash of the sources is stored next to the
library so edited .mod files trigger a rebuild. A file lock keeps concurrent processes
from compiling at the same time.

Debian's neuron-dev ships nrnivmodl with its makefile in /usr/lib/nrn instead of /usr/bin
and fails to link the (unneeded) ``special`` executable; we point nrnivmodl at the real
makefile through NRNHOME_EXEC and only require ``libnrnmech.so``.
"""
import fcntl
import glob
import hashlib
import os
import shutil
import subprocess
import sys

TOOL_DIR = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
MOD_DIR = os.path.join(TOOL_DIR, "mod")
BUILD_DIR = os.path.join(TOOL_DIR, "build")
ARCH = "x86_64"


def _mod_hash():
    h = hashlib.sha256()
    for path in sorted(glob.glob(os.path.join(MOD_DIR, "*.mod"))):
        h.update(os.path.basename(path).encode())
        with open(path, "rb") as f:
            h.update(f.read())
    return h.hexdigest()


def _library_path():
    for cand in (os.path.join(BUILD_DIR, ARCH, "libnrnmech.so"),
                 os.path.join(BUILD_DIR, ARCH, ".libs", "libnrnmech.so")):
        if os.path.exists(cand):
            return cand
    return None


def _find_nrnivmodl():
    for cand in ("/usr/bin/nrnivmodl", shutil.which("nrnivmodl")):
        if cand and os.path.exists(cand):
            return cand
    raise RuntimeError("nrnivmodl not found (install neuron-dev)")


def _compile(log=sys.stderr):
    nrnivmodl = _find_nrnivmodl()
    for path in glob.glob(os.path.join(BUILD_DIR, "*.mod")):
        os.remove(path)
    shutil.rmtree(os.path.join(BUILD_DIR, ARCH), ignore_errors=True)
    for path in glob.glob(os.path.join(MOD_DIR, "*.mod")):
        shutil.copy(path, BUILD_DIR)
    env = dict(os.environ)
    args = [nrnivmodl]
    bindir = os.path.dirname(nrnivmodl)
    if not os.path.exists(os.path.join(bindir, "nrnmech_makefile")) and \
            os.path.exists("/usr/lib/nrn/nrnmech_makefile"):
        shim = os.path.join(BUILD_DIR, "shim", "bin")
        os.makedirs(shim, exist_ok=True)
        link = os.path.join(shim, "nrnmech_makefile")
        if not os.path.exists(link):
            os.symlink("/usr/lib/nrn/nrnmech_makefile", link)
        env["NRNHOME_EXEC"] = os.path.dirname(shim)
        args += ["-loadflags", "-L/usr/lib/nrn -Wl,-rpath,/usr/lib/nrn"]
    print("[neuron-sim] compiling mechanisms with nrnivmodl ...", file=log, flush=True)
    proc = subprocess.run(args, cwd=BUILD_DIR, env=env, stdout=subprocess.PIPE,
                          stderr=subprocess.STDOUT, text=True)
    if _library_path() is None:
        sys.stderr.write(proc.stdout[-4000:])
        raise RuntimeError("nrnivmodl failed to build libnrnmech.so")


def ensure_compiled(log=sys.stderr):
    """Compile the mechanisms if missing or stale. Safe to call from several processes."""
    os.makedirs(BUILD_DIR, exist_ok=True)
    want = _mod_hash()
    stamp = os.path.join(BUILD_DIR, "mods.sha256")
    with open(os.path.join(BUILD_DIR, ".lock"), "w") as lockf:
        fcntl.flock(lockf, fcntl.LOCK_EX)
        try:
            have = open(stamp).read().strip() if os.path.exists(stamp) else None
            if have != want or _library_path() is None:
                _compile(log)
                with open(stamp, "w") as f:
                    f.write(want + "\n")
        finally:
            fcntl.flock(lockf, fcntl.LOCK_UN)
    return _library_path()


_LOADED = False


def load():
    """Compile if needed, then load the mechanisms into this process's NEURON."""
    global _LOADED
    if _LOADED:
        return
    lib = ensure_compiled()
    from neuron import h
    if not hasattr(h, "SynEI"):
        h.nrn_load_dll(lib)
    _LOADED = True
