"""``logbessel demo``: von Mises-Fisher fits of real text data in 2048 to 32768 dimensions.

The data: the 117,659 WordNet 3.0 glosses bundled with the package
(:func:`logbessel.datasets.load_wordnet_glosses`), each labelled with one of 45 lexicographer
categories (``noun.animal``, ``verb.motion``, ...). Each gloss becomes a term-frequency vector
hashed into d = 2^11, 2^13 and 2^15 dimensions (scikit-learn's ``HashingVectorizer`` with
``alternate_sign=False`` and English stop words removed), normalised to unit length: a point on
the sphere S^{d-1}. Glosses made only of stop words (71 with scikit-learn's broad English list,
e.g. "the whole amount") have no direction and are left out.

What it does and prints:

1. per dimension, a vMF distribution fitted to each category (:func:`logbessel.vmf.fit` on the
   sparse rows, plain maximum likelihood and bias-corrected), and next to it SciPy's
   ``scipy.stats.vonmises_fisher.fit`` and logbessel's fit on the same per-category subsample
   (SciPy needs dense input: 200 rows per category). SciPy's root bracket starts at
   kappa = 1e-8, where its Bessel ratio is 0/0 for d >= 80, so it returns kappa = 1e-8 at all
   three dimensions; a control at d = 64, where SciPy's fit works, shows both agree there;
2. a mixture of 45 vMF distributions (:class:`logbessel.vmf.VonMisesFisherMixture`, soft EM)
   fitted to all glosses at d = 2^13 without the labels (30 EM iterations, about 10 s on two
   cores; whether EM converged is reported), and its agreement with the 45 categories and with
   the 4 parts of speech (adjusted Rand index, normalised mutual information, purity), with the
   main category of the most concentrated components;
3. wall times of every step, and a PNG plot (kappa per category, logbessel against SciPy,
   and the mixture's clusters against the categories).

Everything is seeded: the same seed gives the same subsamples, mixture and output.
``--quick`` runs the same steps on 40 glosses of each of the 12 largest categories (k = 12),
in a few seconds, for tests.
"""

from __future__ import annotations

import sys
import time
import warnings
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import scipy.sparse as sp
from sklearn.feature_extraction.text import HashingVectorizer
from sklearn.metrics import adjusted_rand_score, normalized_mutual_info_score
from sklearn.preprocessing import normalize as l2_normalize
from tqdm import tqdm

from . import vmf
from .datasets import load_wordnet_glosses
from .vmf._mixture import ConvergenceWarning

__all__ = ["run", "compute", "hash_glosses"]

#: The dimensions of the demo: 2^11, 2^13, 2^15 (nu = d/2 - 1 = 1023, 4095, 16383).
DIMS = (2**11, 2**13, 2**15)
#: Control dimension where SciPy's fit still works (it fails for every d >= 80).
CONTROL_DIM = 64
#: Rows per category in the dense subsample handed to SciPy (200 x 32768 float64 = 52 MB). At
#: d = 32768 SciPy's fit of one such array takes ~0.3 s on a busy 2-core machine, the largest
#: item of the demo's time budget (about a minute in all).
SCIPY_ROWS = 200
#: Dimension and size of the mixture fit.
MIXTURE_DIM = 2**13
MIXTURE_K = 45
MIXTURE_MAX_ITER = 30
#: --quick: categories (the largest; also the mixture's k), glosses per category, SciPy subsample
#: size, mixture iterations.
QUICK_CATEGORIES = 12
QUICK_ROWS = 40
QUICK_SCIPY_ROWS = 20
QUICK_MAX_ITER = 10
#: Rows shown in the printed tables (the largest categories, the most concentrated components);
#: the summary lines cover all of them.
SHOWN = 10


@dataclass
class DimResult:
    """Per-category fits at one dimension."""

    dim: int
    n: np.ndarray  # rows per category
    rbar: np.ndarray  # mean resultant length (all rows)
    kappa: np.ndarray  # logbessel MLE (all rows, sparse)
    kappa_bc: np.ndarray  # logbessel bias-corrected (all rows)
    sub_n: np.ndarray  # rows in the dense subsample
    kappa_sub: np.ndarray  # logbessel on the subsample (dense, the array SciPy gets)
    kappa_sub_bc: np.ndarray  # logbessel bias-corrected on the subsample
    kappa_scipy: np.ndarray  # SciPy on the subsample
    seconds_fit: float  # logbessel, all rows, MLE + bias-corrected, all categories
    seconds_sub: float  # logbessel on the subsamples
    seconds_scipy: float  # SciPy on the subsamples


@dataclass
class DemoResult:
    names: list[str]
    n_glosses: int
    n_dropped: int
    seconds: dict[str, float] = field(default_factory=dict)
    dims: list[DimResult] = field(default_factory=list)
    control: DimResult | None = None
    mixture: dict = field(default_factory=dict)


def _bar(iterable=None, *, progress: bool, **kw):
    """A tqdm progress bar on stderr (disabled when `progress` is False)."""
    return tqdm(iterable, file=sys.stderr, disable=not progress, leave=False, dynamic_ncols=True, **kw)


def hash_glosses(texts: list[str], dims, *, progress: bool = False, chunk: int = 8192) -> tuple[dict, np.ndarray]:
    """Term counts of `texts` hashed into each of `dims` (powers of two), rows L2-normalised.

    The texts are tokenised and hashed once, into the largest dimension; the smaller ones are
    obtained by folding columns (j -> j mod d). HashingVectorizer's column is
    |murmurhash3(token)| mod n_features, and for powers of two (h mod 2^15) mod 2^13 =
    h mod 2^13, so the folded counts equal ``HashingVectorizer(n_features=d)`` exactly.

    Returns ({d: CSR matrix of the kept rows}, kept) where `kept` are the indices of the texts
    with at least one token (the others have no direction on the sphere).
    """
    dims = sorted(dims)
    largest = dims[-1]
    if any(largest % d for d in dims):
        raise ValueError("dims must be powers of two")
    vectorizer = HashingVectorizer(n_features=largest, norm=None, alternate_sign=False,
                                   stop_words="english", dtype=np.float64)
    blocks = [vectorizer.transform(texts[i:i + chunk])
              for i in _bar(range(0, len(texts), chunk), progress=progress, desc="hashing glosses", unit="chunk")]
    counts = sp.vstack(blocks, format="csr")
    kept = np.flatnonzero(np.diff(counts.indptr) > 0)
    counts = counts[kept]
    out = {}
    for d in dims:
        folded = sp.csr_matrix((counts.data.copy(), counts.indices % d, counts.indptr.copy()),
                               shape=(counts.shape[0], d))
        folded.sum_duplicates()
        out[d] = l2_normalize(folded, norm="l2", copy=False)
    return out, kept


def _fit_dimension(X: sp.csr_matrix, bounds: np.ndarray, sub_rows: list[np.ndarray], *, progress: bool,
                   desc: str) -> DimResult:
    """vMF per category (rows bounds[c]:bounds[c+1] of X), logbessel on all rows and on the
    subsample, SciPy on the subsample."""
    from scipy.stats import vonmises_fisher

    k = len(bounds) - 1
    n = np.diff(bounds)
    rbar, kappa, kappa_bc = np.empty(k), np.empty(k), np.empty(k)
    sub_n = np.array([r.size for r in sub_rows])
    kappa_sub, kappa_sub_bc, kappa_scipy = np.empty(k), np.empty(k), np.empty(k)
    t_fit = t_sub = t_scipy = 0.0
    for c in _bar(range(k), progress=progress, desc=desc, unit="category"):
        rows = X[bounds[c]:bounds[c + 1]]
        t0 = time.perf_counter()
        est = vmf.fit(rows)
        est_bc = vmf.fit(rows, bias_correction=True)
        t_fit += time.perf_counter() - t0
        rbar[c], kappa[c], kappa_bc[c] = est.mean_resultant, est.kappa, est_bc.kappa

        sub = rows[sub_rows[c]]
        kappa_sub_bc[c] = vmf.fit(sub, bias_correction=True).kappa  # sparse: fast
        dense = sub.toarray()
        t0 = time.perf_counter()
        kappa_sub[c] = vmf.fit(dense).kappa
        t_sub += time.perf_counter() - t0
        t0 = time.perf_counter()
        # SciPy's Bessel ratio is 0/0 at its bracket end for d >= 80 (RuntimeWarning): silenced
        with warnings.catch_warnings(), np.errstate(all="ignore"):
            warnings.simplefilter("ignore", RuntimeWarning)
            _, kappa_scipy[c] = vonmises_fisher.fit(dense)
        t_scipy += time.perf_counter() - t0
    return DimResult(X.shape[1], n, rbar, kappa, kappa_bc, sub_n, kappa_sub, kappa_sub_bc, kappa_scipy,
                     t_fit, t_sub, t_scipy)


def _fit_mixture(X: sp.csr_matrix, labels: np.ndarray, pos: np.ndarray, *, k: int, max_iter: int, seed: int,
                 progress: bool) -> dict:
    """Soft-EM vMF mixture on X (no labels), and its agreement with the categories and POS."""
    bar = _bar(total=max_iter, progress=progress, desc=f"vMF mixture, k = {k}, d = {X.shape[1]}", unit="EM it")

    def on_iteration(iteration, lower_bound):
        bar.update(1)
        bar.set_postfix(lower_bound=f"{float(lower_bound):.6g}", refresh=False)

    model = vmf.VonMisesFisherMixture(k, assignment="soft", max_iter=max_iter, random_state=seed,
                                      callback=on_iteration)
    t0 = time.perf_counter()
    with warnings.catch_warnings():  # stopping at max_iter is reported in the table
        warnings.simplefilter("ignore", ConvergenceWarning)
        model.fit(X)
    clusters = np.asarray(model.predict(X))
    seconds = time.perf_counter() - t0
    bar.close()
    # contingency table clusters x categories: each cluster's main category and its share
    table = np.zeros((k, int(labels.max()) + 1), dtype=np.int64)
    np.add.at(table, (clusters, labels), 1)
    sizes = table.sum(axis=1)
    return {
        "dim": X.shape[1],
        "n": X.shape[0],
        "k": k,
        "n_iter": int(model.n_iter_),
        "max_iter": max_iter,
        "converged": bool(model.converged_),
        "lower_bound": float(model.lower_bound_),
        "kappas": np.asarray(model.kappas_, dtype=np.float64),
        "weights": np.asarray(model.weights_, dtype=np.float64),
        "clusters": clusters,
        "labels": labels,
        "sizes": sizes,
        "main_category": np.argmax(table, axis=1),
        "main_share": table.max(axis=1) / np.maximum(sizes, 1),
        "purity": float(table.max(axis=1).sum() / labels.size),
        "ari": float(adjusted_rand_score(labels, clusters)),
        "nmi": float(normalized_mutual_info_score(labels, clusters)),
        "ari_pos": float(adjusted_rand_score(pos, clusters)),
        "nmi_pos": float(normalized_mutual_info_score(pos, clusters)),
        "seconds": seconds,
    }


def compute(*, quick: bool = False, seed: int = 0, progress: bool = True) -> DemoResult:
    """Run the demo's computations (no printing, no plot); see the module docstring."""
    t_start = time.perf_counter()
    texts, labels, names = load_wordnet_glosses()
    rng = np.random.default_rng(seed)
    if quick:  # the QUICK_CATEGORIES largest categories, QUICK_ROWS glosses of each drawn with the seed
        chosen = np.sort(np.argsort(-np.bincount(labels), kind="stable")[:QUICK_CATEGORIES])
        take = np.concatenate([np.sort(rng.choice(np.flatnonzero(labels == c), QUICK_ROWS, replace=False))
                               for c in chosen])
        texts = [texts[i] for i in take]
        labels = np.searchsorted(chosen, labels[take])  # renumbered 0 .. QUICK_CATEGORIES - 1
        names = [names[c] for c in chosen]
    result = DemoResult(names=names, n_glosses=len(texts), n_dropped=0)
    result.seconds["load"] = time.perf_counter() - t_start

    t0 = time.perf_counter()
    hashed, kept = hash_glosses(texts, (CONTROL_DIM, *DIMS), progress=progress)
    labels = labels[kept]
    result.n_dropped = len(texts) - kept.size
    # categories as contiguous row ranges: sort once by label (stable, so the order is kept)
    order = np.argsort(labels, kind="stable")
    labels = labels[order]
    hashed = {d: X[order] for d, X in hashed.items()}
    bounds = np.searchsorted(labels, np.arange(len(names) + 1))
    result.seconds["hash"] = time.perf_counter() - t0

    scipy_rows = QUICK_SCIPY_ROWS if quick else SCIPY_ROWS
    sub_rows = [np.sort(rng.choice(m, min(scipy_rows, m), replace=False)) for m in np.diff(bounds)]
    t0 = time.perf_counter()
    for d in (CONTROL_DIM, *DIMS):
        res = _fit_dimension(hashed[d], bounds, sub_rows, progress=progress, desc=f"vMF per category, d = {d}")
        if d == CONTROL_DIM:
            result.control = res
        else:
            result.dims.append(res)
    result.seconds["fits"] = time.perf_counter() - t0

    pos_of_category = np.array([["noun", "verb", "adj", "adv"].index(name.split(".")[0]) for name in names])
    result.mixture = _fit_mixture(hashed[MIXTURE_DIM], labels, pos_of_category[labels],
                                  k=QUICK_CATEGORIES if quick else MIXTURE_K,
                                  max_iter=QUICK_MAX_ITER if quick else MIXTURE_MAX_ITER, seed=seed,
                                  progress=progress)
    result.seconds["mixture"] = result.mixture["seconds"]
    result.seconds["total"] = time.perf_counter() - t_start
    return result


# ----------------------------------------------------------------------------------------------
# report
# ----------------------------------------------------------------------------------------------
def _rel_diff(a: np.ndarray, b: np.ndarray) -> float:
    return float(np.max(np.abs(a - b) / np.abs(b)))


def report(result: DemoResult, *, quick: bool, out=None) -> None:
    """Print the tables of `result` (to `out`, default sys.stdout)."""
    names = result.names
    out = sys.stdout if out is None else out

    def say(line: str = "") -> None:
        print(line, file=out)

    say(f"logbessel vMF demo: WordNet 3.0 glosses{' (--quick subset)' if quick else ''}, "
        f"{result.n_glosses:,} glosses in {len(names)} categories "
        f"({result.n_dropped} with only stop words left out)")
    say("term counts hashed into d dimensions (HashingVectorizer, English stop words removed), rows on S^{d-1};")
    say("per category: Rbar = mean resultant length, kappa = maximum-likelihood concentration (logbessel.vmf.fit")
    say("on the sparse rows), kappa_bc = bias-corrected; right of '|': a random subsample of the category as a")
    say("dense array, fitted by logbessel (MLE and bias-corrected) and by scipy.stats.vonmises_fisher.fit")
    largest = np.argsort(-result.dims[0].n, kind="stable")[:SHOWN]
    for res in result.dims:
        say()
        say(f"d = {res.dim} (nu = {res.dim // 2 - 1}): logbessel {res.seconds_fit:.2f} s for all rows "
            f"(MLE + bias-corrected, {len(names)} categories); on the subsamples logbessel "
            f"{res.seconds_sub:.2f} s, SciPy {res.seconds_scipy:.2f} s")
        say(f"  {'category':<20}{'n':>7}{'Rbar':>8}{'kappa':>10}{'kappa_bc':>10}  |{'sub n':>6}{'kappa':>10}"
            f"{'kappa_bc':>10}{'SciPy':>8}")
        for c in largest:
            say(f"  {names[c]:<20}{res.n[c]:>7}{res.rbar[c]:>8.4f}{res.kappa[c]:>10.5g}{res.kappa_bc[c]:>10.5g}  |"
                f"{res.sub_n[c]:>6}{res.kappa_sub[c]:>10.5g}{res.kappa_sub_bc[c]:>10.5g}{res.kappa_scipy[c]:>8.3g}")
        fails = int(np.sum(res.kappa_scipy <= 1e-6))
        say(f"  all {len(names)}: kappa {np.min(res.kappa):.4g} .. {np.max(res.kappa):.4g} "
            f"(median {np.median(res.kappa):.4g}), bias-corrected median {np.median(res.kappa_bc):.4g}; "
            f"SciPy returned kappa <= 1e-6 for {fails} of {len(names)}")
        gap = np.median(np.abs(res.kappa_sub / res.kappa - 1))
        gap_bc = np.median(np.abs(res.kappa_sub_bc / res.kappa_bc - 1))
        say(f"  subsample vs all rows, median relative gap: MLE {gap:.1%}, bias-corrected {gap_bc:.1%} "
            f"(the MLE's upward bias grows as n shrinks at fixed d)")
    ctl = result.control
    if ctl is not None:
        say()
        say(f"control at d = {ctl.dim}, where SciPy's fit works: kappa on the subsamples, max relative difference "
            f"logbessel vs SciPy over {len(names)} categories = {_rel_diff(ctl.kappa_sub, ctl.kappa_scipy):.2g}")
    mix = result.mixture
    say()
    state = "converged" if mix["converged"] else f"stopped at max_iter = {mix['max_iter']}"
    say(f"vMF mixture (soft EM), k = {mix['k']}, d = {mix['dim']}, all {mix['n']:,} glosses, labels unused: "
        f"{mix['n_iter']} iterations ({state}), {mix['seconds']:.1f} s, "
        f"mean log-likelihood {mix['lower_bound']:.6g}")
    say(f"  agreement with the {len(names)} categories: adjusted Rand index {mix['ari']:.3f}, "
        f"NMI {mix['nmi']:.3f}, purity {mix['purity']:.3f}")
    say(f"  agreement with the 4 parts of speech:  adjusted Rand index {mix['ari_pos']:.3f}, "
        f"NMI {mix['nmi_pos']:.3f}")
    sizes, kappas = mix["sizes"], mix["kappas"]
    broad = int(np.argmax(sizes))
    others = np.delete(kappas, broad)
    diffuse = "diffuse, " if others.size and kappas[broad] < np.min(others) else ""
    say(f"  largest component: {diffuse}kappa {kappas[broad]:.4g} (median of all {np.median(kappas):.4g}), "
        f"{sizes[broad]:,} glosses ({sizes[broad] / mix['n']:.0%}), main category "
        f"{names[mix['main_category'][broad]]} ({mix['main_share'][broad]:.0%})")
    min_size = max(5, mix["n"] // 1000)
    say(f"  the most concentrated components (at least {min_size} glosses) and their main category:")
    say(f"    {'kappa':>8}{'size':>7}  {'main category':<20}{'share':>6}")
    tight = [j for j in np.argsort(-kappas, kind="stable") if sizes[j] >= min_size][:SHOWN]
    for j in tight:
        say(f"    {kappas[j]:>8.4g}{sizes[j]:>7}  {names[mix['main_category'][j]]:<20}{mix['main_share'][j]:>6.0%}")
    s = result.seconds
    say()
    say(f"wall time: load {s['load']:.1f} s, hashing {s['hash']:.1f} s, per-category fits {s['fits']:.1f} s, "
        f"mixture {s['mixture']:.1f} s; total {s['total']:.1f} s")


def plot(result: DemoResult, path: Path) -> Path:
    """Write the PNG: kappa per category (logbessel and SciPy), and clusters vs categories."""
    import matplotlib

    matplotlib.use("Agg", force=True)
    import matplotlib.pyplot as plt

    names = result.names
    order = np.argsort(-result.dims[0].n, kind="stable")
    x = np.arange(len(names))
    fig, (ax_k, ax_s, ax_m) = plt.subplots(1, 3, figsize=(19, 6.2), gridspec_kw={"width_ratios": [2.2, 1, 1.2]})
    colors = plt.get_cmap("viridis")(np.linspace(0.0, 0.8, len(result.dims)))
    for res, color in zip(result.dims, colors):
        ax_k.plot(x, res.kappa[order], "o-", color=color, ms=4, label=f"logbessel, d = {res.dim}")
        ax_k.plot(x, res.kappa_bc[order], ":", color=color, lw=1.2, label=f"  bias-corrected, d = {res.dim}")
        ax_k.plot(x, res.kappa_scipy[order], "x", color=color, ms=6, label=f"SciPy (subsample), d = {res.dim}")
    ax_k.set_yscale("log")
    ax_k.set_ylim(bottom=1e-9)
    ax_k.set_xticks(x, [names[c] for c in order], rotation=90, fontsize=7)
    ax_k.set_ylabel("kappa")
    ax_k.set_title("vMF concentration per WordNet category (largest first)")
    ax_k.legend(fontsize=7, ncol=3, loc="center left")

    for res, color in zip([result.control, *result.dims], ["tab:red", *colors]):
        ax_s.loglog(res.kappa_sub, res.kappa_scipy, "o", color=color, ms=4, label=f"d = {res.dim}")
    lo = min(np.min(r.kappa_sub) for r in [result.control, *result.dims])
    hi = max(np.max(r.kappa_sub) for r in [result.control, *result.dims])
    ax_s.plot([lo, hi], [lo, hi], "k--", lw=0.8, label="equal")
    ax_s.set_xlabel("logbessel kappa (same subsample)")
    ax_s.set_ylabel("scipy.stats.vonmises_fisher.fit kappa")
    ax_s.set_title("logbessel vs SciPy on the same data")
    ax_s.legend(fontsize=8)

    mix = result.mixture
    k = mix["k"]
    table = np.zeros((len(names), k))
    np.add.at(table, (mix["labels"], mix["clusters"]), 1.0)
    table /= np.maximum(table.sum(axis=0, keepdims=True), 1.0)  # composition of each component
    col_order = np.argsort(np.argmax(table[order], axis=0), kind="stable")  # by main category
    im = ax_m.imshow(table[np.ix_(order, col_order)], aspect="auto", cmap="Greys", vmin=0, vmax=1,
                     interpolation="nearest")
    ax_m.set_yticks(x, [names[c] for c in order], fontsize=6)
    ax_m.set_xlabel("mixture component (ordered by main category)")
    ax_m.set_title(f"vMF mixture, k = {k}, d = {mix['dim']}, no labels used\n"
                   f"ARI {mix['ari']:.3f}, NMI {mix['nmi']:.3f}", fontsize=10)
    fig.colorbar(im, ax=ax_m, fraction=0.05, label="share of the component's glosses")
    # fixed margins (tight_layout would render the figure twice)
    fig.subplots_adjust(left=0.05, right=0.96, bottom=0.27, top=0.92, wspace=0.3)
    path = Path(path)
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return path


def run(*, quick: bool = False, out: str | Path = "logbessel-demo.png", seed: int = 0, progress: bool = True) -> int:
    """The ``logbessel demo`` command: compute, print the report, write the plot to `out`."""
    result = compute(quick=quick, seed=seed, progress=progress)
    report(result, quick=quick)
    path = plot(result, Path(out))
    print(f"plot written to {path.resolve()}")
    return 0
