"""Values: live high-precision references, identities, monotonicity, float32 vs float64.

Tolerances are absolute errors in log space, scaled by max(1, |value|): that is the accuracy
the ufuncs claim ("a few ulps of max(1, |log I_v(x)|)"), and it is what a log-space algorithm
can deliver -- for |log f| >> 1 the result's own ulp is eps * |log f|.

Identities combine several calls; each call may be off by up to 8 eps * max(1, |term|) (the
tolerance of the direct reference checks), so each identity gets 16 eps times the *sum* of the
magnitudes of the log terms it combines (at least twice the sound bound), plus the float64
rounding of the extra terms (log x, log 2v) that the test itself computes.
"""

from __future__ import annotations

import math

import mpmath
import numpy as np
import pytest
from hypothesis import assume, given, note, reject
from hypothesis import strategies as st

from logbessel import log_iv, log_kv

EPS = {np.float32: 2.0**-23, np.float64: 2.0**-52}
EPS64 = 2.0**-52
FLOATS = [np.float32, np.float64]
dtype_param = pytest.mark.parametrize("dtype", FLOATS, ids=lambda d: np.dtype(d).name)
func_param = pytest.mark.parametrize("f", [log_iv, log_kv], ids=lambda f: f.__name__)


@pytest.fixture(autouse=True)
def _quiet_fp():
    """Floating-point flags are test_domain.py's business (it checks that there are none, for
    every input); here they would only hide the value being checked."""
    with np.errstate(all="ignore"):
        yield


def f32(value):
    """The nearest float32, as a Python float (for exactly representable strategy bounds)."""
    return float(np.float32(value))


def mag(a):
    """max(1, |a|), elementwise, in float64."""
    return np.maximum(1.0, np.abs(np.asarray(a, dtype=np.float64)))


def log_uniform(lo_exp, hi_exp):
    """10**u with u drawn from [lo_exp, hi_exp]: reaches every decade of the range (a plain
    st.floats(lo, hi) concentrates on the top decades and on "simple" values)."""
    return st.floats(lo_exp, hi_exp).map(lambda e: 10.0**e)


def as_dtype(value, dtype):
    with np.errstate(over="ignore", under="ignore"):
        return dtype(value)


# ---------------------------------------------------------------------------------------------
# Live references
# ---------------------------------------------------------------------------------------------


def mp_log_iv(v, x, dps=40):
    with mpmath.workdps(dps):
        return float(mpmath.log(mpmath.besseli(mpmath.mpf(v), mpmath.mpf(x))))


def mp_log_kv(v, x, dps=40):
    with mpmath.workdps(dps):
        return float(mpmath.log(mpmath.besselk(mpmath.mpf(v), mpmath.mpf(x))))


MP_REF = {"log_iv": mp_log_iv, "log_kv": mp_log_kv}


def _check_against(f, ref, v, x, dtype):
    r = f(dtype(v), dtype(x))
    assert type(r) is dtype
    err = abs(float(r) - ref)
    tol = 8 * EPS[dtype] * max(1.0, abs(ref))
    note(f"{f.__name__}({v!r}, {x!r}) = {float(r)!r}, ref {ref!r}, err {err / EPS[dtype]:.2f} eps")
    assert err <= tol


@func_param
@given(v=st.floats(0.0, 60.0), x=st.floats(1e-3, 80.0))
def test_float64_matches_mpmath(f, v, x):
    _check_against(f, MP_REF[f.__name__](v, x), v, x, np.float64)


@func_param
@given(v=st.floats(0.0, 60.0, width=32), x=st.floats(f32(1e-3), 80.0, width=32))
def test_float32_matches_mpmath(f, v, x):
    # the strategy draws float32 values: the reference is taken at exactly these inputs
    assert np.float32(v) == v and np.float32(x) == x
    _check_against(f, MP_REF[f.__name__](v, x), v, x, np.float32)


def arb_log(kind, v, x):
    """log I_v(x) / log K_v(x) (v >= 0, x > 0) from python-flint's Arb, with a rigorous error
    radius; None when Arb cannot pin it down to 1e-22 relative (then mpmath is tried)."""
    flint = pytest.importorskip("flint")
    old = flint.ctx.prec
    try:
        for prec in (128, 320, 960):
            flint.ctx.prec = prec
            X, V = flint.arb(x), flint.arb(v)
            if kind == "i":
                scaled = X.bessel_i(V, scaled=True)  # exp(-x) I_v(x): no overflow
                r = scaled.log() + X if scaled > 0 else None
            else:
                scaled = X.bessel_k(V, scaled=True)  # exp(x) K_v(x)
                r = scaled.log() - X if scaled > 0 else None
            if r is not None and r.is_finite():
                mid = float(r.mid())
                if float(r.rad()) <= 1e-22 * max(1.0, abs(mid)):
                    return mid
    finally:
        flint.ctx.prec = old
    try:
        return (mp_log_iv if kind == "i" else mp_log_kv)(v, x, dps=50)
    except (mpmath.libmp.NoConvergence, ZeroDivisionError, ValueError):
        return None


@func_param
@given(
    v=st.one_of(st.floats(0.0, 100.0), log_uniform(-3, 5)),
    x=st.one_of(st.floats(1e-3, 1e3), log_uniform(-300, 300)),
)
def test_float64_matches_arb_wide_range(f, v, x):
    """Beyond mpmath's comfortable range: orders up to 1e5, arguments 1e-300..1e300."""
    ref = arb_log("i" if f is log_iv else "k", v, x)
    if ref is None:
        reject()
    _check_against(f, ref, v, x, np.float64)


# ---------------------------------------------------------------------------------------------
# Identities in log space
# ---------------------------------------------------------------------------------------------


def exact_neighbours(v, dtype, lower):
    """(v-1, v, v+1) or (v, v+1) in ``dtype`` with v+-1 computed exactly, so that the orders in
    an identity are exactly one apart. Returns None if that is impossible (huge v)."""
    v = as_dtype(v, dtype)
    one = dtype(1)
    v = (v + one) - one  # now v + 1 is exact (for 1 <= |v + 1| < 2**mantissa)
    vp = v + one
    vm = v - one
    if not (vp - v == one and (not lower or v - vm == one)) or v < 0 or (lower and vm < 0):
        return None
    return (vm, v, vp) if lower else (v, vp)


def orders(dtype, lo=0.0):
    hi = 1e6 if dtype == np.float64 else 1e4
    return st.one_of(st.floats(lo, 40.0), log_uniform(math.log10(max(lo, 1e-3)), math.log10(hi)))


def arguments(dtype):
    if dtype == np.float64:
        return st.one_of(st.floats(1e-3, 1e3), log_uniform(-300, 300))
    return st.one_of(st.floats(f32(1e-3), 1e3, width=32), log_uniform(-44, 38))


@dtype_param
@given(data=st.data())
def test_wronskian(dtype, data):
    """I_v K_{v+1} + I_{v+1} K_v = 1/x, as logaddexp(li_v + lk_v1, li_v1 + lk_v) + log x = 0."""
    pair = exact_neighbours(data.draw(orders(dtype), label="v"), dtype, lower=False)
    x = as_dtype(data.draw(arguments(dtype), label="x"), dtype)
    assume(pair is not None and 0 < x < np.finfo(dtype).max)
    v, v1 = pair
    li = log_iv(np.array([v, v1]), x).astype(np.float64)
    lk = log_kv(np.array([v, v1]), x).astype(np.float64)
    assert np.isfinite(li).all() and np.isfinite(lk).all(), (li, lk)
    lx = math.log(float(x))
    w = np.logaddexp(li[0] + lk[1], li[1] + lk[0]) + lx
    tol = 16 * EPS[dtype] * (mag(li).sum() + mag(lk).sum()) + 16 * EPS64 * (abs(lx) + 1)
    note(f"v={v!r} x={x!r} li={li} lk={lk} residual={w!r} tol={tol!r}")
    assert abs(w) <= tol


@dtype_param
@given(data=st.data())
def test_recurrence_kv(dtype, data):
    """K_{v+1} = K_{v-1} + (2v/x) K_v (all terms positive), v >= 1."""
    triple = exact_neighbours(data.draw(orders(dtype, lo=1.0), label="v"), dtype, lower=True)
    x = as_dtype(data.draw(arguments(dtype), label="x"), dtype)
    assume(triple is not None and 0 < x < np.finfo(dtype).max)
    lk = log_kv(np.array(triple), x).astype(np.float64)
    assert np.isfinite(lk).all(), lk
    l2v_x = math.log(2 * float(triple[1])) - math.log(float(x))
    rhs = np.logaddexp(lk[0], l2v_x + lk[1])
    tol = 16 * EPS[dtype] * mag(lk).sum() + 16 * EPS64 * (abs(l2v_x) + 2 * abs(math.log(x)) + 1)
    note(f"v={triple} x={x!r} lk={lk} rhs={rhs!r} diff={lk[2] - rhs!r} tol={tol!r}")
    assert abs(lk[2] - rhs) <= tol


@dtype_param
@given(data=st.data())
def test_recurrence_iv(dtype, data):
    """I_{v-1} = I_{v+1} + (2v/x) I_v (all terms positive), v >= 1."""
    triple = exact_neighbours(data.draw(orders(dtype, lo=1.0), label="v"), dtype, lower=True)
    x = as_dtype(data.draw(arguments(dtype), label="x"), dtype)
    assume(triple is not None and 0 < x < np.finfo(dtype).max)
    li = log_iv(np.array(triple), x).astype(np.float64)
    assert np.isfinite(li).all(), li
    l2v_x = math.log(2 * float(triple[1])) - math.log(float(x))
    rhs = np.logaddexp(li[2], l2v_x + li[1])
    tol = 16 * EPS[dtype] * mag(li).sum() + 16 * EPS64 * (abs(l2v_x) + 2 * abs(math.log(x)) + 1)
    note(f"v={triple} x={x!r} li={li} rhs={rhs!r} diff={li[0] - rhs!r} tol={tol!r}")
    assert abs(li[0] - rhs) <= tol


# ---------------------------------------------------------------------------------------------
# Monotonicity
# ---------------------------------------------------------------------------------------------

ULPS_SLACK = 4


def assert_monotone(y, increasing, context=""):
    """Non-strictly monotone, up to a slack of a few ulps of max(1, |y|) where flat."""
    y = np.asarray(y)
    assert np.isfinite(y).all(), context
    d = np.diff(y.astype(np.float64))
    if not increasing:
        d = -d
    y64 = np.abs(y.astype(np.float64))
    # ULPS_SLACK * eps * max(1, |y|) is between ULPS_SLACK and 2 * ULPS_SLACK ulps of the value
    slack = ULPS_SLACK * EPS[y.dtype.type] * np.maximum(np.maximum(y64[:-1], y64[1:]), 1.0)
    bad = np.flatnonzero(d < -slack)
    assert bad.size == 0, (context, [(i, y[i], y[i + 1]) for i in bad[:5]])


def _sorted_unique(values, dtype):
    with np.errstate(over="ignore", under="ignore"):
        return np.unique(np.asarray(values, dtype=np.float64).astype(dtype))


@dtype_param
@given(data=st.data())
def test_monotone_in_v(dtype, data):
    """For x > 0 and v >= 0: log I_v(x) decreases and log K_v(x) increases with v."""
    x = as_dtype(data.draw(arguments(dtype), label="x"), dtype)
    assume(0 < x < np.finfo(dtype).max)
    vs = data.draw(st.lists(orders(dtype), min_size=2, max_size=25), label="v")
    v = _sorted_unique(vs, dtype)
    assume(v.size >= 2)
    assert_monotone(log_iv(v, x), increasing=False, context=("log_iv", x, v))
    assert_monotone(log_kv(v, x), increasing=True, context=("log_kv", x, v))


@dtype_param
@given(data=st.data())
def test_monotone_in_x(dtype, data):
    """For v >= 0: log I_v(x) increases and log K_v(x) decreases with x > 0."""
    v = as_dtype(data.draw(orders(dtype), label="v"), dtype)
    xs = data.draw(st.lists(arguments(dtype), min_size=2, max_size=25), label="x")
    x = _sorted_unique(xs, dtype)
    x = x[(x > 0) & (x < np.finfo(dtype).max)]
    assume(x.size >= 2)
    assert_monotone(log_iv(v, x), increasing=True, context=("log_iv", v, x))
    assert_monotone(log_kv(v, x), increasing=False, context=("log_kv", v, x))


def _log_grid(lo, hi, n):
    with np.errstate(over="ignore", under="ignore"):
        g = np.exp(np.linspace(math.log(lo), math.log(hi), n))
    g = np.clip(g, lo, hi)
    g[0], g[-1] = lo, hi
    return g


@dtype_param
def test_monotone_on_dense_grids(dtype):
    fi = np.finfo(dtype)
    v_dense = np.unique(np.r_[np.linspace(0, 50, 2001), _log_grid(1e-3, 1e6, 1001)].astype(dtype))
    for x in [float(fi.smallest_subnormal), 1e-30, 1e-5, 0.5, 3.0, 40.0, 1e3, 1e10, 1e30]:
        x = dtype(x)
        assert_monotone(log_iv(v_dense, x), increasing=False, context=("log_iv", x))
        assert_monotone(log_kv(v_dense, x), increasing=True, context=("log_kv", x))
    x_dense = np.unique(
        _log_grid(float(fi.smallest_subnormal), float(fi.max), 4001).astype(dtype)
    )
    for v in [0.0, 1e-6, 0.5, 1.0, 2.5, 30.0, 1e3, 1e6, 1e8]:
        v = dtype(v)
        assert_monotone(log_iv(v, x_dense), increasing=True, context=("log_iv", v))
        assert_monotone(log_kv(v, x_dense), increasing=False, context=("log_kv", v))


# ---------------------------------------------------------------------------------------------
# float32 loop vs float64 loop
# ---------------------------------------------------------------------------------------------


def _compare_loops(f, v32, x32):
    r32 = f(v32, x32)
    r64 = f(v32.astype(np.float64), x32.astype(np.float64))
    assert r32.dtype == np.float32 and r64.dtype == np.float64
    err = np.abs(r32.astype(np.float64) - r64)
    tol = 4 * EPS[np.float32] * mag(r64)
    bad = np.flatnonzero(~(err <= tol))
    assert bad.size == 0, [(v32[i], x32[i], r32[i], r64[i], err[i] / tol[i] * 4) for i in bad[:5]]


@func_param
@given(
    v=st.one_of(st.floats(0.0, 60.0, width=32), log_uniform(-3, 6).map(f32)),
    x=st.one_of(
        st.floats(f32(1e-3), 1e3, width=32),
        st.floats(0.0, f32(np.finfo(np.float32).max), width=32, exclude_min=True),
        log_uniform(-44.8, 38.5).map(lambda t: f32(min(t, float(np.finfo(np.float32).max)))),
    ),
)
def test_float32_loop_agrees_with_float64_loop(f, v, x):
    assume(x > 0)
    _compare_loops(f, np.array([v, -v] if f is log_kv else [v], np.float32),
                   np.array([x, x] if f is log_kv else [x], np.float32))


@func_param
def test_float32_loop_agrees_with_float64_loop_on_grid(f):
    fi = np.finfo(np.float32)
    v = np.r_[0.0, _log_grid(1e-3, 1e6, 60), np.arange(0.5, 10.5, 0.5)].astype(np.float32)
    x = _log_grid(float(fi.smallest_subnormal), float(fi.max), 400).astype(np.float32)
    vv, xx = np.meshgrid(v, x, indexing="ij")
    _compare_loops(f, vv.ravel(), xx.ravel())


# ---------------------------------------------------------------------------------------------
# Closed forms for half-integer orders
# ---------------------------------------------------------------------------------------------


def log_sinh(x):
    """log(sinh x) for x > 0, without overflow and accurate for tiny x."""
    x = np.asarray(x, dtype=np.float64)
    small = x < 1
    with np.errstate(over="ignore", under="ignore", divide="ignore", invalid="ignore"):
        large = x - math.log(2) + np.log1p(-np.exp(-2 * x))
        return np.where(small, np.log(np.sinh(np.where(small, x, 1.0))), large)


def log_cosh(x):
    x = np.asarray(x, dtype=np.float64)
    small = x < 1
    with np.errstate(over="ignore", under="ignore"):
        large = x - math.log(2) + np.log1p(np.exp(-2 * x))
        return np.where(small, np.log(np.cosh(np.where(small, x, 0.0))), large)


def log1p_inv(x):
    """log(1 + 1/x) for x > 0 (1/x overflows for subnormal x)."""
    x = np.asarray(x, dtype=np.float64)
    with np.errstate(divide="ignore", over="ignore"):
        return np.where(x >= 1, np.log1p(1 / np.maximum(x, 1.0)), np.log1p(x) - np.log(x))


def closed_forms(x):
    """{(name, v): (reference, bound on the reference's own rounding error)} in float64."""
    x = np.asarray(x, dtype=np.float64)
    half_log_x = 0.5 * np.log(x)
    pre_i = 0.5 * math.log(2 / math.pi) - half_log_x  # log sqrt(2/(pi x))
    pre_k = 0.5 * math.log(math.pi / 2) - half_log_x  # log sqrt(pi/(2x))
    ls, lc, lp = log_sinh(x), log_cosh(x), log1p_inv(x)

    def err(*terms):
        return 4 * EPS64 * (sum(np.abs(t) for t in terms) + 1)

    return {
        ("log_iv", 0.5): (pre_i + ls, err(pre_i, ls)),
        ("log_iv", -0.5): (pre_i + lc, err(pre_i, lc)),
        ("log_kv", 0.5): (pre_k - x, err(pre_k, x)),
        ("log_kv", -0.5): (pre_k - x, err(pre_k, x)),
        ("log_kv", 1.5): (pre_k - x + lp, err(pre_k, x, lp)),
        ("log_kv", -1.5): (pre_k - x + lp, err(pre_k, x, lp)),
    }


def log_i_three_halves(x):
    """log I_{3/2}(x) = log sqrt(2/(pi x)) + log(cosh x - sinh x / x), for x >= 2 (no
    cancellation there): cosh x - sinh x/x = e^x/2 ((1 - 1/x) + e^-2x (1 + 1/x))."""
    x = np.asarray(x, dtype=np.float64)
    with np.errstate(over="ignore", under="ignore"):  # exp(-2x) -> 0 for huge x is fine
        inner = np.log((1 - 1 / x) + np.exp(-2 * x) * (1 + 1 / x))
    pre_i = 0.5 * math.log(2 / math.pi) - 0.5 * np.log(x)
    ref = pre_i + x - math.log(2) + inner
    return ref, 8 * EPS64 * (np.abs(pre_i) + x + 2)


def _check_closed_forms(x, dtype):
    x = np.asarray(x, dtype=dtype)
    eps = EPS[dtype]
    for (name, v), (ref, ref_err) in closed_forms(x).items():
        f = log_iv if name == "log_iv" else log_kv
        r = f(dtype(v), x).astype(np.float64)
        tol = 8 * eps * mag(ref) + ref_err
        bad = np.flatnonzero(~(np.abs(r - ref) <= tol))
        assert bad.size == 0, (name, v, [(x[i], r[i], ref[i]) for i in bad[:5]])
    big = x[x >= 2]
    ref, ref_err = log_i_three_halves(big)
    r = log_iv(dtype(1.5), big).astype(np.float64)
    tol = 8 * eps * mag(ref) + ref_err
    bad = np.flatnonzero(~(np.abs(r - ref) <= tol))
    assert bad.size == 0, ("log_iv", 1.5, [(big[i], r[i], ref[i]) for i in bad[:5]])


@dtype_param
def test_half_integer_closed_forms_on_grid(dtype):
    fi = np.finfo(dtype)
    x = _log_grid(float(fi.smallest_subnormal), float(fi.max), 3000).astype(dtype)
    x = np.unique(np.r_[x, np.linspace(0.01, 50, 500).astype(dtype)])
    _check_closed_forms(x, dtype)


@dtype_param
@given(data=st.data())
def test_half_integer_closed_forms(dtype, data):
    x = as_dtype(data.draw(arguments(dtype), label="x"), dtype)
    assume(0 < x < np.finfo(dtype).max)
    _check_closed_forms(np.array([x]), dtype)
