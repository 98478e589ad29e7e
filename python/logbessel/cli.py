"""Command-line interface: ``logbessel`` (console script) or ``python -m logbessel``.

``logbessel demo`` (the default) is the main job: von Mises-Fisher fits of the WordNet glosses
bundled with the package, hashed into d = 2048, 8192 and 32768 dimensions, next to SciPy's
``vonmises_fisher.fit`` on the same data, plus a vMF mixture compared with the WordNet
categories; it prints a table and writes a PNG plot (see :mod:`logbessel.demo`).

``logbessel check`` evaluates ``log_iv`` and ``log_kv`` on the reference points bundled with
the package (values certified by Arb at high precision, see ``tests/data/generate_reference.py``
in the source tree), prints the error per region in units of the machine epsilon, and -- when
SciPy is installed -- the same statistics for SciPy's ``log(ive(v, x)) + x`` and
``log(kve(v, x)) - x`` on the same points.

``logbessel fit FILE`` fits one vMF distribution to the rows of FILE (.npy, .npz or .csv);
``logbessel mixture FILE -k K`` fits a mixture of K of them. Both print a summary, or JSON with
``--json``. Bad input (missing file, unreadable format, wrong shape, non-finite values, zero
rows) ends with a one-line message and exit status 2.

``logbessel info`` prints the version, where the package lives, the C++ include and CMake
config directories (``--include`` / ``--cmakedir`` print one path, for build scripts) and the
GPU status.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
import warnings
import zipfile
from importlib import resources
from pathlib import Path

import numpy as np

from . import __version__, log_iv, log_kv

_FUNCS = {"log_iv": log_iv, "log_kv": log_kv}


def load_reference(dtype: str) -> dict[str, np.ndarray]:
    """The bundled Arb reference sample for ``dtype`` ('float64' or 'float32')."""
    ref = resources.files("logbessel") / "data" / f"reference_{dtype}.npz"
    with resources.as_file(ref) as path, np.load(path, allow_pickle=False) as data:
        return {k: data[k] for k in data.files}


def error_stats(got: np.ndarray, hi: np.ndarray, lo: np.ndarray, eps: float) -> dict[str, float]:
    """max / p99 / median of |f - ref| / (eps * max(1, |ref|)), and the failure count
    (non-finite output where the reference is finite)."""
    finite_ref = np.isfinite(hi)
    got = got.astype(np.float64)
    fail = int(np.sum(finite_ref & ~np.isfinite(got)))
    ok = finite_ref & np.isfinite(got)
    diff = np.abs((got[ok] - hi[ok]) - lo[ok])
    err = diff / (eps * np.maximum(1.0, np.abs(hi[ok])))
    if err.size == 0:
        return {"n": int(finite_ref.sum()), "max": float("nan"), "p99": float("nan"), "median": float("nan"), "fail": fail}
    return {
        "n": int(finite_ref.sum()),
        "max": float(err.max()),
        "p99": float(np.percentile(err, 99)),
        "median": float(np.median(err)),
        "fail": fail,
    }


def _scipy_peer(name: str):
    try:
        import scipy.special as sc
    except ImportError:  # pragma: no cover - scipy is optional
        return None
    if name == "log_iv":
        return lambda v, x: np.log(sc.ive(v, x)) + x
    return lambda v, x: np.log(sc.kve(v, x)) - x


def cmd_check(args: argparse.Namespace) -> int:
    width = 100
    print(f"logbessel {__version__}: accuracy on the bundled Arb reference points")
    print("error unit: |f - ref| / (eps * max(1, |ref|)), eps = machine epsilon of the dtype")
    print("fail: nan/inf where the true value is finite")
    print("-" * width)
    worst = 0.0
    failures = 0
    for dtype in args.dtype:
        ref = load_reference(dtype)
        dt = np.dtype(dtype)
        eps = float(np.finfo(dt).eps)
        v = ref["v"].astype(dt)
        x = ref["x"].astype(dt)
        cats = ref["category"].astype(str)
        for name, func in _FUNCS.items():
            t0 = time.perf_counter()
            got = func(v, x)
            elapsed = time.perf_counter() - t0
            peer = _scipy_peer(name) if args.peers else None
            peer_out = None
            if peer is not None:
                with np.errstate(all="ignore"):
                    peer_out = peer(v, x)
            hi, lo = ref[f"{name}_hi"], ref[f"{name}_lo"]
            header = f"{name} [{dtype}]  {v.size} points, {elapsed * 1e3:.1f} ms"
            print(header)
            cols = f"  {'region':<14}{'n':>6}{'max':>9}{'p99':>8}{'median':>8}{'fail':>6}"
            if peer_out is not None:
                cols += f"   | SciPy{'max':>10}{'p99':>10}{'fail':>6}"
            print(cols)
            for cat in [*sorted(set(cats)), "all"]:
                sel = np.ones(v.size, bool) if cat == "all" else (cats == cat)
                s = error_stats(got[sel], hi[sel], lo[sel], eps)
                if cat == "all":
                    worst = max(worst, s["max"])
                    failures += s["fail"]
                line = f"  {cat:<14}{s['n']:>6}{s['max']:>9.2f}{s['p99']:>8.2f}{s['median']:>8.2f}{s['fail']:>6}"
                if peer_out is not None:
                    p = error_stats(peer_out[sel], hi[sel], lo[sel], eps)
                    line += f"   | {p['max']:>14.3g}{p['p99']:>10.3g}{p['fail']:>6}"
                print(line)
            print("-" * width)
    print(f"worst error over everything: {worst:.2f} eps; failures: {failures}")
    return 0 if failures == 0 else 1


def cmd_info(args: argparse.Namespace) -> int:
    import logbessel

    if args.include:  # like `python -m pybind11 --includes`: one path, for build scripts
        print(logbessel.get_include())
        return 0
    if args.cmakedir:  # like `python -m pybind11 --cmakedir`: for -Dlogbessel_DIR=...
        print(logbessel.get_cmake_dir())
        return 0
    from .gpu import info as gpu_info
    from .gpu import names

    ufuncs = {name: getattr(logbessel, name).types for name in names}

    gpu = gpu_info()
    report = {
        "version": __version__,
        "package": os.path.dirname(logbessel.__file__),
        "numpy": np.__version__,
        "include": logbessel.get_include(),
        "cmake_dir": logbessel.get_cmake_dir(),
        "ufuncs": ufuncs,
        "gpu": {k: gpu.get(k) for k in ("backend", "aot_built", "aot_architectures", "cupy", "devices")},
    }
    if args.json:
        print(json.dumps(report))
        return 0
    print(f"logbessel {report['version']} (numpy {report['numpy']})")
    print(f"package:   {report['package']}")
    print(f"include:   {report['include']}")
    print(f"cmake dir: {report['cmake_dir']}")
    print(f"ufuncs:    {', '.join(ufuncs)} (loops {sorted(set(t for v in ufuncs.values() for t in v))})")
    g = report["gpu"]
    if g["cupy"] is None:
        print("gpu:       CuPy not installed (pip install 'logbessel[gpu]')")
    else:
        print(f"gpu:       CuPy {g['cupy']}, {g['devices']} device(s), backend {g['backend']}, "
              f"AOT kernels {'built for ' + str(g['aot_architectures']) if g['aot_built'] else 'not built'}")
    return 0


# ----------------------------------------------------------------------------------------------
# fit / mixture: reading a data file
# ----------------------------------------------------------------------------------------------
class InputError(Exception):
    """Bad command-line input: reported as one line on stderr, exit status 2."""


def _check_matrix(X: np.ndarray, what: str) -> np.ndarray:
    """A real (n, d) float64 matrix with n >= 1, d >= 2 and finite entries, or InputError."""
    if X.dtype.kind not in "biuf":  # bool, integers, floats; not complex, strings, objects
        raise InputError(f"{what}: expected real numbers, got dtype {X.dtype}")
    if X.ndim != 2:
        raise InputError(f"{what}: expected a 2-D array (one vector per row), got shape {X.shape}")
    n, d = X.shape
    if n == 0:
        raise InputError(f"{what}: no rows (shape {X.shape})")
    if d < 2:
        raise InputError(f"{what}: vectors need at least 2 components, got shape {X.shape}")
    X = np.asarray(X, dtype=np.float64)
    bad = ~np.isfinite(X)
    if bad.any():
        rows = np.flatnonzero(bad.any(axis=1))
        raise InputError(f"{what}: {int(bad.sum())} non-finite values (nan/inf) in {rows.size} rows, "
                         f"first at row {int(rows[0])}")
    zero = np.flatnonzero(~X.any(axis=1))
    if zero.size:
        raise InputError(f"{what}: {zero.size} rows are all zero (no direction), first at row {int(zero[0])}")
    return X


def _read_csv(path: Path) -> np.ndarray:
    """Comma-separated numbers, one vector per line; one header line is skipped if present."""
    try:
        with path.open(encoding="utf-8") as fh:
            first = next((line for line in fh if line.strip() and not line.lstrip().startswith("#")), None)
    except UnicodeDecodeError:
        raise InputError(f"{path}: not a text file, cannot read it as CSV") from None
    if first is None:
        raise InputError(f"{path}: empty file")
    try:
        [float(field) for field in first.split(",")]
        skip = 0
    except ValueError:  # a header line (column names)
        skip = 1
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # loadtxt warns on input without data; handled below
            return np.loadtxt(path, delimiter=",", ndmin=2, skiprows=skip, comments="#", dtype=np.float64)
    except ValueError as exc:
        raise InputError(f"{path}: cannot parse as CSV of numbers ({exc})") from None


def _read_numpy(path: Path, suffix: str, key: str | None) -> tuple[np.ndarray, Path]:
    """The array of a .npy file, or array `key` (default: the first) of an .npz archive; the
    file is opened here so that it is closed whatever np.load makes of it."""
    with path.open("rb") as fh:
        try:
            loaded = np.load(fh, allow_pickle=False)
        except (ValueError, OSError, EOFError, zipfile.BadZipFile) as exc:
            raise InputError(f"{path}: cannot read as {suffix} ({exc})") from None
        if suffix == ".npy":
            if not isinstance(loaded, np.ndarray):
                raise InputError(f"{path}: not a .npy array")
            return loaded, path
        if not isinstance(loaded, np.lib.npyio.NpzFile):
            raise InputError(f"{path}: not an .npz archive")
        with loaded:
            names = list(loaded.files)
            if not names:
                raise InputError(f"{path}: the archive holds no arrays")
            name = names[0] if key is None else key
            if name not in names:
                raise InputError(f"{path}: no array named {name!r} (arrays: {', '.join(names)})")
            try:
                X = loaded[name]
            except (ValueError, OSError, EOFError, zipfile.BadZipFile) as exc:  # object arrays, bad members
                raise InputError(f"{path}[{name}]: cannot read ({exc})") from None
        return X, Path(f"{path}[{name}]")


def load_matrix(path: str | Path, key: str | None = None) -> np.ndarray:
    """The (n, d) float64 matrix stored in `path`: .npy, .npz (array `key`, default the first
    one) or .csv (comma-separated, optional header line). Raises InputError with a readable
    message for a missing file, an unknown or unreadable format, a shape other than (n >= 1,
    d >= 2), non-finite values and all-zero rows."""
    path = Path(path)
    if not path.exists():
        raise InputError(f"{path}: no such file")
    if path.is_dir():
        raise InputError(f"{path}: is a directory, expected a .npy, .npz or .csv file")
    suffix = path.suffix.lower()
    if key is not None and suffix != ".npz":
        raise InputError(f"{path}: --key applies to .npz files only")
    if suffix == ".csv":
        X = _read_csv(path)
    elif suffix in (".npy", ".npz"):
        X, path = _read_numpy(path, suffix, key)
    else:
        raise InputError(f"{path}: unsupported format {suffix or '(no extension)'!r}; "
                         "expected .npy, .npz or .csv")
    return _check_matrix(np.asarray(X), str(path))


def _to_device(X: np.ndarray, device: str):
    """X on the requested device: numpy for 'cpu'; CuPy for 'gpu' (InputError when CuPy or a
    CUDA device is missing)."""
    if device == "cpu":
        return X
    try:
        import cupy
    except ImportError:
        raise InputError("--device gpu needs CuPy (pip install 'logbessel[gpu]' or the CuPy package "
                         "for your CUDA version)") from None
    except Exception as exc:  # a CuPy that fails to load (driver libraries, warnings made errors)
        raise InputError(f"--device gpu: CuPy cannot be imported ({type(exc).__name__}: {exc})") from None
    try:
        count = cupy.cuda.runtime.getDeviceCount()
    except Exception as exc:  # no driver, no device: CuPy raises its own runtime errors
        raise InputError(f"--device gpu: no usable CUDA device ({exc})") from None
    if count < 1:
        raise InputError("--device gpu: no CUDA device found")
    return cupy.asarray(X)


def _host(a) -> np.ndarray:
    """A numpy copy of a numpy or CuPy array (only O(d) or O(k d) results come here)."""
    get = getattr(a, "get", None)
    return np.asarray(get() if callable(get) else a, dtype=np.float64)


def _json_float(x: float) -> float | None:
    """JSON has no inf/nan: those become null."""
    x = float(x)
    return x if np.isfinite(x) else None


def _preview(v: np.ndarray, count: int = 5) -> str:
    head = ", ".join(f"{c:+.6f}" for c in v[:count])
    return f"[{head}{', ...' if v.size > count else ''}]"


def _cli_hint(exc: Exception) -> str:
    """A library error message in command-line terms (the keyword normalize=True is the option
    --normalize here)."""
    message = str(exc)
    if "normaliz" in message or "unit" in message:
        message = message.replace("pass normalize=True", "use --normalize").replace("normalize=True", "--normalize")
        if "--normalize" not in message:
            message += " (use --normalize to divide the rows by their norms)"
    return message


def cmd_fit(args: argparse.Namespace) -> int:
    from . import vmf

    X = load_matrix(args.file, args.key)
    n, d = X.shape
    t0 = time.perf_counter()
    try:
        est = vmf.fit(_to_device(X, args.device), bias_correction=args.bias_correction, normalize=args.normalize)
    except ValueError as exc:  # the documented bad-input errors of fit (e.g. rows not unit norm)
        raise InputError(f"{args.file}: {_cli_hint(exc)}") from None
    elapsed = time.perf_counter() - t0
    mu = _host(est.mu)
    result = {
        "file": str(args.file),
        "n": n,
        "dim": d,
        "kappa": _json_float(est.kappa),
        "mean_resultant_length": float(est.mean_resultant),
        "n_effective": float(est.n_samples),
        "bias_corrected": bool(est.bias_corrected),
        "normalized": bool(args.normalize),
        "device": args.device,
        "seconds": elapsed,
        "mu_norm": float(np.linalg.norm(mu)),
        "mu": mu.tolist(),
    }
    if args.json:
        print(json.dumps(result))
        return 0
    print(f"vMF fit of {args.file}: n = {n} rows, d = {d}"
          f"{' (rows normalised)' if args.normalize else ''}, {elapsed * 1e3:.1f} ms on {args.device}")
    print(f"  kappa = {est.kappa:.10g}{'   (bias-corrected)' if est.bias_corrected else ''}")
    print(f"  Rbar  = {est.mean_resultant:.10g}   (mean resultant length, n_eff = {est.n_samples:g})")
    print(f"  mu    = {_preview(mu)}   (first {min(5, d)} of {d} components, |mu| = {result['mu_norm']:.12f})")
    top = np.argsort(-np.abs(mu), kind="stable")[: min(5, d)]
    print("  largest |mu_i|: " + ", ".join(f"mu[{i}] = {mu[i]:+.6f}" for i in top))
    return 0


def cmd_mixture(args: argparse.Namespace) -> int:
    from . import vmf
    from .vmf._mixture import ConvergenceWarning

    if args.k < 1:
        raise InputError(f"-k must be at least 1, got {args.k}")
    X = load_matrix(args.file, args.key)
    n, d = X.shape
    if args.k > n:
        raise InputError(f"{args.file}: -k {args.k} components but only {n} rows")
    if args.normalize:
        X = X / np.linalg.norm(X, axis=1, keepdims=True)
    Xd = _to_device(X, args.device)
    model = vmf.VonMisesFisherMixture(
        args.k, assignment=args.assignment, n_init=args.n_init, max_iter=args.max_iter,
        bias_correction=args.bias_correction, random_state=args.seed,
    )
    t0 = time.perf_counter()
    try:
        with warnings.catch_warnings():
            # not converging within --max-iter is reported in the output ("converged": false)
            warnings.simplefilter("ignore", ConvergenceWarning)
            model.fit(Xd)
    except ValueError as exc:  # documented bad-input errors (e.g. rows not unit norm)
        raise InputError(f"{args.file}: {_cli_hint(exc)}") from None
    elapsed = time.perf_counter() - t0
    labels = _host(model.predict(Xd)).astype(np.int64)
    sizes = np.bincount(labels, minlength=args.k)
    weights, kappas, means = _host(model.weights_), _host(model.kappas_), _host(model.means_)
    result = {
        "file": str(args.file),
        "n": n,
        "dim": d,
        "k": args.k,
        "assignment": args.assignment,
        "seed": args.seed,
        "device": args.device,
        "n_iter": int(model.n_iter_),
        "converged": bool(model.converged_),
        "lower_bound": _json_float(model.lower_bound_),
        "seconds": elapsed,
        "weights": weights.tolist(),
        "kappas": [_json_float(k) for k in kappas],
        "sizes": sizes.tolist(),
        "means": means.tolist(),
    }
    if args.json:
        print(json.dumps(result))
        return 0
    state = "converged" if model.converged_ else "NOT converged (raise --max-iter)"
    print(f"vMF mixture of {args.file}: n = {n} rows, d = {d}, k = {args.k}, {args.assignment} assignment, "
          f"seed {args.seed}")
    print(f"  {state} after {model.n_iter_} EM iterations, {elapsed:.2f} s on {args.device}; "
          f"lower bound {model.lower_bound_:.8g}")
    print(f"  {'component':>9}  {'weight':>8}  {'kappa':>14}  {'size':>8}   (size: rows assigned by predict)")
    for j in range(args.k):
        print(f"  {j:>9}  {weights[j]:>8.4f}  {kappas[j]:>14.6g}  {sizes[j]:>8}")
    return 0


def cmd_demo(args: argparse.Namespace) -> int:
    folder = args.out.resolve().parent
    if not folder.is_dir():  # checked before a minute of computing, not after
        raise InputError(f"--out {args.out}: folder {folder} does not exist")
    if args.out.is_dir():
        raise InputError(f"--out {args.out}: is a directory, expected a file name (.png)")
    try:
        from . import demo
    except ImportError as exc:  # scikit-learn / matplotlib / tqdm / scipy missing
        raise InputError(f"the demo needs the 'demo' extra: pip install \"logbessel[demo]\" ({exc})") from None
    return int(demo.run(quick=args.quick, out=args.out, seed=args.seed, progress=not args.no_progress))


# ----------------------------------------------------------------------------------------------
# entry point
# ----------------------------------------------------------------------------------------------
_COMMANDS = ("demo", "check", "fit", "mixture", "info")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="logbessel",
        description="logbessel: overflow-free log Bessel functions and von Mises-Fisher distributions. "
        "Without a command: the demo.",
    )
    sub = parser.add_subparsers(dest="command", metavar="{" + ",".join(_COMMANDS) + "}")

    p_demo = sub.add_parser("demo", help="vMF fits of hashed WordNet glosses vs SciPy, mixture, plot (default)")
    p_demo.add_argument("--out", type=Path, default=Path("logbessel-demo.png"),
                        help="where to write the PNG plot (default: ./logbessel-demo.png)")
    p_demo.add_argument("--quick", action="store_true", help="small subset (a few seconds), for tests")
    p_demo.add_argument("--seed", type=int, default=0, help="seed of the subsamples and the mixture (default 0)")
    p_demo.add_argument("--no-progress", action="store_true", help="no progress bars")
    p_demo.set_defaults(func=cmd_demo)

    p_check = sub.add_parser("check", help="accuracy on the bundled Arb reference points")
    p_check.add_argument("--dtype", nargs="+", default=["float64", "float32"], choices=["float64", "float32"])
    p_check.add_argument("--no-peers", dest="peers", action="store_false", help="skip the SciPy comparison")
    p_check.set_defaults(func=cmd_check)

    def data_options(p: argparse.ArgumentParser) -> None:
        p.add_argument("file", type=Path, help=".npy, .npz or .csv file, one vector per row (read as float64)")
        p.add_argument("--key", help="name of the array in an .npz file (default: the first one)")
        p.add_argument("--normalize", action="store_true", help="divide each row by its norm first")
        p.add_argument("--bias-correction", action="store_true",
                       help="bias-corrected kappa (Rbar^2 -> (n Rbar^2 - 1)/(n - 1)), for d large next to n")
        p.add_argument("--device", choices=["cpu", "gpu"], default="cpu", help="gpu: CuPy on a CUDA device")
        p.add_argument("--json", action="store_true", help="one JSON object on stdout")

    p_fit = sub.add_parser("fit", help="fit one vMF distribution to the rows of FILE")
    data_options(p_fit)
    p_fit.set_defaults(func=cmd_fit)

    p_mix = sub.add_parser("mixture", help="fit a mixture of K vMF distributions to the rows of FILE")
    data_options(p_mix)
    p_mix.add_argument("-k", "--n-components", dest="k", type=int, required=True, help="number of components")
    p_mix.add_argument("--assignment", choices=["soft", "hard"], default="soft", help="EM (soft) or hard-EM")
    p_mix.add_argument("--seed", type=int, default=0, help="random state of the initialisation (default 0)")
    p_mix.add_argument("--n-init", type=int, default=1, help="initialisations; the best is kept (default 1)")
    p_mix.add_argument("--max-iter", type=int, default=100, help="EM iterations at most (default 100)")
    p_mix.set_defaults(func=cmd_mixture)

    p_info = sub.add_parser("info", help="version, location, C++ paths, GPU status")
    where = p_info.add_mutually_exclusive_group()
    where.add_argument("--include", action="store_true", help="print only the C++ include directory")
    where.add_argument("--cmakedir", action="store_true",
                       help="print only the CMake config directory (for -Dlogbessel_DIR=...)")
    where.add_argument("--json", action="store_true", help="one JSON object on stdout")
    p_info.set_defaults(func=cmd_info)
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    argv = list(sys.argv[1:] if argv is None else argv)
    if not argv or argv[0] not in {*_COMMANDS, "-h", "--help"}:
        argv = ["demo", *argv]  # `logbessel` alone (or with the demo's options) runs the demo
    args = parser.parse_args(argv)
    try:
        return int(args.func(args))
    except InputError as exc:
        message = " ".join(str(exc).split())  # one line, whatever the underlying error printed
        print(f"logbessel {args.command}: error: {message}", file=sys.stderr)
        return 2


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
