"""Exact sampling of the von Mises-Fisher distribution: Wood's rejection sampler + Householder.

A vMF point is x = w mu + sqrt(1 - w^2) v with v uniform on the unit sphere orthogonal to mu.
The scalar w = mu^T x has the density ~ exp(kappa w) (1 - w^2)^((d-3)/2) on [-1, 1], drawn by
Wood's rejection method (A. T. A. Wood, Commun. Stat. Simul. Comput. 23 (1994) 157-164); the
point is first built around e1 and then mapped to mu by one Householder reflection, O(n d) time
and O(d) extra memory (no d x d rotation matrix).

Numerical choices (all derived below, next to the code):

* b = (d-1) / (2 kappa + sqrt(4 kappa^2 + (d-1)^2)), the rationalised form of Wood's
  (-2 kappa + sqrt(...))/(d-1), which cancels for kappa >> d.
* The proposal is computed from two Gamma variates, z = g1/(g1+g2) and 1 - z = g2/(g1+g2), so
  that both 1 - w and 1 + w come out as ratios of positive terms: for kappa = 1e12, 1 - w ~ 1e-12
  keeps full relative accuracy, and so does the tangent length sqrt((1-w)(1+w)).
* The acceptance test is rewritten in the same variables (no log of 1 - x0 w with x0 ~ 1).
* w is always float64 (n scalars, drawn on the host), whatever the dtype of mu.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from ._backend import as_namespace_array, is_cupy_array, namespace, standard_normal

# Initial guess of the acceptance rate, used to size the first batch of proposals. Wood's
# acceptance rate is >= 0.65 over d = 2 ... 1e6, kappa = 1e-3 ... 1e12 (smallest: 0.657 at d = 2,
# kappa -> inf; the mean acceptance probability of 2e5 proposals per (d, kappa), checked in
# tests/test_vmf_distribution.py::test_wood_acceptance_rate); after the first batch the
# observed rate is used.
_ACCEPTANCE_GUESS = 0.6
_MAX_ROUNDS = 1000


def wood_proposals(rng: np.random.Generator, dim: int, kappa: float, batch: int):
    """``batch`` proposals of Wood's sampler: (1 - w, 1 + w, log acceptance ratio), float64."""
    m = float(dim - 1)
    if kappa == 0.0:
        # The proposal with b = 1 is exactly the uniform marginal: (1 + w)/2 ~ Beta(m/2, m/2).
        b = 1.0
    else:
        # Stable b (hypot: no overflow of 4 kappa^2 for kappa up to the float range).
        b = m / (2.0 * kappa + math.hypot(2.0 * kappa, m))
    one_minus_x0 = 2.0 * b / (1.0 + b)  # 1 - x0, x0 = (1 - b)/(1 + b) in [0, 1)
    log_half_one_plus_b = math.log1p(b) - math.log(2.0)

    # z ~ Beta(m/2, m/2) as g1/(g1 + g2) with g1, g2 ~ Gamma(m/2): gives z and 1 - z exactly.
    g1 = rng.standard_gamma(m / 2.0, batch)
    g2 = rng.standard_gamma(m / 2.0, batch)
    total = g1 + g2
    z = g1 / total
    zc = g2 / total
    # Wood's proposal w = (1 - (1+b) z)/(1 - (1-b) z), written as
    #   1 - w = 2 b z / den,  1 + w = 2 (1 - z) / den,  den = (1 - z) + b z
    # (sums of positive terms: no cancellation for w near +1 or -1).
    den = zc + b * z
    y = 2.0 * b * z / den
    yp = 2.0 * zc / den
    # Acceptance: kappa w + m log(1 - x0 w) - c >= log U with c = kappa x0 + m log(1 - x0^2).
    # With 1 - x0 w = (2b + (1-b)(1-w))/(1+b) and 1 - x0^2 = 4b/(1+b)^2:
    #   kappa (w - x0) = kappa (2b/(1+b) - (1 - w))
    #   m log((1 - x0 w)/(1 - x0^2)) = m (log((1+b)/2) + log1p((1-b) z / den))
    # ((1-b)(1-w)/(2b) = (1-b) z/den: no division by b, which is ~(d-1)/(4 kappa)).
    log_ratio = kappa * (one_minus_x0 - y) + m * (log_half_one_plus_b + np.log1p((1.0 - b) * z / den))
    return y, yp, log_ratio


def wood_marginal(rng: np.random.Generator, dim: int, kappa: float, n: int):
    """Draw w = mu^T x for n vMF points on S^{dim-1}.

    Returns ``(w, one_minus_w, one_plus_w)``, three float64 arrays of shape (n,); the last two
    are computed directly (not as 1 - w), each to full relative accuracy.

    Rejection rounds are vectorised: each round draws a batch of proposals sized from the
    acceptance rate seen so far (need / rate, plus a margin of 3 standard deviations and 16),
    so that one or two rounds almost always suffice; the loop is over rounds, never over
    samples. With the acceptance rate >= 0.65 the expected number of rounds is below 2 and a
    round never draws more than ~1.7 n + 3 sqrt(n) + 16 proposals.
    """
    w = np.empty(n, dtype=np.float64)
    one_minus = np.empty(n, dtype=np.float64)
    one_plus = np.empty(n, dtype=np.float64)
    filled = 0
    proposed = accepted = 0
    rate = _ACCEPTANCE_GUESS
    for _ in range(_MAX_ROUNDS):
        need = n - filled
        if need <= 0:
            break
        batch = int(math.ceil((need + 3.0 * math.sqrt(need)) / rate)) + 16
        y, yp, log_ratio = wood_proposals(rng, dim, kappa, batch)
        # log U = -Exp(1): never log(0).
        ok = log_ratio >= -rng.standard_exponential(batch)
        k = min(int(np.count_nonzero(ok)), need)
        proposed += batch
        accepted += int(np.count_nonzero(ok))
        y_ok, yp_ok = y[ok][:k], yp[ok][:k]
        one_minus[filled : filled + k] = y_ok
        one_plus[filled : filled + k] = yp_ok
        # w from whichever of 1 - w, 1 + w is smaller (that difference is then exact).
        w[filled : filled + k] = np.where(y_ok <= 1.0, 1.0 - y_ok, yp_ok - 1.0)
        filled += k
        rate = max(accepted / proposed, 0.05)
    else:  # pragma: no cover - would need an acceptance rate below 1e-3
        raise RuntimeError("vMF rejection sampler did not finish")
    return w, one_minus, one_plus


def householder_vector(mu_unit: np.ndarray):
    """Reflection data (u, sign) with sign * (I - 2 u u^T / u^T u) e1 = mu_unit.

    For mu_1 <= 0, u = e1 - mu (H e1 = mu); for mu_1 > 0, u = e1 + mu and the reflection is
    negated (-H e1 = mu). Either way u_1 = 1 + |mu_1| >= 1, so u^T u >= 1: no cancellation in
    1 - mu_1 and no division by ~0 when mu is (close to) e1 or -e1 -- the cases where the usual
    u = e1 - mu gives nan. Any orthogonal map sending e1 to mu maps vMF(e1, kappa) to
    vMF(mu, kappa), so the sign flip is harmless.
    """
    sign = -1.0 if mu_unit[0] > 0 else 1.0
    u = -sign * mu_unit
    u[0] += 1.0
    return u, sign


def sample_vmf(mu_unit, dim: int, kappa: float, n: int, dtype, random_state: Any = None):
    """n samples of vMF(mu_unit, kappa) as an (n, dim) array in mu_unit's namespace and device.

    ``mu_unit`` is the float64 unit mean direction (NumPy or CuPy); the output has ``dtype``.
    """
    rng = np.random.default_rng(random_state)
    xp = namespace(mu_unit)
    X = standard_normal(xp, rng, (n, dim), dtype, like=mu_unit)
    if n == 0:
        return X
    if kappa == 0.0:
        # Uniform on the sphere: normalised Gaussian vectors (exact, cheaper than Wood).
        norms = xp.sqrt(xp.sum(X * X, axis=1))
        # A zero Gaussian vector has probability ~0; the guard only keeps 0/0 out.
        X /= xp.where(norms > 0, norms, xp.ones_like(norms))[:, None]
        return X

    w, one_minus, one_plus = wood_marginal(rng, dim, kappa, n)
    # Tangent part: v uniform on S^{d-2} (normalised Gaussians in columns 1..d-1) times
    # sqrt(1 - w^2) = sqrt((1 - w)(1 + w)), exact even when 1 - w ~ 1e-12.
    radius = np.sqrt(one_minus * one_plus)
    tail = X[:, 1:]
    tail_norm = xp.sqrt(xp.sum(tail * tail, axis=1))
    tail_norm = xp.where(tail_norm > 0, tail_norm, xp.ones_like(tail_norm))
    scale = as_namespace_array(xp, radius, X, dtype=xp.float64) / xp.astype(tail_norm, xp.float64)
    X[:, 1:] *= xp.astype(scale, X.dtype)[:, None]
    X[:, 0] = as_namespace_array(xp, w, X, dtype=X.dtype)

    # Householder reflection e1 -> mu, applied block by block: O(n d) flops, O(block) memory.
    mu_host = np.asarray(mu_unit.get() if is_cupy_array(mu_unit) else mu_unit, dtype=np.float64)
    if mu_host[0] == 1.0 and not np.any(mu_host[1:]):
        return X  # mu = e1 exactly: nothing to do (the reflection below would also be exact)
    u64, sign = householder_vector(mu_host)
    coef = 2.0 / float(u64 @ u64)
    u = as_namespace_array(xp, u64, X, dtype=X.dtype)
    rows = max(1, (1 << 20) // dim)
    for start in range(0, n, rows):
        block = X[start : start + rows]
        proj = (block @ u) * coef
        # x <- sign * (x - coef (x.u) u)
        if sign > 0:
            block -= proj[:, None] * u[None, :]
        else:
            X[start : start + rows] = proj[:, None] * u[None, :] - block
    return X
