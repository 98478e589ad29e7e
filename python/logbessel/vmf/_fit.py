"""Maximum-likelihood fit of a von Mises-Fisher distribution.

Sufficient statistics: S = sum_i w_i x_i, W = sum_i w_i, W2 = sum_i w_i^2. Then
mu = S / ‖S‖, R-bar = ‖S‖ / W, n_eff = W^2 / W2 and kappa solves A_d(kappa) = R-bar,
A_d = I_{d/2}/I_{d/2-1}: ``logbessel.iv_ratio_inv(d/2 - 1, R-bar)`` (machine precision, any d).

One pass over X (NumPy float32/float64 with contiguous rows: the compiled kernel
``_core._unit_row_sum``, which reads each row once from memory and splits the rows over the
available cores; CuPy and other NumPy layouts: row blocks of ~1M elements, each read once from
memory and reused from cache):

* the squared row norms r_i^2, accumulated in float64 (validation: non-finite values, zero rows,
  rows off the unit sphere; and the exact normalisation below);
* S = sum_i (w_i / r_i) x_i (a matrix-vector product per block, accumulated in float64). Rows
  are normalised exactly by their float64 norm also when normalize=False (they are then only
  allowed to be off by the tolerance): this removes the rounding of the data's own norms, which
  for float32 data (|r_i - 1| ~ 1e-7) would otherwise bias 1 - R-bar when it is small.

Concentrated data: 1 - R-bar = (W - ‖S‖)/W from the first pass has an absolute error of a few
float64 eps, i.e. a relative error eps/(1 - R-bar). When 1 - R-bar < 2^-16 (kappa >~ 3e4 (d-1))
a second pass computes it without cancellation from the spread about the mean vector m = S/W:
    1 - R-bar^2 = sum_i w_i |x_i/r_i - m|^2 / W,    1 - R-bar = (1 - R-bar^2) / (1 + R-bar)
(an exact identity for unit rows; m's rounding enters only to second order), and kappa is
polished on 1 - A_d(kappa) = 1 - R-bar with ``iv_ratio_c``.

Bias correction (vmf.md 2.3): E[R-bar^2] = A^2 + (1 - A^2)/n, so the plug-in MLE overestimates
kappa unless n >> (d / kappa)^2; (n_eff R-bar^2 - 1)/(n_eff - 1) is unbiased for A^2.
"""

from __future__ import annotations

import math
import os
from dataclasses import dataclass
from typing import Any

import numpy as np

from .. import _core as _lb  # the ufuncs (not the package: no circular import)

from ._backend import (
    CHUNK_ELEMENTS,
    array_kind,
    as_namespace_array,
    check_float_dtype,
    namespace,
    to_numpy,
    unit_norm_tolerance,
)
from ._distribution import VonMisesFisher

# Below this 1 - R-bar, the first pass's (W - |S|)/W (absolute error ~1e-16) would leave a
# relative error > ~1e-11 in 1 - R-bar and hence in kappa: refine it with a second pass.
_REFINE_BELOW = 2.0**-16


@dataclass
class _Stats:
    direction: Any  # unit mean direction, float64, in the data's namespace (NumPy for dask/sparse)
    mean_resultant: float  # R-bar
    one_minus: float  # 1 - R-bar, accurate to ~1e-11 relative or better
    n_eff: float
    dim: int
    dtype: np.dtype


def _check_weights(weights: Any, n: int, xp, like):
    """Weights as a float64 1-D array in ``xp``; returns (w, W, W2) with W, W2 Python floats."""
    kind = array_kind(weights)
    if kind == "dask":
        w = weights.astype(np.float64)
    elif kind == "cupy" or array_kind(like) == "cupy":
        w = as_namespace_array(xp, weights, like, dtype=np.float64)
    else:
        w = np.asarray(weights, dtype=np.float64)
    if w.ndim != 1 or w.shape[0] != n:
        raise ValueError(f"weights must have shape ({n},), got {tuple(w.shape)}")
    return w


def _validate_weight_sums(total: float, total_sq: float, n_bad: int, n_neg: int):
    if n_bad:
        raise ValueError(f"weights have {n_bad} non-finite entries")
    if n_neg:
        raise ValueError(f"weights have {n_neg} negative entries")
    if not total > 0:
        raise ValueError("the weights sum to 0")
    if not math.isfinite(total_sq):
        raise ValueError("the weights overflow (sum of squares is inf)")


def _raise_row_problems(n: int, n_nonfinite: int, n_zero: int, n_off: int, max_dev: float, tol: float):
    if n_nonfinite:
        raise ValueError(
            f"X has non-finite values (nan/inf, or a squared row norm beyond the float64 range) in {n_nonfinite} of {n} rows"
        )
    if n_zero:
        raise ValueError(f"X has {n_zero} zero rows (of {n}), which have no direction")
    if n_off:
        raise ValueError(
            f"{n_off} of {n} rows of X are not unit vectors (largest |norm - 1| = {max_dev:.3g} > {tol:.3g}); "
            "pass normalize=True to normalise them"
        )


def _check_shape(X) -> tuple[int, int]:
    if X.ndim != 2:
        raise ValueError(f"X must be a 2-D array (n, d), got {X.ndim} dimensions")
    n, d = int(X.shape[0]), int(X.shape[1])
    if n < 1:
        raise ValueError("X must have at least one row")
    if d < 2:
        raise ValueError(f"the dimension d (columns of X) must be >= 2, got {d}")
    return n, d


def _row_sq_norms(xp, block):
    if xp.__name__.endswith("numpy"):
        return np.einsum("ij,ij->i", block, block)  # no n x d temporary
    return xp.sum(block * block, axis=1)


def _stats_dense(X, weights, normalize: bool) -> _Stats:
    """NumPy / CuPy: one blocked pass (plus a second only for concentrated data)."""
    xp = namespace(X)
    n, d = _check_shape(X)
    dtype = check_float_dtype(X.dtype, "X")
    tol = unit_norm_tolerance(d, dtype)
    if weights is None:
        w = None
        total, total_sq = float(n), float(n)
    else:
        w = _check_weights(weights, n, xp, X)
        n_bad = int(xp.sum(~xp.isfinite(w)))
        n_neg = int(xp.sum(w < 0)) if not n_bad else 0
        total = float(xp.sum(w)) if not n_bad else math.nan
        total_sq = float(xp.sum(w * w)) if not n_bad else math.nan
        _validate_weight_sums(total, total_sq, n_bad, n_neg)

    rows = max(1, CHUNK_ELEMENTS // d)
    fused = _fused_pass_applies(X)
    if fused:
        # NumPy float32/float64 with contiguous rows: the compiled one-pass kernel
        # (src/cpp/unit_row_sum.hpp), each row read once from memory, rows split over cores.
        w = None if w is None else np.ascontiguousarray(w)
        S, r2 = _lb._unit_row_sum(X, w, _worker_threads())
    else:
        S, r2 = _blocked_pass(xp, X, w, rows)

    # Validation from the n squared norms (O(n)).
    finite = xp.isfinite(r2)
    n_nonfinite = int(xp.sum(~finite))
    n_zero = int(xp.sum(r2 == 0)) if not n_nonfinite else 0
    n_off, max_dev = 0, 0.0
    if not normalize and not (n_nonfinite or n_zero):
        dev = xp.abs(xp.sqrt(r2) - 1.0)
        n_off = int(xp.sum(dev > tol))
        max_dev = float(xp.max(dev))
    _raise_row_problems(n, n_nonfinite, n_zero, n_off, max_dev, tol)

    def refine(mean_vec):  # the second pass, for concentrated data only (see _finish)
        if fused:
            m = np.ascontiguousarray(mean_vec, dtype=np.float64)
            return _lb._unit_row_spread(X, w, r2, m, _worker_threads())
        return _spread_dense(xp, X, w, r2, mean_vec, rows)

    S_host = to_numpy(S)
    norm_S = float(np.sqrt(S_host @ S_host))
    return _finish(S_host, norm_S, total, total_sq, d, dtype, refine=refine, like=X)


def _fused_pass_applies(X) -> bool:
    return (
        isinstance(X, np.ndarray)
        and X.dtype in (np.float32, np.float64)
        and X.flags.aligned
        and X.strides[1] == X.itemsize
    )


def _worker_threads() -> int:
    """Cores this process may use (the row sums are memory-bound: more than 8 rarely help)."""
    try:
        cores = len(os.sched_getaffinity(0))
    except (AttributeError, OSError):  # not Linux
        cores = os.cpu_count() or 1
    return max(1, min(cores, 8))


def _blocked_pass(xp, X, w, rows):
    """CuPy, and NumPy arrays the compiled pass does not take: float64 row blocks (norms, then a
    matrix-vector product per block, each block reused from cache)."""
    n, d = X.shape
    S = xp.zeros(d, dtype=xp.float64)
    if array_kind(X) == "cupy":
        S = as_namespace_array(xp, S, X)
    r2_all = []
    bad_block = False
    for start in range(0, n, rows):
        block = xp.astype(X[start : start + rows], xp.float64, copy=False)
        r2 = _row_sq_norms(xp, block)
        r2_all.append(r2)
        good = xp.isfinite(r2) & (r2 > 0)
        if bad_block or not bool(xp.all(good)):
            bad_block = True  # reported below; skip the product (0 * inf would be nan + a warning)
            continue
        scale = 1.0 / xp.sqrt(r2)
        if w is not None:
            scale = scale * w[start : start + rows]
        S += scale @ block
    r2 = xp.concat(r2_all) if len(r2_all) > 1 else r2_all[0]
    return S, r2


def _spread_dense(xp, X, w, r2, mean_vec, rows) -> float:
    """sum_i w_i |x_i / r_i - m|^2 (second pass, concentrated data only)."""
    m = as_namespace_array(xp, mean_vec, X, dtype=np.float64)
    total = 0.0
    for start in range(0, X.shape[0], rows):
        block = xp.astype(X[start : start + rows], xp.float64, copy=True)
        block /= xp.sqrt(r2[start : start + rows])[:, None]
        block -= m[None, :]
        sq = _row_sq_norms(xp, block)
        total += float(xp.sum(sq if w is None else sq * w[start : start + rows]))
    return total


def _stats_sparse(X, weights, normalize: bool) -> _Stats:
    """scipy.sparse: squared row norms from the stored values, S = (w / r) @ X."""
    n, d = _check_shape(X)
    dtype = check_float_dtype(X.dtype, "X")
    tol = unit_norm_tolerance(d, dtype)
    X = X.tocsr()
    if X.dtype != np.float64:
        X = X.astype(np.float64)
    values = X.data
    # Row sums of the squared stored values (empty rows -> 0).
    r2 = np.add.reduceat(np.append(values * values, 0.0), X.indptr[:-1]) if X.nnz else np.zeros(n)
    r2[np.diff(X.indptr) == 0] = 0.0
    if weights is None:
        w = None
        total = total_sq = float(n)
    else:
        w = _check_weights(weights, n, np, np.empty(0))
        n_bad = int(np.sum(~np.isfinite(w)))
        _validate_weight_sums(
            float(w.sum()) if not n_bad else math.nan,
            float(w @ w) if not n_bad else math.nan,
            n_bad,
            int(np.sum(w < 0)) if not n_bad else 0,
        )
        total, total_sq = float(w.sum()), float(w @ w)
    n_nonfinite = int(np.sum(~np.isfinite(r2)))
    n_zero = int(np.sum(r2 == 0)) if not n_nonfinite else 0
    n_off, max_dev = 0, 0.0
    if not normalize and not (n_nonfinite or n_zero):
        dev = np.abs(np.sqrt(r2) - 1.0)
        n_off, max_dev = int(np.sum(dev > tol)), float(dev.max())
    _raise_row_problems(n, n_nonfinite, n_zero, n_off, max_dev, tol)
    scale = 1.0 / np.sqrt(r2)
    if w is not None:
        scale = scale * w
    S = np.asarray(X.T @ scale).reshape(-1)
    norm_S = float(np.sqrt(S @ S))

    def refine(mean_vec):
        # Densify a block of rows at a time (rare: concentrated data only).
        rows = max(1, CHUNK_ELEMENTS // d)
        total_spread = 0.0
        for start in range(0, n, rows):
            block = X[start : start + rows].toarray()
            block /= np.sqrt(r2[start : start + rows])[:, None]
            block -= mean_vec[None, :]
            sq = np.einsum("ij,ij->i", block, block)
            total_spread += float(sq.sum() if w is None else sq @ w[start : start + rows])
        return total_spread

    return _finish(S, norm_S, total, total_sq, d, dtype, refine=refine, like=np.empty(0))


def _stats_dask(X, weights, normalize: bool) -> _Stats:
    """dask.array: lazy sums, evaluated by one ``dask.compute`` (a second only for concentrated data)."""
    import dask

    n, d = _check_shape(X)
    dtype = check_float_dtype(X.dtype, "X")
    tol = unit_norm_tolerance(d, dtype)
    da = namespace(X)
    Xf = X.astype(np.float64)
    r2 = (Xf * Xf).sum(axis=1)
    good = da.isfinite(r2) & (r2 > 0)
    inv_r = 1.0 / da.sqrt(da.where(good, r2, 1.0))
    if weights is None:
        w = None
        scale = da.where(good, inv_r, 0.0)
        sums = (n, n, 0, 0)
    else:
        w = _check_weights(weights, n, da, X)
        w_ok = da.isfinite(w)
        w0 = da.where(w_ok, w, 0.0)
        scale = da.where(good, inv_r * w0, 0.0)
        sums = (w0.sum(), (w0 * w0).sum(), (~w_ok).sum(), (w0 < 0).sum())
    S = (scale[:, None] * da.where(good[:, None], Xf, 0.0)).sum(axis=0)
    dev = da.where(good, da.abs(da.sqrt(da.where(good, r2, 1.0)) - 1.0), 0.0)
    S, total, total_sq, n_bad_w, n_neg_w, n_nonfinite, n_zero, n_off, max_dev = dask.compute(
        S, *sums, (~da.isfinite(r2)).sum(), (r2 == 0).sum(), (dev > tol).sum(), dev.max()
    )
    if w is not None:
        _validate_weight_sums(float(total), float(total_sq), int(n_bad_w), int(n_neg_w))
    if normalize:
        n_off = 0
    _raise_row_problems(n, int(n_nonfinite), int(n_zero), int(n_off), float(max_dev), tol)
    S = np.asarray(S, dtype=np.float64)

    def refine(mean_vec):
        diff = Xf * inv_r[:, None] - mean_vec[None, :]
        sq = (diff * diff).sum(axis=1)
        return float((sq.sum() if w is None else (sq * w).sum()).compute())

    return _finish(S, float(np.sqrt(S @ S)), float(total), float(total_sq), d, dtype, refine=refine, like=np.empty(0))


def _finish(S_host, norm_S, total, total_sq, d, dtype, *, refine, like) -> _Stats:
    if not norm_S > 0:
        raise ValueError("the weighted sum of the rows is 0: the mean direction is undefined")
    mean_resultant = norm_S / total
    one_minus = (total - norm_S) / total
    if one_minus < _REFINE_BELOW:
        spread = refine(S_host / total)  # = W (1 - R-bar^2) exactly, computed without cancellation
        one_minus = (spread / total) / (1.0 + min(mean_resultant, 1.0))
        mean_resultant = min(mean_resultant, 1.0)
    direction = S_host / norm_S
    if array_kind(like) == "cupy":
        direction = as_namespace_array(namespace(like), direction, like)
    return _Stats(direction, mean_resultant, max(one_minus, 0.0), total * total / total_sq, d, dtype)


def _sufficient_statistics(X, weights=None, normalize=False) -> _Stats:
    kind = array_kind(X)
    if kind == "sparse":
        return _stats_sparse(X, weights, normalize)
    if kind == "dask":
        return _stats_dask(X, weights, normalize)
    if kind == "other":
        if isinstance(X, (list, tuple)) or hasattr(X, "__array__"):
            X = np.asarray(X)
        else:
            raise TypeError(f"X must be a NumPy, CuPy or dask array or a scipy.sparse matrix, got {type(X).__name__}")
    return _stats_dense(X, weights, normalize)


def _solve_kappa(dim: int, r: float, one_minus_r: float) -> float:
    """kappa >= 0 with A_d(kappa) = r, given r and 1 - r (the latter accurate on its own).

    ``iv_ratio_inv`` solves from r (its 1 - r is exact in floating point, but r itself carries
    the rounding of the statistics). When 1 - r < 2^-16 the root is polished on the
    complement, c(kappa) = 1 - A_d(kappa) = one_minus_r, by the fixed-point step
    kappa <- kappa c(kappa) / one_minus_r: kappa c(kappa) = (d-1)/2 + O(d^2/kappa) is nearly
    constant there (kappa >~ 3e4 (d-1)), so each step gains a factor ~d/(4 kappa) < 1e-5.
    """
    nu = dim / 2.0 - 1.0
    if r <= 0.0:
        return 0.0
    if one_minus_r >= _REFINE_BELOW:
        return float(_lb.iv_ratio_inv(nu, r))
    if r < 1.0:
        kappa = float(_lb.iv_ratio_inv(nu, r))
    else:
        kappa = (nu + 0.5) / one_minus_r  # leading term of 1 - A_d ~ (d-1)/(2 kappa)
    for _ in range(3):
        kappa = kappa * float(_lb.iv_ratio_c(nu, kappa)) / one_minus_r
    return kappa


def mean_resultant_length(X: Any, weights: Any = None, *, normalize: bool = False):
    """Mean direction, mean resultant length and effective sample size of unit vectors.

    Parameters
    ----------
    X, weights, normalize
        As in `fit`.

    Returns
    -------
    mean_direction : array, shape (d,)
        S / ‖S‖ with S = sum_i w_i x_i, float64 (CuPy for CuPy X, NumPy otherwise).
    mean_resultant : float
        R-bar = ‖S‖ / sum_i w_i.
    n_eff : float
        (sum_i w_i)^2 / sum_i w_i^2 (n without weights).

    Examples
    --------
    >>> import numpy as np
    >>> from logbessel.vmf import mean_resultant_length
    >>> X = np.array([[1.0, 0.0], [0.0, 1.0]])
    >>> mu, rbar, n_eff = mean_resultant_length(X)
    >>> mu, round(rbar, 12), n_eff
    (array([0.70710678, 0.70710678]), 0.707106781187, 2.0)
    """
    stats = _sufficient_statistics(X, weights, normalize)
    return stats.direction, stats.mean_resultant, stats.n_eff


def fit(X: Any, weights: Any = None, *, bias_correction: bool = False, normalize: bool = False) -> VonMisesFisher:
    """Maximum-likelihood von Mises-Fisher distribution of the rows of X.

    Parameters
    ----------
    X : array, shape (n, d)
        NumPy, CuPy or dask array, or a scipy.sparse matrix/array; n >= 1 (>= 2 with
        bias_correction), d >= 2. Real numeric dtype (integers/bool are read as float64).
    weights : array, shape (n,), optional
        Non-negative finite weights (not all 0).
    bias_correction : bool
        Replace R-bar^2 by (n_eff R-bar^2 - 1)/(n_eff - 1) (clipped at 0, i.e. kappa = 0):
        unbiased for A_d(kappa)^2, since E[R-bar^2] = A^2 + (1 - A^2)/n exactly. Use it in high
        dimension when n is not >> (d/kappa)^2. Measured at d = 32768, n = 500 (means over 3
        data sets, ``python bench/bench_vmf.py --bias --seeds 3``):

        ==========  ===========  ==============  ================
        kappa       (d/kappa)^2  plug-in kappa   corrected kappa
        ==========  ===========  ==============  ================
        100         1.1e5        1475            125 (0 to 183)
        1000        1070         1781            1005
        1e4         10.7         10139           10003
        1e5         0.107        100251          100012
        ==========  ===========  ==============  ================

        Below the noise floor (kappa <~ d / sqrt(n), ~1500 here) the plug-in estimate is
        ~d / sqrt(n) whatever kappa is; the corrected one is nearly unbiased but noisy and
        clipped at 0 (seeds 0-5 at kappa = 100 gave 164, 27, 183, 0, 111, 153). When
        n >> (d/kappa)^2 both agree.
    normalize : bool
        False: every row must have unit norm, abs(norm - 1) <= max(1e-6, 16 sqrt(d) eps(dtype))
        (ValueError naming the number of bad rows otherwise). True: rows are divided by their
        norms (implicitly: X is not copied).

    Returns
    -------
    VonMisesFisher
        With mu = S/‖S‖ (X's float dtype; CuPy for CuPy X), kappa = A_d^{-1}(R-bar) by
        ``logbessel.iv_ratio_inv(d/2 - 1, R-bar)``, and the attributes ``n_samples`` (n_eff),
        ``mean_resultant`` (R-bar, before any correction) and ``bias_corrected``.

    Raises
    ------
    ValueError
        Wrong ndim, n < 1, d < 2, non-finite values, zero rows, rows off the sphere (when not
        normalising), bad weights, or data without spread (all rows equal: kappa would be
        infinite).
    TypeError
        Unsupported array type or dtype.

    Notes
    -----
    Cost: one pass over X: the float64 squared row norms (validation and exact normalisation) and
    S = sum_i (w_i / r_i) x_i, accumulated in float64. For NumPy float32/float64 data with
    contiguous rows a compiled kernel reads each row once and splits the rows over the cores
    (bit-identical for any core count). Measured (``python bench/bench_vmf.py --d 32768 --n 50000``,
    2-core machine): 0.73x the time of ``X.sum(0)`` for float64 X, 0.89x for float32 X (whose
    ``X.sum(0)`` accumulates in float32); on one core 1.33x and 1.45x. Other layouts (e.g. Fortran
    order) take a NumPy path in row blocks, ~2-5x. A second pass (compiled too) is made only
    for very concentrated data (1 - R-bar < 2^-16), to get 1 - R-bar without cancellation.
    CuPy: everything stays on the device except O(d) results. dask: lazy, one
    ``dask.compute`` (two for concentrated data). scipy.sparse: O(nnz).

    Examples
    --------
    >>> import numpy as np
    >>> from logbessel.vmf import VonMisesFisher, fit
    >>> mu = np.zeros(100); mu[0] = 1.0
    >>> X = VonMisesFisher(mu, 200.0).sample(5000, random_state=0)
    >>> est = fit(X)
    >>> est.n_samples, bool(abs(est.kappa / 200.0 - 1) < 0.03), bool(est.mu @ mu > 0.999)
    (5000.0, True, True)
    """
    stats = _sufficient_statistics(X, weights, normalize)
    rbar, one_minus = stats.mean_resultant, stats.one_minus
    if bias_correction and not stats.n_eff > 1.0 + 1e-12:
        raise ValueError("bias_correction needs at least 2 rows (effective sample size > 1)")
    if one_minus <= 0.0:
        raise ValueError("the rows of X have no spread (R-bar = 1): the maximum-likelihood kappa is infinite")
    if bias_correction:
        n_eff = stats.n_eff
        # A^2 = (n R^2 - 1)/(n - 1), and 1 - A^2 = n (1 - R^2)/(n - 1) without cancellation.
        a2 = (n_eff * rbar * rbar - 1.0) / (n_eff - 1.0)
        one_minus_a2 = n_eff * one_minus * (1.0 + rbar) / (n_eff - 1.0)
        if a2 <= 0.0:
            r, one_minus_r = 0.0, 1.0
        else:
            r = math.sqrt(a2)
            one_minus_r = one_minus_a2 / (1.0 + r)
    else:
        r, one_minus_r = rbar, one_minus
    kappa = _solve_kappa(stats.dim, r, one_minus_r)
    xp = namespace(stats.direction)
    mu = xp.astype(stats.direction, stats.dtype)
    return VonMisesFisher._from_fit(
        mu, kappa, n_samples=stats.n_eff, mean_resultant=rbar, bias_corrected=bool(bias_correction)
    )
