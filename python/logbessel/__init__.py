"""logbessel: accurate, overflow-free logarithms of the modified Bessel functions.

``log_iv(v, x)`` = log I_v(x) and ``log_kv(v, x)`` = log K_v(x) are true NumPy ufuncs
(``type(logbessel.log_iv) is numpy.ufunc``) with float32 and float64 loops; they broadcast,
accept ``out=``, ``where=``, ``dtype=``, follow NEP 50 promotion, pickle by name and work
lazily on dask and xarray arrays through the ufunc protocol.

``log_iv_dv(v, x)`` = d/dv log I_v(x) and ``log_kv_dv(v, x)`` = d/dv log K_v(x) are the
derivatives with respect to the order, ufuncs of the same kind.
"""

from __future__ import annotations

from ._core import log_abs_iv, log_iv, log_iv_dv, log_kv, log_kv_dv, matern, matern_dnu, sign_iv
from .kernels import matern_covariance

__all__ = [
    "log_iv", "log_kv", "log_iv_dv", "log_kv_dv", "log_abs_iv", "sign_iv", "matern", "matern_dnu",
    "matern_covariance", "__version__",
]

try:
    from importlib.metadata import version as _version

    __version__ = _version("logbessel")
except Exception:  # pragma: no cover - running from a source tree without metadata
    __version__ = "0+unknown"
