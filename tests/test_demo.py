"""The bundled WordNet data set and ``logbessel demo --quick``."""

from __future__ import annotations

import numpy as np
import pytest

import logbessel
from logbessel.datasets import load_wordnet_glosses

pytest.importorskip("sklearn")
pytest.importorskip("matplotlib")
pytest.importorskip("tqdm")
pytest.importorskip("scipy")


@pytest.fixture(scope="module")
def wordnet():
    return load_wordnet_glosses()


def test_wordnet_counts(wordnet):
    texts, labels, names = wordnet
    assert len(texts) == labels.size == 117_659  # synsets in WordNet 3.0
    assert len(names) == 45 and len(set(names)) == 45  # lexicographer files 00..44
    assert labels.dtype == np.int64 and labels.min() == 0 and labels.max() == 44
    assert np.all(np.bincount(labels, minlength=45) > 0)
    # synsets per part of speech (data.noun, data.verb, data.adj, data.adv)
    pos = np.array([name.split(".")[0] for name in names])[labels]
    assert [int(np.sum(pos == p)) for p in ("noun", "verb", "adj", "adv")] == [82_115, 13_767, 18_156, 3_621]
    assert names[5] == "noun.animal" and names[38] == "verb.motion" and names[44] == "adj.ppl"
    assert names[labels[0]] == "noun.Tops"
    assert texts[0].startswith("that which is perceived or known or inferred")
    assert all(text and "\t" not in text and "\n" not in text for text in texts)


def test_wordnet_licence_is_bundled():
    from importlib import resources

    text = (resources.files("logbessel") / "data" / "WORDNET_LICENSE").read_text(encoding="utf-8")
    assert "WordNet 3.0 Copyright 2006 by Princeton University" in text
    assert "Permission to use, copy, modify and distribute" in text


def test_hash_folding_equals_direct_hashing(wordnet):
    """Hashing once into 2^15 and folding gives exactly HashingVectorizer's 2^11 / 2^13 vectors."""
    from sklearn.feature_extraction.text import HashingVectorizer

    from logbessel.demo import hash_glosses

    all_texts = wordnet[0]
    # 1,213 glosses spread over the four parts of speech, and two made of (scikit-learn's) stop words
    texts = all_texts[::97] + [all_texts[24231], all_texts[35170]]
    assert texts[-2:] == ["the whole amount", "a bill for an amount due"]
    hashed, kept = hash_glosses(texts, (2**11, 2**13, 2**15))
    for d, X in hashed.items():
        direct = HashingVectorizer(n_features=d, norm="l2", alternate_sign=False,
                                   stop_words="english").transform(texts)
        assert np.all(np.diff(direct.indptr)[kept] > 0)
        assert abs(X - direct[kept]).max() < 1e-15
        np.testing.assert_allclose(np.sqrt(np.asarray(X.multiply(X).sum(axis=1)).ravel()), 1.0, rtol=1e-14)
    dropped = np.setdiff1d(np.arange(len(texts)), kept)  # no token left: no direction, left out
    assert dropped.tolist() == [len(texts) - 2, len(texts) - 1]


@pytest.fixture(scope="module")
def quick_run(tmp_path_factory):
    """``logbessel --quick`` through the CLI (no command: the demo is the default): exit status,
    printed report, plot path."""
    import contextlib
    import io

    from logbessel.cli import main

    out = tmp_path_factory.mktemp("demo") / "plot.png"
    buffer = io.StringIO()
    with contextlib.redirect_stdout(buffer):
        rc = main(["--quick", "--no-progress", "--out", str(out)])
    return rc, buffer.getvalue(), out


def _table_rows(text: str) -> list[str]:
    """The per-category and per-component rows of the report (no timings in them)."""
    return [line for line in text.splitlines() if line.startswith("  ")]  # timings are on unindented lines


def test_demo_quick_runs_and_writes_png(quick_run):
    rc, text, out = quick_run
    assert rc == 0
    assert out.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and out.stat().st_size > 10_000
    for d in (2048, 8192, 32768):
        assert f"d = {d} (nu = {d // 2 - 1})" in text
    assert "adjusted Rand index" in text and "NMI" in text
    assert f"plot written to {out.resolve()}" in text


def test_demo_quick_results(quick_run):
    """The numbers behind the report: logbessel's kappa solves the MLE equation on every
    category, agrees with SciPy at d = 64 where SciPy's fit works, the bias-corrected kappa is
    below the plain one, and the same seed gives the same report."""
    import io

    from logbessel import demo

    result = demo.compute(quick=True, seed=0, progress=False)
    k = demo.QUICK_CATEGORIES
    assert len(result.names) == k
    for res in result.dims:
        nu = res.dim / 2 - 1
        np.testing.assert_allclose(logbessel.iv_ratio(nu, res.kappa), res.rbar, rtol=1e-10)
        assert np.all(res.kappa_bc < res.kappa) and np.all(res.kappa_sub_bc < res.kappa_sub)
        assert np.all(res.n == demo.QUICK_ROWS) and np.all(res.sub_n == demo.QUICK_SCIPY_ROWS)
    ctl = result.control
    np.testing.assert_allclose(ctl.kappa_sub, ctl.kappa_scipy, rtol=1e-6)
    mix = result.mixture
    assert mix["clusters"].shape == mix["labels"].shape == (result.n_glosses - result.n_dropped,)
    assert mix["sizes"].sum() == mix["clusters"].size and mix["k"] == k
    assert 0.0 < mix["nmi"] <= 1.0 and -1.0 <= mix["ari"] <= 1.0
    assert 1.0 / k <= mix["purity"] <= 1.0
    # deterministic: this run's report has the same tables as the CLI run's
    text = io.StringIO()
    demo.report(result, quick=True, out=text)
    rows = _table_rows(text.getvalue())
    assert len(rows) > 3 * (demo.SHOWN + 1)
    assert rows == _table_rows(quick_run[1])


def test_demo_bad_out_exit_2(tmp_path, capsys):
    from logbessel.cli import main

    rc = main(["demo", "--quick", "--out", str(tmp_path / "missing" / "plot.png")])
    err = capsys.readouterr().err
    assert rc == 2 and "does not exist" in err and "Traceback" not in err
    rc = main(["demo", "--quick", "--out", str(tmp_path)])
    assert rc == 2 and "is a directory" in capsys.readouterr().err
