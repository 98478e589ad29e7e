"""log_abs_iv / sign_iv: signed log I for every real order (issue 5, item 6).

References are computed live with Arb (python-flint) from DLMF 10.27.2,
I_{-a} = I_a + (2/pi) sin(a pi) K_a, in ball arithmetic with the precision raised until the
ball is tight, so they stay exact next to the zeros of I_{-a}.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from flint import arb, ctx
from hypothesis import given
from hypothesis import strategies as st

import logbessel

EPS = {np.float64: 2.0**-52, np.float32: 2.0**-23}
TARGET = 4.0  # |f - ref| <= TARGET * eps * max(1, |ref|)


def _arb_iv(v, x):
    V, X = arb(v), arb(x)
    if v >= 0 or float(v).is_integer():
        return X.bessel_i(abs(V))
    a = -V
    return X.bessel_i(a) + 2 / arb.pi() * a.sin_pi() * X.bessel_k(a)


def ref_signed(v, x):
    """(log|I_v(x)| as arb, sign) at the exact inputs."""
    prec = 128
    while True:
        old = ctx.prec
        ctx.prec = prec
        try:
            val = _arb_iv(v, x)
            if val.is_finite() and (val > 0 or val < 0) and val.rad() < abs(val.mid()) * arb(2.0) ** -80:
                return abs(val).log(), (1 if val > 0 else -1)
        finally:
            ctx.prec = old
        prec *= 2
        assert prec <= 8192, (v, x)


def sinpi(a):
    """sin(pi a) with exact argument reduction (math.sin(math.pi * a) loses ~a eps absolute)."""
    n = round(a)
    return (-1.0) ** (n % 2) * math.sin(math.pi * (a - n))


def err_units(f, ref, eps):
    return float(abs(arb(float(f)) - ref).mid()) / (eps * max(1.0, abs(float(ref.mid()))))


# Points per region (v = -a): floor(a) odd = sin(a pi) < 0 = one zero, even = no zero.
POINTS = {
    "series_odd": [(-1.5, 0.1), (-1.25, 3.0), (-3.7, 2.0), (-5.3, 4.0), (-9.9, 7.0), (-13.2, 10.0),
                   (-19.4, 8.0)],
    "series_odd_tiny_x": [(-1.5, 1e-300), (-1.5, 1e-44), (-7.25, 1e-20), (-17.5, 1e-5)],
    "even_floor": [(-0.5, 1.0), (-2.3, 0.5), (-4.75, 30.0), (-100.5, 10.0), (-1e4 - 0.25, 5e3)],
    "debye_odd": [(-25.5, 1.0), (-25.5, 60.0), (-1001.3, 300.0), (-1001.3, 3000.0),
                  (-123457.5, 1e5)],
    "positive_and_integer": [(0.0, 1.0), (2.5, 3.0), (-3.0, 2.0), (40.0, 1e-3)],
}


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize("region", sorted(POINTS))
def test_against_arb(region, dtype):
    pts = [(v, x) for v, x in POINTS[region] if dtype(x) > 0]  # (1e-300 is 0 in float32)
    v, x = (np.array(c, dtype=dtype) for c in zip(*pts))
    f = logbessel.log_abs_iv(v, x)
    s = logbessel.sign_iv(v, x)
    assert f.dtype == dtype and s.dtype == dtype
    for vi, xi, fi, si in zip(v, x, f, s):
        ref, sgn = ref_signed(float(vi), float(xi))
        assert si == sgn, (vi, xi)
        assert err_units(fi, ref, EPS[dtype]) <= TARGET, (vi, xi, float(fi), ref)


def _zero_of_i_minus_3_2():
    """The positive zero of I_{-3/2}(x) = sqrt(2/(pi x)) (sinh x - cosh(x)/x): tanh x = 1/x."""
    old = ctx.prec
    ctx.prec = 200
    try:
        x = arb(1.2)
        for _ in range(8):  # Newton on h(x) = x tanh x - 1
            t = x.tanh()
            x = x - (x * t - 1) / (t + x * (1 - t * t))
        return float(x)
    finally:
        ctx.prec = old


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_exact_sign_and_accuracy_next_to_the_zero(dtype):
    # Series region: the double-double sum resolves the zero to the last bit, so the floats
    # on both sides of x0 get the right sign and full accuracy.
    x0 = dtype(_zero_of_i_minus_3_2())
    xs = [x0]
    for _ in range(3):
        xs.append(np.nextafter(xs[-1], dtype(0)))
    xs.insert(0, np.nextafter(x0, dtype(2)))
    xs.insert(0, np.nextafter(xs[0], dtype(2)))
    x = np.array(xs, dtype=dtype)
    v = np.full_like(x, -1.5)
    f, s = logbessel.log_abs_iv(v, x), logbessel.sign_iv(v, x)
    for xi, fi, si in zip(x, f, s):
        ref, sgn = ref_signed(-1.5, float(xi))
        assert si == sgn, xi
        assert err_units(fi, ref, EPS[dtype]) <= TARGET, (xi, float(fi))
    assert set(s.tolist()) == {-1.0, 1.0}


def test_special_values():
    inf, nan = math.inf, math.nan
    cases = [  # v, x, log_abs_iv, sign_iv
        (-1.5, 0.0, inf, -1.0), (-2.5, 0.0, inf, 1.0), (-0.5, 0.0, inf, 1.0),  # poles
        (0.0, 0.0, 0.0, 1.0), (2.0, 0.0, -inf, 0.0), (-3.0, 0.0, -inf, 0.0), (0.5, 0.0, -inf, 0.0),
        (-1.5, inf, inf, 1.0), (3.0, inf, inf, 1.0),
        (inf, 1.0, -inf, 1.0), (inf, 0.0, -inf, 0.0), (-inf, 1.0, nan, nan),
        (inf, inf, nan, nan), (-1.5, -1.0, nan, nan), (nan, 1.0, nan, nan), (1.0, nan, nan, nan),
    ]
    for dtype in (np.float64, np.float32):
        v, x, la, sg = (np.array(c, dtype=dtype) for c in zip(*cases))
        np.testing.assert_array_equal(logbessel.log_abs_iv(v, x), la)
        np.testing.assert_array_equal(logbessel.sign_iv(v, x), sg)


def test_huge_order_finite():
    v = np.array([-1e6 - 0.5, -1e6 - 1.5, -1e15 - 0.5, -1e300, -1e6 - 0.5])
    x = np.array([1.0, 1.0, 1e3, 1.0, 1e300])
    f = logbessel.log_abs_iv(v, x)
    assert np.all(np.isfinite(f))
    np.testing.assert_array_equal(logbessel.sign_iv(v, x), [1.0, -1.0, 1.0, 1.0, 1.0])
    # a huge negative integer order is I_|v|
    np.testing.assert_array_equal(f[3], logbessel.log_iv(1e300, 1.0))


orders = st.floats(min_value=-60.0, max_value=60.0).filter(lambda v: v != math.floor(v))
args = st.floats(min_value=1e-3, max_value=80.0)


@given(orders, args)
def test_equals_log_iv_where_positive(v, x):
    """log_abs_iv = log_iv where I_v > 0, away from the zero (both within 4 eps there)."""
    li = logbessel.log_iv(v, x)
    if v >= 0:
        assert logbessel.log_abs_iv(v, x) == li and logbessel.sign_iv(v, x) == 1.0
        return
    a = -v
    g = logbessel.log_iv(a, x) - (math.log(2 / math.pi * abs(sinpi(a))) + logbessel.log_kv(a, x))
    if sinpi(a) < 0 and abs(g) < 1.0:
        return  # near the zero: log_iv's plain combination is not accurate there
    assert logbessel.sign_iv(v, x) == (1.0 if np.isfinite(li) else -1.0)
    if np.isfinite(li):
        tol = 2 * TARGET * EPS[np.float64] * max(1.0, abs(li))
        assert abs(logbessel.log_abs_iv(v, x) - li) <= tol


@given(st.floats(min_value=0.01, max_value=12.0).filter(lambda a: a != math.floor(a)),
       st.floats(min_value=0.05, max_value=15.0))
def test_combination_identity(a, x):
    """sign_iv * exp(log_abs_iv) = I_a + (2/pi) sin(a pi) K_a where that sum is well conditioned."""
    ia = math.exp(logbessel.log_iv(a, x))
    ck = 2 / math.pi * sinpi(a) * math.exp(logbessel.log_kv(a, x))
    total = ia + ck
    cond = (abs(ia) + abs(ck)) / abs(total)
    if not cond < 4.0:
        return
    got = logbessel.sign_iv(-a, x) * math.exp(logbessel.log_abs_iv(-a, x))
    # each of ia, ck is within ~4 eps * |log| relative; exp of log_abs_iv likewise
    logs = max(1.0, abs(math.log(abs(ia))), abs(math.log(abs(ck))) if ck != 0 else 0.0)
    assert abs(got - total) <= 3 * cond * TARGET * EPS[np.float64] * logs * abs(total)


@given(st.integers(min_value=0, max_value=30), st.floats(min_value=0.02, max_value=0.98),
       st.floats(min_value=1e-3, max_value=40.0))
def test_sign_structure(n, frac, x):
    """floor(a) even: +1 everywhere; floor(a) odd: -1 then +1 (one zero), monotone in x."""
    a = n + frac
    s = logbessel.sign_iv(-a, np.array([x / 2, x, 2 * x]))
    if n % 2 == 0:
        assert np.all(s == 1.0)
    else:
        assert np.all(np.diff(s) >= 0) and set(s.tolist()) <= {-1.0, 1.0}


def test_ufunc_and_float32_loop():
    for f in (logbessel.log_abs_iv, logbessel.sign_iv):
        assert isinstance(f, np.ufunc) and f.nin == 2 and f.nout == 1
        assert f.types[:2] == ["ff->f", "dd->d"]
        assert f(np.float32(-1.5), np.float32(0.5)).dtype == np.float32
