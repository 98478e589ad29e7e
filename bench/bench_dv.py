#!/usr/bin/env python3
"""Throughput of the order derivatives relative to log_iv / log_kv, in one process.

    python bench/bench_dv.py [--n 200000] [--repeat 7]

Same regimes as bench/bench_cpu.py (small_v: v in [0.5, 1.5], x log-uniform in [1e-3, 1e3];
large_v: v in [1e2, 1e4], x in [1e-1, 1e5]; mixed: thirds of those and of a wide range) plus
'series' (R < 21.5, where the derivatives use their series / Temme / CF2 regions). For each
regime and dtype the four ufuncs run round-robin; the ratio reported is the median over rounds
of time(log_iv_dv) / time(log_iv) and time(log_kv_dv) / time(log_kv) (paired within a round).
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

os.environ.setdefault("OMP_NUM_THREADS", "1")
import numpy as np  # noqa: E402

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_cpu import make_inputs  # noqa: E402

import logbessel  # noqa: E402


def series_inputs(n, seed):
    rng = np.random.default_rng([seed, 99])
    r = 21.5 * np.sqrt(rng.uniform(0, 1, n))
    th = rng.uniform(0, np.pi / 2, n)
    return r * np.sin(th), r * np.cos(th)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--n", type=int, default=200_000)
    ap.add_argument("--repeat", type=int, default=7)
    ap.add_argument("--seed", type=int, default=20241125)
    a = ap.parse_args()
    funcs = ["log_iv", "log_iv_dv", "log_kv", "log_kv_dv"]
    print(f"{'regime':8s} {'dtype':8s} " + " ".join(f"{f + ' ns':>13s}" for f in funcs)
          + f" {'iv_dv/iv':>9s} {'kv_dv/kv':>9s}")
    for regime in ("small_v", "large_v", "mixed", "series"):
        if regime == "series":
            v64, x64 = series_inputs(a.n, a.seed)
        else:
            v64, x64 = make_inputs(regime, a.n, a.seed, "thirds")
        for dtype in ("float64", "float32"):
            v, x = v64.astype(dtype), x64.astype(dtype)
            out = np.empty_like(v)
            times = {f: [] for f in funcs}
            for f in funcs:
                getattr(logbessel, f)(v, x, out=out)
            for r in range(a.repeat):
                order = funcs[r % 4:] + funcs[: r % 4]
                for f in order:
                    uf = getattr(logbessel, f)
                    t0 = time.perf_counter()
                    uf(v, x, out=out)
                    times[f].append(time.perf_counter() - t0)
            med = {f: statistics.median(times[f]) / a.n * 1e9 for f in funcs}
            ri = statistics.median(d / b for d, b in zip(times["log_iv_dv"], times["log_iv"]))
            rk = statistics.median(d / b for d, b in zip(times["log_kv_dv"], times["log_kv"]))
            print(f"{regime:8s} {dtype:8s} " + " ".join(f"{med[f]:13.1f}" for f in funcs)
                  + f" {ri:9.2f} {rk:9.2f}", flush=True)


if __name__ == "__main__":
    main()
