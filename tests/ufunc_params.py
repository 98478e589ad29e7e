"""Every public ufunc and the two dtypes, as pytest parameters (shared by the hardening tests)."""

import numpy as np
import pytest

import logbessel

UFUNCS = [getattr(logbessel, n) for n in logbessel.__all__
          if isinstance(getattr(logbessel, n), np.ufunc)]
UFUNC_NAMES = [f.__name__ for f in UFUNCS]
DTYPES = [np.float32, np.float64]
func_param = pytest.mark.parametrize("f", UFUNCS, ids=UFUNC_NAMES)
dtype_param = pytest.mark.parametrize("dtype", DTYPES, ids=["float32", "float64"])
