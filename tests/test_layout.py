"""Memory layouts, scale and determinism across code paths (issue 8, items 4-6).

Every ufunc, both loops:

* 0-size and 0-d inputs, negative / huge / zero (broadcast) strides, non-contiguous and
  Fortran-ordered views, read-only inputs, byte-swapped inputs, unaligned views
  (np.frombuffer at an odd offset), out= aliasing an input (fully and with partial overlap) and
  where= all behave as NumPy's own ufuncs do (np.arctan2 is the comparison for the semantics:
  result types, errors, shapes) and give bit-identical values to the contiguous call.
* Allocation: a call allocates its output and nothing else of size (tracemalloc, which NumPy
  reports its data buffers to); the 1e8-element float32 case is opt-in here
  (LOGBESSEL_SLOW_TESTS=1, ~10-30 s) and part of tools/leak_check.py --big.
* RSS does not grow over 1e5 repeated small calls (tools/leak_check.py runs 1e6).
* Determinism: results do not depend on chunking, offset or alignment -- every element of a
  call over arrays of any length/offset equals the scalar call bit for bit (the loop is a plain
  strided loop without SIMD tails, and this test keeps it so); float32 agrees with float64
  within the float32 accuracy bound.
"""

from __future__ import annotations

import gc
import os
import sys
import tracemalloc

import numpy as np
import pytest

import logbessel

from ufunc_params import DTYPES, UFUNC_NAMES, UFUNCS, dtype_param, func_param  # noqa: F401


def _args(f, dtype, n=1000, seed=0):
    """Valid, varied inputs for f (first, second argument), covering several regions."""
    rng = np.random.default_rng(seed)
    name = f.__name__
    if name in ("matern", "matern_dnu"):
        a, b = 10.0 ** rng.uniform(-3, 2, n), 10.0 ** rng.uniform(-2, 3, n)
    elif name == "iv_ratio_inv":
        a, b = 10.0 ** rng.uniform(-1, 4, n) - 0.5, rng.uniform(0, 1, n)
    elif name == "vmf_log_norm":
        a, b = 1.0 + 10.0 ** rng.uniform(-1, 4, n), 10.0 ** rng.uniform(-3, 4, n)
    else:
        a, b = rng.uniform(-0.9, 60.0, n), 10.0 ** rng.uniform(-4, 3, n)
    return a.astype(dtype), b.astype(dtype)


def _same(x, y):
    x, y = np.asarray(x), np.asarray(y)
    assert x.dtype == y.dtype and x.shape == y.shape, (x.dtype, y.dtype, x.shape, y.shape)
    u = np.uint32 if x.dtype == np.float32 else np.uint64
    assert np.array_equal(np.ascontiguousarray(x).view(u), np.ascontiguousarray(y).view(u))


def _call(f, *args, **kw):
    with np.errstate(all="ignore"):
        return f(*args, **kw)


@func_param
@dtype_param
def test_zero_size(f, dtype):
    for sa, sb in [((0,), (0,)), ((0, 3), (3,)), ((2, 0), (1, 0)), ((0,), ())]:
        a, b = np.ones(sa, dtype), np.ones(sb, dtype)
        r, ref = f(a, b), np.arctan2(a, b)
        assert r.shape == ref.shape and r.dtype == dtype
    with pytest.raises(ValueError):  # as np.arctan2: shapes (0,) and (3,) do not broadcast
        f(np.ones(0, dtype), np.ones(3, dtype))
    with pytest.raises(ValueError):
        np.arctan2(np.ones(0, dtype), np.ones(3, dtype))


@func_param
@dtype_param
def test_zero_d(f, dtype):
    a, b = _args(f, dtype, n=8)
    vec = _call(f, a, b)
    for i in range(a.size):
        for x, y in [(a[i], b[i]), (np.array(a[i]), np.array(b[i])), (a[i], np.array(b[i]))]:
            r = _call(f, x, y)
            ref = np.arctan2(x, y)
            assert type(r) is type(ref)  # numpy scalar for 0-d input, like any ufunc
            _same(r, vec[i])
        out = np.empty((), dtype)
        r = _call(f, np.array(a[i]), np.array(b[i]), out=out)
        assert r is out
        _same(out, vec[i])


@func_param
@dtype_param
def test_strides_and_views(f, dtype):
    a, b = _args(f, dtype, n=4096)
    ref = _call(f, a, b)
    # negative strides
    _same(_call(f, a[::-1], b[::-1]), ref[::-1])
    # huge strides: every 4099th element of a 16M-element (64/128 MB) buffer... kept small
    # in memory by striding a view of a repeated buffer
    big_a = np.repeat(a[:64], 4099)
    big_b = np.repeat(b[:64], 4099)
    _same(_call(f, big_a[::4099], big_b[::4099]), ref[:64])
    assert big_a[::4099].strides[0] == 4099 * a.itemsize
    # zero strides (broadcast) on either side
    _same(_call(f, a[:1], b), np.array([_call(f, a[0], bi) for bi in b], dtype))
    _same(_call(f, a, b[5]), np.array([_call(f, ai, b[5]) for ai in a], dtype))
    # 2-D: C, Fortran, transposed, column slices, mixed orders
    A, B = a.reshape(64, 64), b.reshape(64, 64)
    R = ref.reshape(64, 64)
    _same(_call(f, np.asfortranarray(A), np.asfortranarray(B)), R)
    _same(_call(f, A.T, B.T), R.T)
    _same(_call(f, A[:, ::3], B[:, ::3]), R[:, ::3])
    _same(_call(f, np.asfortranarray(A), B), R)
    _same(_call(f, A[::-2, 1::5], B[::-2, 1::5]), R[::-2, 1::5])


@func_param
@dtype_param
def test_read_only_and_byteswapped_and_unaligned(f, dtype):
    a, b = _args(f, dtype, n=1001)
    ref = _call(f, a, b)
    ra, rb = a.copy(), b.copy()
    ra.setflags(write=False)
    rb.setflags(write=False)
    _same(_call(f, ra, rb), ref)
    with pytest.raises(ValueError):  # a read-only out= is refused, as by np.arctan2
        f(a, b, out=ra)
    with pytest.raises(ValueError):
        np.arctan2(a, b, out=ra)
    # non-native byte order: cast by NumPy to the native loop
    sa, sb = a.astype(a.dtype.newbyteorder()), b.astype(b.dtype.newbyteorder())
    _same(_call(f, sa, sb), ref)
    # unaligned views (odd byte offsets into a bytes buffer), inputs and output
    for off in (1, 3):
        buf_a = bytearray(off) + a.tobytes()
        buf_b = bytearray(off + 2) + b.tobytes()
        ua = np.frombuffer(buf_a, dtype=dtype, offset=off, count=a.size)
        ub = np.frombuffer(buf_b, dtype=dtype, offset=off + 2, count=b.size)
        assert not ua.flags.aligned and not ub.flags.aligned
        _same(_call(f, ua, ub), ref)
        out_buf = bytearray(off + a.nbytes)
        uo = np.frombuffer(out_buf, dtype=dtype, offset=off, count=a.size)
        assert not uo.flags.aligned and uo.flags.writeable
        r = _call(f, ua, ub, out=uo)
        assert r is uo
        _same(uo, ref)


@func_param
@dtype_param
def test_out_aliasing_and_where(f, dtype):
    a, b = _args(f, dtype, n=777)
    ref = _call(f, a, b)
    x = a.copy()
    _call(f, x, b, out=x)  # out is the first input
    _same(x, ref)
    y = b.copy()
    _call(f, a, y, out=y)  # out is the second input
    _same(y, ref)
    # partial overlap: NumPy detects it and computes as if from copies
    z = a.copy()
    _call(f, z[1:], b[:-1], out=z[:-1])
    _same(z[:-1], _call(f, a[1:], b[:-1]))
    assert z[-1] == a[-1]
    z = a.copy()
    _call(f, z[:-1], b[1:], out=z[1:])
    _same(z[1:], _call(f, a[:-1], b[1:]))
    # where=: untouched elements keep the out values
    mask = np.arange(a.size) % 3 == 0
    out = np.full(a.size, -7.0, dtype)
    _call(f, a, b, out=out, where=mask)
    _same(out[mask], ref[mask])
    assert (out[~mask] == -7.0).all()


@func_param
@dtype_param
def test_chunking_and_alignment_independence(f, dtype):
    """Each element equals the scalar call bit for bit, for every array length 1..67 and every
    start offset 0..7 (what would differ if a vectorised main loop and a scalar tail computed
    differently), and over arrays longer than NumPy's buffer (8192 elements)."""
    a, b = _args(f, dtype, n=80, seed=4)
    scalar = np.array([_call(f, ai, bi) for ai, bi in zip(a, b)], dtype)
    for start in range(8):
        for length in range(1, 68, 3):
            s = slice(start, start + length)
            _same(_call(f, a[s], b[s]), scalar[s])
    big_a, big_b = np.tile(a, 97), np.tile(b, 97)  # > NumPy's 8192-element buffer size
    _same(_call(f, big_a, big_b), np.tile(scalar, 97))
    # through NumPy's casting buffers (float32 input to the float64 loop): same as the cast call
    if dtype == np.float64:
        _same(_call(f, big_a.astype(np.float32), big_b),
              _call(f, big_a.astype(np.float32).astype(np.float64), big_b))


def test_float32_agrees_with_float64():
    """float32 results agree with float64 ones (evaluated at the same float32 inputs) within
    a float32 bound: 8 eps32 * max(1, |f|) plus the propagated input rounding is excluded by
    evaluating both at identical inputs. Points where the float64 value is beyond the float32
    range, or where the function is ill-conditioned (sign_iv/log_abs_iv next to a zero of I_v,
    matern_dnu near cancellation), are covered by the per-function accuracy tests instead."""
    eps32 = float(np.finfo(np.float32).eps)
    for f in UFUNCS:
        a, b = _args(f, np.float32, n=3000, seed=9)
        if f.__name__ in ("log_abs_iv", "sign_iv", "log_iv", "log_iv_dx", "log_iv_dv"):
            a = np.abs(a)  # positive orders: no zeros of I_v
        r32 = _call(f, a, b).astype(np.float64)
        r64 = _call(f, a.astype(np.float64), b.astype(np.float64))
        fits = np.isfinite(r64) & (np.abs(r64) < 1e37)
        assert np.array_equal(np.isnan(r32), np.isnan(r64)), f.__name__
        err = np.abs(r32[fits] - r64[fits]) / np.maximum(1.0, np.abs(r64[fits]))
        bound = {"matern_dnu": 64, "log_iv_dv": 32, "log_kv_dv": 32, "vmf_log_norm": 32}.get(
            f.__name__, 8)
        assert err.max() <= bound * eps32, (f.__name__, err.max() / eps32)


# ---------------------------------------------------------------------------------------------
# Allocation and leaks
# ---------------------------------------------------------------------------------------------


def _peak_extra_bytes(call):
    gc.collect()
    tracemalloc.start()
    try:
        tracemalloc.reset_peak()
        base = tracemalloc.get_traced_memory()[0]
        r = call()
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    return r, peak - base


@func_param
def test_call_allocates_only_the_output(f):
    x = np.linspace(0.25, 50.0, 1_000_000, dtype=np.float32)
    v = np.float32(0.75)
    r, extra = _peak_extra_bytes(lambda: f(v, x))
    assert r.nbytes == x.nbytes
    assert extra <= r.nbytes + 64 * 1024, (f.__name__, extra, r.nbytes)
    out = np.empty_like(x)
    _, extra = _peak_extra_bytes(lambda: f(v, x, out=out))
    assert extra <= 64 * 1024, (f.__name__, extra)


@pytest.mark.skipif(os.environ.get("LOGBESSEL_SLOW_TESTS") != "1",
                    reason="1e8-element call (~0.8 GB, 10-30 s): set LOGBESSEL_SLOW_TESTS=1; "
                    "also tools/leak_check.py --big")
def test_1e8_float32_call_allocates_only_the_output():
    x = np.linspace(0.25, 50.0, 100_000_000, dtype=np.float32)
    r, extra = _peak_extra_bytes(lambda: logbessel.log_kv(np.float32(2.5), x))
    assert r.dtype == np.float32 and r.size == x.size
    assert extra <= r.nbytes + 1024 * 1024, (extra, r.nbytes)


def _rss_bytes():
    try:
        with open("/proc/self/statm") as fh:
            return int(fh.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")
    except (OSError, ValueError):
        return None


@pytest.mark.skipif(sys.platform != "linux", reason="reads /proc/self/statm")
@pytest.mark.skipif(os.environ.get("LOGBESSEL_SANITIZE") == "1",
                    reason="RSS is not meaningful under ASan (quarantine of freed memory); "
                    "tools/sanitize.sh checks leaks with LeakSanitizer instead")
def test_rss_stable_over_1e5_small_calls():
    """1e5 calls on 8-element arrays and scalars, cycling through every ufunc: the resident set
    grows by less than 8 MB after a warm-up (a leak of one output buffer per call, 64 bytes,
    would be 6.4 MB; a leaked ndarray object per call ~10 MB+). tools/leak_check.py does 1e6."""
    a = np.linspace(0.5, 5.0, 8)
    b = np.linspace(0.1, 3.0, 8)
    out = np.empty(8)

    def burst(n):
        for i in range(n):
            f = UFUNCS[i % len(UFUNCS)]
            f(a, b)
            f(a, b, out=out)
            f(1.5, 0.25)

    with np.errstate(all="ignore"):
        burst(5000)
        gc.collect()
        before = _rss_bytes()
        burst(100_000 // 3)
        gc.collect()
        after = _rss_bytes()
    assert after - before < 8 * 1024 * 1024, (before, after)
