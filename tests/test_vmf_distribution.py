"""logbessel.vmf.VonMisesFisher: density, entropy, KL and the sampler.

References: SciPy's ``vonmises_fisher`` where it works (d < 80, moderate kappa), and Arb
(python-flint, 256 bits) for log C_d + kappa, the entropy and the KL divergence everywhere.
Sampler checks use bounds derived from the exact moments of w = mu^T x (Var w = A_d'(kappa),
tangential coordinates of variance A_d/kappa) and Kolmogorov-Smirnov tests of w (or 1 - w)
against its exact marginal law f(w) ~ exp(kappa w) (1 - w^2)^((d-3)/2).
"""

from __future__ import annotations

import math
import warnings

import numpy as np
import pytest

import logbessel as lb
from logbessel.vmf import VonMisesFisher
from logbessel.vmf._sampling import wood_marginal, wood_proposals

EPS = 2.0**-52

flint = pytest.importorskip("flint")
arb = flint.arb


def _e1(d, dtype=np.float64):
    mu = np.zeros(d, dtype=dtype)
    mu[0] = 1
    return mu


def _random_mu(d, seed=0):
    mu = np.random.default_rng(seed).standard_normal(d)
    return mu / np.linalg.norm(mu)


def _arb_g_and_a(d, kappa):
    """(log C_d(kappa) + kappa, A_d(kappa)) in Arb at 256 bits (scaled I: no overflow)."""
    with flint.ctx.workprec(256):
        nu = arb(d) / 2 - 1
        if kappa == 0:  # uniform: -log|S^{d-1}| = log Gamma(d/2) - log 2 - (d/2) log pi
            return (arb(d) / 2).lgamma() - arb(2).log() - arb(d) / 2 * arb.pi().log(), arb(0)
        k = arb(kappa)
        i0 = k.bessel_i(nu, scaled=True)
        i1 = k.bessel_i(nu + 1, scaled=True)
        g = nu * k.log() - arb(d) / 2 * (2 * arb.pi()).log() - i0.log()
        return g, i1 / i0


def _rel(value, ref):
    return abs(float(((arb(float(value)) - ref) / ref).mid()))


def _a_prime(d, kappa):
    """A_d'(kappa) = Var[mu^T x], by a central difference of 1 - A_d (iv_ratio_c, relative-exact).

    Step h = 1e-4 kappa: truncation ~1e-8 relative, rounding ~eps c / (h A') ~ 1e-12: plenty for
    Monte-Carlo bounds (no cancellation of 1 - A^2 - (d-1) A / kappa at large kappa).
    """
    nu = d / 2 - 1
    h = 1e-4 * kappa
    return float(lb.iv_ratio_c(nu, kappa - h) - lb.iv_ratio_c(nu, kappa + h)) / (2 * h)


# ---------------------------------------------------------------------------------------------
# construction and validation


def test_constructor_validation_and_attributes():
    p = VonMisesFisher(np.array([0.0, 0.6, 0.8]), 3)
    assert p.dim == 3 and p.kappa == 3.0 and isinstance(p.kappa, float)
    assert "dim=3" in repr(p) and "kappa=3.0" in repr(p)
    assert VonMisesFisher([1, 0], 1.0).mu.dtype == np.float64  # lists / integers -> float64
    assert VonMisesFisher(_e1(5, np.float32), 1.0).mu.dtype == np.float32  # dtype kept
    with pytest.raises(ValueError, match="unit norm"):
        VonMisesFisher(np.array([1.0, 1e-2]), 1.0)
    with pytest.raises(ValueError, match="1-D"):
        VonMisesFisher(np.eye(3), 1.0)
    with pytest.raises(ValueError, match=">= 2"):
        VonMisesFisher(np.array([1.0]), 1.0)
    with pytest.raises(ValueError, match="non-finite"):
        VonMisesFisher(np.array([np.nan, 1.0]), 1.0)
    for bad in (-1.0, math.nan, math.inf):
        with pytest.raises(ValueError, match="kappa"):
            VonMisesFisher(_e1(3), bad)
    with pytest.raises(TypeError):
        VonMisesFisher(_e1(3), "a")
    with pytest.raises(AttributeError, match="fit"):
        _ = p.n_samples
    with pytest.raises(ValueError, match="shape"):
        p.logpdf(np.ones((2, 4)))
    with pytest.raises(TypeError):
        p.sample(2.5)
    with pytest.raises(ValueError):
        p.sample(-1)
    assert p.sample(0).shape == (0, 3)


# ---------------------------------------------------------------------------------------------
# logpdf and entropy against SciPy (where it works) and Arb (everywhere)


@pytest.mark.parametrize("d", [2, 3, 5, 20, 64])
@pytest.mark.parametrize("kappa", [1e-3, 0.7, 5.0, 60.0])  # SciPy refuses kappa = 0
def test_logpdf_and_entropy_match_scipy(d, kappa):
    stats = pytest.importorskip("scipy.stats")
    mu = _random_mu(d, d)
    X = VonMisesFisher(mu, 1.0).sample(50, random_state=d)
    ours = VonMisesFisher(mu, kappa)
    ref = stats.vonmises_fisher(mu, kappa)
    # error relative to the size of the terms, |log C_d| + kappa (the conditioning of the sum)
    scale = abs(ours.log_normalizer) + kappa + 1.0
    assert np.max(np.abs(ours.logpdf(X) - ref.logpdf(X))) / scale < 1e-12
    assert abs(ours.entropy() - ref.entropy()) / max(abs(ref.entropy()), 1.0) < 1e-12


# (d, kappa) grid from d = 2 to 1e6, kappa = 0.5 to 1e12, including the switch to Hankel's
# expansion (kappa = 64) and the regime 4 nu^2 ~ 8 kappa.
GRID = [(d, k) for d in (2, 3, 10, 100, 2048, 32768, 10**5, 10**6) for k in (0.5, 10.0, 63.0, 64.0, 1e3, 1e5, 1e7, 1e9, 1e12)]


def test_entropy_and_normaliser_match_arb():
    worst = 0.0
    for d, kappa in GRID:
        g, a = _arb_g_and_a(d, kappa)
        p = VonMisesFisher(_e1(d), kappa)
        # logpdf at the mode is exactly g = log C_d + kappa: finite everywhere
        lp = float(p.logpdf(_e1(d)))
        assert math.isfinite(lp)
        assert abs(lp - float(g.mid())) <= 4 * EPS * (abs(float(g.mid())) + kappa)
        h_ref = -g + arb(kappa) * (1 - a)
        err = _rel(p.entropy(), h_ref) / EPS
        worst = max(worst, err)
        if kappa >= 64 and 4 * (d / 2 - 1) ** 2 <= 8 * kappa:
            assert err < 8, (d, kappa, err)  # Hankel region: no cancellation at all
    # elsewhere the direct form's error is ~eps * kappa / |H|: measured max 131 eps (d = 1e5,
    # kappa = 1e9, relative error 3e-14)
    assert worst < 200, worst


@pytest.mark.parametrize("d, kappa", [(2048, 100.0), (2048, 500.0), (32768, 1e4), (32768, 1e5)])
def test_finite_where_scipy_overflows(d, kappa):
    stats = pytest.importorskip("scipy.stats")
    mu = _e1(d)
    X = VonMisesFisher(mu, kappa).sample(20, random_state=0)
    ours = VonMisesFisher(mu, kappa).logpdf(X)
    assert np.all(np.isfinite(ours))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        scipy_value = stats.vonmises_fisher(mu, kappa).logpdf(X)
    # documents the failure this module avoids (SciPy 1.17: +inf here); not asserted, in case
    # a later SciPy fixes it
    _ = scipy_value
    g, a = _arb_g_and_a(d, kappa)
    ref = float(g.mid()) + kappa * (X @ mu - 1.0)
    assert np.max(np.abs(ours - ref)) <= 8 * EPS * (abs(float(g.mid())) + kappa)
    assert math.isfinite(VonMisesFisher(mu, kappa).entropy())


@pytest.mark.parametrize("d", [2, 3, 7, 2048, 10**6])
def test_uniform_limit(d):
    log_area = math.log(2) + (d / 2) * math.log(math.pi) - math.lgamma(d / 2)
    p0 = VonMisesFisher(_e1(d), 0.0)
    x = np.zeros(d)
    x[-1] = 1.0
    assert abs(float(p0.logpdf(x)) + log_area) <= 4 * EPS * max(1.0, abs(log_area))
    assert abs(p0.entropy() - log_area) <= 4 * EPS * max(1.0, abs(log_area))
    assert p0.mean_resultant_length() == 0.0 and not np.any(p0.mean())
    # continuity: log C_d(kappa) = log C_d(0) - kappa^2 / (2 d) + O(kappa^4)
    k = 1e-4
    assert abs(VonMisesFisher(_e1(d), k).log_normalizer - (-log_area - k * k / (2 * d))) < 1e-13 * max(1, abs(log_area))
    assert VonMisesFisher(_e1(d), 1e-300).log_normalizer == p0.log_normalizer


def test_pdf_and_mean():
    p = VonMisesFisher(np.array([0.0, 1.0, 0.0]), 2.5)
    X = p.sample(10, random_state=3)
    np.testing.assert_allclose(p.pdf(X), np.exp(p.logpdf(X)), rtol=1e-15)
    a = float(lb.iv_ratio(0.5, 2.5))
    np.testing.assert_allclose(p.mean(), [0.0, a, 0.0], rtol=1e-15)
    assert p.logpdf(X[0]).shape == ()
    # float32 data stays float32
    assert p.logpdf(X.astype(np.float32)).dtype == np.float32


# ---------------------------------------------------------------------------------------------
# KL divergence


def _arb_kl(d, k1, mu1, k2, mu2):
    g1, a1 = _arb_g_and_a(d, k1)
    g2, _ = _arb_g_and_a(d, k2)
    with flint.ctx.workprec(256):
        m1 = [arb(float(v)) for v in mu1]
        m2 = [arb(float(v)) for v in mu2]
        n1 = sum(v * v for v in m1).sqrt()
        n2 = sum(v * v for v in m2).sqrt()
        t = sum(u * v for u, v in zip(m1, m2)) / (n1 * n2)
        return (g1 - arb(k1)) - (g2 - arb(k2)) + a1 * (arb(k1) - arb(k2) * t)


def test_kl_properties_and_reference():
    rng = np.random.default_rng(7)
    for d in (2, 3, 50, 4096):
        for k1, k2 in [(0.0, 0.0), (0.0, 3.0), (3.0, 0.0), (1.0, 10.0), (1e3, 1.1e3), (1e8, 1e8), (1e12, 2e12), (5.0, 5.0)]:
            mu1 = _random_mu(d, int(rng.integers(1 << 30)))
            mu2 = mu1 if k1 == k2 else _random_mu(d, int(rng.integers(1 << 30)))
            p, q = VonMisesFisher(mu1, k1), VonMisesFisher(mu2, k2)
            assert p.kl(p) == 0.0
            kl = p.kl(q)
            assert kl >= 0.0
            ref = _arb_kl(d, k1, mu1, k2, mu2)
            # tolerance: the KL formula itself is a sum of terms of size |log C| + kappa; the
            # direction enters through 1 - mu1.mu2, known to ~eps
            scale = abs(p.log_normalizer) + abs(q.log_normalizer) + k1 + k2
            assert abs(kl - float(ref.mid())) <= 1e-13 * abs(float(ref.mid())) + 16 * EPS * scale, (d, k1, k2)
    # KL to the uniform distribution = log|S| - H
    p = VonMisesFisher(_e1(10), 7.0)
    u = VonMisesFisher(_e1(10), 0.0)
    assert abs(p.kl(u) - (u.entropy() - p.entropy())) < 1e-14 * u.entropy()
    # nearly identical concentrated distributions: small and non-negative, no O(kappa) noise
    mu = _e1(3)
    mu2 = np.array([math.cos(1e-7), math.sin(1e-7), 0.0])
    kl = VonMisesFisher(mu, 1e12).kl(VonMisesFisher(mu2, 1e12))
    expected = 1e12 * float(lb.iv_ratio(0.5, 1e12)) * 2 * math.sin(0.5e-7) ** 2  # k A (1 - cos)
    assert abs(kl / expected - 1) < 1e-8
    with pytest.raises(ValueError, match="dimensions"):
        p.kl(VonMisesFisher(_e1(3), 1.0))
    with pytest.raises(TypeError):
        p.kl("uniform")


# ---------------------------------------------------------------------------------------------
# sampler


def test_wood_acceptance_rate():
    """The acceptance probability (mean of the acceptance ratio over 4e4 proposals, standard
    error < 0.003) stays >= 0.65 from d = 2 to 1e6 and kappa = 0.1 to 1e12 (the figure the
    sampler's batch sizing quotes)."""
    rng = np.random.default_rng(0)
    for d in (2, 3, 10, 1000, 10**6):
        for kappa in (0.1, 10.0, 1e3, 1e6, 1e12):
            _, _, log_ratio = wood_proposals(rng, d, kappa, 40_000)
            # Wood's envelope dominates the target: log ratio <= 0 up to the rounding of its
            # O(d) terms
            assert np.all(log_ratio <= 16 * EPS * d), (d, kappa, log_ratio.max())
            assert np.exp(log_ratio).mean() >= 0.65 - 0.01, (d, kappa)


@pytest.mark.parametrize(
    "d, kappa",
    [(2, 1.0), (3, 0.5), (3, 40.0), (10, 3.0), (100, 50.0), (2048, 1e3), (32768, 1e5), (10**6, 10.0), (3, 1e12)],
)
def test_sample_moments(d, kappa):
    """mean of w = mu^T x within 5 sd of A_d (Var w = A_d'), and the tangential part of the
    sample mean: n kappa |t|^2 / A_d ~ chi^2_{d-1} (each tangential coordinate of x has variance
    A_d / kappa: Cov x = (A/kappa) I + (1 - d A / kappa - A^2) mu mu^T)."""
    stats = pytest.importorskip("scipy.stats")
    n = max(8, min(4000, 2_000_000 // d))
    mu = _random_mu(d, d + 1)
    p = VonMisesFisher(mu, kappa)
    X = p.sample(n, random_state=d)
    assert X.shape == (n, d) and X.dtype == np.float64
    assert np.max(np.abs(np.einsum("ij,ij->i", X, X) - 1)) < 8 * EPS * max(1, math.sqrt(d) / 8)
    a = p.mean_resultant_length()
    w = X @ mu
    assert abs(w.mean() - a) <= 5 * math.sqrt(_a_prime(d, kappa) / n), (w.mean(), a)
    tangential = X.mean(axis=0) - w.mean() * mu
    stat = n * kappa * float(tangential @ tangential) / a
    lo, hi = stats.chi2.ppf([1e-6, 1 - 1e-6], d - 1)
    assert lo <= stat <= hi, (stat, lo, hi)


def _ks_pvalue(values, cdf):
    stats = pytest.importorskip("scipy.stats")
    return stats.kstest(values, cdf).pvalue


@pytest.mark.parametrize("kappa", [0.3, 4.0, 80.0])
def test_sample_marginal_d3_ks(kappa):
    # d = 3: F(w) = (e^{kappa(w+1)} - 1)/(e^{2 kappa} - 1), written without overflow
    X = VonMisesFisher(_random_mu(3, 1), kappa).sample(3000, random_state=11)
    w = X @ _random_mu(3, 1)

    def cdf(t):
        return np.exp(kappa * (t - 1)) * (-np.expm1(-kappa * (t + 1))) / (-np.expm1(-2 * kappa))

    assert _ks_pvalue(w, cdf) > 1e-4


@pytest.mark.parametrize("kappa", [2.0, 30.0])
def test_sample_marginal_d10_ks(kappa):
    # d = 10: density of y = 1 - w ~ exp(-kappa y) (y (2 - y))^{7/2} on [0, 2], CDF by quadrature
    integrate = pytest.importorskip("scipy.integrate")
    mu = _random_mu(10, 2)
    X = VonMisesFisher(mu, kappa).sample(1500, random_state=5)
    diff = X - mu
    y = 0.5 * np.einsum("ij,ij->i", diff, diff)  # 1 - w, without cancellation

    def dens(t):
        return math.exp(-kappa * t + 3.5 * math.log(t * (2 - t))) if 0 < t < 2 else 0.0

    total = integrate.quad(dens, 0, 2, epsabs=0, epsrel=1e-12, limit=200)[0]
    grid = np.linspace(0, 2, 801)
    pieces = [integrate.quad(dens, a, b, epsabs=0, epsrel=1e-12)[0] for a, b in zip(grid[:-1], grid[1:])]
    cum = np.concatenate([[0.0], np.cumsum(pieces)])

    def cdf(t):
        t = np.asarray(t)
        idx = np.clip(np.searchsorted(grid, t) - 1, 0, len(grid) - 2)
        part = np.array([integrate.quad(dens, grid[i], ti, epsabs=0, epsrel=1e-12)[0] for i, ti in zip(idx, t)])
        return (cum[idx] + part) / total

    assert _ks_pvalue(y, cdf) > 1e-4


@pytest.mark.parametrize("d", [3, 10, 1000])
def test_sample_huge_kappa(d):
    """kappa = 1e12: kappa (1 - w) ~ Gamma((d-1)/2) up to O(1e-9) (the density of y = 1 - w is
    ~ e^{-kappa y} y^{(d-3)/2} (2 - y)^{(d-3)/2}). 1 - w is read off the samples as
    |x - mu|^2 / 2, which keeps its relative accuracy (|x - mu| ~ 1e-6 with absolute error
    ~1e-16): this checks that the sampler resolves 1 - w ~ 1e-12."""
    stats = pytest.importorskip("scipy.stats")
    kappa = 1e12
    mu = _random_mu(d, 4)
    X = VonMisesFisher(mu, kappa).sample(2000, random_state=9)
    diff = X - mu
    y = 0.5 * np.einsum("ij,ij->i", diff, diff)
    assert _ks_pvalue(kappa * y, stats.gamma((d - 1) / 2).cdf) > 1e-4
    # the float64 marginal itself (host side)
    w, one_minus, one_plus = wood_marginal(np.random.default_rng(1), d, kappa, 2000)
    assert _ks_pvalue(kappa * one_minus, stats.gamma((d - 1) / 2).cdf) > 1e-4
    np.testing.assert_allclose(one_plus, 2 - one_minus, rtol=1e-15)


@pytest.mark.parametrize("sign", [1.0, -1.0])
def test_sample_mu_is_plus_minus_e1(sign):
    for d in (2, 3, 500):
        mu = sign * _e1(d)
        X = VonMisesFisher(mu, 20.0).sample(2000, random_state=2)
        assert np.all(np.isfinite(X))
        w = X @ mu
        a = float(lb.iv_ratio(d / 2 - 1, 20.0))
        assert abs(w.mean() - a) <= 5 * math.sqrt(_a_prime(d, 20.0) / 2000)


def test_sample_float32_uniform_and_reproducible():
    mu = _random_mu(64, 3).astype(np.float32)
    p = VonMisesFisher(mu, 30.0)
    X = p.sample(500, random_state=np.random.default_rng(4))
    assert X.dtype == np.float32
    assert np.max(np.abs(np.linalg.norm(X.astype(np.float64), axis=1) - 1)) < 8 * 2.0**-23
    np.testing.assert_array_equal(p.sample(50, random_state=1), p.sample(50, random_state=1))
    # kappa = 0: uniform; the sample mean satisfies n d |mean|^2 ~ chi^2_d
    stats = pytest.importorskip("scipy.stats")
    d, n = 40, 5000
    U = VonMisesFisher(_e1(d), 0.0).sample(n, random_state=6)
    m = U.mean(axis=0)
    stat = n * d * float(m @ m)
    lo, hi = stats.chi2.ppf([1e-6, 1 - 1e-6], d)
    assert lo <= stat <= hi
