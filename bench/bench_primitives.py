"""Throughput of the related primitives relative to log_iv, measured in one process.

Each primitive is timed on the same kind of inputs as log_iv in bench_cpu.py's regimes (small
orders, large orders, mixed), and reported as time(primitive) / time(log_iv) on the same number
of elements: the issue's target is a ratio <= 2. Rounds alternate between the functions so
that machine noise hits all of them alike; the median of the per-round ratios is reported.

    python bench/bench_primitives.py [--n 1000000] [--repeat 5] [--dtype float64|float32] [--only f ...]
"""

from __future__ import annotations

import argparse
import time

import numpy as np

import logbessel as lb


def regimes(n: int, rng: np.random.Generator):
    small_v = (rng.uniform(0, 10, n), 10.0 ** rng.uniform(-3, 2, n))
    large_v = (10.0 ** rng.uniform(1.5, 6, n), 10.0 ** rng.uniform(-1, 6, n))
    mixed = (10.0 ** rng.uniform(-2, 5, n), 10.0 ** rng.uniform(-3, 5, n))
    return {"small_v": small_v, "large_v": large_v, "mixed": mixed}


def inputs_for(name: str, v: np.ndarray, x: np.ndarray, rng: np.random.Generator):
    """Map the (order, argument) pairs to each function's own arguments."""
    if name == "iv_ratio_inv":  # (v, r): a mean resultant length in (0, 1)
        return v, rng.uniform(0.0, 1.0, v.size)
    if name == "vmf_log_norm":  # (d, kappa): d = 2 v + 2 >= 2
        return 2 * v + 2, x
    if name in ("matern", "matern_dnu"):  # (r, nu)
        return x / (1 + v), 0.5 + v
    return v, x


def main(argv=None) -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--n", type=int, default=1_000_000)
    ap.add_argument("--repeat", type=int, default=5)
    ap.add_argument("--dtype", default="float64", choices=["float64", "float32"])
    ap.add_argument("--only", nargs="*", default=None, help="time only these functions (and log_iv)")
    args = ap.parse_args(argv)
    names = sorted(n for n in dir(lb._core) if isinstance(getattr(lb._core, n), np.ufunc))
    names = [n for n in names if n != "log_iv" and (args.only is None or n in args.only)]
    rng = np.random.default_rng(0)
    dt = np.dtype(args.dtype)
    print(f"time(f) / time(log_iv), {args.n} elements, {args.dtype}, median of {args.repeat} rounds\n")
    print("| function | " + " | ".join(regimes(1, rng)) + " |")
    print("|---|" + "---:|" * 3)
    rows = {n: [] for n in names}
    for regime, (v, x) in regimes(args.n, rng).items():
        base = (v.astype(dt), x.astype(dt))
        args_of = {n: tuple(a.astype(dt) for a in inputs_for(n, v, x, rng)) for n in names}
        ratios = {n: [] for n in names}
        with np.errstate(all="ignore"):
            for _ in range(args.repeat):
                t0 = time.perf_counter()
                lb.log_iv(*base)
                t_ref = time.perf_counter() - t0
                for n in names:
                    f = getattr(lb, n)
                    t0 = time.perf_counter()
                    f(*args_of[n])
                    ratios[n].append((time.perf_counter() - t0) / t_ref)
        for n in names:
            rows[n].append(float(np.median(ratios[n])))
    for n in names:
        print(f"| {n} | " + " | ".join(f"{r:.2f}" for r in rows[n]) + " |")


if __name__ == "__main__":
    main()
