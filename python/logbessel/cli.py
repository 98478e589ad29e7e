"""Command-line interface.

``logbessel check`` (the default) is the main job: it evaluates ``log_iv`` and ``log_kv`` on
the reference points bundled with the package (values certified by Arb at high precision,
see ``tests/data/generate_reference.py`` in the source tree), prints the error per region in
units of the machine epsilon, and -- when SciPy is installed -- the same statistics for
SciPy's ``log(ive(v, x)) + x`` and ``log(kve(v, x)) - x`` on the same points.

``logbessel info`` prints the version and where the package lives.
"""

from __future__ import annotations

import argparse
import sys
import time
from importlib import resources

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


def cmd_info(_args: argparse.Namespace) -> int:
    import logbessel

    print(f"logbessel {__version__}")
    print(f"package: {logbessel.__file__}")
    print(f"ufuncs: log_iv {log_iv.types}, log_kv {log_kv.types}")
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="logbessel", description=__doc__.split("\n\n")[0])
    sub = parser.add_subparsers(dest="command")
    p_check = sub.add_parser("check", help="accuracy on the bundled Arb reference points (default)")
    p_check.add_argument("--dtype", nargs="+", default=["float64", "float32"], choices=["float64", "float32"])
    p_check.add_argument("--no-peers", dest="peers", action="store_false", help="skip the SciPy comparison")
    p_check.set_defaults(func=cmd_check)
    p_info = sub.add_parser("info", help="version and location")
    p_info.set_defaults(func=cmd_info)
    argv = list(sys.argv[1:] if argv is None else argv)
    if not argv or argv[0] not in {"check", "info", "-h", "--help"}:
        argv = ["check", *argv]  # `logbessel` alone (or with check's options) runs the check
    args = parser.parse_args(argv)
    return int(args.func(args))


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
