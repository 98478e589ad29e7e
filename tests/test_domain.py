"""Domain rules, special values and bad input, for both ufuncs and both loops.

The rules (also stated in the docstrings):

* nan in v or x -> nan; x < 0 (including -inf) -> nan; x = -0.0 is x = 0.
* x = 0:    log_iv(0, 0) = 0; log_iv(v > 0, 0) = -inf; log_iv(negative integer v, 0) = -inf;
            log_iv(negative non-integer v, 0) = nan (a pole whose sign depends on v);
            log_kv(v, 0) = +inf for every v that is not nan (v = +-inf included).
* x = +inf: log_iv(v, inf) = +inf and log_kv(v, inf) = -inf for finite v.
* v = +inf: log_iv(inf, x) = -inf for finite x >= 0; log_iv(-inf, x) = nan;
            log_kv(+-inf, x) = +inf for finite x >= 0.
* v = +-inf together with x = +inf is undefined (the two limits disagree) -> nan.
* log_kv is even in v; log_iv(-n, x) = log_iv(n, x) for integer n; for negative non-integer
  v, I_v(x) = I_|v|(x) + (2/pi) sin(|v| pi) K_|v|(x) may be negative: nan there.
* No floating-point warning (overflow, divide, invalid, underflow) for any input: checked
  by the test_no_fp_warning_* tests and test_whole_range_is_finite; the other tests here
  ignore flags so that they report only on values.
"""

from __future__ import annotations

import warnings

import mpmath
import numpy as np
import pytest
from scipy import special

from logbessel import log_iv, log_kv

FUNCS = [log_iv, log_kv]
FLOATS = [np.float32, np.float64]

func_param = pytest.mark.parametrize("f", FUNCS, ids=lambda f: f.__name__)
dtype_param = pytest.mark.parametrize("dtype", FLOATS, ids=lambda d: np.dtype(d).name)


def call(f, v, x, dtype, strict=False):
    """f on inputs converted to ``dtype`` (outside any errstate: a Python 1e300 -> float32 is
    not the ufunc's business).

    strict=True: every floating-point flag raised by the ufunc is an error, and the offending
    inputs are named. The tests about values call with strict=False (flags ignored), so that
    a stray flag and a wrong value are reported by different tests."""
    v = np.asarray(v, dtype=dtype)
    x = np.asarray(x, dtype=dtype)
    if not strict:
        with np.errstate(all="ignore"):
            r = f(v, x)
        assert np.asarray(r).dtype == dtype
        return r
    try:
        r = _strict(f, v, x)
    except (FloatingPointError, RuntimeWarning) as exc:
        # name the culprits: redo the call one element at a time
        vb, xb = np.broadcast_arrays(v, x)
        culprits = []
        for vi, xi in zip(vb.ravel(), xb.ravel()):
            try:
                _strict(f, vi, xi)
            except (FloatingPointError, RuntimeWarning) as e:
                if _genuine_overflow(f, vi, xi, dtype, str(e)):
                    continue  # documented: like np.exp, a result beyond the float range warns
                culprits.append((float(vi), float(xi), str(e)))
        if not culprits:
            with np.errstate(all="ignore"):
                r = f(v, x)
            assert np.asarray(r).dtype == dtype
            return r
        raise AssertionError(
            f"{f.__name__} {np.dtype(dtype).name}: {exc!r}; {len(culprits)} offending (v, x), "
            f"first ones: {culprits[:8]}"
        ) from exc
    assert np.asarray(r).dtype == dtype
    return r


def _genuine_overflow(f, v, x, dtype, message: str) -> bool:
    """True when the flag is 'overflow', the output is +-inf and the true |log f| exceeds the
    dtype's largest float (the documented policy: such a result is +-inf with NumPy's overflow
    warning, as np.exp(1000.0) gives). The true magnitude is bounded below, for 0 < x < |v|, by
    the leading Debye terms |v eta| - log(2 pi R)/2 - 1 (DLMF 10.41.3/4; the correction factor's
    log is far below 1 there), evaluated in mpmath so that nothing overflows."""
    if "overflow" not in message:
        return False
    with np.errstate(all="ignore"):
        out = float(f(np.asarray(v, dtype=dtype), np.asarray(x, dtype=dtype)))
    if not np.isinf(out):
        return False
    av, fx = abs(float(v)), float(x)
    if not (np.isfinite(av) and np.isfinite(fx)) or not (0.0 < fx < av):
        return False
    V, X = mpmath.mpf(av), mpmath.mpf(fx)
    R = mpmath.sqrt(V * V + X * X)
    v_eta = R - V * mpmath.asinh(V / X)
    lower = abs(v_eta) - mpmath.log(2 * mpmath.pi * R) / 2 - 1
    return lower > float(np.finfo(dtype).max)


def _strict(f, v, x):
    with np.errstate(over="raise", divide="raise", invalid="raise", under="raise"):
        with warnings.catch_warnings():
            warnings.simplefilter("error")
            return f(v, x)


def edge_values(dtype):
    """Every kind of floating-point value worth feeding to a special function."""
    fi = np.finfo(dtype)
    tiny_sub = float(fi.smallest_subnormal)
    big_sub = float(np.nextafter(dtype(fi.smallest_normal), dtype(0)))
    vals = [
        0.0, -0.0, tiny_sub, -tiny_sub, big_sub, float(fi.smallest_normal),
        1e-30, 1e-10, 1e-3, 0.25, 0.5, 1.0, 1.5, 2.0, 2.5, 10.0, 30.5, 100.0, 1e3, 1e4,
        1e6, 1e7, 1e8, 2.0**24, 1e10, 1e15, 2.0**53, 1e20, 1e30,
        float(1 - fi.eps), float(1 + fi.eps), 3.0 - 4 * float(fi.eps),
        float(fi.max), float(np.nextafter(dtype(fi.max), dtype(0))),
        np.inf, -np.inf, np.nan, -np.nan,
        -1.0, -0.5, -1.5, -2.0, -2.5, -0.3, -10.5, -11.25, -100.0, -1e8, -1e30, -float(fi.max),
        -(1 + float(fi.eps)), -(2.0**23 + 0.5),
    ]
    if dtype == np.float64:
        vals += [1e-300, 1e-100, 1e40, 1e100, 1e300, -1e300, 2.0**60 + 0.5 * 2**8]
    vals += [10.0**k for k in range(8, 31, 2)]  # huge orders
    with np.errstate(over="ignore"):
        return np.array(vals, dtype=dtype)


def log_grid(lo, hi, n, dtype):
    """n points log-spaced from lo to hi inclusive (lo, hi > 0 may be subnormal / the largest
    float, where np.geomspace can overflow), as ``dtype``."""
    with np.errstate(over="ignore", under="ignore"):
        g = np.exp(np.linspace(np.log(lo), np.log(hi), n))
    g = np.clip(g, lo, hi)
    g[0], g[-1] = lo, hi
    return g.astype(dtype)


def outer(values_v, values_x, dtype):
    v, x = np.meshgrid(np.asarray(values_v, dtype), np.asarray(values_x, dtype), indexing="ij")
    return v.ravel(), x.ravel()


def _is_int(v):
    return np.isfinite(v) & (v == np.floor(v))


# ---------------------------------------------------------------------------------------------
# No floating-point exceptions, ever
# ---------------------------------------------------------------------------------------------


@func_param
@dtype_param
def test_no_fp_warning_on_edge_grid(f, dtype):
    vals = edge_values(dtype)
    v, x = outer(vals, vals, dtype)
    r = call(f, v, x, dtype, strict=True)
    assert r.shape == v.shape
    # every result is a float of the loop's type: nan, +-inf or finite, nothing else to check
    # here; but nan must come only from the documented cases
    nan_allowed = np.isnan(v) | np.isnan(x) | (x < 0) | (np.isinf(v) & np.isposinf(x))
    if f is log_iv:
        nan_allowed |= np.isneginf(v) | ((v < 0) & ~_is_int(v))
    unexpected = np.isnan(r) & ~nan_allowed
    assert not unexpected.any(), list(zip(v[unexpected][:10], x[unexpected][:10]))


@func_param
@dtype_param
def test_no_fp_warning_on_random_bit_patterns(f, dtype):
    """Every exponent and mantissa pattern, nans with payloads and subnormals included.

    Signalling nans are made quiet first: NumPy's own ufuncs and casts raise 'invalid' on a
    signalling nan (IEEE 754 says they must), so no caller can expect otherwise from us;
    test_signalling_nan_gives_nan checks the value for them."""
    n = 1 << 15
    rng = np.random.default_rng(20240601)
    utype = np.uint32 if dtype == np.float32 else np.uint64
    bits = rng.integers(0, np.iinfo(utype).max, size=(2, n), dtype=utype, endpoint=True)
    bits[np.isnan(bits.view(dtype))] |= _quiet_bit(dtype)
    v, x = bits.view(dtype)
    r = call(f, v, x, dtype, strict=True)
    # positive finite arguments with moderate orders give finite results
    ok = (x > 0) & np.isfinite(x) & (np.abs(v) <= 1e6)
    if f is log_iv:
        ok &= v >= 0
    assert np.isfinite(r[ok]).all()


def _quiet_bit(dtype):
    nmant = np.finfo(dtype).nmant
    utype = np.uint32 if dtype == np.float32 else np.uint64
    return utype(1) << utype(nmant - 1)


@func_param
@dtype_param
def test_signalling_nan_gives_nan(f, dtype):
    utype = np.uint32 if dtype == np.float32 else np.uint64
    inf_bits = np.array(np.inf, dtype=dtype).view(utype)
    snan = (inf_bits | utype(1)).view(dtype)[()]  # exponent all ones, quiet bit clear
    assert np.isnan(snan)
    vals = edge_values(dtype)
    assert np.isnan(call(f, snan, vals, dtype)).all()
    assert np.isnan(call(f, vals, snan, dtype)).all()


@func_param
@dtype_param
def test_no_fp_warning_in_scalar_calls(f, dtype):
    """Scalar calls take a different path through NumPy (no inner loop over many elements)."""
    culprits = []
    for v in edge_values(dtype)[::3]:
        for x in edge_values(dtype)[::4]:
            try:
                r = _strict(f, v, x)
            except (FloatingPointError, RuntimeWarning) as e:
                if not _genuine_overflow(f, v, x, dtype, str(e)):
                    culprits.append((float(v), float(x), str(e)))
            else:
                assert type(r) is dtype
    assert not culprits, culprits[:8]


# ---------------------------------------------------------------------------------------------
# nan and negative x
# ---------------------------------------------------------------------------------------------


@func_param
@dtype_param
def test_nan_in_either_argument_gives_nan(f, dtype):
    vals = edge_values(dtype)
    nans = np.array([np.nan, -np.nan], dtype=dtype)
    assert np.isnan(call(f, *outer(nans, vals, dtype), dtype)).all()
    assert np.isnan(call(f, *outer(vals, nans, dtype), dtype)).all()


@func_param
@dtype_param
def test_negative_x_gives_nan(f, dtype):
    fi = np.finfo(dtype)
    xs = [-float(fi.smallest_subnormal), -float(fi.smallest_normal), -1e-10, -0.5, -1.0, -3.0,
          -1e30, -float(fi.max), -np.inf]
    r = call(f, *outer(edge_values(dtype), xs, dtype), dtype)
    assert np.isnan(r).all()


@func_param
@dtype_param
def test_negative_zero_is_zero(f, dtype):
    vals = edge_values(dtype)
    r_neg = call(f, vals, np.full_like(vals, -0.0), dtype)
    r_pos = call(f, vals, np.zeros_like(vals), dtype)
    np.testing.assert_array_equal(r_neg, r_pos)
    # and v = -0.0 is v = 0
    xs = edge_values(dtype)
    np.testing.assert_array_equal(
        call(f, np.full_like(xs, -0.0), xs, dtype), call(f, np.zeros_like(xs), xs, dtype)
    )


# ---------------------------------------------------------------------------------------------
# x = 0
# ---------------------------------------------------------------------------------------------


def _orders_positive(dtype):
    fi = np.finfo(dtype)
    return [float(fi.smallest_subnormal), float(fi.smallest_normal), 1e-30, 1e-3, 0.5, 1.0,
            2.5, 3.0, 100.0, 1e8, 1e30, float(fi.max), np.inf]


def _orders_negative_integer(dtype):
    fi = np.finfo(dtype)
    return [-1.0, -2.0, -3.0, -10.0, -100.0, -(2.0**20), -1e30, -float(fi.max)]


def _orders_negative_noninteger(dtype):
    fi = np.finfo(dtype)
    return [-float(fi.smallest_subnormal), -1e-30, -0.3, -0.5, -1.5, -2.25, -2.5, -11.25,
            -(1 + float(fi.eps)), -(2.0**22 + 0.5), -np.inf]


@dtype_param
def test_log_iv_at_zero(dtype):
    assert call(log_iv, 0.0, 0.0, dtype) == 0
    assert call(log_iv, -0.0, -0.0, dtype) == 0
    r = call(log_iv, _orders_positive(dtype), 0.0, dtype)
    assert np.isneginf(r).all(), r
    r = call(log_iv, _orders_negative_integer(dtype), 0.0, dtype)
    assert np.isneginf(r).all(), r
    # pole of sign (-1)^ceil(-v)...: undefined as a log -> nan (also v = -inf)
    r = call(log_iv, _orders_negative_noninteger(dtype), 0.0, dtype)
    assert np.isnan(r).all(), r


@dtype_param
def test_log_kv_at_zero(dtype):
    orders = (
        [0.0, -0.0]
        + _orders_positive(dtype)
        + _orders_negative_integer(dtype)
        + _orders_negative_noninteger(dtype)
    )
    r = call(log_kv, orders, 0.0, dtype)
    assert np.isposinf(r).all(), r
    r = call(log_kv, orders, -0.0, dtype)
    assert np.isposinf(r).all(), r


# ---------------------------------------------------------------------------------------------
# x = +inf and v = +-inf
# ---------------------------------------------------------------------------------------------


def _finite_orders(dtype):
    fi = np.finfo(dtype)
    return [0.0, -0.0, float(fi.smallest_subnormal), 0.5, 1.0, 2.5, 1e8, 1e30, float(fi.max),
            -0.5, -1.0, -1.5, -2.5, -11.25, -1e30, -float(fi.max)]


def _finite_nonnegative_x(dtype):
    fi = np.finfo(dtype)
    return [0.0, -0.0, float(fi.smallest_subnormal), float(fi.smallest_normal), 1e-10, 1.0,
            30.0, 1e10, 1e30, float(fi.max)]


@dtype_param
def test_x_infinite(dtype):
    orders = _finite_orders(dtype)
    assert np.isposinf(call(log_iv, orders, np.inf, dtype)).all()
    assert np.isneginf(call(log_kv, orders, np.inf, dtype)).all()


@dtype_param
def test_v_plus_infinity(dtype):
    xs = _finite_nonnegative_x(dtype)
    assert np.isneginf(call(log_iv, np.inf, xs, dtype)).all()
    assert np.isposinf(call(log_kv, np.inf, xs, dtype)).all()


@dtype_param
def test_v_minus_infinity(dtype):
    xs = _finite_nonnegative_x(dtype)
    assert np.isnan(call(log_iv, -np.inf, xs + [np.inf], dtype)).all()
    assert np.isposinf(call(log_kv, -np.inf, xs, dtype)).all()


@func_param
@dtype_param
def test_infinite_order_and_argument_is_undefined(f, dtype):
    """v = +-inf with x = +inf: I and K tend to different limits along different paths."""
    assert np.isnan(call(f, [np.inf, -np.inf], np.inf, dtype)).all()


# ---------------------------------------------------------------------------------------------
# Negative orders
# ---------------------------------------------------------------------------------------------


def _x_grid(dtype):
    fi = np.finfo(dtype)
    xs = log_grid(float(fi.smallest_subnormal), float(fi.max), 200, np.float64)
    return np.r_[0.0, xs, 0.5, 1.0, 2.0, 10.0, np.inf].astype(dtype)


@dtype_param
def test_log_kv_is_even_in_v(dtype):
    fi = np.finfo(dtype)
    orders = np.r_[
        0.0, float(fi.smallest_subnormal), 1e-20, np.linspace(0, 40, 81)[1:], 0.3, 1.7, 123.4,
        1e4, 1e6, 1e8, 1e20, float(fi.max), np.inf
    ].astype(dtype)
    v, x = outer(orders, _x_grid(dtype), dtype)
    np.testing.assert_array_equal(call(log_kv, -v, x, dtype), call(log_kv, v, x, dtype))


@dtype_param
def test_log_iv_negative_integer_order_reflects(dtype):
    fi = np.finfo(dtype)
    n = np.r_[np.arange(1, 31), 50, 100, 1000, 12345, 2.0**20, 2.0**24, 1e10, 1e20, 1e30]
    n = np.r_[n, float(fi.max)].astype(dtype)
    assert (n == np.floor(n)).all()
    v, x = outer(n, _x_grid(dtype), dtype)
    np.testing.assert_array_equal(call(log_iv, -v, x, dtype), call(log_iv, v, x, dtype))


def _mp_iv_with_condition(v, x):
    """log|I_v(x)|, its sign and the condition number of log I_v with respect to rounding
    errors in the two terms of I_v = I_|v| + (2/pi) sin(|v| pi) K_|v| (v < 0, x > 0)."""
    with mpmath.workdps(50):
        v, x = mpmath.mpf(v), mpmath.mpf(x)
        a = mpmath.besseli(-v, x)
        b = 2 / mpmath.pi * mpmath.sin(-v * mpmath.pi) * mpmath.besselk(-v, x)
        val = a + b
        cond = (abs(a) + abs(b)) / abs(val)
        return float(mpmath.log(abs(val))), int(mpmath.sign(val)), float(cond)


NEGATIVE_ORDER_POINTS = [
    # (v, x): sin(|v| pi) > 0 -> I_v > 0 everywhere; sin(|v| pi) < 0 -> negative for small x
    *[(-0.5, x) for x in (1e-30, 1e-6, 0.01, 0.1, 1.0, 5.0, 30.0, 300.0)],  # sqrt(2/(pi x))cosh x
    *[(-0.3, x) for x in (1e-20, 1e-3, 0.2, 2.0, 50.0)],
    *[(-2.5, x) for x in (1e-10, 0.01, 0.7, 3.0, 80.0)],
    *[(-10.5, x) for x in (1e-5, 1.0, 20.0)],
    *[(-1.5, x) for x in (1e-30, 1e-6, 0.01, 0.1, 0.5, 1.0)],  # negative below x ~ 1.1997
    *[(-1.5, x) for x in (1.5, 2.0, 5.0, 40.0, 500.0)],  # positive above
    *[(-1.3, x) for x in (1e-8, 0.1, 0.6, 3.0, 20.0)],
    *[(-3.7, x) for x in (1e-4, 0.5, 2.0, 6.0, 30.0)],
    *[(-11.25, x) for x in (1e-3, 2.0, 10.0, 60.0)],
]


@dtype_param
@pytest.mark.parametrize("v, x", NEGATIVE_ORDER_POINTS)
def test_log_iv_negative_noninteger_order(v, x, dtype):
    eps = float(np.finfo(dtype).eps)
    v_in, x_in = dtype(v), dtype(x)
    ref, sign, cond = _mp_iv_with_condition(float(v_in), float(x_in))
    if cond > 1e3:
        pytest.skip(f"I_v(x) too close to a zero (condition {cond:.3g}) for a sign check")
    r = float(call(log_iv, v_in, x_in, dtype))
    if sign < 0:
        assert np.isnan(r), (v_in, x_in, r)
    else:
        assert np.isfinite(r), (v_in, x_in, r)
        tol = 8 * eps * (max(1.0, abs(ref)) + cond)
        assert abs(r - ref) <= tol, (v_in, x_in, r, ref, abs(r - ref) / eps)


def test_negative_order_points_cover_both_signs():
    signs = {_mp_iv_with_condition(v, x)[1] for v, x in NEGATIVE_ORDER_POINTS}
    assert signs == {-1, 1}


# ---------------------------------------------------------------------------------------------
# The whole range: finite where the true value is finite, coarse asymptotic sanity
# ---------------------------------------------------------------------------------------------


def _whole_range_grid(dtype):
    fi = np.finfo(dtype)
    v = np.r_[
        0.0, float(fi.smallest_subnormal), float(fi.smallest_normal), 1e-30, 1e-15,
        log_grid(1e-6, 1e8, 100, np.float64),
        np.arange(0.5, 10.5, 0.5),
    ].astype(dtype)
    x = log_grid(float(fi.smallest_subnormal), float(fi.max), 500, dtype)
    return outer(v, x, dtype)


def _rtol(dtype):
    return max(1e-6, 16 * float(np.finfo(dtype).eps))


@func_param
@dtype_param
def test_whole_range_is_finite(f, dtype):
    v, x = _whole_range_grid(dtype)
    assert x.min() == np.finfo(dtype).smallest_subnormal and x.max() == np.finfo(dtype).max
    r = call(f, v, x, dtype, strict=True)
    bad = ~np.isfinite(r)
    assert not bad.any(), f"{bad.sum()} non-finite, e.g. {list(zip(v[bad][:5], x[bad][:5]))}"


def _check_asymptotic(r, approx, mask, v, x, min_points):
    assert mask.sum() >= min_points, mask.sum()
    rtol = _rtol(r.dtype)
    r = r[mask].astype(np.float64)
    approx = approx[mask]
    err = np.abs(r - approx) / np.maximum(1.0, np.abs(approx))
    worst = np.argmax(err)
    assert err[worst] <= rtol, (v[mask][worst], x[mask][worst], r[worst], approx[worst])


@func_param
@dtype_param
def test_whole_range_large_x_asymptotics(f, dtype):
    """x >> v^2: log I ~ x - log(2 pi x)/2, log K ~ -x + log(pi/(2x))/2, with relative
    corrections of size (4v^2+1)/(8x) (restricted to <= 1e-8, far below the tolerance)."""
    v, x = _whole_range_grid(dtype)
    r = call(f, v, x, dtype)
    v64, x64 = v.astype(np.float64), x.astype(np.float64)
    with np.errstate(all="ignore"):
        mask = (x64 >= 1e4) & ((4 * v64 * v64 + 1) / (8 * x64) <= 1e-8)
        if f is log_iv:
            approx = x64 - 0.5 * (np.log(2 * np.pi) + np.log(x64))
        else:
            approx = -x64 + 0.5 * (np.log(np.pi / 2) - np.log(x64))
    _check_asymptotic(r, approx, mask, v64, x64, min_points=5000)


@dtype_param
def test_whole_range_small_x_log_iv(dtype):
    """x << sqrt(v+1): log I_v(x) = v log(x/2) - lgamma(v+1) + log(S), 1 <= S <= exp(q/(v+1)),
    q = x^2/4 (the power series); only points with q/(v+1) <= 1e-8 are compared."""
    v, x = _whole_range_grid(dtype)
    r = call(log_iv, v, x, dtype)
    v64, x64 = v.astype(np.float64), x.astype(np.float64)
    with np.errstate(all="ignore"):
        q = x64 * x64 / 4
        mask = q / (v64 + 1) <= 1e-8
        approx = v64 * (np.log(x64) - np.log(2.0)) - special.gammaln(v64 + 1)
    _check_asymptotic(r, approx, mask, v64, x64, min_points=5000)


@dtype_param
def test_whole_range_small_x_log_kv(dtype):
    """x -> 0, v > 0: log K_v(x) = lgamma(v) - log 2 + v log(2/x) - delta with
    0 <= delta <= -log(1 - b) for the bounds b from K_v(x) = (x/2)^-v/2 int_0^inf
    exp(-t - q/t) t^(v-1) dt (q = x^2/4): b = q/(v-1) for v > 1, q log(1+1/q) for v = 1,
    q^v (1/v + 1/(1-v)) / Gamma(v) for 0 < v < 1. Only points with b <= 1e-8 are compared."""
    v, x = _whole_range_grid(dtype)
    r = call(log_kv, v, x, dtype)
    v64, x64 = v.astype(np.float64), x.astype(np.float64)
    with np.errstate(all="ignore"):
        q = x64 * x64 / 4
        b = np.where(
            v64 > 1,
            q / (v64 - 1),
            np.where(
                v64 == 1,
                q * np.log1p(1 / q),
                np.exp(v64 * np.log(q) - special.gammaln(v64)) * (1 / v64 + 1 / (1 - v64)),
            ),
        )
        mask = (v64 > 0) & (q > 0) & (b <= 1e-8)
        approx = special.gammaln(v64) - np.log(2.0) + v64 * (np.log(2.0) - np.log(x64))
    _check_asymptotic(r, approx, mask, v64, x64, min_points=5000)


# ---------------------------------------------------------------------------------------------
# Other input types
# ---------------------------------------------------------------------------------------------


@func_param
def test_integer_inputs_cast_to_the_double_loop(f):
    v = np.array([0, 1, 2, 5, -3, 40, 10**15], dtype=np.int64)
    x = np.array([1, 2, 3, 0, 7, -1, 2**62], dtype=np.int64)
    r = f(v, x)
    assert r.dtype == np.float64
    np.testing.assert_array_equal(r, f(v.astype(np.float64), x.astype(np.float64)))
    assert np.isnan(r[5])  # x = -1
    assert type(f(3, 4)) is np.float64  # Python ints
    assert f(3, 4) == f(3.0, 4.0)
    u = np.array([0, 1, np.iinfo(np.uint64).max], dtype=np.uint64)
    np.testing.assert_array_equal(f(u, u), f(u.astype(np.float64), u.astype(np.float64)))


@func_param
def test_small_integer_and_bool_inputs_use_the_float_loop(f):
    v = np.array([0, 1, 2, -3, 100], dtype=np.int16)
    x = np.array([1, 3, 0, 7, 20], dtype=np.int8)
    r = f(v, x)
    assert r.dtype == np.float32
    np.testing.assert_array_equal(r, f(v.astype(np.float32), x.astype(np.float32)))
    b = np.array([False, True, False, True])
    c = np.array([False, False, True, True])
    r = f(b, c)
    assert r.dtype == np.float32
    np.testing.assert_array_equal(r, f(b.astype(np.float32), c.astype(np.float32)))
    assert r[0] == (0 if f is log_iv else np.inf)  # (v, x) = (0, 0)


@func_param
def test_float16_inputs_use_the_float_loop(f):
    vals = np.array(
        [0, -0.0, 6e-8, 6.1e-5, 0.5, 1, 2.5, 100, 65504, -65504, np.inf, -np.inf, np.nan, -1.5],
        dtype=np.float16,
    )
    v, x = outer(vals, vals, np.float16)
    with np.errstate(all="raise"):
        r = f(v, x)
    assert r.dtype == np.float32
    np.testing.assert_array_equal(r, f(v.astype(np.float32), x.astype(np.float32)))


@func_param
def test_object_arrays_are_refused(f):
    """numpy has no safe cast object -> float, so there is no loop: a clean TypeError."""
    obj = np.array([1.5, 2.0], dtype=object)
    with pytest.raises(TypeError):
        f(obj, obj)
    with pytest.raises(TypeError):
        f(obj, 2.0)
    # an explicit unsafe cast is the documented way in
    r = f(obj, obj, dtype=np.float64, casting="unsafe")
    np.testing.assert_array_equal(r, f(np.array([1.5, 2.0]), np.array([1.5, 2.0])))


@func_param
@pytest.mark.parametrize(
    "bad",
    [
        "a",
        "1.5",
        b"1.5",
        np.array(["1", "2"]),
        None,
        1j,
        np.array([1 + 0j]),
        np.datetime64("2020-01-01"),
        np.timedelta64(5, "s"),
        {"v": 1},
    ],
    ids=lambda b: type(b).__name__ + ("-" + b.dtype.str if isinstance(b, np.ndarray) else ""),
)
def test_wrong_types_raise_type_error(f, bad):
    with pytest.raises(TypeError):
        f(bad, 1.0)
    with pytest.raises(TypeError):
        f(1.0, bad)


@func_param
def test_long_double_and_huge_python_ints(f):
    if np.finfo(np.longdouble).nmant > np.finfo(np.float64).nmant:
        # no safe cast to double: no loop (the user must choose the precision explicitly)
        with pytest.raises(TypeError):
            f(np.longdouble(1.5), 2.0)
    np.testing.assert_array_equal(f(np.longdouble(1.5), 2.0, dtype=np.float64), f(1.5, 2.0))
    assert f(10**30, 1.0) == f(1e30, 1.0)  # fits a double
    with pytest.raises(OverflowError):
        f(10**400, 1.0)  # does not
