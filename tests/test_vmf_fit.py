"""logbessel.vmf.fit and mean_resultant_length.

* kappa is the root of A_d(kappa) = R-bar to ~machine precision, checked against a Newton
  iteration in Arb (python-flint, 256 bits) for d up to 1e5, also for concentrated data where
  the statistics need the second (spread) pass.
* Recovery of kappa and mu from samples, with tolerances derived from the asymptotics of the
  MLE (not tuned): with A = A_d(kappa), A' = A_d'(kappa), w = mu^T x has mean A and variance A',
  each of the d-1 tangential coordinates has variance A/kappa. For the mean vector,
  |S/n|^2 = (A + a)^2 + q with a ~ N(0, A'/n) and q = (A/(n kappa)) chi^2_{d-1}, so
      R-bar ~ A + a + q/(2A):  E R-bar ~ A + (d-1)/(2 n kappa),  Var R-bar ~ A'/n + (d-1)/(2 n^2 kappa^2),
  and kappa-hat = A^{-1}(R-bar) ~ kappa + (R-bar - A)/A'. The angle theta between mu-hat and mu
  satisfies n kappa A theta^2 ~ chi^2_{d-1}.
"""

from __future__ import annotations

import math

import numpy as np
import pytest

import logbessel as lb
from logbessel.vmf import VonMisesFisher, fit, mean_resultant_length

flint = pytest.importorskip("flint")
arb = flint.arb
EPS = 2.0**-52


def _arb_root(d, one_minus_r, start):
    """kappa with 1 - A_d(kappa) = one_minus_r (an arb), by Newton's method in Arb at 256 bits.

    A_d' = 1 - A^2 - (d-1) A / kappa (exact identity; its cancellation is harmless at 256 bits).
    """
    with flint.ctx.workprec(256):
        nu = arb(d) / 2 - 1
        k = arb(start)
        for _ in range(8):
            i0 = k.bessel_i(nu, scaled=True)
            a = k.bessel_i(nu + 1, scaled=True) / i0
            deriv = 1 - a * a - (arb(d) - 1) * a / k
            k = arb((k - ((1 - a) - one_minus_r) / (-deriv)).mid())  # midpoint: no ball growth
        return k


def _two_rows(d, theta):
    """Rows (cos t, +-sin t, 0, ...): R-bar = cos(t) / |row| exactly (computed in Arb)."""
    c, s = math.cos(theta), math.sin(theta)
    X = np.zeros((2, d))
    X[:, 0] = c
    X[0, 1], X[1, 1] = s, -s
    with flint.ctx.workprec(256):
        norm = (arb(c) ** 2 + arb(s) ** 2).sqrt()
        exact_one_minus = 1 - arb(c) / norm
    return X, exact_one_minus


@pytest.mark.parametrize("d", [3, 100, 2048, 32768, 100_000])
def test_kappa_is_the_exact_root(d):
    worst = 0.0
    # 1 - R-bar from 0.9 down to 1e-14: kappa from ~d/10 up to ~1e13 d
    for theta in (1.4, 0.9, 0.3, 0.05, 3e-3, 1e-4, 3e-6, 1.5e-7):
        X, exact_one_minus = _two_rows(d, theta)
        est = fit(X)
        rbar = est.mean_resultant
        if 1 - rbar >= 2.0**-16:
            # first pass only: kappa = iv_ratio_inv(nu, R-bar) for the float R-bar
            ref = _arb_root(d, 1 - arb(rbar), est.kappa)
        else:
            # concentrated: 1 - R-bar comes from the spread pass, exact for the data as given
            ref = _arb_root(d, exact_one_minus, est.kappa)
        err = abs(float(((arb(est.kappa) - ref) / ref).mid()))
        worst = max(worst, err)
        assert err < 1e-12, (d, theta, err)
    # measured: a few ulps (iv_ratio_inv's own accuracy times the conditioning <= 3.4)
    assert worst < 16 * EPS


@pytest.mark.parametrize(
    "d, kappa, n",
    [(3, 5.0, 4000), (3, 1e12, 2000), (100, 50.0, 3000), (100, 1e4, 500), (2048, 3e3, 400), (32768, 1e5, 60), (100_000, 1e6, 30)],
)
def test_fit_recovers_parameters(d, kappa, n):
    stats = pytest.importorskip("scipy.stats")
    mu = np.random.default_rng(d).standard_normal(d)
    mu /= np.linalg.norm(mu)
    X = VonMisesFisher(mu, kappa).sample(n, random_state=17)
    est = fit(X)
    nu = d / 2 - 1
    a = float(lb.iv_ratio(nu, kappa))
    # A' without cancellation: central difference of 1 - A (see test_vmf_distribution)
    h = 1e-4 * kappa
    a_prime = float(lb.iv_ratio_c(nu, kappa - h) - lb.iv_ratio_c(nu, kappa + h)) / (2 * h)
    center = kappa + (d - 1) / (2 * n * kappa) / a_prime
    sd = math.sqrt(a_prime / n + (d - 1) / (2 * n * n * kappa * kappa)) / a_prime
    assert abs(est.kappa - center) <= 5 * sd, (est.kappa, center, sd)
    diff = np.asarray(est.mu, dtype=np.float64) - mu
    theta2 = float(diff @ diff)
    assert n * kappa * a * theta2 <= stats.chi2.ppf(1 - 1e-6, d - 1)
    assert est.n_samples == n and est.bias_corrected is False
    assert est.kappa != 1e-8  # SciPy 1.17's fit returns 1e-8 for every d >= 80


def test_bias_correction_high_dimension():
    """d = 32768, n = 500, kappa = 1000: n is not >> (d/kappa)^2 ~ 1000, the plug-in MLE is
    biased (E R-bar^2 = A^2 + (1 - A^2)/n), the corrected estimate is not. sd of the corrected
    kappa: Var(A-hat^2) ~ (n/(n-1))^2 [4 A^2 A'/n + 2 (d-1) A^2 / (n^2 kappa^2)],
    sd(kappa) = sd(A-hat^2) / (2 A A')."""
    d, kappa, n = 32768, 1000.0, 500
    mu = np.zeros(d)
    mu[0] = 1.0
    X = VonMisesFisher(mu, kappa).sample(n, random_state=3)
    plug = fit(X)
    corrected = fit(X, bias_correction=True)
    nu = d / 2 - 1
    a = float(lb.iv_ratio(nu, kappa))
    h = 1e-4 * kappa
    a_prime = float(lb.iv_ratio_c(nu, kappa - h) - lb.iv_ratio_c(nu, kappa + h)) / (2 * h)
    var_a2 = (n / (n - 1)) ** 2 * (4 * a * a * a_prime / n + 2 * (d - 1) * a * a / (n * n * kappa * kappa))
    sd = math.sqrt(var_a2) / (2 * a * a_prime)
    assert corrected.bias_corrected and abs(corrected.kappa - kappa) <= 5 * sd, (corrected.kappa, sd)
    # the plug-in estimate sits where E R-bar^2 predicts, far from the truth
    predicted = float(lb.iv_ratio_inv(nu, math.sqrt(a * a + (1 - a * a) / n)))
    assert abs(plug.kappa - predicted) <= 5 * sd * 2  # the plug-in's sd is at most twice the corrected one here
    assert plug.kappa > kappa + 20 * sd
    # below the noise floor the corrected estimate is exactly uniform
    U = VonMisesFisher(mu, 0.0).sample(50, random_state=1)
    if (50 * fit(U).mean_resultant ** 2 - 1) <= 0:
        assert fit(U, bias_correction=True).kappa == 0.0


def test_matches_scipy_fit_in_low_dimension():
    stats = pytest.importorskip("scipy.stats")
    mu = np.array([0.0, 0.6, 0.0, 0.8, 0.0])
    X = VonMisesFisher(mu, 12.0).sample(300, random_state=2)
    ours = fit(X)
    mu_s, kappa_s = stats.vonmises_fisher.fit(X)
    # SciPy solves with Brent's method (xtol ~1e-12 absolute in its bracket)
    assert abs(ours.kappa / kappa_s - 1) < 1e-9
    np.testing.assert_allclose(ours.mu, mu_s, atol=1e-14)


def test_weights_normalize_and_dtypes():
    rng = np.random.default_rng(0)
    X = VonMisesFisher(np.array([0.0, 0.0, 1.0]), 4.0).sample(50, random_state=1)
    counts = rng.integers(0, 4, size=50)
    counts[0] = 1
    weighted = fit(X, weights=counts.astype(float))
    repeated = fit(np.repeat(X, counts, axis=0))
    assert abs(weighted.kappa / repeated.kappa - 1) < 1e-13
    np.testing.assert_allclose(weighted.mu, repeated.mu, atol=1e-15)
    assert weighted.n_samples == pytest.approx(counts.sum() ** 2 / (counts**2).sum(), rel=1e-15)
    # normalize=True == fit of the normalised rows, without copying
    scaled = X * rng.uniform(0.5, 3.0, size=(50, 1))
    assert abs(fit(scaled, normalize=True).kappa / fit(X).kappa - 1) < 1e-13
    # integer data with normalize=True
    ints = np.array([[3, 4, 0], [0, 5, 0], [1, 0, 0]])
    direction, rbar, n_eff = mean_resultant_length(ints, normalize=True)
    s = np.array([0.6, 0.8, 0.0]) + np.array([0.0, 1.0, 0.0]) + np.array([1.0, 0.0, 0.0])
    assert rbar == pytest.approx(np.linalg.norm(s) / 3, rel=1e-15) and n_eff == 3.0
    np.testing.assert_allclose(direction, s / np.linalg.norm(s), rtol=1e-15)
    # float32 data: float32 mean direction, statistics accumulated in float64
    est32 = fit(X.astype(np.float32))
    assert est32.mu.dtype == np.float32 and abs(est32.kappa / fit(X).kappa - 1) < 1e-5


def test_concentrated_float32_data_is_normalised_exactly():
    """float32 rows carry norm errors ~1e-7; at kappa = 1e6 (1 - R-bar ~ 1e-6) these would bias
    1 - R-bar by ~10% if the rows were summed as given. The fit normalises every row by its
    float64 norm, so the float32 fit agrees with the float64 fit of the same (rounded) data."""
    mu = np.zeros(3)
    mu[2] = 1.0
    X32 = VonMisesFisher(mu, 1e6).sample(4000, random_state=5).astype(np.float32)
    X64 = X32.astype(np.float64)
    X64 /= np.linalg.norm(X64, axis=1, keepdims=True)
    assert abs(fit(X32).kappa / fit(X64).kappa - 1) < 1e-6


def test_errors():
    good = np.array([[1.0, 0.0], [0.0, 1.0]])
    with pytest.raises(ValueError, match="2-D"):
        fit(np.array([1.0, 0.0]))
    with pytest.raises(ValueError, match="at least one row"):
        fit(np.zeros((0, 3)))
    with pytest.raises(ValueError, match=">= 2"):
        fit(np.ones((3, 1)))
    with pytest.raises(ValueError, match="non-finite values .* in 1 of 2 rows"):
        fit(np.array([[1.0, 0.0], [np.nan, 0.0]]))
    with pytest.raises(ValueError, match="non-finite"):
        fit(np.array([[1.0, 0.0], [np.inf, 0.0]]), normalize=True)
    with pytest.raises(ValueError, match="1 zero rows"):
        fit(np.array([[1.0, 0.0], [0.0, 0.0]]), normalize=True)
    with pytest.raises(ValueError, match="2 of 3 rows of X are not unit vectors"):
        fit(np.array([[1.0, 0.0], [2.0, 0.0], [0.0, 0.5]]))
    with pytest.raises(ValueError, match="no spread"):
        fit(np.array([[1.0, 0.0]]))
    with pytest.raises(ValueError, match="at least 2 rows"):
        fit(np.array([[1.0, 0.0], [0.0, 1.0], [0.6, 0.8]]), weights=np.array([1.0, 0.0, 0.0]), bias_correction=True)
    with pytest.raises(ValueError, match="negative"):
        fit(good, weights=np.array([1.0, -1.0]))
    with pytest.raises(ValueError, match="non-finite"):
        fit(good, weights=np.array([1.0, np.nan]))
    with pytest.raises(ValueError, match="sum to 0"):
        fit(good, weights=np.zeros(2))
    with pytest.raises(ValueError, match="shape"):
        fit(good, weights=np.ones(3))
    with pytest.raises(ValueError, match="mean direction is undefined"):
        fit(np.array([[1.0, 0.0], [-1.0, 0.0]]))
    with pytest.raises(TypeError):
        fit(np.array([[1j, 0.0]]))
    with pytest.raises(TypeError):
        fit("not an array")
