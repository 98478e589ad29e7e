"""The command-line interface: ``logbessel fit`` / ``mixture`` on small files in every format,
``--json`` output, and bad input ending with a one-line message and exit status 2."""

from __future__ import annotations

import json
import subprocess
import sys

import numpy as np
import pytest

import logbessel
from logbessel.cli import main


def _unit_rows(rng: np.random.Generator, n: int, d: int, direction: np.ndarray, spread: float) -> np.ndarray:
    X = direction + spread * rng.standard_normal((n, d))
    return X / np.linalg.norm(X, axis=1, keepdims=True)


@pytest.fixture(scope="module")
def points() -> np.ndarray:
    """200 unit vectors in d = 5 around e_1."""
    rng = np.random.default_rng(1)
    direction = np.zeros(5)
    direction[0] = 1.0
    return _unit_rows(rng, 200, 5, direction, 0.6)


@pytest.fixture(scope="module")
def two_clusters() -> tuple[np.ndarray, np.ndarray]:
    """Two tight clusters in d = 4, around e_1 (120 rows) and e_2 (80 rows), and their labels."""
    rng = np.random.default_rng(2)
    eye = np.eye(4)
    X = np.vstack([_unit_rows(rng, 120, 4, eye[0], 0.15), _unit_rows(rng, 80, 4, eye[1], 0.15)])
    return X, np.repeat([0, 1], [120, 80])


def _write(path, X: np.ndarray, fmt: str):
    if fmt == "npy":
        np.save(path, X)
    elif fmt == "npz":
        np.savez(path, first=X, other=np.zeros((2, 2)))
    elif fmt == "csv":
        np.savetxt(path, X, delimiter=",", fmt="%.17g")
    elif fmt == "csv-header":
        np.savetxt(path, X, delimiter=",", fmt="%.17g", header=",".join(f"x{j}" for j in range(X.shape[1])),
                   comments="")
    return path


def _run(capsys, *argv) -> tuple[int, str, str]:
    rc = main([str(a) for a in argv])
    captured = capsys.readouterr()
    return rc, captured.out, captured.err


def _expected_fit(X: np.ndarray) -> tuple[np.ndarray, float]:
    """Mean direction and mean resultant length, computed here with numpy."""
    s = X.sum(axis=0)
    return s / np.linalg.norm(s), float(np.linalg.norm(s) / X.shape[0])


@pytest.mark.parametrize("fmt", ["npy", "npz", "csv", "csv-header"])
def test_fit_json_each_format(tmp_path, capsys, points, fmt):
    path = _write(tmp_path / f"x.{fmt.split('-')[0]}", points, fmt)
    rc, out, err = _run(capsys, "fit", path, "--json")
    assert rc == 0, err
    res = json.loads(out)
    n, d = points.shape
    assert (res["n"], res["dim"]) == (n, d)
    mu, rbar = _expected_fit(points)
    np.testing.assert_allclose(res["mu"], mu, rtol=0, atol=1e-12)
    assert res["mean_resultant_length"] == pytest.approx(rbar, rel=1e-12)
    # kappa solves A_d(kappa) = Rbar (the MLE equation), checked with the forward ratio
    assert float(logbessel.iv_ratio(d / 2 - 1, res["kappa"])) == pytest.approx(rbar, rel=1e-12)
    assert res["bias_corrected"] is False
    assert res["mu_norm"] == pytest.approx(1.0, abs=1e-12)


def test_fit_text_output(tmp_path, capsys, points):
    path = _write(tmp_path / "x.npy", points, "npy")
    rc, out, err = _run(capsys, "fit", path)
    assert rc == 0, err
    assert f"n = {points.shape[0]} rows, d = {points.shape[1]}" in out
    kappa = float(out.split("kappa = ")[1].split()[0])
    _, rbar = _expected_fit(points)
    assert float(logbessel.iv_ratio(points.shape[1] / 2 - 1, kappa)) == pytest.approx(rbar, rel=1e-8)
    assert "|mu| = 1.000000" in out


def test_fit_npz_key(tmp_path, capsys, points):
    path = tmp_path / "two.npz"
    np.savez(path, a=points[:50], b=points[50:])
    rc, out, _ = _run(capsys, "fit", path, "--key", "b", "--json")
    assert rc == 0
    assert json.loads(out)["n"] == 150
    rc, out, _ = _run(capsys, "fit", path, "--json")  # default: the first array
    assert json.loads(out)["n"] == 50


def test_fit_normalize_and_bias_correction(tmp_path, capsys, points):
    scaled = points * np.linspace(0.5, 3.0, points.shape[0])[:, None]
    path = _write(tmp_path / "scaled.npy", scaled, "npy")
    rc, _, err = _run(capsys, "fit", path)
    assert rc == 2 and "logbessel fit: error:" in err and "--normalize" in err  # rows are not unit vectors
    rc, _, err = _run(capsys, "mixture", path, "-k", 2)
    assert rc == 2 and "logbessel mixture: error:" in err and "--normalize" in err
    rc, out, err = _run(capsys, "fit", path, "--normalize", "--json")
    assert rc == 0, err
    plain = json.loads(out)
    _, rbar = _expected_fit(points)
    assert plain["mean_resultant_length"] == pytest.approx(rbar, rel=1e-12)
    rc, out, _ = _run(capsys, "fit", path, "--normalize", "--bias-correction", "--json")
    corrected = json.loads(out)
    assert corrected["bias_corrected"] is True
    n, d = points.shape
    # the corrected kappa solves A_d(kappa)^2 = (n Rbar^2 - 1) / (n - 1)
    target = (n * rbar**2 - 1) / (n - 1)
    assert float(logbessel.iv_ratio(d / 2 - 1, corrected["kappa"])) ** 2 == pytest.approx(target, rel=1e-10)
    assert corrected["kappa"] < plain["kappa"]


@pytest.mark.parametrize("fmt", ["npy", "csv"])
@pytest.mark.parametrize("assignment", ["soft", "hard"])
def test_mixture_json(tmp_path, capsys, two_clusters, fmt, assignment):
    X, _ = two_clusters
    path = _write(tmp_path / f"c.{fmt}", X, fmt)
    rc, out, err = _run(capsys, "mixture", path, "-k", 2, "--assignment", assignment, "--seed", 3, "--json")
    assert rc == 0, err
    res = json.loads(out)
    assert (res["n"], res["dim"], res["k"], res["assignment"]) == (200, 4, 2, assignment)
    assert sorted(res["sizes"]) == [80, 120]  # well separated: every row in its own cluster
    assert sorted(res["weights"]) == pytest.approx([0.4, 0.6], abs=1e-3)
    assert sum(res["weights"]) == pytest.approx(1.0, abs=1e-12)
    assert all(k > 20 for k in res["kappas"])
    means = np.array(res["means"])
    assert means.shape == (2, 4)
    np.testing.assert_allclose(np.linalg.norm(means, axis=1), 1.0, atol=1e-12)
    # each mean points at its cluster's axis (e_1 or e_2)
    assert sorted(np.argmax(means, axis=1).tolist()) == [0, 1]


def test_mixture_text_and_determinism(tmp_path, capsys, two_clusters):
    X, _ = two_clusters
    path = _write(tmp_path / "c.npy", X, "npy")
    rc, out1, err = _run(capsys, "mixture", path, "-k", 3, "--seed", 7)
    assert rc == 0, err
    assert "k = 3" in out1 and "weight" in out1 and "kappa" in out1
    rc, out2, _ = _run(capsys, "mixture", path, "-k", 3, "--seed", 7)
    strip = lambda s: [line for line in s.splitlines() if " s on cpu" not in line]  # noqa: E731 (timing)
    assert strip(out1) == strip(out2)
    rc, js, _ = _run(capsys, "mixture", path, "-k", 3, "--seed", 7, "--json")
    assert sum(json.loads(js)["sizes"]) == 200


# ------------------------------------------------------------------------------------------
# bad input: one line on stderr, exit status 2, no traceback
# ------------------------------------------------------------------------------------------
def _bad_files(tmp_path):
    cases = {}

    def npy(name, arr):
        np.save(tmp_path / name, arr)
        return tmp_path / name

    def text(name, content, mode="w"):
        p = tmp_path / name
        if mode == "wb":
            p.write_bytes(content)
        else:
            p.write_text(content)
        return p

    cases["missing"] = (tmp_path / "nope.npy", "no such file")
    cases["directory"] = (tmp_path, "is a directory")
    cases["extension"] = (text("x.txt", "1,2\n"), "unsupported format")
    cases["corrupt npy"] = (text("bad.npy", b"\x00garbage" * 10, "wb"), "cannot read as .npy")
    cases["corrupt npz"] = (text("bad.npz", b"PK\x03\x04nonsense", "wb"), "cannot read as .npz")
    cases["1-D"] = (npy("one_d.npy", np.ones(5)), "expected a 2-D array")
    cases["3-D"] = (npy("three_d.npy", np.ones((2, 3, 4))), "expected a 2-D array")
    cases["no rows"] = (npy("empty.npy", np.ones((0, 3))), "no rows")
    cases["one column"] = (npy("col.npy", np.ones((4, 1))), "at least 2 components")
    nan = np.eye(3)
    nan[1, 2] = np.nan
    cases["nan"] = (npy("nan.npy", nan), "non-finite")
    inf = np.eye(3)
    inf[2, 0] = np.inf
    cases["inf"] = (npy("inf.npy", inf), "non-finite")
    zero = np.eye(3)
    zero[1] = 0.0
    cases["zero row"] = (npy("zero.npy", zero), "all zero")
    cases["object"] = (npy("obj.npy", np.array([[1, "a"], [2, "b"]], dtype=object)), "cannot read as .npy")
    cases["strings"] = (npy("str.npy", np.array([["a", "b"], ["c", "d"]])), "expected real numbers")
    cases["complex"] = (npy("cplx.npy", np.eye(2) * 1j), "expected real numbers")
    cases["empty csv"] = (text("empty.csv", ""), "empty file")
    cases["words csv"] = (text("words.csv", "a,b\nc,d\n"), "cannot parse as CSV")
    cases["ragged csv"] = (text("ragged.csv", "1,0\n0,1,0\n"), "cannot parse as CSV")
    cases["binary csv"] = (text("bin.csv", b"\xff\xfe\x00\x81", "wb"), "CSV")
    np.savez(tmp_path / "none.npz")
    cases["empty npz"] = (tmp_path / "none.npz", "holds no arrays")
    return cases


def test_bad_files_exit_2(tmp_path, capsys):
    for label, (path, message) in _bad_files(tmp_path).items():
        for command in (["fit"], ["mixture", "-k", "2"]):
            rc, out, err = _run(capsys, *command, path)
            assert rc == 2, (label, command, err)
            assert message in err, (label, err)
            assert err.count("\n") == 1 and "Traceback" not in err, (label, err)
            assert err.startswith(f"logbessel {command[0]}: error: "), (label, err)
            assert out == ""


def test_bad_options_exit_2(tmp_path, capsys, points):
    path = _write(tmp_path / "x.npz", points, "npz")
    rc, _, err = _run(capsys, "fit", path, "--key", "missing")
    assert rc == 2 and "no array named 'missing'" in err and "first, other" in err
    npy = _write(tmp_path / "x.npy", points, "npy")
    rc, _, err = _run(capsys, "fit", npy, "--key", "a")
    assert rc == 2 and "--key applies to .npz" in err
    rc, _, err = _run(capsys, "mixture", npy, "-k", "0")
    assert rc == 2 and "at least 1" in err
    rc, _, err = _run(capsys, "mixture", npy, "-k", "201")
    assert rc == 2 and "only 200 rows" in err
    with pytest.raises(SystemExit) as exc:  # argparse: missing -k
        main(["mixture", str(npy)])
    assert exc.value.code == 2


def test_gpu_without_device_exit_2(tmp_path, capsys, points):
    try:
        import cupy

        if cupy.cuda.runtime.getDeviceCount() > 0:
            pytest.skip("a CUDA device is present: --device gpu works here")
    except Exception:
        pass
    path = _write(tmp_path / "x.npy", points, "npy")
    for command in (["fit"], ["mixture", "-k", "2"]):
        rc, out, err = _run(capsys, *command, path, "--device", "gpu")
        assert rc == 2 and "--device gpu" in err and "Traceback" not in err
        assert out == ""


def test_info(capsys):
    rc, out, _ = _run(capsys, "info")
    assert rc == 0 and f"logbessel {logbessel.__version__}" in out
    assert "matern_dnu" in out and "gpu:" in out


def test_info_paths_and_json(capsys):
    import os

    import logbessel.gpu

    rc, out, _ = _run(capsys, "info", "--cmakedir")
    assert rc == 0 and out.strip() == logbessel.get_cmake_dir()
    assert os.path.isfile(os.path.join(out.strip(), "logbesselConfig.cmake"))
    rc, out, _ = _run(capsys, "info", "--include")
    assert rc == 0 and os.path.isfile(os.path.join(out.strip(), "logbessel", "logbessel.hpp"))
    rc, out, _ = _run(capsys, "info", "--json")
    report = json.loads(out)
    assert rc == 0 and report["version"] == logbessel.__version__
    assert report["ufuncs"]["log_iv"] == ["ff->f", "dd->d"]
    assert set(report["ufuncs"]) == set(logbessel.gpu.names)


def test_module_entry_point(tmp_path):
    """``python -m logbessel fit FILE`` in a fresh interpreter: exit status 2 and one line on a bad file."""
    done = subprocess.run([sys.executable, "-m", "logbessel", "fit", str(tmp_path / "missing.csv")],
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 2
    assert done.stderr.startswith("logbessel fit: error: ") and "no such file" in done.stderr
    assert "Traceback" not in done.stderr and done.stdout == ""
