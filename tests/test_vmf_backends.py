"""logbessel.vmf on dask, scipy.sparse and CuPy input: same answers as NumPy.

dask: `fit` builds lazy sums and evaluates them with a single ``dask.compute`` (counted with a
scheduler wrapper); `logpdf` stays lazy. scipy.sparse: fit / logpdf from the stored values.
CuPy: skipped cleanly unless CuPy and a GPU are present.
"""

from __future__ import annotations

import numpy as np
import pytest

from logbessel.vmf import VonMisesFisher, fit, mean_resultant_length


def _data(d=40, n=300, kappa=25.0, seed=0):
    mu = np.random.default_rng(seed).standard_normal(d)
    mu /= np.linalg.norm(mu)
    return mu, VonMisesFisher(mu, kappa).sample(n, random_state=seed + 1)


class _CountingScheduler:
    """A synchronous dask scheduler that counts how many times a graph is computed."""

    def __init__(self):
        self.calls = 0

    def __call__(self, dsk, keys, **kwargs):
        import dask

        self.calls += 1
        return dask.get(dsk, keys, **kwargs)


def test_dask_fit_one_compute_same_answer():
    da = pytest.importorskip("dask.array")
    import dask

    mu, X = _data()
    weights = np.random.default_rng(3).uniform(0.1, 2.0, X.shape[0])
    Xd = da.from_array(X, chunks=(64, 40))
    for kwargs in ({}, {"weights": weights}, {"weights": da.from_array(weights, chunks=64)}, {"bias_correction": True}):
        ref = fit(X, **{k: (np.asarray(v) if k == "weights" else v) for k, v in kwargs.items()})
        counter = _CountingScheduler()
        with dask.config.set(scheduler=counter):
            est = fit(Xd, **kwargs)
        assert counter.calls == 1
        assert abs(est.kappa / ref.kappa - 1) < 1e-13
        np.testing.assert_allclose(est.mu, ref.mu, atol=1e-15)
        assert isinstance(est.mu, np.ndarray)
    # normalize=True on unnormalised dask data
    scaled = X * np.random.default_rng(4).uniform(0.5, 2.0, (X.shape[0], 1))
    counter = _CountingScheduler()
    with dask.config.set(scheduler=counter):
        est = fit(da.from_array(scaled, chunks=(100, 20)), normalize=True)
    assert counter.calls == 1 and abs(est.kappa / fit(X).kappa - 1) < 1e-13
    with pytest.raises(ValueError, match="not unit vectors"):
        fit(da.from_array(scaled, chunks=100))
    with pytest.raises(ValueError, match="non-finite"):
        bad = X.copy()
        bad[5, 3] = np.nan
        fit(da.from_array(bad, chunks=100))


def test_dask_concentrated_data_and_logpdf_lazy():
    da = pytest.importorskip("dask.array")
    import dask

    mu, X = _data(d=5, n=400, kappa=1e9)
    counter = _CountingScheduler()
    with dask.config.set(scheduler=counter):
        est = fit(da.from_array(X, chunks=100))
    assert counter.calls == 2  # 1 - R-bar < 2^-16: the spread pass is a second compute
    assert abs(est.kappa / fit(X).kappa - 1) < 1e-13
    p = VonMisesFisher(mu, 30.0)
    lazy = p.logpdf(da.from_array(X, chunks=100))
    assert isinstance(lazy, da.Array)
    np.testing.assert_allclose(lazy.compute(), p.logpdf(X), rtol=1e-15)
    np.testing.assert_allclose(p.pdf(da.from_array(X, chunks=100)).compute(), p.pdf(X), rtol=1e-15)


def test_scipy_sparse_same_answer():
    sparse = pytest.importorskip("scipy.sparse")
    mu, X = _data()
    for make in (sparse.csr_matrix, sparse.csc_matrix, sparse.csr_array):
        est = fit(make(X))
        ref = fit(X)
        assert abs(est.kappa / ref.kappa - 1) < 1e-13
        np.testing.assert_allclose(est.mu, ref.mu, atol=1e-15)
    # genuinely sparse, unnormalised rows (text-like), with normalize=True
    rng = np.random.default_rng(5)
    S = sparse.random(500, 2000, density=0.01, random_state=rng, format="csr")
    S = S + sparse.csr_matrix((np.ones(500), (np.arange(500), np.zeros(500, dtype=int))), shape=(500, 2000))
    dense = S.toarray()
    est = fit(S, normalize=True)
    ref = fit(dense, normalize=True)
    assert abs(est.kappa / ref.kappa - 1) < 1e-13
    np.testing.assert_allclose(est.mu, ref.mu, atol=1e-15)
    d_mu, rbar, n_eff = mean_resultant_length(S, normalize=True)
    assert n_eff == 500.0 and abs(rbar - ref.mean_resultant) < 1e-15
    p = VonMisesFisher(np.asarray(ref.mu), ref.kappa)
    normalised = sparse.csr_matrix(dense / np.linalg.norm(dense, axis=1, keepdims=True))
    np.testing.assert_allclose(p.logpdf(normalised), p.logpdf(normalised.toarray()), rtol=1e-14)
    with pytest.raises(ValueError, match="not unit vectors"):
        fit(S)
    with pytest.raises(ValueError, match="zero rows"):
        fit(sparse.csr_matrix(np.array([[1.0, 0.0], [0.0, 0.0]])), normalize=True)
    # concentrated sparse data: the spread pass densifies row blocks
    mu2, X2 = _data(d=6, n=200, kappa=1e10)
    assert abs(fit(sparse.csr_matrix(X2)).kappa / fit(X2).kappa - 1) < 1e-13


def _cupy_or_skip():
    cupy = pytest.importorskip("cupy")
    try:
        if cupy.cuda.runtime.getDeviceCount() < 1:
            pytest.skip("no CUDA device")
    except Exception as exc:  # noqa: BLE001 - any CUDA runtime error means no usable GPU
        pytest.skip(f"no usable CUDA device: {exc}")
    return cupy


def test_cupy_sample_fit_logpdf_on_device():
    cupy = _cupy_or_skip()
    mu, X = _data(d=64, n=2000, kappa=40.0)
    mu_gpu = cupy.asarray(mu)
    p = VonMisesFisher(mu_gpu, 40.0)
    Xg = p.sample(2000, random_state=1)
    assert isinstance(Xg, cupy.ndarray) and Xg.shape == (2000, 64)
    assert float(cupy.max(cupy.abs(cupy.linalg.norm(Xg, axis=1) - 1))) < 1e-14
    est = fit(Xg)
    assert isinstance(est.mu, cupy.ndarray)
    ref = fit(cupy.asnumpy(Xg))
    assert abs(est.kappa / ref.kappa - 1) < 1e-12
    np.testing.assert_allclose(cupy.asnumpy(est.mu), ref.mu, atol=1e-14)
    lp = p.logpdf(Xg)
    assert isinstance(lp, cupy.ndarray)
    np.testing.assert_allclose(cupy.asnumpy(lp), VonMisesFisher(mu, 40.0).logpdf(cupy.asnumpy(Xg)), rtol=1e-13)
    X32 = VonMisesFisher(cupy.asarray(mu, dtype=cupy.float32), 40.0).sample(100, random_state=2)
    assert X32.dtype == cupy.float32
