"""Fit the benchmark's data with scikit-learn's LogisticRegression (lbfgs), timing only the fit.

Reads X stored by occam as float32 [p, n] (occam's column-major design, i.e. X transposed) and y [n].
Prints one JSON line: seconds, intercept, coef, peak RSS (MB) of this process.
"""
import json
import resource
import sys
import time

import numpy as np
from sklearn.linear_model import LogisticRegression

x_path, y_path, c_value, tol = sys.argv[1], sys.argv[2], float(sys.argv[3]), float(sys.argv[4])
X = np.ascontiguousarray(np.load(x_path).T, dtype=np.float64)  # n × p, float64 as sklearn computes
y = np.load(y_path).astype(np.float64)
start = time.perf_counter()
model = LogisticRegression(C=c_value, solver="lbfgs", tol=tol, max_iter=100000).fit(X, y)
seconds = time.perf_counter() - start
peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
print(json.dumps({"seconds": seconds, "intercept": float(model.intercept_[0]), "coef": model.coef_[0].tolist(),
                  "iterations": int(model.n_iter_[0]), "peak_mb": peak_mb}))
