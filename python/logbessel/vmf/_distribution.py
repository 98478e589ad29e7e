"""The von Mises-Fisher distribution on S^{d-1}, for any d >= 2 and 0 <= kappa < inf.

Density with respect to the surface measure: f(x) = C_d(kappa) exp(kappa mu^T x), with
log C_d(kappa) = (d/2-1) log kappa - (d/2) log(2 pi) - log I_{d/2-1}(kappa)
= ``logbessel.vmf_log_norm(d, kappa)``, A_d(kappa) = I_{d/2}/I_{d/2-1} = ``logbessel.iv_ratio``.

Scalar quantities (entropy, KL divergence) are formed so that nothing cancels at large kappa:
with g(kappa) = log C_d(kappa) + kappa and c(kappa) = 1 - A_d(kappa) = ``logbessel.iv_ratio_c``,

    H           = -log C_d - kappa A_d            = -g(kappa) + kappa c(kappa)
    KL(p1 || p2) = log C1 - log C2 + A1 (kappa1 - kappa2 mu2^T mu1)
                = [g(k1) - g(k2) - (k1 - k2) c(k1)] + k2 A1 (1 - mu2^T mu1)

Both terms of the KL form are >= 0 (the first is the Bregman divergence of the convex g,
since g' = c is decreasing), and 1 - mu2^T mu1 = |mu1 - mu2|^2 / 2 is computed as the latter.
g(kappa) itself has no cancellation problem except for kappa >> d^2, where log C_d ~ -kappa:
there it comes from Hankel's expansion of e^{-kappa} I_nu(kappa) (see `_log_norm_plus_kappa`).
"""

from __future__ import annotations

import math
import numbers
from typing import Any

import numpy as np

from .. import _core as _lb  # the ufuncs (not the package: no circular import)

from ._backend import (
    array_kind,
    as_namespace_array,
    check_float_dtype,
    is_cupy_array,
    namespace,
    to_numpy,
    unit_norm_tolerance,
)
from ._sampling import sample_vmf

# Hankel's expansion (below) is used for kappa >= 64 and 4 nu^2 <= 8 kappa. Its terms behave
# like x^j / j! * prod(1 + O(j^2 / nu^2)) with x = 4 nu^2 / (8 kappa) <= 1, plus a part
# ~j / (2 kappa) from the (2j-1)^2: with kappa >= 64 the terms are below 1e-18 after at most
# ~30 of them, long before the asymptotic series starts to diverge (j ~ 2 kappa); the
# neglected exponentially small part of I_nu is ~e^{-2 kappa} < 1e-55. Elsewhere the direct
# form vmf_log_norm + kappa is used: its error ~eps * kappa is then at most ~eps * 4 nu^2 / 8
# (a few hundred eps relative to g ~ (d/2) log(...) at worst, measured against Arb).
_HANKEL_MIN_KAPPA = 64.0


def _log_norm_plus_kappa(dim: int, kappa: float) -> float:
    """g(kappa) = log C_d(kappa) + kappa, without the cancellation of the two O(kappa) terms.

    Direct form ``vmf_log_norm + kappa``: absolute error ~eps * max(kappa, |log C_d|), fine
    unless kappa is large. For kappa >= 64 and 4 nu^2 <= 8 kappa (nu = d/2 - 1), Hankel's
    expansion (DLMF 10.40.1) e^{-k} I_nu(k) sqrt(2 pi k) = S = sum_j (-1)^j a_j(nu) / k^j,
    a_j = a_{j-1} (4 nu^2 - (2j-1)^2) / (8 j), gives
        g = ((d-1)/2) log(kappa / (2 pi)) - log S
    with S - 1 summed on its own and log1p: full relative accuracy (the neglected exponentially
    small part of I_nu is ~e^{-2 kappa}).
    """
    nu = dim / 2.0 - 1.0
    if kappa < _HANKEL_MIN_KAPPA or 4.0 * nu * nu > 8.0 * kappa:
        return float(_lb.vmf_log_norm(float(dim), kappa)) + kappa
    four_nu2 = 4.0 * nu * nu
    term = 1.0
    s_minus_1 = 0.0
    for j in range(1, 80):
        term *= -(four_nu2 - (2 * j - 1) ** 2) / (8.0 * j * kappa)
        s_minus_1 += term
        if abs(term) < 1e-18 * (1.0 + s_minus_1):
            break
    return 0.5 * (dim - 1) * math.log(kappa / (2.0 * math.pi)) - math.log1p(s_minus_1)


def _check_kappa(kappa: Any) -> float:
    try:
        value = float(kappa)
    except (TypeError, ValueError):
        raise TypeError(f"kappa must be a real number, got {type(kappa).__name__}") from None
    if isinstance(kappa, (complex, np.complexfloating)):
        raise TypeError("kappa must be real")
    if not (0.0 <= value < math.inf):
        raise ValueError(f"kappa must be finite and >= 0, got {value}")
    return value


class VonMisesFisher:
    """The von Mises-Fisher distribution vMF(mu, kappa) on the unit sphere S^{d-1}.

    Parameters
    ----------
    mu : array_like, shape (d,)
        Mean direction, a NumPy or CuPy 1-D array (lists are converted to float64 NumPy),
        d >= 2, unit norm: ``|norm(mu) - 1| <= max(1e-6, 16 sqrt(d) eps)`` with ``eps`` the
        machine epsilon of its dtype (the second term only matters for float32 in high d).
        Stored as given (float32 / float64 kept; integers become float64); computations use
        ``mu / norm(mu)`` formed in float64.
    kappa : float
        Concentration, 0 <= kappa < inf (0 is the uniform distribution).

    Attributes
    ----------
    mu : array, shape (d,)
    kappa : float
    dim : int
        d, the dimension of the ambient space.
    n_samples, mean_resultant, bias_corrected
        Only on distributions returned by `fit` (effective sample size, mean resultant length
        R-bar of the data, whether the bias correction was applied); AttributeError otherwise.

    Notes
    -----
    Valid and accurate for every d >= 2 (tested up to 1e6) and kappa from 0 to 1e12 and
    beyond: the normaliser ``logbessel.vmf_log_norm`` and the ratios ``iv_ratio`` /
    ``iv_ratio_c`` never overflow, so the log-density is finite where SciPy's
    ``vonmises_fisher`` returns inf (e.g. d = 2048, kappa < 600).

    Examples
    --------
    >>> import numpy as np
    >>> from logbessel.vmf import VonMisesFisher
    >>> mu = np.zeros(2048); mu[0] = 1.0
    >>> p = VonMisesFisher(mu, 100.0)
    >>> p
    VonMisesFisher(dim=2048, kappa=100.0, mu=[1. 0. 0. ... 0. 0. 0.])
    >>> round(float(p.logpdf(mu)), 6)          # finite: SciPy gives inf here
    4995.945355
    >>> X = p.sample(1000, random_state=0)
    >>> X.shape, bool(abs(float(X.mean(axis=0) @ mu) - p.mean_resultant_length()) < 0.01)
    ((1000, 2048), True)
    """

    def __init__(self, mu: Any, kappa: float):
        if array_kind(mu) not in ("numpy", "cupy"):
            if array_kind(mu) in ("dask", "sparse"):
                raise TypeError("mu must be a NumPy or CuPy array (or a sequence of numbers)")
            mu = np.asarray(mu)
        if check_float_dtype(mu.dtype, "mu") != mu.dtype:
            mu = namespace(mu).astype(mu, check_float_dtype(mu.dtype, "mu"))
        if mu.ndim != 1:
            raise ValueError(f"mu must be a 1-D array, got shape {tuple(mu.shape)}")
        dim = int(mu.shape[0])
        if dim < 2:
            raise ValueError(f"the dimension d = len(mu) must be >= 2, got {dim}")
        xp = namespace(mu)
        mu64 = xp.astype(mu, xp.float64)
        norm = float(xp.sqrt(xp.sum(mu64 * mu64)))
        if not math.isfinite(norm):
            raise ValueError("mu has non-finite entries")
        tol = unit_norm_tolerance(dim, mu.dtype)
        if not abs(norm - 1.0) <= tol:
            raise ValueError(f"mu must have unit norm (|norm - 1| <= {tol:.3g}), got norm {norm!r}")
        self._mu = mu
        self._mu_unit = mu64 / norm  # float64, mu's namespace and device
        self._kappa = _check_kappa(kappa)
        self._dim = dim
        self._fit_info: dict[str, Any] | None = None

    # -- attributes -------------------------------------------------------------------------
    @property
    def mu(self):
        """Mean direction (as given to the constructor)."""
        return self._mu

    @property
    def kappa(self) -> float:
        """Concentration parameter."""
        return self._kappa

    @property
    def dim(self) -> int:
        """Dimension d of the ambient space (the sphere is S^{d-1})."""
        return self._dim

    def _fitted(self, name: str):
        if self._fit_info is None:
            raise AttributeError(f"{name} is only set on distributions returned by logbessel.vmf.fit")
        return self._fit_info[name]

    @property
    def n_samples(self) -> float:
        """Effective sample size (sum w)^2 / sum w^2 of the data given to `fit` (n unweighted)."""
        return self._fitted("n_samples")

    @property
    def mean_resultant(self) -> float:
        """Mean resultant length R-bar = ‖sum w_i x_i‖ / sum w_i of the data given to `fit`."""
        return self._fitted("mean_resultant")

    @property
    def bias_corrected(self) -> bool:
        """Whether `fit` applied the bias correction of R-bar^2."""
        return self._fitted("bias_corrected")

    @property
    def log_normalizer(self) -> float:
        """log C_d(kappa) (``logbessel.vmf_log_norm``; exact uniform limit at kappa = 0).

        Examples
        --------
        >>> import numpy as np
        >>> from logbessel.vmf import VonMisesFisher
        >>> round(VonMisesFisher(np.array([0.0, 0.0, 1.0]), 0.0).log_normalizer, 12)  # -log(4 pi)
        -2.531024246969
        """
        return float(_lb.vmf_log_norm(float(self._dim), self._kappa))

    def __repr__(self) -> str:
        mu = to_numpy(self._mu)
        with np.printoptions(threshold=8, edgeitems=3, precision=4):
            mu_text = np.array2string(mu, separator=" ")
        where = "" if not is_cupy_array(self._mu) else ", on=cupy"
        return f"VonMisesFisher(dim={self._dim}, kappa={self._kappa!r}, mu={mu_text}{where})"

    # -- densities ----------------------------------------------------------------------------
    def logpdf(self, X: Any):
        """Log-density at the points X (rows on the sphere).

        Parameters
        ----------
        X : array, shape (n, d) or (d,)
            NumPy, CuPy or dask array, or a scipy.sparse matrix (rows of unit norm; other rows
            get the value of the formula, they are not checked, to keep this one matrix-vector
            product).

        Returns
        -------
        array, shape (n,) (or a 0-d array for 1-D X)
            ``log C_d(kappa) + kappa * (X @ mu)`` in X's namespace (lazy for dask; NumPy for
            sparse), computed in X's floating precision (float32 stays float32).

        Notes
        -----
        log C_d is finite for every d and kappa (it is what overflows in ``ive``-based codes);
        the remaining rounding is ~eps * kappa absolute, which is the conditioning of
        kappa mu^T x with respect to x itself.

        Examples
        --------
        >>> import numpy as np
        >>> from logbessel.vmf import VonMisesFisher
        >>> p = VonMisesFisher(np.array([0.0, 0.0, 1.0]), 2.0)
        >>> p.logpdf(np.array([[0.0, 0.0, 1.0], [1.0, 0.0, 0.0]]))
        array([-1.12624444, -3.12624444])
        """
        kind = array_kind(X)
        if kind == "sparse":
            if X.ndim != 2 or X.shape[1] != self._dim:
                raise ValueError(f"X must have shape (n, {self._dim}), got {X.shape}")
            dot = np.asarray(X @ to_numpy(self._mu_unit)).reshape(-1)
            return self.log_normalizer + self._kappa * dot
        if kind == "other":
            X = np.asarray(X)
            kind = "numpy"
        if X.ndim not in (1, 2) or X.shape[-1] != self._dim:
            raise ValueError(f"X must have shape (n, {self._dim}) or ({self._dim},), got {tuple(X.shape)}")
        xp = namespace(X)
        dtype = check_float_dtype(X.dtype, "X")
        Xf = X if X.dtype == dtype else xp.astype(X, dtype)
        # mu in X's namespace (O(d) transfer at most) and precision.
        mu = self._mu_unit if kind == "cupy" else to_numpy(self._mu_unit)
        mu = as_namespace_array(np if kind == "dask" else xp, mu, X, dtype=dtype)
        dot = Xf @ mu
        return self.log_normalizer + self._kappa * dot

    def pdf(self, X: Any):
        """Density ``exp(logpdf(X))`` (underflows to 0 / overflows to inf in high d; prefer logpdf).

        Examples
        --------
        >>> import numpy as np
        >>> from logbessel.vmf import VonMisesFisher
        >>> p = VonMisesFisher(np.array([1.0, 0.0, 0.0]), 0.0)
        >>> float(p.pdf(np.array([0.0, 1.0, 0.0])) * 4 * np.pi)   # uniform: 1 / area
        1.0
        """
        logp = self.logpdf(X)
        if array_kind(logp) == "dask":
            return logp.map_blocks(np.exp)
        return namespace(logp).exp(logp)

    # -- moments and information ---------------------------------------------------------------
    def mean_resultant_length(self) -> float:
        """A_d(kappa) = E[mu^T x] = I_{d/2}(kappa) / I_{d/2-1}(kappa) (``logbessel.iv_ratio``).

        Examples
        --------
        >>> import numpy as np
        >>> from logbessel.vmf import VonMisesFisher
        >>> round(VonMisesFisher(np.array([1.0, 0.0, 0.0]), 1.0).mean_resultant_length(), 12)
        0.313035285499
        """
        return float(_lb.iv_ratio(self._dim / 2.0 - 1.0, self._kappa))

    def mean(self):
        """E[x] = A_d(kappa) mu, in mu's namespace and dtype.

        Examples
        --------
        >>> import numpy as np
        >>> from logbessel.vmf import VonMisesFisher
        >>> VonMisesFisher(np.array([0.6, 0.8]), 0.0).mean()
        array([0., 0.])
        """
        xp = namespace(self._mu)
        return xp.astype(self._mu_unit * self.mean_resultant_length(), self._mu.dtype)

    def entropy(self) -> float:
        """Differential entropy H = -log C_d(kappa) - kappa A_d(kappa) (nats).

        Formed as -g + kappa (1 - A_d) for A_d > 1/2 (g = log C_d + kappa, 1 - A_d by
        ``iv_ratio_c``), so that the two O(kappa) terms never cancel; relative accuracy ~1e-15
        also at kappa = 1e12.

        Examples
        --------
        >>> import numpy as np
        >>> from logbessel.vmf import VonMisesFisher
        >>> round(VonMisesFisher(np.array([1.0, 0.0, 0.0]), 0.0).entropy(), 12)  # log(4 pi)
        2.531024246969
        """
        d, kappa = self._dim, self._kappa
        nu = d / 2.0 - 1.0
        a = float(_lb.iv_ratio(nu, kappa))
        if a <= 0.5:
            # kappa A_d <= kappa/2 and here kappa <~ d: nothing large cancels.
            return -float(_lb.vmf_log_norm(float(d), kappa)) - kappa * a
        return -_log_norm_plus_kappa(d, kappa) + kappa * float(_lb.iv_ratio_c(nu, kappa))

    def kl(self, other: VonMisesFisher) -> float:
        """Kullback-Leibler divergence KL(self ‖ other) (nats), >= 0.

        Parameters
        ----------
        other : VonMisesFisher
            Same dimension d (else ValueError).

        Notes
        -----
        KL = log C(k1) - log C(k2) + A(k1) (k1 - k2 mu2^T mu1), computed as
        max(0, g(k1) - g(k2) - (k1 - k2)(1 - A(k1))) + k2 A(k1) ‖mu1 - mu2‖² / 2 with
        g = log C + kappa: two non-negative terms (the first is a Bregman divergence of the
        convex g; the clip only removes a rounding-level negative value), no O(kappa)
        cancellation, exactly 0 for identical distributions.

        Examples
        --------
        >>> import numpy as np
        >>> from logbessel.vmf import VonMisesFisher
        >>> p = VonMisesFisher(np.array([1.0, 0.0, 0.0]), 5.0)
        >>> p.kl(p)
        0.0
        >>> q = VonMisesFisher(np.array([1.0, 0.0, 0.0]), 0.0)
        >>> round(p.kl(q), 10) == round(-p.entropy() + q.entropy(), 10)   # KL to uniform
        True
        """
        if not isinstance(other, VonMisesFisher):
            raise TypeError(f"other must be a VonMisesFisher, got {type(other).__name__}")
        if other._dim != self._dim:
            raise ValueError(f"dimensions differ: {self._dim} and {other._dim}")
        d = self._dim
        nu = d / 2.0 - 1.0
        k1, k2 = self._kappa, other._kappa
        a1 = float(_lb.iv_ratio(nu, k1))
        c1 = float(_lb.iv_ratio_c(nu, k1))
        bregman = _log_norm_plus_kappa(d, k1) - _log_norm_plus_kappa(d, k2) - (k1 - k2) * c1
        bregman = max(bregman, 0.0)
        diff = to_numpy(self._mu_unit) - to_numpy(other._mu_unit)
        half_sq_dist = 0.5 * float(diff @ diff)  # 1 - mu2^T mu1, exact near 0
        return bregman + k2 * a1 * half_sq_dist

    # -- sampling ---------------------------------------------------------------------------------
    def sample(self, n: int, random_state: Any = None):
        """Draw n points, an (n, d) array in mu's namespace (CuPy mu: CuPy array) and dtype.

        Parameters
        ----------
        n : int
            Number of samples, >= 0.
        random_state : None, int, numpy.random.Generator or numpy.random.SeedSequence
            Source of randomness (``numpy.random.default_rng(random_state)``). For CuPy mu the
            n x d normals are drawn on the device by a CuPy generator seeded from it.

        Notes
        -----
        Wood's (1994) rejection sampler for w = mu^T x (in float64; vectorised over proposals,
        acceptance rate >= 0.65 for all d and kappa), a uniform direction orthogonal to e1 and
        one Householder reflection e1 -> mu (O(n d), no d x d matrix, no nan for mu = +-e1).
        1 - w and sqrt(1 - w^2) keep full relative accuracy for kappa up to 1e12 and beyond.
        kappa = 0 gives normalised Gaussian vectors (uniform).

        Examples
        --------
        >>> import numpy as np
        >>> from logbessel.vmf import VonMisesFisher
        >>> X = VonMisesFisher(np.array([0.0, 1.0, 0.0]), 1e12).sample(3, random_state=1)
        >>> bool(np.allclose(np.linalg.norm(X, axis=1), 1.0)), bool(np.all(X[:, 1] > 1 - 1e-10))
        (True, True)
        """
        if isinstance(n, bool) or not isinstance(n, numbers.Integral):
            raise TypeError(f"n must be an integer, got {type(n).__name__}")
        if n < 0:
            raise ValueError(f"n must be >= 0, got {n}")
        return sample_vmf(self._mu_unit, self._dim, self._kappa, int(n), self._mu.dtype, random_state)

    @classmethod
    def _from_fit(cls, mu, kappa: float, *, n_samples: float, mean_resultant: float, bias_corrected: bool):
        dist = cls(mu, kappa)
        dist._fit_info = {
            "n_samples": float(n_samples),
            "mean_resultant": float(mean_resultant),
            "bias_corrected": bool(bias_corrected),
        }
        return dist
