#!/usr/bin/env python3
"""CPU benchmark: logbessel.log_iv / log_kv against SciPy and against np.exp.

Usage (from anywhere; see bench/README.md):

    python bench/bench_cpu.py [--n 1000000] [--repeat 7] [--json out.json] [--markdown]
    python bench/bench_cpu.py --quick            # n=100000, repeat=3

Method, in short:
  * one process, one thread (the BLAS/OpenMP thread variables are forced to 1 before NumPy
    is imported; the ufuncs themselves are single threaded);
  * for each regime and dtype, every contender is called once as a warm-up, then the
    contenders are timed round-robin: in each of the `repeat` rounds every contender runs
    once (the starting contender rotates from round to round), so slow drift of the machine
    hits all of them alike;
  * every contender writes into its own preallocated output array, so allocation is excluded
    for all of them (SciPy's log/add steps work in place in that array too);
  * reported times are medians over rounds; reported ratios are medians of the per-round
    ratios (paired within a round), which cancels drift better than a ratio of medians.
Absolute times on a shared machine are noisy; compare the ratios.
"""

from __future__ import annotations

import os

# Must happen before NumPy (and SciPy) are imported: their thread pools read these once.
for _var in (
    "OMP_NUM_THREADS",
    "OPENBLAS_NUM_THREADS",
    "MKL_NUM_THREADS",
    "BLIS_NUM_THREADS",
    "VECLIB_MAXIMUM_THREADS",
    "NUMEXPR_NUM_THREADS",
):
    os.environ[_var] = "1"

import argparse  # noqa: E402
import contextlib  # noqa: E402
import datetime  # noqa: E402
import gc  # noqa: E402
import importlib  # noqa: E402
import json  # noqa: E402
import platform  # noqa: E402
import statistics  # noqa: E402
import subprocess  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402
import warnings  # noqa: E402
from pathlib import Path  # noqa: E402

import numpy as np  # noqa: E402
import scipy  # noqa: E402
import scipy.special as sc  # noqa: E402

REPO_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_SEED = 20241125
REGIMES = ("small_v", "large_v", "mixed")
DTYPES = ("float64", "float32")
CONTENDERS = ("log_iv", "scipy_iv", "log_kv", "scipy_kv", "exp")
LABELS = {
    "log_iv": "logbessel.log_iv(v, x)",
    "scipy_iv": "np.log(scipy.special.ive(v, x)) + x",
    "log_kv": "logbessel.log_kv(v, x)",
    "scipy_kv": "np.log(scipy.special.kve(v, x)) - x",
    "exp": "np.exp(x)",
}


def _log(msg: str) -> None:
    print(msg, file=sys.stderr, flush=True)


def import_quietly(name: str):
    """Import a module with everything it prints sent to stderr.

    An editable scikit-build-core install rebuilds the extension on import and prints a line
    to stdout; that must not end up in a markdown table piped from stdout.
    """
    sys.stdout.flush()
    try:
        saved = os.dup(1)
    except OSError:  # no real stdout file descriptor
        saved = None
    try:
        if saved is not None:
            os.dup2(2, 1)
        with contextlib.redirect_stdout(sys.stderr):
            return importlib.import_module(name)
    finally:
        if saved is not None:
            os.dup2(saved, 1)
            os.close(saved)


# ------------------------------------------------------------------------------------------
# Inputs
# ------------------------------------------------------------------------------------------
def _log_uniform(rng: np.random.Generator, lo: float, hi: float, n: int) -> np.ndarray:
    return np.exp(rng.uniform(np.log(lo), np.log(hi), n))


def _small_v(rng: np.random.Generator, n: int) -> tuple[np.ndarray, np.ndarray]:
    return rng.uniform(0.5, 1.5, n), _log_uniform(rng, 1e-3, 1e3, n)


def _large_v(rng: np.random.Generator, n: int) -> tuple[np.ndarray, np.ndarray]:
    return _log_uniform(rng, 1e2, 1e4, n), _log_uniform(rng, 1e-1, 1e5, n)


def _wide(rng: np.random.Generator, n: int) -> tuple[np.ndarray, np.ndarray]:
    return _log_uniform(rng, 1e-3, 1e6, n), _log_uniform(rng, 1e-5, 1e6, n)


def make_inputs(regime: str, n: int, seed: int, mixed: str) -> tuple[np.ndarray, np.ndarray]:
    """float64 (v, x) for a regime; each regime has its own seeded stream."""
    rng = np.random.default_rng([seed, REGIMES.index(regime)])
    if regime == "small_v":
        return _small_v(rng, n)
    if regime == "large_v":
        return _large_v(rng, n)
    parts = [_small_v, _large_v] + ([_wide] if mixed == "thirds" else [])
    sizes = [n // len(parts)] * len(parts)
    sizes[0] += n - sum(sizes)
    pieces = [make(rng, size) for make, size in zip(parts, sizes)]
    v = np.concatenate([p[0] for p in pieces])
    x = np.concatenate([p[1] for p in pieces])
    perm = rng.permutation(n)
    return v[perm], x[perm]


# ------------------------------------------------------------------------------------------
# Contenders: each writes into its own preallocated `out` (allocation excluded for all).
# ------------------------------------------------------------------------------------------
def make_contenders(lb, v: np.ndarray, x: np.ndarray) -> tuple[dict, dict]:
    outs = {name: np.empty_like(x) for name in CONTENDERS}
    log_iv, log_kv = lb.log_iv, lb.log_kv
    ive, kve = sc.ive, sc.kve
    log, add, subtract, exp = np.log, np.add, np.subtract, np.exp

    def run_log_iv(o=outs["log_iv"]):
        log_iv(v, x, out=o)

    def run_scipy_iv(o=outs["scipy_iv"]):
        ive(v, x, out=o)
        log(o, out=o)
        add(o, x, out=o)

    def run_log_kv(o=outs["log_kv"]):
        log_kv(v, x, out=o)

    def run_scipy_kv(o=outs["scipy_kv"]):
        kve(v, x, out=o)
        log(o, out=o)
        subtract(o, x, out=o)

    def run_exp(o=outs["exp"]):
        exp(x, out=o)

    funcs = {
        "log_iv": run_log_iv,
        "scipy_iv": run_scipy_iv,
        "log_kv": run_log_kv,
        "scipy_kv": run_scipy_kv,
        "exp": run_exp,
    }
    return funcs, outs


def time_round_robin(funcs: dict, repeat: int) -> dict[str, list[float]]:
    names = list(funcs)
    times: dict[str, list[float]] = {name: [] for name in names}
    for fn in funcs.values():  # warm-up: page in the outputs, load code, fill caches
        fn()
    perf_counter = time.perf_counter
    gc_was_enabled = gc.isenabled()
    gc.disable()
    try:
        for r in range(repeat):
            k = r % len(names)
            for name in names[k:] + names[:k]:
                fn = funcs[name]
                t0 = perf_counter()
                fn()
                t1 = perf_counter()
                times[name].append(t1 - t0)
    finally:
        if gc_was_enabled:
            gc.enable()
    return times


def paired_ratio(num: list[float], den: list[float]) -> float:
    """Median over rounds of num[r] / den[r]."""
    return statistics.median(a / b if b > 0 else float("inf") for a, b in zip(num, den))


def nonfinite_pct(a: np.ndarray) -> float:
    return 100.0 * float(np.count_nonzero(~np.isfinite(a))) / a.size


def max_rel_diff(ours: np.ndarray, ref: np.ndarray) -> float | None:
    """max |ours - ref| / max(1, |ref|) where both are finite (information only)."""
    both = np.isfinite(ours) & np.isfinite(ref)
    if not both.any():
        return None
    a = ours[both].astype(np.float64)
    b = ref[both].astype(np.float64)
    return float(np.max(np.abs(a - b) / np.maximum(1.0, np.abs(b))))


def bench_case(lb, regime: str, dtype: str, args) -> dict:
    v64, x64 = make_inputs(regime, args.n, args.seed, args.mixed)
    v = np.ascontiguousarray(v64, dtype=dtype)
    x = np.ascontiguousarray(x64, dtype=dtype)
    funcs, outs = make_contenders(lb, v, x)
    with np.errstate(all="ignore"), sc.errstate(all="ignore"), warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        times = time_round_robin(funcs, args.repeat)
    for name, o in outs.items():
        if o.dtype != np.dtype(dtype):
            raise RuntimeError(f"{name} produced {o.dtype}, expected {dtype}")

    n = args.n
    med = {name: statistics.median(t) for name, t in times.items()}
    res = {
        "regime": regime,
        "dtype": dtype,
        "n": n,
        "repeat": args.repeat,
        "contenders": {
            name: {
                "label": LABELS[name],
                "median_s": med[name],
                "min_s": min(times[name]),
                "ns_per_element": med[name] / n * 1e9,
                "times_s": times[name],
            }
            for name in CONTENDERS
        },
        # Headline ratios: medians of per-round (paired) ratios.
        "speedup_iv_vs_scipy": paired_ratio(times["scipy_iv"], times["log_iv"]),
        "speedup_kv_vs_scipy": paired_ratio(times["scipy_kv"], times["log_kv"]),
        "log_iv_over_exp": paired_ratio(times["log_iv"], times["exp"]),
        "log_kv_over_exp": paired_ratio(times["log_kv"], times["exp"]),
        # The same as ratios of the median times, for comparison.
        "ratio_of_medians": {
            "speedup_iv_vs_scipy": med["scipy_iv"] / med["log_iv"],
            "speedup_kv_vs_scipy": med["scipy_kv"] / med["log_kv"],
            "log_iv_over_exp": med["log_iv"] / med["exp"],
            "log_kv_over_exp": med["log_kv"] / med["exp"],
        },
        "nonfinite_pct": {name: nonfinite_pct(outs[name]) for name in CONTENDERS if name != "exp"},
        "max_rel_diff_vs_scipy_where_both_finite": {
            "log_iv": max_rel_diff(outs["log_iv"], outs["scipy_iv"]),
            "log_kv": max_rel_diff(outs["log_kv"], outs["scipy_kv"]),
        },
    }
    return res


# ------------------------------------------------------------------------------------------
# Machine information
# ------------------------------------------------------------------------------------------
def cpu_model() -> str:
    try:
        with open("/proc/cpuinfo", encoding="utf-8", errors="replace") as f:
            for line in f:
                if line.lower().startswith(("model name", "hardware", "cpu model")):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine() or "unknown"


def git_info() -> dict:
    def git(*cmd: str) -> str | None:
        try:
            r = subprocess.run(
                ["git", "-C", str(REPO_ROOT), *cmd],
                capture_output=True, text=True, timeout=10, check=False,
            )
        except (OSError, subprocess.SubprocessError):
            return None
        return r.stdout.strip() if r.returncode == 0 else None

    commit = git("rev-parse", "HEAD")
    if commit is None:
        return {"commit": None}
    dirty = git("status", "--porcelain", "--untracked-files=no")
    return {"commit": commit, "dirty": bool(dirty), "describe": git("describe", "--always", "--dirty")}


def logbessel_location(lb) -> str:
    """Where the benchmarked logbessel lives, without absolute paths of this machine."""
    path = Path(lb.__file__).resolve()
    try:
        return f"source tree: {path.relative_to(REPO_ROOT).as_posix()}"
    except ValueError:
        pass
    parts = path.parts
    for anchor in ("site-packages", "dist-packages"):
        if anchor in parts:
            return f"installed: {'/'.join(parts[parts.index(anchor):])}"
    return f"elsewhere: {path.name}"


def machine_info(lb) -> dict:
    try:
        affinity = len(os.sched_getaffinity(0))
    except (AttributeError, OSError):
        affinity = None
    try:
        simd = np.show_config(mode="dicts").get("SIMD Extensions")
    except Exception:  # older NumPy or changed layout: information only
        simd = None
    return {
        "cpu_model": cpu_model(),
        "cpu_count": os.cpu_count(),
        "cpus_usable": affinity,
        "machine": platform.machine(),
        "platform": platform.platform(),
        "python": platform.python_version(),
        "python_implementation": platform.python_implementation(),
        "numpy": np.__version__,
        "numpy_simd": simd,
        "scipy": scipy.__version__,
        "logbessel": getattr(lb, "__version__", "unknown"),
        "logbessel_location": logbessel_location(lb),
        "git": git_info(),
        "thread_env": {k: os.environ.get(k) for k in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS")},
    }


# ------------------------------------------------------------------------------------------
# Report
# ------------------------------------------------------------------------------------------
COLUMNS = (
    "regime", "dtype",
    "log_iv ns/el", "SciPy I ns/el", "speedup I",
    "log_kv ns/el", "SciPy K ns/el", "speedup K",
    "exp ns/el", "log_iv/exp", "log_kv/exp",
    "SciPy non-finite % (I / K)",
)


def table_rows(results: list[dict]) -> list[list[str]]:
    rows = []
    for r in results:
        c = r["contenders"]
        nf = r["nonfinite_pct"]
        rows.append([
            r["regime"], r["dtype"],
            f"{c['log_iv']['ns_per_element']:.1f}", f"{c['scipy_iv']['ns_per_element']:.1f}",
            f"{r['speedup_iv_vs_scipy']:.2f}x",
            f"{c['log_kv']['ns_per_element']:.1f}", f"{c['scipy_kv']['ns_per_element']:.1f}",
            f"{r['speedup_kv_vs_scipy']:.2f}x",
            f"{c['exp']['ns_per_element']:.2f}",
            f"{r['log_iv_over_exp']:.1f}", f"{r['log_kv_over_exp']:.1f}",
            f"{nf['scipy_iv']:.1f} / {nf['scipy_kv']:.1f}",
        ])
    return rows


def render_table(rows: list[list[str]], markdown: bool) -> str:
    if markdown:
        lines = ["| " + " | ".join(COLUMNS) + " |",
                 "|" + "|".join(["---"] * 2 + ["---:"] * (len(COLUMNS) - 2)) + "|"]
        lines += ["| " + " | ".join(row) + " |" for row in rows]
        return "\n".join(lines)
    widths = [max(len(h), *(len(row[i]) for row in rows)) for i, h in enumerate(COLUMNS)]

    def fmt(cells):
        return "  ".join(
            cell.ljust(w) if i < 2 else cell.rjust(w) for i, (cell, w) in enumerate(zip(cells, widths))
        )

    return "\n".join([fmt(COLUMNS), fmt(["-" * w for w in widths])] + [fmt(row) for row in rows])


def summarize(results: list[dict]) -> dict:
    """Median speedups over regimes, per dtype and over all (regime, dtype) cases."""
    groups = {dt: [r for r in results if r["dtype"] == dt] for dt in DTYPES}
    groups = {k: v for k, v in groups.items() if v}
    groups["all"] = results
    return {
        key: {
            "speedup_iv_vs_scipy": statistics.median(r["speedup_iv_vs_scipy"] for r in rs),
            "speedup_kv_vs_scipy": statistics.median(r["speedup_kv_vs_scipy"] for r in rs),
            "log_iv_over_exp": statistics.median(r["log_iv_over_exp"] for r in rs),
            "log_kv_over_exp": statistics.median(r["log_kv_over_exp"] for r in rs),
            "cases": len(rs),
        }
        for key, rs in groups.items()
    }


def render_summary(summary: dict, markdown: bool) -> str:
    head = "Median over regimes" + (":" if not markdown else "")
    lines = [f"**{head}**" if markdown else head]
    for key, s in summary.items():
        what = "all regimes and dtypes" if key == "all" else key
        lines.append(
            f"{'- ' if markdown else '  '}{what}: speedup I {s['speedup_iv_vs_scipy']:.2f}x, "
            f"speedup K {s['speedup_kv_vs_scipy']:.2f}x, log_iv/exp {s['log_iv_over_exp']:.1f}, "
            f"log_kv/exp {s['log_kv_over_exp']:.1f}  (over {s['cases']} case{'s' if s['cases'] != 1 else ''})"
        )
    return "\n".join(lines)


def parse_args(argv=None):
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--n", type=int, default=None, help="elements per array (default 1000000)")
    p.add_argument("--repeat", type=int, default=None, help="timed rounds (default 7)")
    p.add_argument("--quick", action="store_true", help="n=100000, repeat=3 (explicit --n/--repeat win)")
    p.add_argument("--seed", type=int, default=DEFAULT_SEED, help=f"input seed (default {DEFAULT_SEED})")
    p.add_argument("--regimes", default=",".join(REGIMES), help=f"comma list from {','.join(REGIMES)}")
    p.add_argument("--dtypes", default=",".join(DTYPES), help=f"comma list from {','.join(DTYPES)}")
    p.add_argument("--mixed", choices=("thirds", "halves"), default="thirds",
                   help="mixed regime: thirds of small_v, large_v and wide (default) or halves of "
                        "small_v and large_v")
    p.add_argument("--json", metavar="PATH", help="write all results and machine info here")
    p.add_argument("--markdown", action="store_true", help="print a markdown table")
    args = p.parse_args(argv)
    if args.n is None:
        args.n = 100_000 if args.quick else 1_000_000
    if args.repeat is None:
        args.repeat = 3 if args.quick else 7
    if args.n < 3 or args.repeat < 1:
        p.error("need --n >= 3 and --repeat >= 1")
    args.regimes = [s.strip() for s in args.regimes.split(",") if s.strip()]
    args.dtypes = [s.strip() for s in args.dtypes.split(",") if s.strip()]
    for s in args.regimes:
        if s not in REGIMES:
            p.error(f"unknown regime {s!r}")
    for s in args.dtypes:
        if s not in DTYPES:
            p.error(f"unknown dtype {s!r}")
    return args


def main(argv=None) -> int:
    args = parse_args(argv)
    lb = import_quietly("logbessel")
    info = machine_info(lb)
    _log(f"logbessel {info['logbessel']} ({info['logbessel_location']}), numpy {info['numpy']}, "
         f"scipy {info['scipy']}, CPU: {info['cpu_model']}")
    _log(f"n={args.n}, repeat={args.repeat}, seed={args.seed}, mixed={args.mixed}; "
         "allocation excluded (preallocated out= for every contender)")

    t_start = time.perf_counter()
    results = []
    cases = [(r, d) for r in args.regimes for d in args.dtypes]
    for i, (regime, dtype) in enumerate(cases, 1):
        t0 = time.perf_counter()
        res = bench_case(lb, regime, dtype, args)
        results.append(res)
        _log(f"[{i}/{len(cases)}] {regime:8s} {dtype}: speedup I {res['speedup_iv_vs_scipy']:.2f}x, "
             f"K {res['speedup_kv_vs_scipy']:.2f}x  ({time.perf_counter() - t0:.1f} s)")
    elapsed = time.perf_counter() - t_start

    summary = summarize(results)
    print()
    print(render_table(table_rows(results), args.markdown))
    print()
    print(render_summary(summary, args.markdown))
    note = (f"n={args.n}, repeat={args.repeat}, single thread, allocation excluded; ratios are "
            f"medians of per-round ratios; absolute times are noisy. Total {elapsed:.1f} s.")
    print()
    print(f"_{note}_" if args.markdown else note)

    if args.json:
        doc = {
            "schema": "logbessel-bench-cpu/1",
            "created_utc": datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds"),
            "settings": {
                "n": args.n, "repeat": args.repeat, "seed": args.seed, "mixed": args.mixed,
                "regimes": args.regimes, "dtypes": args.dtypes,
                "allocation": "excluded: every contender writes into its own preallocated out array",
                "order": "round-robin, starting contender rotated each round, one warm-up call each",
                "headline_ratios": "median over rounds of per-round ratios",
                "timer": "time.perf_counter",
            },
            "machine": info,
            "results": results,
            "summary": summary,
            "elapsed_s": elapsed,
        }
        path = Path(args.json)
        if path.parent != Path(""):
            path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(doc, indent=2) + "\n", encoding="utf-8")
        _log(f"wrote {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
