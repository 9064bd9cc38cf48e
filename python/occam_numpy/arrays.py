"""NumPy arrays as occam writes them: `.npy`, or the same bytes gzip-compressed as `.npy.gz`."""
import gzip
import io

import numpy as np


def load_array(path):
    """Read one `.npy` or `.npy.gz` file (no pickles)."""
    if str(path).endswith(".gz"):
        with gzip.open(path, "rb") as f:
            # np.load needs to seek; a gzip stream seeks backwards by re-reading, so decompress once.
            return np.load(io.BytesIO(f.read()), allow_pickle=False)
    return np.load(path, allow_pickle=False)
