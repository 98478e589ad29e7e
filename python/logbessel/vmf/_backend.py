"""Array-namespace helpers for logbessel.vmf (NumPy, CuPy, dask.array, scipy.sparse input).

Everything here is cheap to import: SciPy, dask and CuPy are only looked at when an object of
theirs is passed in (their modules are then already in ``sys.modules``), so ``import
logbessel.vmf`` imports none of them.

Conventions used by the vMF code:

* heavy O(n d) work stays in the data's namespace and on its device (CuPy: no host copy of X;
  dask: lazy expressions and one ``dask.compute``);
* O(d) and O(1) quantities (mean direction, sums, kappa) may travel to the host;
* random numbers come from a NumPy ``Generator``; for CuPy output the bulk (n x d) normals are
  drawn on the device by a CuPy generator seeded from it, so results are reproducible.
"""

from __future__ import annotations

import sys
from typing import Any

import numpy as np
from array_api_compat import array_namespace, is_cupy_array, is_dask_array, is_numpy_array

# Rows are processed in blocks of about this many elements: large enough that the Python
# overhead per block is small (a few microseconds against ~0.2 ms of arithmetic), small enough
# that a float64 block (2 MiB) stays in cache between the two reads made of it (row norms, then
# the weighted row sum). Measured on a 2-core machine at d = 32768: 2^18 elements (8 rows) ran
# at ~1.4x X.sum(0), 2^20 (32 rows) at up to ~10x (the matrix-vector product leaves the cache).
CHUNK_ELEMENTS = 1 << 18


def is_scipy_sparse(x: Any) -> bool:
    """True for a scipy.sparse matrix or array (without importing SciPy)."""
    if "scipy.sparse" not in sys.modules:
        return False
    return bool(sys.modules["scipy.sparse"].issparse(x))


def array_kind(x: Any) -> str:
    """One of ``"numpy"``, ``"cupy"``, ``"dask"``, ``"sparse"`` or ``"other"``."""
    if is_scipy_sparse(x):
        return "sparse"
    if is_numpy_array(x):
        return "numpy"
    if is_cupy_array(x):
        return "cupy"
    if is_dask_array(x):
        return "dask"
    return "other"


def namespace(x: Any):
    """The array-API namespace of ``x`` (array_api_compat wrapper of numpy / cupy / dask)."""
    return array_namespace(x)


def to_numpy(x: Any) -> np.ndarray:
    """Host NumPy copy of a small array (CuPy: device -> host transfer; only O(d) data)."""
    if is_cupy_array(x):
        return x.get()
    return np.asarray(x)


def check_float_dtype(dtype: Any, what: str) -> np.dtype:
    """The floating dtype computations use for data of ``dtype``.

    float32 and float64 are kept; bool and integer data are read as float64 (block by block
    where the data is large); float16 is read as float32. Complex, object or string data is a
    TypeError.
    """
    dt = np.dtype(dtype)
    if dt.kind == "f":
        return np.dtype(np.float32) if dt.itemsize <= 4 else np.dtype(np.float64)
    if dt.kind in "biu":
        return np.dtype(np.float64)
    raise TypeError(f"{what} must have a real numeric dtype, got {dt}")


def unit_norm_tolerance(d: int, dtype: Any) -> float:
    """Tolerance of the unit-norm checks: ``|norm - 1| <= max(1e-6, 16 sqrt(d) eps(dtype))``.

    1e-6 is the agreed tolerance; the second term only matters for float32 vectors in high
    dimension, whose norm, computed by the usual float32 reductions, is off by ~sqrt(d) eps
    (e.g. 2.2e-4 at d = 32768), so that correctly normalised float32 data is not rejected.
    """
    eps = float(np.finfo(check_float_dtype(dtype, "data")).eps)
    return max(1e-6, 16.0 * float(np.sqrt(d)) * eps)


def standard_normal(xp, rng: np.random.Generator, shape: tuple[int, ...], dtype, like=None):
    """Standard normal array in namespace ``xp`` (on the device of ``like`` for CuPy)."""
    if is_cupy_array(like):
        cupy = sys.modules["cupy"]
        # A device generator seeded from the host generator: reproducible from random_state,
        # and the n x d normals never cross the bus.
        seed = int(rng.integers(0, 2**63 - 1))
        with cupy.cuda.Device(like.device.id):
            return cupy.random.default_rng(seed).standard_normal(shape, dtype=dtype)
    sample = rng.standard_normal(shape, dtype=np.dtype(dtype).type)
    if is_numpy_array(like) or like is None:
        return sample
    return xp.asarray(sample)


def as_namespace_array(xp, values: Any, like: Any, dtype=None):
    """``values`` (host data) as an array of namespace ``xp`` on the device of ``like``."""
    if is_cupy_array(like):
        cupy = sys.modules["cupy"]
        with cupy.cuda.Device(like.device.id):
            return cupy.asarray(values, dtype=dtype)
    return xp.asarray(values, dtype=dtype)
