"""Order derivatives log_iv_dv(v, x) = d/dv log I_v(x) and log_kv_dv(v, x) = d/dv log K_v(x).

* Arb-checked points in every region (Debye, power series, Temme / CF2 + recurrence, negative
  order), on both sides of every region boundary, at v = 0, tiny and huge x and v up to 1e6,
  for float64 and float32. Reference: central difference of Arb's log I / log K at >= 320 bits
  with step 1e-30 (exact to ~1e-60); err = |f - ref| / (eps max(1, |ref|)) <= 16, the issue's
  target for the order derivatives.
* Identities (Hypothesis): the v-derivative of the Wronskian, closed forms at v = 0 and
  v = +-1/2 (DLMF 10.38.3, 10.38.6), oddness of d/dv log K, continuity across the region
  boundaries, negative integer orders.
* Domain rules and floating-point flags.

The dense per-region measurement is tools/dv_accuracy.py.
"""

from __future__ import annotations

import math

import mpmath
import numpy as np
import pytest
from flint import arb, ctx
from hypothesis import assume, given
from hypothesis import strategies as st

from logbessel import log_iv, log_iv_dv, log_kv, log_kv_dv

EPS = {np.float32: 2.0**-23, np.float64: 2.0**-52}
TARGET = 16.0  # issue 5: max err <= 16 eps * max(1, |ref|) for the order derivatives


def arb_dv(kind, v, x):
    """d/dv log I_v(x) ('i') / log K_v(x) ('k') at the exact binary v, x, certified by Arb."""
    for prec in (320, 1280):
        old = ctx.prec
        ctx.prec = prec
        try:
            h = arb(10) ** -30
            va, xa = arb(v), arb(x)
            f = (lambda w: xa.bessel_i(w, scaled=True)) if kind == "i" else (
                lambda w: xa.bessel_k(w, scaled=True))
            fp, fm = f(va + h), f(va - h)
            if not (fp > 0 and fm > 0):
                continue
            d = (fp.log() - fm.log()) / (2 * h)
            mid = float(d.mid())
            if d.is_finite() and float(d.rad()) < 1e-25 * max(1.0, abs(mid)):
                return mid
        finally:
            ctx.prec = old
    if kind == "k" and abs(v) > 50 and x * x < abs(v):
        return math.copysign(arb_kv_dv_small_x(abs(v), x), v)
    raise AssertionError(f"no Arb reference at {kind} {v!r} {x!r}")


def arb_kv_dv_small_x(v, x):
    """Where Arb's bessel_k gives no finite ball (orders ~1e5 and more at tiny x): K_v(x) =
    (1/2) Gamma(v) (x/2)^-v S + (1/2) Gamma(-v) (x/2)^v S', S = sum_k (x^2/4)^k / (k! (1-v)_k)
    (DLMF 10.27.4, 10.25.2). The second part is checked to be below e^-300 of the first, so
    d/dv log K_v = d/dv [-v log(x/2) + lgamma(v) + log S], by a central difference in Arb."""
    old = ctx.prec
    ctx.prec = 640
    try:
        h = arb(10) ** -30
        lhx = (arb(x) / 2).log()
        q = arb(x) ** 2 / 4

        def F(w):
            # |Gamma(-w)/Gamma(w)| = pi / (w Gamma(w)^2 |sin(pi w)|)
            neglected = 2 * w * lhx + arb.pi().log() - w.log() - 2 * w.lgamma() - abs(
                (arb.pi() * w).sin()).log()
            assert neglected < -300
            s, t, k = arb(1), arb(1), 0
            while k < 10000:
                k += 1
                t = t * q / (k * (k - w))
                s += t
                if abs(t) < s * arb(2) ** -700:
                    break
            return -w * lhx + w.lgamma() + s.log()

        d = (F(arb(v) + h) - F(arb(v) - h)) / (2 * h)
        mid = float(d.mid())
        assert float(d.rad()) < 1e-25 * max(1.0, abs(mid))
        return mid
    finally:
        ctx.prec = old


def err(f, ref, dtype):
    return abs(float(f) - ref) / (EPS[dtype] * max(1.0, abs(ref)))


# (v, x) per region; R = sqrt(v^2 + x^2), R_D = 21.5 (float64) / 10 (float32).
POINTS_64 = [
    # power series (I) / Temme x <= 1 and CF2 x > 1 + recurrence (K)
    (0.0, 1e-300), (0.0, 0.5), (0.0, 1.0), (0.0, 1.0000000000000002), (0.0, 20.0),
    (1e-12, 1e-300), (1e-12, 3.0), (1e-5, 5e-324), (0.25, 0.01), (0.4999999999, 2.0),
    (0.5, 1.0), (0.5000000001, 1.0), (1.0, 1e-200), (1.5, 7.0), (2.3, 20.5), (7.9, 0.9),
    (12.5, 1.2), (20.9, 0.3), (21.4, 1e-300), (14.0, 15.0), (3.0, 21.3),
    # both sides of R = R_D
    (21.4999999, 0.001), (21.5, 0.001), (0.001, 21.4999999), (0.001, 21.5),
    (15.2027, 15.2026), (15.2028, 15.2028),
    # Debye
    (25.0, 1e-300), (30.0, 20.0), (100.0, 66.0), (1e3, 1.0), (1e3, 1e3), (1e4, 6.6e3),
    (1e6, 1e-300), (1e6, 6.63e5), (1e6, 1e6), (1e6, 1e12), (0.5, 1e300), (0.0, 25.0),
    (1e-10, 1e10), (50.0, 1.7976931348623157e308),
    # negative orders
    (-0.5, 1.7), (-2.5, 3.0), (-0.3, 10.0), (-1.0, 0.5), (-2.0, 0.5), (-3.0, 2.0),
    (-7.25, 40.0), (-30.5, 100.0), (-1e-8, 1.0), (-2.5, 1e-3),
]

POINTS_32 = [
    (0.0, 1e-40), (0.0, 0.5), (0.0, 9.0), (1e-6, 2.0), (0.25, 1e-20), (0.5, 1.0), (1.5, 7.0),
    (6.5, 0.9), (9.9, 0.5), (7.0, 7.0), (9.99, 0.01), (10.0, 0.01), (0.01, 9.99), (0.01, 10.0),
    (12.0, 1e-30), (20.0, 13.0), (1e3, 1.0), (1e4, 6.6e3), (1e6, 1e-40), (1e6, 1e6),
    (0.5, 1e38), (-0.5, 1.7), (-2.5, 3.0), (-1.0, 0.5), (-3.0, 2.0), (-7.25, 40.0),
]


@pytest.mark.parametrize("dtype,points", [(np.float64, POINTS_64), (np.float32, POINTS_32)],
                         ids=["float64", "float32"])
@pytest.mark.parametrize("name,f", [("i", log_iv_dv), ("k", log_kv_dv)], ids=["iv_dv", "kv_dv"])
def test_against_arb(name, f, dtype, points):
    v = np.array([p[0] for p in points], dtype=dtype)
    x = np.array([p[1] for p in points], dtype=dtype)
    got = f(v, x)
    assert got.dtype == dtype
    bad = []
    for vi, xi, gi in zip(v, x, got):
        ref = arb_dv(name, float(vi), float(xi))
        e = err(gi, ref, dtype)
        if not e <= TARGET:
            bad.append((float(vi), float(xi), float(gi), ref, e))
    assert not bad, bad


def quadrature_region_points(dtype, n, seed):
    """Random (v, x) over log_kv_dv's quadrature region x in (1, R_D), R = sqrt(v^2 + x^2) < R_D
    (R_D = 21.5 float64, 10 float32): uniform, x just above 1, R just below R_D, near-integer
    and half-integer v, v = 0 and tiny v."""
    rd = 21.5 if dtype == np.float64 else 10.0
    rng = np.random.default_rng(seed)
    one_up = np.nextafter(dtype(1), dtype(2))
    pts = []
    while len(pts) < n:
        kind = rng.integers(6)
        v, x = rng.uniform(0, rd), rng.uniform(1, rd)
        if kind == 1:
            x = 1 + rng.uniform(0, 1e-3) * rng.integers(0, 2)
        elif kind == 2:
            th = rng.uniform(0, math.atan2(rd, 1))
            r = rd * (1 - 10 ** rng.uniform(-7, -2))
            v, x = r * math.sin(th), r * math.cos(th)
        elif kind == 3:
            v = round(v) + rng.choice([0.0, 1e-9, -1e-9, 1e-4, -1e-4, 0.5])
        elif kind == 4:
            v = rng.choice([0.0, 1e-300, 1e-8, 1e-3])
        v, x = dtype(max(v, 0.0)), dtype(max(x, one_up))
        if x > 1 and float(v) ** 2 + float(x) ** 2 < rd * rd:
            pts.append((v, x))
    return np.array([p[0] for p in pts], dtype), np.array([p[1] for p in pts], dtype)


@pytest.mark.parametrize("dtype,n", [(np.float64, 300), (np.float32, 200)], ids=["float64", "float32"])
def test_kv_dv_quadrature_region_against_arb(dtype, n):
    """log_kv_dv_quad (x > 1, R < R_D): <= 4 eps (measured max 2.8 float64 / 2.7 float32 on
    2500 / 2000 such points against mpmath; the Wronskian route before reached 6.5 / 3.5)."""
    v, x = quadrature_region_points(dtype, n, seed=7)
    with np.errstate(all="raise"):
        got = log_kv_dv(v, x)
    assert np.all(got[v == 0] == 0)
    bad = []
    for vi, xi, gi in zip(v, x, got):
        if vi == 0:
            continue
        ref = arb_dv("k", float(vi), float(xi))
        e = err(gi, ref, dtype)
        if not e <= 4.0:
            bad.append((float(vi), float(xi), float(gi), ref, e))
    assert not bad, bad


# ---------------------------------------------------------------------------------------------
# Identities
# ---------------------------------------------------------------------------------------------


def mag(*a):
    return sum(max(1.0, abs(float(t))) for t in a)


@given(v=st.floats(0.0, 1e4), lx=st.floats(-30.0, 5.0))
def test_wronskian_derivative(v, lx):
    """I_v K_{v+1} + I_{v+1} K_v = 1/x (DLMF 10.28.2) differentiated in v: with
    A = x I_v K_{v+1}, B = x I_{v+1} K_v (A + B = 1),
        A (dI_v + dK_{v+1}) + B (dI_{v+1} + dK_v) = 0,   d = d/dv log."""
    x = 10.0**lx
    a = x * math.exp(float(log_iv(v, x)) + float(log_kv(v + 1, x)))
    assume(0.0 < a < 1.0)
    b = 1.0 - a
    d1 = float(log_iv_dv(v, x)) + float(log_kv_dv(v + 1, x))
    d2 = float(log_iv_dv(v + 1, x)) + float(log_kv_dv(v, x))
    # log_iv/log_kv errors (a few eps of |log f|) enter a and b: allow for them
    la = abs(float(log_iv(v, x))) + abs(float(log_kv(v + 1, x))) + abs(math.log(x))
    tol = 16 * EPS[np.float64] * (a * mag(d1) + b * mag(d2) + la * a * abs(d1 - d2) + 1)
    assert abs(a * d1 + b * d2) <= tol


@given(lx=st.floats(-300.0, 1.3))
def test_v0_is_minus_k0_over_i0(lx):
    """d/dv I_v at v = 0 is -K_0 (DLMF 10.38.3), so log_iv_dv(0, x) = -K_0(x)/I_0(x)."""
    x = 10.0**lx
    ref = -math.exp(float(log_kv(0.0, x)) - float(log_iv(0.0, x)))
    lmag = abs(float(log_kv(0.0, x))) + abs(float(log_iv(0.0, x)))
    tol = 16 * EPS[np.float64] * (max(1.0, abs(ref)) + abs(ref) * lmag)
    assert abs(float(log_iv_dv(0.0, x)) - ref) <= tol


@given(lx=st.floats(-300.0, 2.5))
def test_half_order_closed_forms(lx):
    """DLMF 10.38.6 at v = +-1/2 (E1, Ei from mpmath; E1 + Ei cancels for small x, so the
    precision grows with log10(1/x)):
    d/dv log K at 1/2 = e^{2x} E1(2x); d/dv log I at +-1/2 = -(E1(2x) e^x +- Ei(2x) e^-x) /
    (2 sinh x or 2 cosh x)."""
    x = 10.0**lx
    with mpmath.workdps(40 + int(max(0.0, -lx))):
        X = mpmath.mpf(x)
        e1, ei = mpmath.e1(2 * X), mpmath.ei(2 * X)
        k_half = float(mpmath.exp(2 * X) * e1)
        i_half = float(-(e1 * mpmath.exp(X) + ei * mpmath.exp(-X)) / (2 * mpmath.sinh(X)))
        i_mhalf = float(-(e1 * mpmath.exp(X) - ei * mpmath.exp(-X)) / (2 * mpmath.cosh(X)))
    for got, ref in ((log_kv_dv(0.5, x), k_half), (log_iv_dv(0.5, x), i_half),
                     (log_iv_dv(-0.5, x), i_mhalf), (log_kv_dv(-0.5, x), -k_half)):
        assert err(got, ref, np.float64) <= TARGET, (x, float(got), ref)


@pytest.mark.parametrize("dtype", [np.float32, np.float64], ids=["float32", "float64"])
@given(v=st.floats(0.0, 1e6), x=st.floats(0.0, 1e6))
def test_log_kv_dv_is_odd(dtype, v, x):
    vv, xx = dtype(v), dtype(x)
    assert log_kv_dv(-vv, xx) == -log_kv_dv(vv, xx)


@pytest.mark.parametrize("dtype", [np.float32, np.float64], ids=["float32", "float64"])
@given(theta=st.floats(0.0, math.pi / 2), which=st.sampled_from(["R", "x1"]))
def test_continuity_across_region_boundaries(dtype, theta, which):
    """Both sides of R = R_D (Debye vs series / Temme) and of x = 1 (Temme vs CF2) agree."""
    eps = EPS[dtype]
    if which == "R":
        rd = 21.5 if dtype == np.float64 else 10.0
        r_in, r_out = rd * (1 - 64 * eps), rd * (1 + 64 * eps)
        pts = [(r_in * math.sin(theta), r_in * math.cos(theta)),
               (r_out * math.sin(theta), r_out * math.cos(theta))]
    else:
        v = 20.0 * theta / (math.pi / 2) * (1.0 if dtype == np.float64 else 0.45)
        pts = [(v, 1.0), (v, float(np.nextafter(dtype(1.0), dtype(2.0))))]
    for f in (log_iv_dv, log_kv_dv):
        a = f(dtype(pts[0][0]), dtype(pts[0][1]))
        b = f(dtype(pts[1][0]), dtype(pts[1][1]))
        # the true change over the step is < |d/dR f| * 128 eps R_D, |d/dR f| < 1
        tol = (2 * TARGET + 3000) * eps * max(1.0, abs(float(a)))
        assert abs(float(a) - float(b)) <= tol, (f.__name__, pts, a, b)


@given(n=st.integers(1, 30), lx=st.floats(-3.0, 2.0))
def test_negative_integer_order(n, lx):
    """At v = -n: d/dv log I_v = -(d/dn log I_n + 2 (-1)^n K_n/I_n) (from DLMF 10.27.2); I is
    even in v only at the integers themselves."""
    x = 10.0**lx
    ratio = math.exp(float(log_kv(n, x)) - float(log_iv(n, x)))
    assume(ratio < 1e300)
    ref = -(float(log_iv_dv(n, x)) + 2 * (-1) ** n * ratio)
    got = float(log_iv_dv(-n, x))
    tol = 16 * EPS[np.float64] * (max(1.0, abs(float(log_iv_dv(n, x)))) + 2 * ratio * (
        1 + abs(float(log_kv(n, x))) + abs(float(log_iv(n, x)))))
    assert abs(got - ref) <= tol


# ---------------------------------------------------------------------------------------------
# Domain rules, floating-point flags
# ---------------------------------------------------------------------------------------------

INF, NAN = math.inf, math.nan


@pytest.mark.parametrize("dtype", [np.float32, np.float64], ids=["float32", "float64"])
@pytest.mark.parametrize("v,x,iv,kv", [
    (1.0, NAN, NAN, NAN), (NAN, 1.0, NAN, NAN), (1.0, -1.0, NAN, NAN),
    (0.0, 0.0, -INF, 0.0), (2.5, 0.0, -INF, INF), (-2.5, 0.0, NAN, -INF),
    (-2.0, 0.0, -INF, -INF), (-3.0, 0.0, INF, -INF),
    (3.0, INF, 0.0, 0.0), (-3.5, INF, 0.0, 0.0), (INF, INF, NAN, NAN),
    (INF, 1.0, -INF, INF), (-INF, 1.0, NAN, -INF), (INF, 0.0, -INF, INF),
    (0.0, 1.0, None, 0.0), (-0.0, 1.0, None, 0.0),
])
def test_special_values(dtype, v, x, iv, kv):
    for f, want in ((log_iv_dv, iv), (log_kv_dv, kv)):
        if want is None:
            continue
        got = f(dtype(v), dtype(x))
        assert got.dtype == dtype
        if math.isnan(want):
            assert np.isnan(got), (f.__name__, v, x, got)
        else:
            assert got == want, (f.__name__, v, x, got)


def test_nan_exactly_where_log_iv_is_nan():
    rng = np.random.default_rng(5)
    v = -rng.uniform(0, 40, 4000)
    x = 10.0 ** rng.uniform(-3, 2, 4000)
    assert np.array_equal(np.isnan(log_iv_dv(v, x)), np.isnan(log_iv(v, x)))


@pytest.mark.parametrize("dtype", [np.float32, np.float64], ids=["float32", "float64"])
def test_no_floating_point_flags(dtype):
    fi = np.finfo(dtype)
    vals = [0.0, float(fi.smallest_subnormal), float(fi.tiny), 1e-10, 0.5, 1.0, 2.0, 9.99, 10.0,
            21.4999, 21.5, 100.0, 1e6, 1e30, float(fi.max), INF, NAN]
    vals = vals + [-t for t in vals]
    with np.errstate(over="ignore"):
        g = np.array(vals, dtype=dtype)
    v, x = (a.ravel() for a in np.meshgrid(g, g, indexing="ij"))
    with np.errstate(all="raise"):
        for f in (log_iv_dv, log_kv_dv):
            r = f(v, x)
            ok = (x > 0) & np.isfinite(x) & (np.abs(v) <= 1e6)
            if f is log_iv_dv:
                ok &= v >= 0
            assert np.isfinite(r[ok]).all(), f.__name__


@pytest.mark.parametrize("f", [log_iv_dv, log_kv_dv], ids=lambda f: f.__name__)
def test_docstring(f):
    """NumPy-style sections, the domain rules, and examples that print what the ufunc returns
    (to the digits shown before the '...')."""
    import re

    import logbessel

    doc = f.__doc__
    assert doc.startswith(f"{f.__name__}(x1, x2, /")
    for section in ("Parameters", "Returns", "Notes", "Examples", "Domain rules"):
        assert section in doc, section
    examples = re.findall(r">>> float\(logbessel\.(\w+)\(([^)]*)\)\)[^\n]*\n\s*([-0-9.]+)\.\.\.", doc)
    assert len(examples) == 2
    for name, args, shown in examples:
        v, x = (float(a) for a in args.split(","))
        assert repr(float(getattr(logbessel, name)(v, x))).startswith(shown), (name, args, shown)
