"""Leak and allocation check of the logbessel ufuncs (issue 8, item 4).

    python tools/leak_check.py                # 1e6 small calls, RSS report, exit 1 on growth
    python tools/leak_check.py --calls 200000 # fewer calls
    python tools/leak_check.py --big          # also: a 1e8-element float32 call allocates only
                                              # its output (tracemalloc; ~0.8 GB of memory)

The small-call phase cycles through every ufunc with three call shapes (8-element arrays, the
same with out=, Python scalars), after a warm-up of 2e4 calls, and samples the resident set size
(/proc/self/statm) every 10% of the run. It fails if the RSS grows by more than --max-growth-mb
(default 4 MB) between the first and the last sample: a leak of even 8 bytes per call would be
8 MB over 1e6 calls. tests/test_layout.py runs a 1e5-call version in the test suite.
"""

from __future__ import annotations

import argparse
import gc
import os
import sys
import time
import tracemalloc

import numpy as np

import logbessel


def rss_bytes() -> int:
    with open("/proc/self/statm") as fh:
        return int(fh.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")


def small_calls(n_calls: int, max_growth_mb: float) -> bool:
    ufuncs = [getattr(logbessel, n) for n in logbessel.__all__
              if isinstance(getattr(logbessel, n), np.ufunc)]
    a = np.linspace(0.5, 5.0, 8)
    b = np.linspace(0.1, 3.0, 8)
    a32, b32 = a.astype(np.float32), b.astype(np.float32)
    out = np.empty(8)

    def burst(n):
        for i in range(n):
            f = ufuncs[i % len(ufuncs)]
            k = i % 4
            if k == 0:
                f(a, b)
            elif k == 1:
                f(a, b, out=out)
            elif k == 2:
                f(1.5, 0.25)
            else:
                f(a32, b32)

    with np.errstate(all="ignore"):
        burst(20_000)
        gc.collect()
        samples = [rss_bytes()]
        step = max(n_calls // 10, 1)
        t0 = time.perf_counter()
        done = 0
        while done < n_calls:
            burst(min(step, n_calls - done))
            done += step
            gc.collect()
            samples.append(rss_bytes())
        dt = time.perf_counter() - t0
    mb = [s / 2**20 for s in samples]
    growth = mb[-1] - mb[0]
    print(f"{n_calls} calls over {len(ufuncs)} ufuncs in {dt:.1f} s "
          f"({dt / n_calls * 1e6:.2f} us/call)")
    print("RSS (MB) every 10%: " + " ".join(f"{m:.1f}" for m in mb))
    print(f"RSS growth: {growth:+.2f} MB (limit {max_growth_mb} MB)")
    return growth <= max_growth_mb


def big_call() -> bool:
    n = 100_000_000
    x = np.linspace(0.25, 50.0, n, dtype=np.float32)
    gc.collect()
    tracemalloc.start()
    tracemalloc.reset_peak()
    base = tracemalloc.get_traced_memory()[0]
    rss0 = rss_bytes()
    t0 = time.perf_counter()
    r = logbessel.log_kv(np.float32(2.5), x)
    dt = time.perf_counter() - t0
    peak = tracemalloc.get_traced_memory()[1] - base
    tracemalloc.stop()
    rss_growth = rss_bytes() - rss0
    ok = r.dtype == np.float32 and peak <= r.nbytes + 2**20
    print(f"1e8-element float32 log_kv: {dt:.1f} s, output {r.nbytes / 2**20:.1f} MiB, "
          f"peak traced allocation {peak / 2**20:.1f} MiB, RSS growth {rss_growth / 2**20:.1f} MiB")
    return ok


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--calls", type=int, default=1_000_000)
    p.add_argument("--max-growth-mb", type=float, default=4.0)
    p.add_argument("--big", action="store_true", help="also the 1e8-element float32 call")
    args = p.parse_args(argv)
    if not sys.platform.startswith("linux"):
        print("reads /proc/self/statm: Linux only")
        return 2
    ok = small_calls(args.calls, args.max_growth_mb)
    if args.big:
        ok = big_call() and ok
    print("OK" if ok else "FAILED")
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
