"""Covariance matrices from the ``matern`` ufunc (NumPy or CuPy, in the array's own namespace)."""

from __future__ import annotations

import math
import numbers
from typing import Any

__all__ = ["matern_covariance"]


def _namespace(x: Any):
    """The array namespace of ``x``: NumPy for NumPy arrays, CuPy for CuPy arrays.

    Uses the array API protocol (``__array_namespace__``) where the array has it, otherwise
    NumPy (lists and other array-likes are converted by NumPy). No host round trip: a CuPy
    array stays on the device.
    """
    get_ns = getattr(x, "__array_namespace__", None)
    if get_ns is not None:
        return get_ns()  # numpy (NumPy >= 2) or cupy
    import numpy

    return numpy


def _check_positive(name: str, value: Any) -> float:
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise TypeError(f"{name} must be a real number, got {type(value).__name__}")
    value = float(value)
    if not (value > 0) or math.isnan(value):
        raise ValueError(f"{name} must be > 0, got {value!r}")
    return value


def matern_covariance(X, Y=None, *, nu, length_scale=1.0, variance=1.0):
    """Matern covariance matrix between the rows of X and Y.

    ``K[i, j] = variance * matern(||X[i] - Y[j]|| / length_scale, nu)`` with the Euclidean
    distance, computed with `logbessel.matern` (accurate for every nu > 0, including
    nu = inf, the squared-exponential kernel).

    Parameters
    ----------
    X : array, shape (n, d)
        Points (NumPy or CuPy array; a 1-D array is read as n points in one dimension).
    Y : array, shape (m, d), optional
        Second set of points, same array type and d as X. If omitted, ``Y = X`` and the
        result is exactly symmetric with diagonal exactly ``variance``.
    nu : float
        Smoothness, > 0 (``float('inf')`` for the squared exponential).
    length_scale : float, optional
        Length scale, > 0 (default 1).
    variance : float, optional
        Marginal variance, > 0 (default 1).

    Returns
    -------
    array, shape (n, m)
        Same array library as X (a CuPy input stays on its device), floating dtype of X
        (float32 stays float32; integer inputs give float64).

    Raises
    ------
    ValueError
        Bad shapes (X not 1-D/2-D, Y with another number of columns) or parameters
        (nu, length_scale, variance not > 0, or not finite where required).
    TypeError
        Parameters that are not real numbers.

    Examples
    --------
    >>> import numpy as np, logbessel
    >>> X = np.array([[0.0, 0.0], [1.0, 0.0], [0.0, 2.0]])
    >>> K = logbessel.matern_covariance(X, nu=0.5, length_scale=2.0)
    >>> bool(np.allclose(K[0, 1], np.exp(-0.5)))
    True
    """
    if nu is None:
        raise TypeError("nu is required")
    nu = _check_positive("nu", nu)
    length_scale = _check_positive("length_scale", length_scale)
    variance = _check_positive("variance", variance)
    if math.isinf(length_scale):
        raise ValueError("length_scale must be finite")
    if math.isinf(variance):
        raise ValueError("variance must be finite")

    xp = _namespace(X)
    X = _as_points(xp, X, "X")
    symmetric = Y is None
    if symmetric:
        Y = X
    else:
        if _namespace(Y) is not xp:
            raise TypeError("X and Y must come from the same array library")
        Y = _as_points(xp, Y, "Y")
        if Y.shape[1] != X.shape[1]:
            raise ValueError(
                f"X and Y must have the same number of columns, got {X.shape[1]} and {Y.shape[1]}")
        dtype = xp.result_type(X.dtype, Y.dtype)
        X, Y = X.astype(dtype, copy=False), Y.astype(dtype, copy=False)

    # Pairwise distances from the differences (not |x|^2 + |y|^2 - 2 x.y, which cancels for
    # close points and gives r ~ sqrt(eps) |x| where r = 0): an (n, m, d) temporary. For Y = X
    # this is exactly symmetric ((a - b)^2 == (b - a)^2 bit for bit, and the sum runs in the
    # same order) with an exactly zero diagonal, where matern returns exactly 1.
    diff = (X[:, None, :] - Y[None, :, :]) / length_scale  # Python floats keep X's dtype
    r = xp.sqrt(xp.sum(diff * diff, axis=-1))

    from . import matern

    K = matern(r, nu)
    if variance != 1.0:
        K = K * variance
    return K


def _as_points(xp, A, name):
    A = xp.asarray(A)
    if A.ndim == 1:
        A = A[:, None]
    if A.ndim != 2:
        raise ValueError(f"{name} must be 1-D or 2-D (points x dims), got shape {tuple(A.shape)}")
    if A.dtype.kind != "f":  # integers, booleans -> float64 (complex is rejected)
        if A.dtype.kind == "c":
            raise TypeError(f"{name} must be real, got dtype {A.dtype}")
        A = A.astype(xp.float64)
    return A
