"""Tests of logbessel.vmf.VonMisesFisherMixture (EM for mixtures of von Mises-Fisher distributions).

Data come from known vMF components (logbessel.vmf.VonMisesFisher.sample, Wood's sampler);
fitted parameters are compared with the truth within tolerances derived from the asymptotic
standard errors of the MLE, and the different code paths (chunked / unchunked, dense / sparse /
dask, soft / hard) with each other.
"""

from __future__ import annotations

import numpy as np
import pytest

import logbessel
from logbessel.vmf import VonMisesFisher
from logbessel.vmf._mixture import (
    ConvergenceWarning,
    VonMisesFisherMixture,
    _MIN_ONE_MINUS_RBAR,
)

sp = pytest.importorskip("scipy.sparse")
metrics = pytest.importorskip("sklearn.metrics")


# --------------------------------------------------------------------------------------------
# Test data
# --------------------------------------------------------------------------------------------


def sample_vmf(mu, kappa, n, rng):
    return np.asarray(VonMisesFisher(mu, kappa).sample(n, random_state=rng))


def make_mixture(d, kappas, counts, seed, orthogonal=True):
    """Points of len(kappas) vMF components with orthonormal (or random) means; labels."""
    rng = np.random.default_rng(seed)
    k = len(kappas)
    if orthogonal:
        means = np.linalg.qr(rng.standard_normal((d, k)))[0].T
    else:
        means = rng.standard_normal((k, d))
        means /= np.linalg.norm(means, axis=1, keepdims=True)
    X = np.concatenate([sample_vmf(means[j], kappas[j], counts[j], rng) for j in range(k)])
    labels = np.repeat(np.arange(k), counts)
    order = rng.permutation(X.shape[0])
    return X[order], labels[order], means


def A(d, kappa):
    return logbessel.iv_ratio(d / 2.0 - 1.0, kappa)


def match(true_means, fitted_means):
    """Index of the fitted component nearest to each true mean (a permutation, checked)."""
    perm = np.argmax(true_means @ np.asarray(fitted_means).T, axis=1)
    assert sorted(perm.tolist()) == list(range(true_means.shape[0]))
    return perm


# Three well-separated components in d = 10 (orthonormal means; kappa >= 40 puts the points of a
# component within ~35 degrees of its mean, 90 degrees from the others).
D0, KAPPAS0, COUNTS0 = 10, np.array([40.0, 100.0, 300.0]), np.array([300, 450, 750])


@pytest.fixture(scope="module")
def separated():
    return make_mixture(D0, KAPPAS0, COUNTS0, seed=1)


# Three overlapping components (EM takes many iterations; soft and hard differ).
@pytest.fixture(scope="module")
def overlapping():
    return make_mixture(5, np.array([4.0, 6.0, 8.0]), np.array([200, 200, 200]), seed=2, orthogonal=False)


# --------------------------------------------------------------------------------------------
# Recovery of known components
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize("assignment", ["soft", "hard"])
def test_recovers_separated_components(separated, assignment):
    X, labels, means = separated
    mix = VonMisesFisherMixture(3, assignment=assignment, random_state=0).fit(X)
    assert mix.converged_
    assert metrics.adjusted_rand_score(labels, mix.predict(X)) == 1.0
    perm = match(means, mix.means_)
    n = X.shape[0]
    d = D0
    for j in range(3):
        nj, kappa = COUNTS0[j], KAPPAS0[j]
        a = A(d, kappa)
        # weight: the fitted weight is the sample proportion exactly (perfect labels)
        assert mix.weights_[perm[j]] == pytest.approx(nj / n, rel=1e-9)
        # kappa: asymptotic sd of the MLE 1 / sqrt(n A_d'(kappa)), A' = 1 - A^2 - (d-1) A / kappa
        a_prime = 1.0 - a**2 - (d - 1) * a / kappa
        assert abs(mix.kappas_[perm[j]] - kappa) < 4.0 / np.sqrt(nj * a_prime)
        # mean direction: ||mu_hat - mu||^2 ~ (d-1)/(n kappa A) (chi^2 with d-1 dof); 3x margin
        err2 = np.sum((np.asarray(mix.means_[perm[j]]) - means[j]) ** 2)
        assert err2 < 3.0 * (d - 1) / (nj * kappa * a)


def test_soft_and_hard_agree_when_separated(separated):
    X, _, _ = separated
    soft = VonMisesFisherMixture(3, random_state=0).fit(X)
    hard = VonMisesFisherMixture(3, assignment="hard", random_state=0).fit(X)
    assert metrics.adjusted_rand_score(soft.predict(X), hard.predict(X)) == 1.0
    perm = match(np.asarray(soft.means_), hard.means_)
    # responsibilities are 1 within exp(-(kappa gap)) ~ 1e-10 here: near-identical estimates
    np.testing.assert_allclose(hard.kappas_[perm], soft.kappas_, rtol=1e-6)


def test_hard_assignment_is_hard(overlapping):
    X, _, _ = overlapping
    hard = VonMisesFisherMixture(3, assignment="hard", random_state=0).fit(X)
    soft = VonMisesFisherMixture(3, random_state=0).fit(X)
    counts = hard.weights_ * X.shape[0]
    np.testing.assert_allclose(counts, np.round(counts), atol=1e-9)  # integer cluster sizes
    assert not np.allclose(soft.weights_ * X.shape[0], np.round(soft.weights_ * X.shape[0]), atol=1e-3)
    # hard EM's fitted mixture is the MLE of the labelled data: kappa from each cluster's Rbar
    labels = hard.predict(X)
    # (the last M-step used the labels of the last E-step, which equal predict's at convergence)
    for j in range(3):
        r = X[labels == j].sum(axis=0)
        rbar = np.linalg.norm(r) / np.sum(labels == j)
        assert hard.kappas_[j] == pytest.approx(logbessel.iv_ratio_inv(5 / 2 - 1, rbar), rel=1e-9)


def test_single_component_is_the_mle(separated):
    X, _, _ = separated
    d = X.shape[1]
    r = X.sum(axis=0)
    rbar = np.linalg.norm(r) / X.shape[0]
    for bias_correction in (False, True):
        mix = VonMisesFisherMixture(1, bias_correction=bias_correction, random_state=0).fit(X)
        n = X.shape[0]
        a2 = (n * rbar**2 - 1) / (n - 1) if bias_correction else rbar**2
        np.testing.assert_allclose(mix.means_[0], r / np.linalg.norm(r), rtol=0, atol=1e-14)
        assert mix.kappas_[0] == pytest.approx(logbessel.iv_ratio_inv(d / 2 - 1, np.sqrt(a2)), rel=1e-13)
        assert mix.weights_[0] == 1.0
        # the log-likelihood of a single vMF: n log C_d(kappa) + kappa mu^T sum x
        ll = logbessel.vmf_log_norm(d, mix.kappas_[0]) + mix.kappas_[0] * (mix.means_[0] @ r) / n
        assert mix.score(X) == pytest.approx(ll, rel=1e-12)


def test_single_component_matches_vmf_fit(separated):
    X, _, _ = separated
    est = logbessel.vmf.fit(X)
    mix = VonMisesFisherMixture(1, random_state=0).fit(X)
    assert mix.kappas_[0] == pytest.approx(est.kappa, rel=1e-12)
    np.testing.assert_allclose(mix.means_[0], np.asarray(est.mu), atol=1e-14)


# --------------------------------------------------------------------------------------------
# EM properties
# --------------------------------------------------------------------------------------------


def test_soft_em_log_likelihood_never_decreases(overlapping):
    X, _, _ = overlapping
    history = []
    mix = VonMisesFisherMixture(3, tol=1e-10, max_iter=500, random_state=3,
                                callback=lambda it, lb: history.append((it, lb)))
    mix.fit(X)
    assert [it for it, _ in history] == list(range(1, mix.n_iter_ + 1))
    assert mix.n_iter_ > 5  # overlapping components: EM really iterates
    lbs = np.array([lb for _, lb in history])
    assert np.all(np.diff(lbs) >= -1e-12 * np.abs(lbs[1:]))
    assert lbs[-1] == mix.lower_bound_
    # the final lower bound is the mean log-likelihood of the parameters before the last M-step;
    # the fitted parameters are at least as good (EM) and within tol of it (converged)
    assert mix.converged_
    assert mix.score(X) >= mix.lower_bound_ - 1e-12
    assert mix.score(X) - mix.lower_bound_ < 1e-6


def test_n_init_keeps_the_best_run(overlapping):
    X, _, _ = overlapping
    one = VonMisesFisherMixture(3, n_init=1, max_iter=500, random_state=7).fit(X)
    several = VonMisesFisherMixture(3, n_init=4, max_iter=500, random_state=7).fit(X)
    # the first run of both uses the same random draws, so the best of four is at least as good
    assert several.lower_bound_ >= one.lower_bound_


def test_convergence_warning():
    X, _, _ = make_mixture(5, [4.0, 6.0], [100, 100], seed=5, orthogonal=False)
    with pytest.warns(ConvergenceWarning, match="did not converge"):
        mix = VonMisesFisherMixture(2, max_iter=1, tol=0.0, random_state=0).fit(X)
    assert mix.n_iter_ == 1 and not mix.converged_


def test_predict_proba_and_scores(overlapping):
    X, _, _ = overlapping
    mix = VonMisesFisherMixture(3, random_state=0).fit(X)
    proba = mix.predict_proba(X)
    assert proba.shape == (X.shape[0], 3)
    assert np.all(proba >= 0)
    np.testing.assert_allclose(proba.sum(axis=1), 1.0, rtol=0, atol=1e-14)
    np.testing.assert_array_equal(mix.predict(X), np.argmax(proba, axis=1))
    # score_samples = log sum_k alpha_k f_k(x): check against the explicit density
    d = X.shape[1]
    dens = sum(
        mix.weights_[j]
        * np.exp(logbessel.vmf_log_norm(d, mix.kappas_[j]) + mix.kappas_[j] * X @ mix.means_[j])
        for j in range(3)
    )
    np.testing.assert_allclose(mix.score_samples(X), np.log(dens), rtol=1e-13)
    assert mix.score(X) == pytest.approx(np.mean(np.log(dens)), rel=1e-13)


@pytest.mark.parametrize("init", ["random", "array"])
def test_other_initialisations(separated, init):
    X, labels, means = separated
    if init == "array":
        init = means + 0.1  # rows are normalised by the estimator
    mix = VonMisesFisherMixture(3, init=init, n_init=2, random_state=4).fit(X)
    assert metrics.adjusted_rand_score(labels, mix.predict(X)) == 1.0


# --------------------------------------------------------------------------------------------
# Degenerate components
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize("assignment", ["soft", "hard"])
def test_empty_component_is_reseeded(assignment):
    X, labels, means = make_mixture(6, [200.0, 200.0, 200.0], [100, 100, 100], seed=6)
    # initial directions: one per cluster 0, one between clusters 1 and 2, one opposite to
    # cluster 0 that is nobody's nearest direction -> the third component starts empty
    between = (means[1] + means[2]) / np.sqrt(2.0)
    init = np.stack([means[0], between, -means[0]])
    mix = VonMisesFisherMixture(3, init=init, assignment=assignment, random_state=0).fit(X)
    assert np.all(mix.weights_ > 0.3)
    assert np.all(np.isfinite(mix.kappas_))
    assert metrics.adjusted_rand_score(labels, mix.predict(X)) == 1.0
    # the re-seeding path of the other backends (worst-point search, row fetch) agrees
    kw = dict(init=init, assignment=assignment)
    _assert_same_fit(mix, VonMisesFisherMixture(3, chunk_size=70, **kw).fit(sp.csr_matrix(X)))
    da = pytest.importorskip("dask.array")
    _assert_same_fit(mix, VonMisesFisherMixture(3, **kw).fit(da.from_array(X, chunks=(90, 6))))


def test_single_point_component_is_capped():
    rng = np.random.default_rng(8)
    d = 4
    X = np.concatenate([sample_vmf(np.eye(d)[0], 50.0, 100, rng), np.eye(d)[3:4]])
    mix = VonMisesFisherMixture(2, init=np.eye(d)[[0, 3]], assignment="hard").fit(X)
    cap = logbessel.iv_ratio_inv(d / 2 - 1, 1.0 - _MIN_ONE_MINUS_RBAR)
    assert mix.kappas_[1] == cap
    assert mix.weights_[1] == pytest.approx(1 / 101)
    assert np.all(np.isfinite(mix.score_samples(X)))


# --------------------------------------------------------------------------------------------
# Equivalence of the code paths
# --------------------------------------------------------------------------------------------


def _assert_same_fit(a, b, rtol=1e-12):
    assert a.n_iter_ == b.n_iter_
    np.testing.assert_allclose(np.asarray(a.weights_), np.asarray(b.weights_), rtol=rtol)
    np.testing.assert_allclose(np.asarray(a.kappas_), np.asarray(b.kappas_), rtol=rtol)
    np.testing.assert_allclose(np.asarray(a.means_), np.asarray(b.means_), rtol=0, atol=rtol)
    assert a.lower_bound_ == pytest.approx(b.lower_bound_, rel=rtol)


@pytest.mark.parametrize("assignment", ["soft", "hard"])
def test_chunked_equals_unchunked(overlapping, assignment):
    X, _, _ = overlapping
    kw = dict(assignment=assignment, random_state=0, bias_correction=True)
    whole = VonMisesFisherMixture(3, **kw).fit(X)
    chunked = VonMisesFisherMixture(3, chunk_size=37, **kw).fit(X)
    _assert_same_fit(whole, chunked)
    np.testing.assert_allclose(chunked.predict_proba(X), whole.predict_proba(X), rtol=1e-12, atol=1e-15)


def _sparse_text_like(n, d, nnz_per_row, k, seed):
    """Sparse non-negative rows (hashed-text-like): k topics, each a set of preferred columns."""
    rng = np.random.default_rng(seed)
    topics = [rng.choice(d, size=10, replace=False) for _ in range(k)]
    labels = rng.integers(k, size=n)
    rows, cols = [], []
    for i, lab in enumerate(labels):
        own = rng.choice(topics[lab], size=nnz_per_row - 2, replace=False)
        noise = rng.choice(d, size=2, replace=False)
        c = np.unique(np.concatenate([own, noise]))
        rows.append(np.full(c.size, i))
        cols.append(c)
    rows, cols = np.concatenate(rows), np.concatenate(cols)
    X = sp.csr_matrix((rng.random(rows.size) + 0.5, (rows, cols)), shape=(n, d))
    return X, labels


@pytest.mark.parametrize("assignment", ["soft", "hard"])
def test_sparse_equals_dense(assignment):
    X, labels = _sparse_text_like(400, 300, 6, 3, seed=9)
    kw = dict(assignment=assignment, random_state=0, normalize=True, chunk_size=150)
    dense = VonMisesFisherMixture(3, **kw).fit(X.toarray())
    sparse = VonMisesFisherMixture(3, **kw).fit(X)
    _assert_same_fit(dense, sparse)
    assert metrics.adjusted_rand_score(labels, sparse.predict(X)) == 1.0
    np.testing.assert_allclose(sparse.predict_proba(X), dense.predict_proba(X.toarray()),
                               rtol=1e-12, atol=1e-15)
    # scipy sparse arrays and other formats are accepted too (converted to CSR)
    np.testing.assert_array_equal(sparse.predict(sp.csr_array(X).tocoo()), sparse.predict(X))


def test_sparse_float32_equals_dense_float32():
    X, _ = _sparse_text_like(300, 200, 6, 3, seed=12)
    X = sp.csr_matrix(X.multiply(1.0 / np.sqrt(X.multiply(X).sum(axis=1)))).astype(np.float32)
    for assignment in ("soft", "hard"):
        kw = dict(assignment=assignment, random_state=0, chunk_size=100)
        dense = VonMisesFisherMixture(3, **kw).fit(X.toarray())
        _assert_same_fit(dense, VonMisesFisherMixture(3, **kw).fit(X))


def test_hard_sparse_large_kd_path(monkeypatch):
    # k d above the bincount limit: the sparse one-hot product path gives the same fit
    from logbessel.vmf import _mixture

    X, _ = _sparse_text_like(300, 200, 6, 3, seed=11)
    kw = dict(assignment="hard", random_state=0, normalize=True, chunk_size=100)
    ref = VonMisesFisherMixture(3, **kw).fit(X)
    monkeypatch.setattr(_mixture, "_CHUNK_ELEMENTS", 3 * 200 - 1)
    _assert_same_fit(ref, VonMisesFisherMixture(3, **kw).fit(X))


@pytest.mark.filterwarnings("ignore::logbessel.vmf._mixture.ConvergenceWarning")
def test_dask_equals_numpy(overlapping):
    da = pytest.importorskip("dask.array")
    X, _, _ = overlapping
    Xd = da.from_array(X, chunks=(130, 3))  # uneven row blocks, columns split (rechunked)
    # 12 iterations (one compute each) of a slowly converging fit: enough to compare the paths
    kw = dict(random_state=0, chunk_size=50, bias_correction=True, max_iter=12, tol=0.0)
    ref = VonMisesFisherMixture(3, **kw).fit(X)
    lazy = VonMisesFisherMixture(3, **kw).fit(Xd)
    _assert_same_fit(ref, lazy)
    for method in ("predict", "predict_proba", "score_samples"):
        out = getattr(lazy, method)(Xd)
        assert isinstance(out, da.Array)  # lazy
        np.testing.assert_allclose(out.compute(), getattr(ref, method)(X), rtol=1e-12)
    score = lazy.score(Xd)
    assert isinstance(score, da.Array)
    assert float(score.compute()) == pytest.approx(ref.score(X), rel=1e-12)


def test_dask_invalid_block_raises_at_compute():
    da = pytest.importorskip("dask.array")
    X = np.eye(3)[[0, 1, 2, 0]].astype(float)
    mix = VonMisesFisherMixture(2, init=np.eye(3)[:2]).fit(X)
    bad = X.copy()
    bad[3] *= 2.0
    lazy = mix.predict(da.from_array(bad, chunks=(2, 3)))
    with pytest.raises(ValueError, match="not unit vectors"):
        lazy.compute()


def test_float32_input(overlapping):
    X, _, _ = overlapping
    X32 = (X / np.linalg.norm(X, axis=1, keepdims=True)).astype(np.float32)
    a = VonMisesFisherMixture(3, random_state=0).fit(X32)
    b = VonMisesFisherMixture(3, random_state=0).fit(X32.astype(np.float64))
    _assert_same_fit(a, b)
    assert a.means_.dtype == np.float64 and a.score_samples(X32).dtype == np.float64


def test_cupy_equals_numpy(overlapping):
    cp = pytest.importorskip("cupy")
    try:
        if cp.cuda.runtime.getDeviceCount() < 1:
            pytest.skip("no CUDA device")
    except cp.cuda.runtime.CUDARuntimeError:
        pytest.skip("no CUDA device")
    X, _, _ = overlapping
    kw = dict(random_state=0, chunk_size=100)
    ref = VonMisesFisherMixture(3, **kw).fit(X)
    dev = VonMisesFisherMixture(3, **kw).fit(cp.asarray(X))
    assert isinstance(dev.means_, cp.ndarray)
    np.testing.assert_allclose(dev.kappas_, ref.kappas_, rtol=1e-10)
    np.testing.assert_allclose(cp.asnumpy(dev.means_), ref.means_, atol=1e-10)
    proba = dev.predict_proba(cp.asarray(X))
    assert isinstance(proba, cp.ndarray)
    np.testing.assert_allclose(cp.asnumpy(proba), ref.predict_proba(X), atol=1e-10)


# --------------------------------------------------------------------------------------------
# High dimension
# --------------------------------------------------------------------------------------------


def test_high_dimension():
    d = 100_000
    kappas = np.array([2e5, 3e5])
    X, labels, means = make_mixture(d, kappas, [30, 30], seed=10)
    mix = VonMisesFisherMixture(2, bias_correction=True, random_state=0).fit(X)
    assert np.isfinite(mix.lower_bound_) and np.all(np.isfinite(mix.kappas_))
    assert metrics.adjusted_rand_score(labels, mix.predict(X)) == 1.0
    perm = match(means, mix.means_)
    # bias-corrected Rbar^2 has sd ~ 2 A sqrt((1 - A^2)/n)/... ; in kappa ~ a few percent here
    np.testing.assert_allclose(mix.kappas_[perm], kappas, rtol=0.1)
    assert np.all(np.isfinite(mix.score_samples(X)))


# --------------------------------------------------------------------------------------------
# Sampling and input validation
# --------------------------------------------------------------------------------------------


def test_sample(separated):
    X, _, _ = separated
    mix = VonMisesFisherMixture(3, random_state=0).fit(X)
    Y, labels = mix.sample(3000, random_state=0)
    assert Y.shape == (3000, X.shape[1]) and labels.shape == (3000,)
    np.testing.assert_allclose(np.linalg.norm(Y, axis=1), 1.0, atol=1e-12)
    # component proportions: multinomial, 5 sd
    frac = np.bincount(labels, minlength=3) / 3000
    assert np.all(np.abs(frac - mix.weights_) < 5 * np.sqrt(mix.weights_ * (1 - mix.weights_) / 3000))
    # the fitted model labels its own samples correctly (separated components)
    assert metrics.adjusted_rand_score(labels, mix.predict(Y)) == 1.0
    # reproducible
    np.testing.assert_array_equal(mix.sample(10, random_state=1)[0], mix.sample(10, random_state=1)[0])


def test_estimator_protocol(separated, capsys):
    base = pytest.importorskip("sklearn.base")
    X, _, _ = separated
    mix = VonMisesFisherMixture(3, assignment="hard", n_init=2, random_state=0, verbose=True)
    copy = base.clone(mix)
    assert copy.get_params() == mix.get_params()
    copy.set_params(n_init=1)
    assert copy.n_init == 1
    with pytest.raises(ValueError, match="invalid parameter"):
        copy.set_params(n_clusters=3)
    mix.fit(X)
    out = capsys.readouterr().out
    assert "iteration 1:" in out and "init 2" in out
    assert "n_iter" in repr(mix)


def test_input_validation():
    X = np.eye(3)[[0, 1, 2, 0, 1, 2]]
    with pytest.raises(ValueError, match="2 row"):
        VonMisesFisherMixture(2).fit(X * np.array([1, 1, 1, 2, 2, 1])[:, None])
    fitted = VonMisesFisherMixture(2, normalize=True, random_state=0).fit(3.0 * X)
    assert np.all(np.isfinite(fitted.kappas_))
    with pytest.raises(ValueError, match="zero row"):
        VonMisesFisherMixture(2, normalize=True).fit(np.vstack([X, np.zeros(3)]))
    with pytest.raises(ValueError, match="nan or inf"):
        VonMisesFisherMixture(2).fit(np.vstack([X, [np.nan, 0, 0]]))
    with pytest.raises(ValueError, match="nan or inf"):
        VonMisesFisherMixture(2).fit(sp.csr_matrix(np.vstack([X, [np.inf, 0, 0]])))
    with pytest.raises(ValueError, match="2-D"):
        VonMisesFisherMixture(2).fit(X[0])
    with pytest.raises(ValueError, match="d >= 2"):
        VonMisesFisherMixture(2).fit(np.ones((4, 1)))
    with pytest.raises(ValueError, match="n_components"):
        VonMisesFisherMixture(7).fit(X)
    with pytest.raises(TypeError, match="real"):
        VonMisesFisherMixture(2).fit(X.astype(complex))
    for bad in (dict(n_components=0), dict(n_components=2, assignment="fuzzy"),
                dict(n_components=2, tol=-1.0),
                dict(n_components=2, init="kmeans"), dict(n_components=2, chunk_size=0),
                dict(n_components=2, max_iter=0), dict(n_components=2.5)):
        with pytest.raises(ValueError):
            VonMisesFisherMixture(**bad).fit(X)
    with pytest.raises(ValueError, match="shape"):
        VonMisesFisherMixture(2, init=np.eye(3)).fit(X)
    with pytest.raises(RuntimeError, match="not fitted"):
        VonMisesFisherMixture(2).predict(X)
    with pytest.raises(ValueError, match="features"):
        fitted.predict(np.eye(4))
