"""logbessel: accurate, overflow-free logarithms of the modified Bessel functions.

``log_iv(v, x)`` = log I_v(x) and ``log_kv(v, x)`` = log K_v(x) are true NumPy ufuncs
(``type(logbessel.log_iv) is numpy.ufunc``) with float32 and float64 loops; they broadcast,
accept ``out=``, ``where=``, ``dtype=``, follow NEP 50 promotion, pickle by name and work
lazily on dask and xarray arrays through the ufunc protocol.

``log_iv_dv(v, x)`` = d/dv log I_v(x) and ``log_kv_dv(v, x)`` = d/dv log K_v(x) are the
derivatives with respect to the order, ufuncs of the same kind.

On CuPy arrays the same calls run on the GPU (``logbessel.gpu``; README "GPU").
"""

from __future__ import annotations

import os
from pathlib import Path

from ._core import (
    iv_ratio,
    iv_ratio_c,
    iv_ratio_inv,
    log_abs_iv,
    log_iv,
    log_iv_dv,
    log_iv_dx,
    log_kv,
    log_kv_dv,
    log_kv_dx,
    matern,
    matern_dnu,
    sign_iv,
    vmf_log_norm,
)
from .kernels import matern_covariance
from . import vmf

__all__ = [
    "iv_ratio",
    "iv_ratio_c",
    "iv_ratio_inv",
    "log_abs_iv",
    "log_iv",
    "log_iv_dv",
    "log_iv_dx",
    "log_kv",
    "log_kv_dv",
    "log_kv_dx",
    "matern",
    "matern_covariance",
    "matern_dnu",
    "sign_iv",
    "vmf_log_norm",
    "vmf",
    "get_cmake_dir",
    "get_include",
    "__version__",
]

try:
    from importlib.metadata import version as _version

    __version__ = _version("logbessel")
except Exception:  # pragma: no cover - running from a source tree without metadata
    __version__ = "0+unknown"


def get_include() -> str:
    """Directory of the header-only C++/CUDA library shipped with the package.

    ``#include "logbessel/logbessel.hpp"`` with ``-I`` this directory gives
    ``logbessel::log_iv<T>(v, x)`` and the other kernels (host and device code), and
    ``logbessel/cuda_kernels.cuh`` the CUDA kernels that logbessel.gpu compiles at run time.
    """
    here = Path(__file__).resolve().parent
    # Installed package: logbessel/include. Editable install / source tree: the sources.
    for candidate in (here / "include", here.parent.parent / "src" / "cpp" / "include"):
        if (candidate / "logbessel" / "logbessel.hpp").is_file():
            return str(candidate)
    raise FileNotFoundError("logbessel's headers are not installed next to the package")


def get_cmake_dir() -> str:
    """Directory of the CMake config package of the header-only library.

    ``find_package(logbessel CONFIG)`` with ``-Dlogbessel_DIR=`` this directory gives the
    INTERFACE target ``logbessel::headers`` (the include directory of :func:`get_include` and
    C++17), as ``pybind11.get_cmake_dir()`` does for pybind11.
    """
    # Installed package: logbessel/share/cmake/logbessel. An editable install adds its CMake
    # install folder to the package's __path__, so every entry is searched.
    for base in dict.fromkeys([Path(__file__).resolve().parent, *map(Path, __path__)]):
        candidate = base / "share" / "cmake" / "logbessel"
        if (candidate / "logbesselConfig.cmake").is_file():
            return str(candidate)
    raise FileNotFoundError(
        "logbessel's CMake config package is not installed next to the package "
        "(`pip install .` installs it; a plain source tree has none)"
    )


def __getattr__(name: str):
    # `logbessel.gpu` is imported on first access, so that nothing GPU-related is imported by
    # `import logbessel` when CuPy is absent (it never imports CuPy by itself either).
    if name == "gpu":
        import importlib

        return importlib.import_module(".gpu", __name__)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def _register_cupy_dispatch_at_import() -> None:
    """When CuPy is installed, let CuPy's __array_ufunc__ find the GPU versions (README "GPU").

    Opt out with LOGBESSEL_CUPY_DISPATCH=0 (then call logbessel.gpu.register_cupy_dispatch()
    yourself, or use logbessel.gpu.NAME explicitly). A broken CuPy installation never breaks
    `import logbessel`: the error is kept in logbessel.gpu.info()["cupy_dispatch"].
    """
    if os.environ.get("LOGBESSEL_CUPY_DISPATCH", "").strip().lower() in ("0", "false", "no", "off"):
        return
    import importlib.util

    if importlib.util.find_spec("cupy") is None:
        return
    from . import gpu

    try:
        gpu.register_cupy_dispatch()
    except Exception as exc:  # noqa: BLE001 - any failure of a third-party import is reported, not raised
        gpu._registration.clear()
        gpu._registration["error"] = f"{type(exc).__name__}: {exc}"


_register_cupy_dispatch_at_import()
