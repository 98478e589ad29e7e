"""The Bessel-ratio family against Arb, plus identities: iv_ratio, iv_ratio_c, iv_ratio_inv,
log_iv_dx, log_kv_dx, vmf_log_norm.

Reference values come from python-flint's Arb (certified balls, 256 bits); where Arb's K does not
converge (integer order at large x) mpmath at 60 digits is used. The error unit is the one of
the README: |f - ref| / (eps * max(1, |ref|)); for the ratio and its complement, which lie in
(0, 1) and matter relatively, the relative error |f - ref| / (eps |ref|).
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import logbessel as lb

flint = pytest.importorskip("flint")
arb = flint.arb
flint.ctx.prec = 256

EPS = {np.float64: 2.0**-52, np.float32: 2.0**-23}


def _i(v, x, shift=0):
    return arb(x).bessel_i(arb(v) + shift, scaled=True)


def _k(v, x, shift=0):
    r = arb(x).bessel_k(arb(v) + shift, scaled=True)
    if not r.is_finite() or r.rad() > 1e-40 * abs(r.mid()):
        import mpmath as mp

        with mp.workdps(60):
            r = arb(mp.nstr(mp.besselk(mp.mpf(v) + shift, x) * mp.exp(x), 55))
    return r


def _rel(f, ref, eps):
    return float((abs(arb(float(f)) - ref) / (eps * abs(ref))).mid())


def _abs(f, ref, eps):
    return float((abs(arb(float(f)) - ref) / (eps * max(arb(1), abs(ref)))).mid())


# Orders and arguments across every region: the double-double power series below
# sqrt(v^2 + x^2) = 26.5, the Debye forms above, the switch itself, x << v and x >> v.
V64 = [0.0, 1e-8, 0.3, 0.5, 1.0, 2.5, 9.7, 18.0, 25.9, 26.6, 40.0, 1e3, 1e6, 1e12]
X64 = [1e-300, 1e-8, 0.1, 1.0, 4.0, 13.0, 18.0, 25.0, 26.4, 26.6, 60.0, 1e3, 1e8, 1e200]


@pytest.mark.parametrize("dtype", [np.float64, np.float32], ids=["float64", "float32"])
def test_ratio_family_matches_arb(dtype):
    eps = EPS[dtype]
    vs = np.array(V64, dtype=dtype)
    xs = np.array(X64 if dtype is np.float64 else [x for x in X64 if 1e-30 < x < 1e30], dtype=dtype)
    worst = {}
    for v in vs:
        for x in xs:
            v64, x64 = float(v), float(x)
            r = _i(v64, x64, 1) / _i(v64, x64)
            ratio = lb.iv_ratio(v, x)
            # results below the normal range (x/(2(v+1)) for tiny x) carry only a few bits
            if float(r.mid()) < np.finfo(dtype).tiny:
                continue
            errs = {
                "iv_ratio": _rel(ratio, r, eps),
                "iv_ratio_c": _rel(lb.iv_ratio_c(v, x), 1 - r, eps),
            }
            dx_i = arb(v64) / arb(x64) + r
            if abs(dx_i) < 1e30:
                errs["log_iv_dx"] = _abs(lb.log_iv_dx(v, x), dx_i, eps)
            if x64 < 1e100 and v64 < 1e12:
                dx_k = -(_k(v64, x64, -1) + _k(v64, x64, 1)) / (2 * _k(v64, x64))
                if abs(dx_k) < 1e30:
                    errs["log_kv_dx"] = _abs(lb.log_kv_dx(v, x), dx_k, eps)
            for name, e in errs.items():
                worst[name] = max(worst.get(name, (0.0,)), (e, v64, x64))
    for name, (e, v, x) in worst.items():
        assert e <= 4, f"{name}: {e:.2f} ulps at v={v!r}, x={x!r}"


def test_complement_stays_relative_when_tiny():
    # 1 - I_{v+1}/I_v ~ (v + 1/2)/x: SciPy-style 1 - ratio would give 0 or 1 ulp of 1 here.
    for v, x in [(0.0, 1e15), (3.0, 1e20)]:
        c = lb.iv_ratio_c(v, x)
        assert c > 0
        ref = 1 - _i(v, x, 1) / _i(v, x)
        assert _rel(c, ref, EPS[np.float64]) <= 2
    # v = 1/2: I_{3/2}/I_{1/2} = coth(x) - 1/x, so the complement is 1/x up to e^-2x
    assert lb.iv_ratio_c(0.5, 1e300) == pytest.approx(1e-300, rel=2.0**-52)


@pytest.mark.parametrize("v", [-0.5, 0.0, 0.5, 1.0, 7.5, 1023.0, 16383.0, 1e6, 1e7])
def test_inverse_is_the_root(v):
    """kappa = iv_ratio_inv(v, r) against the root of A(kappa) = r refined in Arb."""
    eps = EPS[np.float64]
    for r in [1e-300, 1e-9, 0.05, 0.3, 0.5, 0.51, 0.8, 0.99, 1 - 1e-9, 1 - 2.0**-52]:
        kappa = float(lb.iv_ratio_inv(v, r))
        assert np.isfinite(kappa) and kappa > 0, (v, r, kappa)
        k = arb(kappa)
        for _ in range(3):  # Newton in 256-bit ball arithmetic from our answer
            a = _i(v, k, 1) / _i(v, k)
            k = k - (a - arb(r)) / (1 - a * a - (2 * arb(v) + 1) * a / k)
        if not k.is_finite():  # Arb's I does not converge for kappa ~ 1e22 with v ~ 1e7
            continue
        err = float((abs(arb(kappa) - k) / (eps * k)).mid())
        # a few ulps; the inverse is ill-conditioned by up to ~3.4 around kappa ~ v (docstring)
        assert err <= 4, (v, r, err)


def test_inverse_domain_and_limits():
    assert lb.iv_ratio_inv(3.0, 0.0) == 0.0
    assert np.isnan(lb.iv_ratio_inv(3.0, 1.0))
    assert np.isnan(lb.iv_ratio_inv(3.0, -0.1))
    assert np.isnan(lb.iv_ratio_inv(-0.6, 0.5))
    assert np.isnan(lb.iv_ratio_inv(np.nan, 0.5))
    assert lb.iv_ratio_inv(np.inf, 0.5) == np.inf
    assert lb.iv_ratio_inv(-0.5, 0.5) == pytest.approx(math.atanh(0.5), rel=4e-16)


@pytest.mark.parametrize("dtype", [np.float64, np.float32], ids=["float64", "float32"])
def test_inverse_random_points_against_arb(dtype):
    """Seeded random (v, r) over every regime of the inverse (the start's and the steps' kinds:
    v in [-1/2, 1e7] log-spaced, also within 1e-6 of -1/2; r uniform, 1 - r down to 1e-12, and
    tiny r), each kappa against the Arb root for that exact r. The error unit is ulps of kappa
    over the conditioning max(1, |d log kappa / d log r|) = max(1, A / (kappa A')): an error of
    ~1 ulp in A moves the root by that much (near v = -1/2 and r -> 1 it reaches 1e8)."""
    eps = EPS[dtype]
    rng = np.random.default_rng(20261203)
    n = 150
    v = np.where(
        rng.uniform(size=n) < 0.25, -0.5 + 10 ** rng.uniform(-6, -0.31, n), 10 ** rng.uniform(-3, 7, n)
    )
    kind = rng.integers(0, 3, n)
    r = np.where(
        kind == 0,
        rng.uniform(0, 1, n),
        np.where(kind == 1, 1 - 10 ** rng.uniform(-12, 0, n), 10 ** rng.uniform(-30, 0, n)),
    )
    v = v.astype(dtype)
    r = np.minimum(r.astype(dtype), np.nextafter(dtype(1), dtype(0)))
    kappa = lb.iv_ratio_inv(v, r)
    worst = (0.0,)
    for vi, ri, ki in zip(v.astype(float), r.astype(float), kappa.astype(float)):
        assert np.isfinite(ki) and ki > 0, (vi, ri, ki)
        if ki > 1e15:  # Arb's I does not converge there in reasonable time
            continue
        k = arb(ki)
        for _ in range(4):  # Newton in 256-bit ball arithmetic from our answer
            a = _i(vi, k, 1) / _i(vi, k)
            k = k - (a - arb(ri)) / (1 - a * a - (2 * arb(vi) + 1) * a / k)
        if not k.is_finite():
            continue
        a = arb(ri)
        cond = float((a / (k * (1 - a * a - (2 * arb(vi) + 1) * a / k))).mid())
        err = float((abs(arb(ki) - k) / (eps * k)).mid()) / max(1.0, cond)
        worst = max(worst, (err, vi, ri, cond))
    # measured: <= 1.9 (double and float, 1500-point runs of this generator)
    assert worst[0] <= 4, worst


@given(
    v=st.floats(0.0, 1e5),
    r=st.floats(1e-6, 1 - 1e-12),
)
def test_inverse_round_trip(v, r):
    kappa = lb.iv_ratio_inv(v, r)
    back = lb.iv_ratio(v, kappa)
    # r -> kappa -> r: the forward ratio is within ~1 ulp, and kappa within a few ulps times
    # the conditioning (<= 3.4), so the round trip is within a few ulps of r.
    assert abs(back - r) <= 8 * 2.0**-52 * r


@given(v=st.floats(0.0, 200.0), x=st.floats(1e-3, 200.0))
def test_identities(v, x):
    r = lb.iv_ratio(v, x)
    c = lb.iv_ratio_c(v, x)
    assert 0 < r < 1 and 0 < c <= 1
    assert abs((r + c) - 1) <= 4 * 2.0**-52
    assert lb.log_iv_dx(v, x) == pytest.approx(v / x + r, rel=8 * 2.0**-52)
    # the continued fraction / recurrence I_{v+1}/I_v = x / (2 (v + 1) + x I_{v+2}/I_{v+1})
    assert r == pytest.approx(x / (2 * (v + 1) + x * lb.iv_ratio(v + 1, x)), rel=8 * 2.0**-52)
    # K: d/dx log K_v = v/x - K_{v+1}/K_v and K_{v+1}/K_v = exp(log K_{v+1} - log K_v)
    kk = math.exp(lb.log_kv(v + 1, x) - lb.log_kv(v, x))
    assert lb.log_kv_dx(v, x) == pytest.approx(v / x - kk, rel=1e-12, abs=1e-12)


def _vmf_ref(d, kappa):
    d = arb(d)
    v = d / 2 - 1
    pi = arb.pi()
    if kappa == 0:
        return -(arb(2).log() + (d / 2) * pi.log() - (d / 2).lgamma())
    k = arb(kappa)
    return v * k.log() - (d / 2) * (2 * pi).log() - (k.bessel_i(v, scaled=True).log() + k)


@pytest.mark.parametrize("d", [1.0, 1.5, 2.0, 3.0, 19.0, 20.0, 45.0, 100.0, 2048.0, 32768.0, 1e6])
def test_vmf_log_norm_matches_arb(d):
    eps = EPS[np.float64]
    for kappa in [0.0, 1e-300, 1e-6, 0.5, 5.0, 21.0, 22.0, 100.0, 1e4, 1e6, 1e12]:
        f = lb.vmf_log_norm(d, kappa)
        assert _abs(f, _vmf_ref(d, kappa), eps) <= 4, (d, kappa, f)


def test_vmf_log_norm_limits():
    # kappa = 0: minus the log of the area of the unit sphere S^{d-1}
    for d in [2.0, 3.0, 10.0]:
        area = 2 * math.pi ** (d / 2) / math.gamma(d / 2)
        assert lb.vmf_log_norm(d, 0.0) == pytest.approx(-math.log(area), rel=1e-15)
    assert lb.vmf_log_norm(3.0, np.inf) == -np.inf
    for bad in [(0.5, 1.0), (np.inf, 1.0), (3.0, -1.0), (np.nan, 1.0), (3.0, np.nan)]:
        assert np.isnan(lb.vmf_log_norm(*bad)), bad


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_inverse_far_tail_is_finite(dtype):
    # Regression: float32 v in ~[1.3e8, 2^30] with 1 - r of a few ulps gave nan (0/0 in the
    # Halley factor: A'^2 underflowed) and a divide-by-zero warning. Far in the tail kappa
    # ~ (v + 1/2) / (1 - r) ... + O(1) (A ~ 1 - (2v + 1)/(2 kappa)), so compare with the float64
    # inverse of the same inputs.
    eps = np.finfo(dtype).eps
    v = np.geomspace(1e3, 2.0**30, 60).astype(dtype)
    s = (np.arange(1, 5) * eps / 2).astype(dtype)  # 1 - r = 1, 2, 3, 4 ulps below 1
    V, S = np.meshgrid(v, s)
    r = (1 - S).astype(dtype)
    with np.errstate(all="raise"):
        got = lb.iv_ratio_inv(V, r)
    want = lb.iv_ratio_inv(V.astype(np.float64), r.astype(np.float64))
    assert np.all(np.isfinite(got))
    np.testing.assert_allclose(got, want, rtol=8 * eps)
