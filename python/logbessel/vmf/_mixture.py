"""Mixtures of von Mises-Fisher distributions fitted by EM (soft and hard assignments).

Model (Banerjee, Dhillon, Ghosh & Sra 2005, JMLR 6:1345-1382, "moVMF"; R package movMF, Hornik
& Gruen 2014): a point x on S^{d-1} has density

    f(x) = sum_k alpha_k C_d(kappa_k) exp(kappa_k mu_k^T x),   log C_d = logbessel.vmf_log_norm(d, .)

EM, one pass over the rows per iteration (E-step and the M-step's sufficient statistics fused):

* E-step, in log space:  log r_ik = log alpha_k + log C_d(kappa_k) + kappa_k mu_k^T x_i
  - logsumexp_k(...).  "soft" keeps r_ik, "hard" replaces it by the one-hot argmax (hard-moVMF,
  a classification EM).  The O(n k d) work is two products per iteration, X M^T here and R^T X
  for the M-step (GEMMs, or sparse-times-dense products for CSR input); the k normalisers are
  scalars from ``vmf_log_norm`` (exact and finite for every d and kappa: this is where other
  vMF mixture codes overflow in high d).
* M-step from N_k = sum_i r_ik, r_k = sum_i r_ik x_i (= (R^T X)_k, accumulated chunk by chunk):
  alpha_k = N_k / n,  mu_k = r_k / ||r_k||,  Rbar_k = ||r_k|| / N_k,
  kappa_k = A_d^{-1}(Rbar_k) = ``logbessel.iv_ratio_inv(d/2 - 1, Rbar_k)`` (exact MLE, not
  Banerjee's approximation).  Optional bias correction of Rbar_k^2 with the effective sample
  size (sum_i r_ik)^2 / sum_i r_ik^2 of the responsibilities (see ``fit``'s docstring).

Rows are processed ``chunk_size`` at a time, so memory is O(chunk_size * k + k d) whatever n is.
"""

from __future__ import annotations

import math
import numbers
import sys
import warnings
from dataclasses import dataclass
from typing import Any, Callable, Iterator

import array_api_compat as _aac
import numpy as np

from .._core import iv_ratio_inv, vmf_log_norm
from ._backend import is_scipy_sparse as _is_scipy_sparse
from ._backend import unit_norm_tolerance

__all__ = ["VonMisesFisherMixture", "ConvergenceWarning"]


class ConvergenceWarning(UserWarning):
    """EM stopped at ``max_iter`` before the mean log-likelihood changed by less than ``tol``."""


# A row counts as unit norm when | ||x|| - 1 | <= max(1e-6, 16 sqrt(d) eps(dtype)), the rule of
# the whole vmf package (._backend.unit_norm_tolerance: 1e-6 agreed; the second term admits
# float32 rows normalised with float32 reductions in high d).

# Default chunk: 2^23 float64 values = 64 MiB for one (chunk_rows x k) block (and, for dense
# data that must be converted to float64, for one (chunk_rows x d) block of X).
_CHUNK_ELEMENTS = 2**23

# Smallest allowed 1 - Rbar_k. Rbar_k = 1 exactly when a component holds one point (or identical
# points): the MLE kappa is infinite (movMF stops with "cannot handle infinite concentration").
# We cap kappa at A_d^{-1}(1 - 1e-10) ~ (d - 1) / 2 * 1e10 instead: 1 - Rbar_k below ~1e-10 is
# no longer a reliable quantity anyway (Rbar_k = ||sum r x|| / sum r carries absolute rounding
# errors of order (number of summands) * eps ~ 1e-10 for a million rows).  Such a component is a
# degenerate, spike-like fit (the analogue of a singular covariance in a Gaussian mixture).
_MIN_ONE_MINUS_RBAR = 1e-10

# A component whose total responsibility N_k falls below this many points is "empty": its mean
# r_k / ||r_k|| is undefined (0/0 when N_k underflows to 0) and its weight is negligible. It is
# re-seeded at the point the current mixture explains worst (lowest log-likelihood), with the
# median kappa of the other components and weight 1/n (then the weights are renormalised).
_MIN_COMPONENT_MASS = 1e-8

# Bias correction is applied only where the effective sample size exceeds 1 by this much:
# (n_eff Rbar^2 - 1) / (n_eff - 1) is 0/0 for a single effective point (no information about the
# spread at all); such components keep the plug-in Rbar (capped as above).
_MIN_NEFF_EXCESS = 1e-8


# --------------------------------------------------------------------------------------------
# Data handling: numpy / CuPy dense, scipy.sparse (and cupyx.scipy.sparse) CSR, dask arrays.
# --------------------------------------------------------------------------------------------


def _is_cupy_sparse(X: Any) -> bool:
    sparse = sys.modules.get("cupyx.scipy.sparse")
    return sparse is not None and sparse.issparse(X)


def _host(a: Any) -> np.ndarray:
    """Small array (O(k) or O(d) values) to a host numpy array; CuPy arrays are copied back."""
    if _aac.is_cupy_array(a):
        return a.get()
    return np.asarray(a)


def _in_namespace(a: Any, xp: Any) -> Any:
    """Move a parameter array into the data's namespace (numpy <-> CuPy) when they differ."""
    if _aac.is_cupy_namespace(xp):
        return xp.asarray(a)
    return _host(a)


def _check_dense(X: Any, xp: Any, normalize: bool, what: str = "X") -> Any:
    """Validate a dense 2-D block (numpy or CuPy); return it (normalised if asked), float dtype."""
    if X.ndim != 2:
        raise ValueError(f"{what} must be a 2-D array of shape (n_samples, n_features), got ndim={X.ndim}")
    if xp.isdtype(X.dtype, "complex floating"):
        raise TypeError(f"{what} must be real, got dtype {X.dtype}")
    if not xp.isdtype(X.dtype, "real floating"):
        if not (xp.isdtype(X.dtype, "integral") or X.dtype == xp.bool):
            raise TypeError(f"{what} must have a real numeric dtype, got {X.dtype}")
        X = xp.astype(X, xp.float64)
    if X.shape[0] == 0:
        return X
    if not bool(xp.all(xp.isfinite(X))):
        raise ValueError(f"{what} contains nan or inf")
    # Row norms in float64, chunked so that a float32 X is never copied whole to float64.
    rows = max(1, _CHUNK_ELEMENTS // max(1, X.shape[1]))
    norms = xp.concat(
        [
            xp.linalg.vector_norm(xp.astype(X[s : s + rows], xp.float64, copy=False), axis=1)
            for s in range(0, X.shape[0], rows)
        ]
    )
    return _apply_norm_rule(X, norms, xp, normalize, what)


def _apply_norm_rule(X: Any, norms: Any, xp: Any, normalize: bool, what: str) -> Any:
    if normalize:
        n_zero = int(xp.sum(xp.astype(norms == 0, xp.int64)))
        if n_zero:
            raise ValueError(f"{what} has {n_zero} zero row(s), which cannot be normalised")
        return X / xp.astype(norms, X.dtype)[:, None]
    tol = unit_norm_tolerance(int(X.shape[1]), X.dtype)
    n_bad = int(xp.sum(xp.astype(xp.abs(norms - 1.0) > tol, xp.int64)))
    if n_bad:
        raise ValueError(
            f"{n_bad} row(s) of {what} are not unit vectors (| ||x|| - 1 | > {tol:.3g}); "
            "pass normalize=True to divide each row by its norm"
        )
    return X


def _check_sparse(X: Any, normalize: bool, cupy_sparse: bool, what: str = "X") -> Any:
    """Validate a scipy.sparse / cupyx sparse matrix; return it as CSR with a float dtype."""
    if cupy_sparse:
        import cupy as xp_mod

        xp = _aac.array_namespace(xp_mod.empty(0))
    else:
        xp = _aac.array_namespace(np.empty(0))
    X = X.tocsr()
    if X.ndim != 2:  # pragma: no cover - scipy sparse arrays may be 1-D in future versions
        raise ValueError(f"{what} must be 2-D")
    if X.dtype.kind == "c":
        raise TypeError(f"{what} must be real, got dtype {X.dtype}")
    if X.dtype.kind not in "f":
        if X.dtype.kind not in "biu":
            raise TypeError(f"{what} must have a real numeric dtype, got {X.dtype}")
        X = X.astype(np.float64)
    if not bool(xp.all(xp.isfinite(X.data))):
        raise ValueError(f"{what} contains nan or inf")
    # row norms accumulated in float64 whatever the stored dtype
    squares = X.multiply(X).astype(np.float64) if X.dtype != np.float64 else X.multiply(X)
    norms = xp.sqrt(xp.reshape(xp.asarray(squares.sum(axis=1), dtype=xp.float64), (-1,)))
    if normalize:
        n_zero = int(xp.sum(xp.astype(norms == 0, xp.int64)))
        if n_zero:
            raise ValueError(f"{what} has {n_zero} zero row(s), which cannot be normalised")
        # diag(1 / ||x_i||) X: scales the stored values of each row, keeps the sparsity.
        sparse_mod = sys.modules["cupyx.scipy.sparse" if cupy_sparse else "scipy.sparse"]
        return (sparse_mod.diags(xp.astype(1.0 / norms, X.dtype)) @ X).tocsr()
    _apply_norm_rule(X, norms, xp, False, what)
    return X


@dataclass
class _Data:
    """Validated data: kind "dense" (numpy/CuPy), "sparse" (CSR) or "dask"; xp = result namespace."""

    X: Any
    kind: str
    xp: Any
    n: int
    d: int

    def chunks(self, rows: int) -> Iterator[tuple[int, Any]]:
        """Row blocks (start, X[start:start+rows]) as float64 (dense) or CSR (sparse)."""
        for start in range(0, self.n, rows):
            block = self.X if (start == 0 and rows >= self.n) else self.X[start : start + rows]
            if self.kind == "dense" and block.dtype != self.xp.float64:
                block = self.xp.astype(block, self.xp.float64)
            yield start, block

    def rows(self, idx: np.ndarray) -> Any:
        """Dense float64 copy of the rows idx (host index array), in namespace xp."""
        xp = self.xp
        if self.kind == "dense":
            out = xp.take(self.X, xp.asarray(idx), axis=0)
        elif self.kind == "sparse":
            out = self.X[idx].toarray()
        else:  # dask: one small compute
            order = np.argsort(idx)
            got = self.X[np.asarray(idx)[order]].compute()
            out = xp.empty_like(got)
            out[xp.asarray(order)] = got
        return xp.astype(xp.asarray(out), xp.float64)


def _as_data(X: Any, normalize: bool, n_features: int | None = None) -> _Data:
    """Validate X (2-D, finite, unit rows unless normalize) and wrap it; see the class docstring."""
    if _is_scipy_sparse(X) or _is_cupy_sparse(X):
        X = _check_sparse(X, normalize, _is_cupy_sparse(X))
        kind = "sparse"
        if _is_cupy_sparse(X):
            import cupy

            xp = _aac.array_namespace(cupy.empty(0))
        else:
            xp = _aac.array_namespace(np.empty(0))
    elif _aac.is_dask_array(X):
        if X.ndim != 2:
            raise ValueError(f"X must be a 2-D array of shape (n_samples, n_features), got ndim={X.ndim}")
        if any(math.isnan(c) for c in X.shape):
            raise ValueError("X must have known chunk sizes (call X.compute_chunk_sizes())")
        xp = _aac.array_namespace(X._meta)
        # One block per row range with all columns, validated (and normalised) lazily per block:
        # an invalid block raises ValueError when the graph is computed.
        X = X.rechunk({1: -1})
        dtype = X.dtype if np.issubdtype(X.dtype, np.floating) else np.float64
        X = X.map_blocks(_check_block, normalize=normalize, dtype=dtype)
        kind = "dask"
    else:
        if not (_aac.is_numpy_array(X) or _aac.is_cupy_array(X)):
            X = np.asarray(X)
        xp = _aac.array_namespace(X)
        X = _check_dense(X, xp, normalize)
        kind = "dense"
    n, d = (int(s) for s in X.shape)
    if n_features is not None and d != n_features:
        raise ValueError(f"X has {d} features, but the mixture was fitted with {n_features}")
    if d < 2:
        raise ValueError(f"the sphere S^(d-1) needs d >= 2 features, got d = {d}")
    return _Data(X=X, kind=kind, xp=xp, n=n, d=d)


def _check_block(block: Any, normalize: bool) -> Any:
    """dask block validator: the dense checks of one (rows, d) block."""
    return _check_dense(block, _aac.array_namespace(block), normalize, what="a block of X")


# --------------------------------------------------------------------------------------------
# The E-step kernel and the fused sufficient-statistics pass.
# --------------------------------------------------------------------------------------------


@dataclass
class _Params:
    """weights (k,) host, kappas (k,) host, means (k, d) in the data namespace."""

    weights: np.ndarray
    means: Any
    kappas: np.ndarray


def _component_terms(params: _Params, d: int) -> np.ndarray:
    """log alpha_k + log C_d(kappa_k): k scalars, exact for every d (vmf_log_norm)."""
    with np.errstate(divide="ignore"):  # alpha_k = 0 only transiently; log 0 = -inf is meant
        return np.log(params.weights) + vmf_log_norm(float(d), params.kappas)


def _log_prob(Xc: Any, theta_T: Any, terms: Any) -> Any:
    """(n_c, k) log alpha_k + log C_d(kappa_k) + kappa_k mu_k^T x_i for one chunk.

    theta_T = (kappa_k mu_k)_k as a C-contiguous (d, k) array (movMF's theta parametrisation:
    folding kappa into the means saves a pass over the (n_c, k) block; the rounding is the same,
    one product per term). X theta^T is one of the two O(n k d) operations of an iteration (the
    other is R^T X): a GEMM for dense data, one sparse-times-dense product for CSR (the (d, k)
    row-major layout is what scipy's CSR kernel reads row by row).
    """
    logp = Xc @ theta_T
    logp += terms
    return logp


def _logsumexp_rows(logp: Any, xp: Any) -> Any:
    # Shift by the row maximum so that exp never overflows and the largest term is exactly 1;
    # the sum is then in [1, k] and its log loses nothing.
    top = xp.max(logp, axis=1, keepdims=True)
    return top[:, 0] + xp.log(xp.sum(xp.exp(logp - top), axis=1))


@dataclass
class _Stats:
    resp_sum: np.ndarray  # N_k = sum_i r_ik, host (k,)
    resp_sq_sum: np.ndarray | None  # sum_i r_ik^2, host (k,), for the effective sample size
    weighted_sum: Any  # r_k = sum_i r_ik x_i, (k, d) in the data namespace
    loglik_sum: float  # sum_i log f(x_i) under the parameters of this E-step


def _chunk_stats(Xc: Any, sparse: bool, xp: Any, theta_T: Any, terms: Any, hard: bool,
                 want_sq: bool) -> tuple[Any, Any, Any, Any]:
    """N_k, sum r_ik^2, r_k = sum_i r_ik x_i and sum_i log f(x_i) of one chunk."""
    k = theta_T.shape[1]
    logp = _log_prob(Xc, theta_T, terms)
    labels = xp.argmax(logp, axis=1) if hard else None
    # logsumexp in place: shift by the row maximum (exp never overflows, the largest term is
    # exactly 1, so the row sum lies in [1, k] and its log loses nothing).
    top = xp.max(logp, axis=1, keepdims=True)
    logp -= top
    shifted_exp = xp.exp(logp)
    row_sum = xp.sum(shifted_exp, axis=1)
    loglik_sum = xp.sum(top[:, 0]) + xp.sum(xp.log(row_sum))
    if hard:
        if sparse:
            return _hard_sparse_stats(Xc, labels, k, xp, want_sq, loglik_sum)
        resp = xp.astype(labels[:, None] == xp.arange(k)[None, :], xp.float64)
    else:
        shifted_exp /= row_sum[:, None]
        resp = shifted_exp  # r_ik = exp(l_ik - max) / sum_k exp(l_ik - max)
    resp_sq = xp.sum(resp * resp, axis=0) if want_sq else None
    # r_k accumulated as R^T X: a GEMM (dense) or X^T R, a CSC-times-dense product (sparse).
    weighted = (Xc.T @ resp).T if sparse else resp.T @ Xc
    return xp.sum(resp, axis=0), resp_sq, weighted, loglik_sum


def _hard_sparse_stats(Xc: Any, labels: Any, k: int, xp: Any, want_sq: bool, loglik_sum: Any):
    """Hard-EM statistics of a CSR chunk without a dense (n_c, k) one-hot matrix.

    r_k = sum of the rows labelled k: every stored value x_ij is added to bin (label_i, j).
    A weighted bincount over k d bins does this in O(nnz) (about 4x faster than X^T R with a
    dense one-hot R for 12 values per row and k = 45); for k d above 2^23 bins it would need
    too much memory, and a sparse one-hot (k, n_c) matrix times X is used instead.
    """
    mod = sys.modules["cupy"] if _aac.is_cupy_namespace(xp) else np
    n_c, d = Xc.shape
    counts = mod.bincount(labels, minlength=k).astype(mod.float64)
    if k * d <= _CHUNK_ELEMENTS:
        if mod is np:
            row_labels = np.repeat(labels, np.diff(Xc.indptr))
        else:  # cupy.repeat takes no array of repeats: row of each stored value by search
            nnz_rows = mod.searchsorted(Xc.indptr, mod.arange(Xc.indices.shape[0]), side="right") - 1
            row_labels = labels[nnz_rows]
        weighted = mod.bincount(row_labels * d + Xc.indices, weights=Xc.data, minlength=k * d).reshape(k, d)
    else:
        sparse_mod = sys.modules["cupyx.scipy.sparse" if mod is not np else "scipy.sparse"]
        order = mod.argsort(labels, kind="stable") if mod is np else mod.argsort(labels)
        indptr = mod.concatenate([mod.zeros(1, dtype=mod.int64), mod.cumsum(counts.astype(mod.int64))])
        onehot_T = sparse_mod.csr_matrix((mod.ones(n_c), order, indptr), shape=(k, n_c))
        weighted = (onehot_T @ Xc).toarray()
    return counts, (counts if want_sq else None), xp.asarray(weighted, dtype=xp.float64), loglik_sum


def _pass_local(data: _Data, params: _Params, hard: bool, want_sq: bool, rows: int) -> _Stats:
    """One pass over an in-memory X (numpy, CuPy, sparse): E-step + M-step statistics."""
    xp = data.xp
    k = params.kappas.shape[0]
    theta_T, terms = _device_params(params, data.d, xp)
    resp_sum = xp.zeros(k, dtype=xp.float64)
    resp_sq = xp.zeros(k, dtype=xp.float64) if want_sq else None
    weighted = xp.zeros((k, data.d), dtype=xp.float64)
    loglik = xp.zeros((), dtype=xp.float64)
    for _, Xc in data.chunks(rows):
        s, sq, w, ll = _chunk_stats(Xc, data.kind == "sparse", xp, theta_T, terms, hard, want_sq)
        resp_sum = resp_sum + s
        weighted = weighted + w
        loglik = loglik + ll
        if want_sq:
            resp_sq = resp_sq + sq
    return _Stats(_host(resp_sum), _host(resp_sq) if want_sq else None, weighted, float(loglik))


def _c_contiguous(a: Any, xp: Any) -> Any:
    """Row-major copy (the array API has no layout control; numpy and CuPy both do)."""
    mod = sys.modules["cupy"] if _aac.is_cupy_namespace(xp) else np
    return mod.ascontiguousarray(a)


def _device_params(params: _Params, d: int, xp: Any) -> tuple[Any, Any]:
    """theta^T = (kappa_k mu_k)^T as C-contiguous (d, k), and the k terms, in namespace xp."""
    means = _in_namespace(params.means, xp)
    kappas = xp.asarray(params.kappas, dtype=xp.float64)
    theta_T = _c_contiguous((means * kappas[:, None]).T, xp)
    terms = xp.asarray(_component_terms(params, d), dtype=xp.float64)
    return theta_T, terms


def _pass_dask_block(block: Any, params: _Params, hard: bool, want_sq: bool, rows: int) -> _Stats:
    xp = _aac.array_namespace(block)
    local = _Data(X=block, kind="dense", xp=xp, n=int(block.shape[0]), d=int(block.shape[1]))
    return _pass_local(local, params, hard, want_sq, rows)


def _em_pass(data: _Data, params: _Params, hard: bool, want_sq: bool, rows: int) -> _Stats:
    """Sufficient statistics of one EM iteration; for dask exactly one compute."""
    if data.kind != "dask":
        return _pass_local(data, params, hard, want_sq, rows)
    import dask

    # the parameters enter the graph once (one key), not once per block
    params_key = dask.delayed(_Params(params.weights, _host(params.means), params.kappas))
    task = dask.delayed(_pass_dask_block, pure=True)
    parts = dask.compute(*[task(b, params_key, hard, want_sq, rows) for b in data.X.to_delayed().ravel()])
    xp = data.xp
    return _Stats(
        resp_sum=sum(p.resp_sum for p in parts),
        resp_sq_sum=sum(p.resp_sq_sum for p in parts) if want_sq else None,
        weighted_sum=sum(xp.asarray(p.weighted_sum) for p in parts),
        loglik_sum=float(sum(p.loglik_sum for p in parts)),
    )


def _rowwise(data: _Data, fn: Callable[[Any, Any], Any], rows: int) -> Any:
    """fn(chunk, xp) over the chunks of an in-memory X, concatenated along rows."""
    return data.xp.concat([fn(Xc, data.xp) for _, Xc in data.chunks(rows)], axis=0)


def _score_local(data: _Data, params: _Params, rows: int) -> Any:
    theta_T, terms = _device_params(params, data.d, data.xp)
    return _rowwise(data, lambda Xc, xp: _logsumexp_rows(_log_prob(Xc, theta_T, terms), xp), rows)


def _similarities(data: _Data, centers: Any, rows: int) -> Any:
    """(n, m) cosine similarities X C^T, materialised (m is small: k-means++ candidates)."""
    if data.kind != "dask":
        centers_T = _c_contiguous(_in_namespace(centers, data.xp).T, data.xp)
        return _rowwise(data, lambda Xc, xp: Xc @ centers_T, rows)
    centers_T = np.ascontiguousarray(_host(centers).T)

    def block_similarities(b: Any) -> Any:
        bx = _aac.array_namespace(b)
        return bx.astype(b, bx.float64) @ _in_namespace(centers_T, bx)

    return data.X.map_blocks(
        block_similarities,
        chunks=(data.X.chunks[0], (centers_T.shape[1],)), dtype=np.float64,
    ).compute()


# --------------------------------------------------------------------------------------------
# The estimator.
# --------------------------------------------------------------------------------------------


class VonMisesFisherMixture:
    r"""Mixture of von Mises-Fisher distributions on :math:`S^{d-1}`, fitted by EM.

    .. math::

        f(x) = \sum_k \alpha_k C_d(\kappa_k) \exp(\kappa_k \mu_k^\top x)

    The E-step works in log space with the exact log-normaliser ``logbessel.vmf_log_norm``
    (finite for every d and kappa, so high-dimensional data such as hashed text in d = 32768
    works), the M-step solves :math:`A_d(\kappa_k) = \bar R_k` exactly with
    ``logbessel.iv_ratio_inv``. Rows are processed ``chunk_size`` at a time; the O(n k d) work
    of an iteration is the product of X with the k scaled mean directions and the product R^T X
    of the responsibilities with X (GEMMs, or sparse-times-dense products for CSR data; hard
    assignments on CSR data need only O(nnz) for the second), so n = 1e6 rows never need n k d
    memory.

    Parameters
    ----------
    n_components : int
        Number of components k >= 1.
    assignment : {"soft", "hard"}, default "soft"
        "soft": EM with responsibilities r_ik (soft-moVMF; the log-likelihood never decreases).
        "hard": each point counts only for its most probable component (hard-moVMF, Banerjee
        et al. 2005), faster to converge and the usual choice for text clustering.
    n_init : int, default 1
        Number of initialisations; the run with the highest final mean log-likelihood is kept.
        Ignored (one run) when ``init`` is an array.
    max_iter : int, default 100
        Maximum number of EM iterations per initialisation.
    tol : float, default 1e-6
        EM stops when the mean log-likelihood per point changes by less than ``tol`` between
        two iterations (absolute, in nats per point).
    init : {"k-means++", "random"} or array of shape (n_components, d), default "k-means++"
        Initial mean directions. "k-means++": spherical k-means++ seeding (Arthur &
        Vassilvitskii 2007; Endo & Miyamoto 2015) with cosine distance 1 - x^T c, the chordal
        D^2 on the sphere (||x - c||^2 = 2 (1 - x^T c)), greedy with 2 + log(k) candidates per
        step as in scikit-learn. "random": k distinct data rows. An array gives the directions
        (its rows are normalised). The initial weights and kappas are then the M-step of the
        hard assignment of every point to its nearest initial direction.
    bias_correction : bool, default False
        Correct each component's Rbar_k^2 for its finite effective sample size
        n_k = (sum_i r_ik)^2 / sum_i r_ik^2: Rbar_k^2 -> (n_k Rbar_k^2 - 1) / (n_k - 1),
        clipped at 0 (E||sum x||^2 = n + n (n - 1) A_d^2). Without it kappa is grossly
        overestimated when A_d(kappa)^2 is below ~1/n_k, i.e. small clusters in high d.
    chunk_size : int or None, default None
        Rows per chunk. None: 2^23 / k rows (a 64 MiB float64 block of n_chunk x k), and at
        most 2^23 / d rows for dense data that must be converted to float64.
    random_state : int, numpy.random.Generator or None
        Seed of the initialisations (numpy ``default_rng``).
    verbose : bool or int, default False
        Print the mean log-likelihood of each iteration.
    normalize : bool, default False
        False: rows of X must be unit vectors (| ||x|| - 1 | <= max(1e-6, 16 sqrt(d) eps),
        eps of X's dtype, as everywhere in logbessel.vmf; else ValueError).
        True: every row is divided by its norm first (zero rows: ValueError). Applies to every
        method that takes X.
    callback : callable or None, default None
        ``callback(iteration, lower_bound)`` after every EM iteration (iteration counts from 1
        within each initialisation); e.g. to drive a progress bar.

    Attributes
    ----------
    weights_ : numpy.ndarray, shape (k,)
        Mixture weights alpha_k (sum to 1).
    means_ : array, shape (k, d)
        Unit mean directions mu_k, float64, in the namespace of the training data (CuPy for
        CuPy data, numpy otherwise).
    kappas_ : numpy.ndarray, shape (k,)
        Concentrations kappa_k.
    converged_ : bool
        Whether the kept run met ``tol`` within ``max_iter``.
    n_iter_ : int
        EM iterations of the kept run.
    lower_bound_ : float
        Mean log-likelihood per point of the kept run at its last E-step (the parameters before
        the final M-step, as in scikit-learn's GaussianMixture).
    n_features_in_ : int
        d.

    Notes
    -----
    * Degenerate components. A component whose total responsibility drops below 1e-8 points
      (empty cluster) is re-seeded at the point with the lowest log-likelihood under the current
      mixture, with the median kappa of the other components and weight 1/n. A component whose
      points all coincide (e.g. a single point) has Rbar_k = 1 and an infinite MLE kappa; kappa
      is capped at A_d^{-1}(1 - 1e-10) ~ 5e9 (d - 1), a spike that, as for a singular Gaussian
      component, gives that point a very large likelihood.
    * Data types. X may be a numpy or CuPy array, a scipy.sparse (or cupyx) matrix/array
      (converted to CSR), or a dask array. Computations are in float64 (float32 input is converted
      chunk by chunk). CuPy data stays on the device: X, the means and the (n_chunk, k) blocks
      live there, only O(k) values (N_k, ||r_k||, kappa_k, the log-likelihood) cross to the host
      per iteration. dask: ``fit`` computes once per EM iteration; the k-means++ seeding adds two
      computes per center (one pass for the candidates' similarities, one fetch of the
      candidate rows); ``predict``, ``predict_proba``, ``score_samples`` and ``score`` stay
      lazy, block by block.
    * The fitted model has ``weights_`` and ``kappas_`` on the host and ``means_`` in the data's
      namespace.

    Examples
    --------
    >>> import numpy as np
    >>> from logbessel.vmf import VonMisesFisherMixture
    >>> rng = np.random.default_rng(0)
    >>> centers = np.eye(50)[:3]                      # three directions in d = 50
    >>> X = np.repeat(centers, 200, axis=0) + 0.05 * rng.standard_normal((600, 50))
    >>> mix = VonMisesFisherMixture(3, random_state=0, normalize=True).fit(X)
    >>> np.sort(np.round(mix.weights_, 2))
    array([0.33, 0.33, 0.33])
    >>> labels = mix.predict(X)
    >>> len(set(labels[:200].tolist())), len(set(labels.tolist()))
    (1, 3)
    """

    def __init__(
        self,
        n_components: int,
        *,
        assignment: str = "soft",
        n_init: int = 1,
        max_iter: int = 100,
        tol: float = 1e-6,
        init: Any = "k-means++",
        bias_correction: bool = False,
        chunk_size: int | None = None,
        random_state: Any = None,
        verbose: bool | int = False,
        normalize: bool = False,
        callback: Callable[[int, float], Any] | None = None,
    ) -> None:
        self.n_components = n_components
        self.assignment = assignment
        self.n_init = n_init
        self.max_iter = max_iter
        self.tol = tol
        self.init = init
        self.bias_correction = bias_correction
        self.chunk_size = chunk_size
        self.random_state = random_state
        self.verbose = verbose
        self.normalize = normalize
        self.callback = callback

    def __repr__(self) -> str:
        extra = ""
        if hasattr(self, "kappas_"):
            extra = f", fitted: d={self.n_features_in_}, n_iter={self.n_iter_}, converged={self.converged_}"
        return (f"VonMisesFisherMixture(n_components={self.n_components}, assignment={self.assignment!r}"
                f"{extra})")

    # -- scikit-learn estimator protocol (clone, pipelines, grid search) ------------------------

    _PARAM_NAMES = ("n_components", "assignment", "n_init", "max_iter", "tol", "init", "bias_correction",
                    "chunk_size", "random_state", "verbose", "normalize", "callback")

    def get_params(self, deep: bool = True) -> dict[str, Any]:
        """The constructor parameters, as scikit-learn's ``BaseEstimator.get_params``."""
        return {name: getattr(self, name) for name in self._PARAM_NAMES}

    def set_params(self, **params: Any) -> "VonMisesFisherMixture":
        """Set constructor parameters (checked at the next ``fit``); returns self."""
        for name, value in params.items():
            if name not in self._PARAM_NAMES:
                raise ValueError(f"invalid parameter {name!r} for VonMisesFisherMixture")
            setattr(self, name, value)
        return self

    # -- parameter checks ---------------------------------------------------------------------

    def _check_params(self) -> None:
        def positive_int(name: str, minimum: int = 1) -> None:
            value = getattr(self, name)
            if not isinstance(value, numbers.Integral) or isinstance(value, bool) or value < minimum:
                raise ValueError(f"{name} must be an integer >= {minimum}, got {value!r}")

        positive_int("n_components")
        positive_int("n_init")
        positive_int("max_iter")
        if self.chunk_size is not None:
            positive_int("chunk_size")
        if self.assignment not in ("soft", "hard"):
            raise ValueError(f"assignment must be 'soft' or 'hard', got {self.assignment!r}")
        if not (isinstance(self.tol, numbers.Real) and self.tol >= 0 and math.isfinite(self.tol)):
            raise ValueError(f"tol must be a finite number >= 0, got {self.tol!r}")
        if isinstance(self.init, str) and self.init not in ("k-means++", "random"):
            raise ValueError(f"init must be 'k-means++', 'random' or an array, got {self.init!r}")
        if self.callback is not None and not callable(self.callback):
            raise TypeError("callback must be callable(iteration, lower_bound) or None")

    def _rows_per_chunk(self, data: _Data) -> int:
        if self.chunk_size is not None:
            return int(self.chunk_size)
        width = self.n_components
        if data.kind == "dense" and data.X.dtype != data.xp.float64:
            width = max(width, data.d)  # the float64 copy of the chunk of X
        return max(1, _CHUNK_ELEMENTS // width)

    def _check_fitted(self) -> None:
        if not hasattr(self, "kappas_"):
            raise RuntimeError("this VonMisesFisherMixture is not fitted yet; call fit(X) first")

    def _fitted_params(self) -> _Params:
        return _Params(self.weights_, self.means_, self.kappas_)

    # -- EM -----------------------------------------------------------------------------------

    def fit(self, X: Any, y: Any = None) -> "VonMisesFisherMixture":
        """Fit the mixture by EM.

        Parameters
        ----------
        X : array of shape (n_samples, d)
            numpy, CuPy or dask array, or scipy.sparse matrix; rows on the unit sphere (or any
            non-zero rows with ``normalize=True``). n_samples >= n_components.
        y : ignored

        Returns
        -------
        self
        """
        self._check_params()
        data = _as_data(X, self.normalize)
        k = self.n_components
        if data.n < k:
            raise ValueError(f"n_samples = {data.n} must be >= n_components = {k}")
        init_means = None
        if not isinstance(self.init, str):
            init_means = self._check_init_array(self.init, data)
        rng = np.random.default_rng(self.random_state)
        rows = self._rows_per_chunk(data)
        hard = self.assignment == "hard"
        n_runs = 1 if init_means is not None else self.n_init

        best: tuple[float, _Params, int, bool] | None = None
        for run in range(n_runs):
            centers = init_means if init_means is not None else self._seed(data, rng, rows)
            # Initial weights and kappas: M-step of the hard nearest-direction assignment
            # (log-probabilities x^T c_k: unit kappas, equal weights, equal normalisers).
            flat = _Params(np.full(k, 1.0 / k), centers, np.ones(k))
            params = self._m_step(_em_pass(data, flat, True, self.bias_correction, rows), flat, data, rows)
            lower_bound, converged, n_iter = -np.inf, False, 0
            for n_iter in range(1, self.max_iter + 1):
                previous = lower_bound
                stats = _em_pass(data, params, hard, self.bias_correction, rows)
                lower_bound = stats.loglik_sum / data.n
                params = self._m_step(stats, params, data, rows)
                if self.verbose:
                    print(f"VonMisesFisherMixture: init {run + 1}, iteration {n_iter}: "
                          f"mean log-likelihood {lower_bound:.10g}")
                if self.callback is not None:
                    self.callback(n_iter, lower_bound)
                # Absolute change of the mean log-likelihood, as scikit-learn's mixtures.
                if abs(lower_bound - previous) < self.tol:
                    converged = True
                    break
            if best is None or lower_bound > best[0]:
                best = (lower_bound, params, n_iter, converged)

        lower_bound, params, n_iter, converged = best
        if not converged:
            warnings.warn(
                f"EM did not converge within max_iter = {self.max_iter} iterations (tol = {self.tol:g}); "
                "increase max_iter or tol",
                ConvergenceWarning,
                stacklevel=2,
            )
        self.weights_ = params.weights
        self.means_ = params.means
        self.kappas_ = params.kappas
        self.lower_bound_ = float(lower_bound)
        self.n_iter_ = int(n_iter)
        self.converged_ = bool(converged)
        self.n_features_in_ = data.d
        return self

    def fit_predict(self, X: Any, y: Any = None) -> Any:
        """Fit, then return the most probable component of every row (``fit(X).predict(X)``)."""
        return self.fit(X).predict(X)

    def _check_init_array(self, init: Any, data: _Data) -> Any:
        xp = data.xp
        means = xp.asarray(_in_namespace(init, xp), dtype=xp.float64)
        if means.ndim != 2 or means.shape != (self.n_components, data.d):
            raise ValueError(f"init array must have shape (n_components, d) = "
                             f"({self.n_components}, {data.d}), got {tuple(means.shape)}")
        if not bool(xp.all(xp.isfinite(means))):
            raise ValueError("init array contains nan or inf")
        norms = xp.linalg.vector_norm(means, axis=1)
        if not bool(xp.all(norms > 0)):
            raise ValueError("init array has a zero row")
        return means / norms[:, None]

    def _seed(self, data: _Data, rng: np.random.Generator, rows: int) -> Any:
        """Initial mean directions: spherical k-means++ (greedy) or k random rows."""
        k, xp = self.n_components, data.xp
        if self.init == "random":
            return data.rows(np.sort(rng.choice(data.n, size=k, replace=False)))
        n_trials = 2 + int(math.log(k))  # scikit-learn's greedy k-means++ rule
        centers = xp.zeros((k, data.d), dtype=xp.float64)
        first = data.rows(np.array([rng.integers(data.n)]))
        centers[0:1, :] = first
        # distance to the nearest chosen center, 1 - x^T c (clipped: rounding may give -eps)
        dist = xp.clip(1.0 - _similarities(data, first, rows)[:, 0], 0.0, None)
        for j in range(1, k):
            cumulative = xp.cumulative_sum(dist)
            total = float(cumulative[-1])
            if total > 0:
                # D^2 sampling: P(i) proportional to its distance (inverse-CDF on the cumsum)
                draws = xp.asarray(rng.uniform(0.0, total, size=n_trials))
                cand = _host(xp.searchsorted(cumulative, draws, side="right"))
                cand = np.minimum(cand, data.n - 1)
            else:
                # every point coincides with a chosen center: any rows will do
                cand = rng.integers(data.n, size=n_trials)
            cand_rows = data.rows(cand)
            cand_dist = xp.clip(1.0 - _similarities(data, cand_rows, rows), 0.0, None)
            cand_dist = xp.minimum(cand_dist, dist[:, None])
            best = int(np.argmin(_host(xp.sum(cand_dist, axis=0))))  # smallest total potential
            dist = cand_dist[:, best]
            centers[j : j + 1, :] = cand_rows[best : best + 1, :]
        return centers

    def _m_step(self, stats: _Stats, params: _Params, data: _Data, rows: int) -> _Params:
        """New parameters from the statistics of the E-step that used ``params``."""
        xp = data.xp
        d = data.d
        mass = stats.resp_sum
        norms = _host(xp.linalg.vector_norm(stats.weighted_sum, axis=1))
        empty = ~(mass >= _MIN_COMPONENT_MASS)
        safe_mass = np.where(empty, 1.0, mass)
        safe_norms = np.where(norms > 0, norms, 1.0)

        weights = mass / np.sum(mass)
        means = stats.weighted_sum / xp.asarray(safe_norms)[:, None]
        # ||r_k|| = 0 with N_k > 0 (points cancel exactly): Rbar = 0, kappa = 0 (uniform
        # component) and the direction is irrelevant; keep the previous one.
        vanished = np.nonzero(~(norms > 0) & ~empty)[0]
        if vanished.size:
            means[xp.asarray(vanished)] = _in_namespace(params.means, xp)[xp.asarray(vanished)]
        rbar = np.clip(norms / safe_mass, 0.0, 1.0)
        if self.bias_correction:
            # (n_eff Rbar^2 - 1)/(n_eff - 1), unbiased for A_d^2 (E||sum x||^2 = n + n(n-1)A^2),
            # clipped at 0 (kappa = 0: below the noise floor); skipped where n_eff <= 1.
            n_eff = mass**2 / np.where(stats.resp_sq_sum > 0, stats.resp_sq_sum, 1.0)
            ok = n_eff - 1.0 > _MIN_NEFF_EXCESS
            corrected = (n_eff * rbar**2 - 1.0) / np.where(ok, n_eff - 1.0, 1.0)
            rbar = np.where(ok, np.sqrt(np.clip(corrected, 0.0, 1.0)), rbar)
        rbar = np.minimum(rbar, 1.0 - _MIN_ONE_MINUS_RBAR)
        kappas = np.asarray(iv_ratio_inv(d / 2.0 - 1.0, rbar), dtype=np.float64)

        dead = np.nonzero(empty)[0]
        if dead.size:
            # Re-seed empty components at the worst-explained points under ``params``.
            # (sorted where the scores live; only the dead.size indices cross to the host)
            scores = self._score_any(data, params, rows)
            sx = _aac.array_namespace(scores)
            worst = _host(sx.argsort(scores, stable=True)[: dead.size])
            means[xp.asarray(dead)] = data.rows(worst)
            kappas[dead] = np.median(kappas[~empty])
            weights[dead] = 1.0 / data.n
            weights = weights / np.sum(weights)
        return _Params(weights, means, kappas)

    # -- prediction ---------------------------------------------------------------------------

    def _score_any(self, data: _Data, params: _Params, rows: int) -> Any:
        if data.kind != "dask":
            return _score_local(data, params, rows)
        return self._dask_map(data, params, rows, "score").compute()

    def _dask_map(self, data: _Data, params: _Params, rows: int, what: str) -> Any:
        params_host = _Params(params.weights, _host(params.means), params.kappas)
        k = params.kappas.shape[0]

        def block_fn(block: Any) -> Any:
            xp = _aac.array_namespace(block)
            local = _Data(X=block, kind="dense", xp=xp, n=int(block.shape[0]), d=int(block.shape[1]))
            return _local_output(local, params_host, rows, what)

        if what == "proba":
            return data.X.map_blocks(block_fn, chunks=(data.X.chunks[0], (k,)), dtype=np.float64)
        dtype = np.int64 if what == "label" else np.float64
        return data.X.map_blocks(block_fn, drop_axis=1, dtype=dtype)

    def _output(self, X: Any, what: str) -> Any:
        self._check_fitted()
        data = _as_data(X, self.normalize, n_features=self.n_features_in_)
        rows = self._rows_per_chunk(data)
        if data.kind == "dask":
            return self._dask_map(data, self._fitted_params(), rows, what)
        return _local_output(data, self._fitted_params(), rows, what)

    def score_samples(self, X: Any) -> Any:
        """Log-density log f(x_i) of every row under the mixture.

        Parameters
        ----------
        X : array of shape (n_samples, d)
            Same kinds of input as ``fit``.

        Returns
        -------
        array of shape (n_samples,)
            float64, in X's namespace (lazy for dask).
        """
        return self._output(X, "score")

    def score(self, X: Any, y: Any = None) -> Any:
        """Mean log-likelihood per row (a float; a lazy 0-d dask array for dask input)."""
        out = self.score_samples(X)
        if _aac.is_dask_array(out):
            return out.mean()
        return float(_aac.array_namespace(out).mean(out))

    def predict_proba(self, X: Any) -> Any:
        """Posterior probabilities (responsibilities) of the components, rows summing to 1.

        Returns
        -------
        array of shape (n_samples, n_components)
            float64, in X's namespace (lazy for dask).
        """
        return self._output(X, "proba")

    def predict(self, X: Any) -> Any:
        """Most probable component of every row (int64, X's namespace; lazy for dask)."""
        return self._output(X, "label")

    def sample(self, n_samples: int = 1, random_state: Any = None) -> tuple[Any, Any]:
        """Draw points from the fitted mixture.

        Component counts are multinomial(n_samples, ``weights_``); the points of component k are
        ``VonMisesFisher(means_[k], kappas_[k]).sample(count, random_state)`` (Wood's sampler).

        Parameters
        ----------
        n_samples : int, default 1
        random_state : int, numpy.random.Generator or None

        Returns
        -------
        X : array of shape (n_samples, d)
            In the namespace of ``means_``; grouped by component (as scikit-learn's mixtures).
        labels : array of shape (n_samples,)
            The component of every row (int64).

        Examples
        --------
        >>> import numpy as np
        >>> from logbessel.vmf import VonMisesFisherMixture
        >>> mix = VonMisesFisherMixture(2, init=np.eye(3)[:2], random_state=0)
        >>> X0 = np.array([[1.0, 0, 0], [0.8, 0.6, 0], [0, 1.0, 0], [0, 0.8, 0.6]])
        >>> X, labels = mix.fit(X0).sample(5, random_state=1)
        >>> X.shape, labels.shape
        ((5, 3), (5,))
        """
        from ._distribution import VonMisesFisher

        self._check_fitted()
        if not isinstance(n_samples, numbers.Integral) or n_samples < 0:
            raise ValueError(f"n_samples must be an integer >= 0, got {n_samples!r}")
        rng = np.random.default_rng(random_state)
        counts = rng.multinomial(int(n_samples), self.weights_ / np.sum(self.weights_))
        xp = _aac.array_namespace(self.means_)
        parts = [
            VonMisesFisher(self.means_[j], float(self.kappas_[j])).sample(int(c), random_state=rng)
            for j, c in enumerate(counts)
            if c > 0
        ]
        X = xp.concat(parts, axis=0) if parts else xp.zeros((0, self.n_features_in_), dtype=xp.float64)
        labels = xp.asarray(np.repeat(np.arange(self.n_components, dtype=np.int64), counts))
        return X, labels


def _local_output(data: _Data, params: _Params, rows: int, what: str) -> Any:
    """score / proba / label of an in-memory X, chunk by chunk."""
    theta_T, terms = _device_params(params, data.d, data.xp)

    def one(Xc: Any, xp: Any) -> Any:
        logp = _log_prob(Xc, theta_T, terms)
        if what == "label":
            return xp.astype(xp.argmax(logp, axis=1), xp.int64)
        loglik = _logsumexp_rows(logp, xp)
        if what == "score":
            return loglik
        return xp.exp(logp - loglik[:, None])

    if data.n == 0:
        xp = data.xp
        shape = (0, params.kappas.shape[0]) if what == "proba" else (0,)
        return xp.zeros(shape, dtype=xp.int64 if what == "label" else xp.float64)
    return _rowwise(data, one, rows)
