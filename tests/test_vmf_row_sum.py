"""The compiled one-pass statistics of vmf.fit (src/cpp/unit_row_sum.hpp) against the NumPy
blocked pass it replaces, and its determinism and input checks."""

from __future__ import annotations

import numpy as np
import pytest

from logbessel import _core
from logbessel.vmf import _fit, fit


def _reference(X, w=None):
    """S and r2 the NumPy way (float64 copy, einsum, matrix-vector product)."""
    Xd = X.astype(np.float64)
    r2 = np.einsum("ij,ij->i", Xd, Xd)
    scale = 1.0 / np.sqrt(r2)
    if w is not None:
        scale = scale * w
    return scale @ Xd, r2


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("d", [2, 7, 8, 9, 1000, 4099])
@pytest.mark.parametrize("weighted", [False, True])
def test_matches_numpy(dtype, d, weighted):
    rng = np.random.default_rng(d)
    n = 37
    X = rng.standard_normal((n, d)).astype(dtype) * dtype(rng.uniform(0.5, 2.0))
    w = rng.uniform(0, 3, n) if weighted else None
    S, r2 = _core._unit_row_sum(X, w, 2)
    S_ref, r2_ref = _reference(X, w)
    assert S.dtype == r2.dtype == np.float64
    # float64 sums of d (r2) or n (S) terms in another order: a few d resp. n eps of the
    # sum of magnitudes, far below float32 data's own rounding.
    np.testing.assert_allclose(r2, r2_ref, rtol=d * 2.3e-16, atol=0)
    bound = n * 2.3e-16 * (np.abs(X.astype(np.float64)) / np.sqrt(r2_ref)[:, None] * (1 if w is None else w[:, None])).sum(0)
    assert np.all(np.abs(S - S_ref) <= bound)


def test_same_bits_for_any_thread_count():
    rng = np.random.default_rng(1)
    X = rng.standard_normal((101, 513)).astype(np.float32)
    w = rng.uniform(0, 1, 101)
    first = _core._unit_row_sum(X, w, 1)
    for threads in (2, 3, 8, 64):
        S, r2 = _core._unit_row_sum(X, w, threads)
        assert np.array_equal(S, first[0]) and np.array_equal(r2, first[1])


def test_strided_rows_and_fallback_layouts_agree():
    rng = np.random.default_rng(2)
    X = rng.standard_normal((60, 300))
    X /= np.linalg.norm(X, axis=1, keepdims=True)
    X[:, 0] += 3.0  # a clear mean direction
    X /= np.linalg.norm(X, axis=1, keepdims=True)
    every_other_row = X[::2]  # compiled pass (row stride 2 d)
    assert _fit._fused_pass_applies(every_other_row)
    fortran = np.asfortranarray(every_other_row)  # NumPy blocked pass
    assert not _fit._fused_pass_applies(fortran)
    a, b = fit(every_other_row), fit(fortran)
    np.testing.assert_allclose(a.kappa, b.kappa, rtol=1e-13)
    np.testing.assert_allclose(a.mu, b.mu, rtol=0, atol=1e-15)


@pytest.mark.parametrize(
    "dtype, bad, message",
    [(dt, bad, msg) for dt in (np.float32, np.float64) for bad, msg in [(np.nan, "non-finite"), (np.inf, "non-finite"), (0.0, "zero rows")]]
    + [(np.float64, "huge", "non-finite")],  # float32 squares cannot overflow float64
)
def test_bad_rows_raise_without_warnings(dtype, bad, message):
    rng = np.random.default_rng(3)
    X = rng.standard_normal((20, 64)).astype(dtype)
    X /= np.linalg.norm(X, axis=1, keepdims=True)
    if bad == "huge":  # a finite row whose squared norm overflows float64
        X[5] = 1e200
    else:
        X[5] = bad
    with pytest.raises(ValueError, match=message):  # pytest turns any RuntimeWarning into an error
        fit(X, normalize=True)


def test_rejects_what_it_cannot_take():
    with pytest.raises(TypeError):
        _core._unit_row_sum(np.zeros((3, 4), np.int64), None, 1)
    with pytest.raises(TypeError):
        _core._unit_row_sum(np.zeros(4), None, 1)
    with pytest.raises(ValueError):
        _core._unit_row_sum(np.zeros((4, 3)).T, None, 1)
    with pytest.raises(ValueError):
        _core._unit_row_sum(np.ones((3, 4)), np.ones(2), 1)
    with pytest.raises(ValueError):
        _core._unit_row_sum(np.ones((3, 4)), np.ones(3, np.float32), 1)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_unusable_rows_are_left_out_of_S(dtype):
    # 64 rows: 8 parts of 8 rows, i.e. full four-row sweeps, some holding a bad row.
    rng = np.random.default_rng(4)
    X = rng.standard_normal((64, 96)).astype(dtype)
    bad = {3: np.nan, 9: np.inf, 10: 0.0, 40: -np.inf}
    for i, value in bad.items():
        X[i] = value
    S, r2 = _core._unit_row_sum(X, None, 2)
    good = np.array([i not in bad for i in range(64)])
    S_ref, r2_ref = _reference(X[good])
    Xg = X[good].astype(np.float64)
    bound = 64 * 2.3e-16 * (np.abs(Xg) / np.sqrt(r2_ref)[:, None]).sum(0)
    assert np.all(np.isfinite(S)) and np.all(np.abs(S - S_ref) <= bound)
    np.testing.assert_allclose(r2[good], r2_ref, rtol=96 * 2.3e-16, atol=0)
    assert np.isnan(r2[3]) and r2[9] == np.inf and r2[10] == 0.0 and r2[40] == np.inf


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("weighted", [False, True])
def test_spread_matches_numpy(dtype, weighted):
    # Concentrated data: the second pass (sum_i w_i |x_i/r_i - m|^2) against the NumPy blocked one.
    rng = np.random.default_rng(5)
    n, d = 53, 700
    mu = np.zeros(d)
    mu[0] = 1.0
    X = (mu + 1e-4 * rng.standard_normal((n, d))).astype(dtype)
    w = rng.uniform(0.1, 2, n) if weighted else None
    S, r2 = _core._unit_row_sum(X, w, 2)
    m = S / (n if w is None else w.sum())
    got = _core._unit_row_spread(X, w, r2, m, 3)
    want = _fit._spread_dense(np, X, w, r2, m, 16)
    assert got == pytest.approx(want, rel=1e-12)
    assert all(_core._unit_row_spread(X, w, r2, m, t) == got for t in (1, 2, 8))


def test_concentrated_fit_same_on_both_paths():
    rng = np.random.default_rng(6)
    X = np.zeros((400, 64))
    X[:, 0] = 1.0
    X += 1e-5 * rng.standard_normal(X.shape)
    X /= np.linalg.norm(X, axis=1, keepdims=True)
    a, b = fit(X), fit(np.asfortranarray(X))  # compiled and NumPy second pass
    assert a.kappa > 1e9  # 1 - R-bar ~ 3e-9 < 2^-16: the second pass ran
    np.testing.assert_allclose(a.kappa, b.kappa, rtol=1e-12)
