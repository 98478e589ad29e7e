#!/usr/bin/env python3
"""GPU benchmark: logbessel.log_iv / log_kv on CuPy arrays, against CuPy's exp on the same GPU
array (the memory-bound yardstick) and against SciPy on the CPU.

Usage (from anywhere; see bench/README.md, section "GPU benchmark"):

    python bench/bench_gpu.py [--sizes 1e6,1e7,1e8] [--repeat 20] [--json out.json] [--markdown]
    python bench/bench_gpu.py --quick           # sizes 1e6,1e7, 5 repeats

Method, in short:
  * the inputs are bench_cpu.py's (same regimes, same seeded generators, float32 = the float64
    draws rounded), copied to the GPU once per case;
  * every contender writes into its own preallocated CuPy array (allocation excluded) through
    the public call ``logbessel.log_iv(v, x, out=o)`` (NumPy ufunc -> CuPy's __array_ufunc__ ->
    logbessel.gpu), so the Python dispatch is included; CuPy's ``cupy.exp(x, out=o)`` is timed
    the same way;
  * GPU times come from CUDA events (cupyx.profiler.benchmark) after warm-up calls (the JIT
    path compiles on the first call); medians over the repeats;
  * SciPy (``log(ive(v, x)) + x``, ``log(kve(v, x)) - x``) runs on one CPU thread on the first
    ``--scipy-n`` elements of the same inputs, and its time per element is scaled to n;
  * a sample of the GPU results is compared with the CPU ufunc (information, in units of
    eps * max(1, |f|)).
Without CuPy or a CUDA device the script exits with status 2 and says why.
"""

from __future__ import annotations

import argparse
import datetime
import json
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import bench_cpu  # noqa: E402  (sets the CPU thread variables before NumPy is imported)

import numpy as np  # noqa: E402

DEFAULT_SIZES = (10**6, 10**7, 10**8)
QUICK_SIZES = (10**6, 10**7)
FUNCS = ("log_iv", "log_kv")
EPS = {"float32": 2.0**-23, "float64": 2.0**-52}


def _log(msg: str) -> None:
    print(msg, file=sys.stderr, flush=True)


def gpu_or_exit():
    """(cupy, device properties) or exit(2) with the reason."""
    try:
        import cupy
    except ImportError as exc:
        _log(f"bench_gpu: CuPy is not installed ({exc}); install logbessel[gpu]. Nothing measured.")
        sys.exit(2)
    try:
        count = cupy.cuda.runtime.getDeviceCount()
    except Exception as exc:  # noqa: BLE001 - no driver / no device
        _log(f"bench_gpu: no CUDA device ({type(exc).__name__}: {exc}). Nothing measured.")
        sys.exit(2)
    if count == 0:
        _log("bench_gpu: no CUDA device. Nothing measured.")
        sys.exit(2)
    return cupy, cupy.cuda.runtime.getDeviceProperties(cupy.cuda.runtime.getDevice())


def gpu_time(cupy, fn, repeat: int, warmup: int) -> dict:
    from cupyx.profiler import benchmark

    res = benchmark(fn, n_repeat=repeat, n_warmup=warmup)
    t = [float(s) for s in np.asarray(res.gpu_times).ravel()]
    return {"median_s": statistics.median(t), "min_s": min(t), "times_s": t}


def scipy_time_per_element(v: np.ndarray, x: np.ndarray) -> dict:
    funcs, _ = bench_cpu.make_contenders(_NoLogbessel, v, x)
    times = bench_cpu.time_round_robin({k: funcs[k] for k in ("scipy_iv", "scipy_kv")}, repeat=3)
    return {"log_iv": statistics.median(times["scipy_iv"]) / len(x),
            "log_kv": statistics.median(times["scipy_kv"]) / len(x)}


class _NoLogbessel:
    """Stands in for the logbessel module in bench_cpu.make_contenders (only SciPy is timed)."""

    @staticmethod
    def log_iv(*a, **k):
        raise AssertionError

    log_kv = log_iv


def bench_case(cupy, lb, regime: str, dtype: str, n: int, args) -> dict:
    v64, x64 = bench_cpu.make_inputs(regime, n, args.seed, "thirds")
    v_h = np.ascontiguousarray(v64, dtype=dtype)
    x_h = np.ascontiguousarray(x64, dtype=dtype)
    del v64, x64
    v, x = cupy.asarray(v_h), cupy.asarray(x_h)
    outs = {name: cupy.empty_like(x) for name in (*FUNCS, "exp")}
    calls = {
        "log_iv": lambda: lb.log_iv(v, x, out=outs["log_iv"]),
        "log_kv": lambda: lb.log_kv(v, x, out=outs["log_kv"]),
        "exp": lambda: cupy.exp(x, out=outs["exp"]),
    }
    times = {name: gpu_time(cupy, fn, args.repeat, args.warmup) for name, fn in calls.items()}

    m = min(n, args.scipy_n)
    with np.errstate(all="ignore"):
        scipy_pe = scipy_time_per_element(v_h[:m].copy(), x_h[:m].copy())
        check = {}
        k = min(n, 100_000)
        for name in FUNCS:
            cpu = getattr(lb, name)(v_h[:k], x_h[:k]).astype(np.float64)
            got = cupy.asnumpy(outs[name][:k]).astype(np.float64)
            fin = np.isfinite(cpu) & np.isfinite(got)
            same_pattern = bool(np.array_equal(np.isnan(cpu), np.isnan(got)))
            d = np.abs(got[fin] - cpu[fin]) / (EPS[dtype] * np.maximum(1.0, np.abs(cpu[fin])))
            check[name] = {"max_diff_eps_vs_cpu": float(d.max()) if d.size else None,
                           "bitwise_equal_fraction": float(np.mean(got[fin] == cpu[fin])) if d.size else None,
                           "nan_pattern_equal": same_pattern, "sample": k}

    t_exp = times["exp"]["median_s"]
    res = {"regime": regime, "dtype": dtype, "n": n, "repeat": args.repeat, "gpu_times": times,
           "scipy_cpu_s_per_element": scipy_pe, "scipy_n": m, "check_vs_cpu": check}
    for name in FUNCS:
        t = times[name]["median_s"]
        res[f"{name}_elements_per_s"] = n / t
        res[f"{name}_over_exp"] = t / t_exp
        res[f"{name}_speedup_vs_scipy_cpu"] = scipy_pe[name] * n / t
    res["exp_elements_per_s"] = n / t_exp
    del v, x, outs
    cupy.get_default_memory_pool().free_all_blocks()
    return res


COLUMNS = ("regime", "dtype", "n",
           "log_iv el/s", "log_kv el/s", "exp el/s",
           "log_iv/exp", "log_kv/exp",
           "vs SciPy CPU: I", "K")


def _si(x: float) -> str:
    for p, s in ((1e12, "T"), (1e9, "G"), (1e6, "M")):
        if x >= p:
            return f"{x / p:.3g}{s}"
    return f"{x:.3g}"


def table_rows(results):
    return [[r["regime"], r["dtype"], f"{r['n']:.0e}".replace("e+0", "e"),
             _si(r["log_iv_elements_per_s"]), _si(r["log_kv_elements_per_s"]), _si(r["exp_elements_per_s"]),
             f"{r['log_iv_over_exp']:.2f}", f"{r['log_kv_over_exp']:.2f}",
             f"{r['log_iv_speedup_vs_scipy_cpu']:.0f}x", f"{r['log_kv_speedup_vs_scipy_cpu']:.0f}x"]
            for r in results]


def render(rows, markdown: bool) -> str:
    if markdown:
        out = ["| " + " | ".join(COLUMNS) + " |", "|" + "|".join(["---"] * 3 + ["---:"] * (len(COLUMNS) - 3)) + "|"]
        return "\n".join(out + ["| " + " | ".join(r) + " |" for r in rows])
    widths = [max(len(h), *(len(r[i]) for r in rows)) for i, h in enumerate(COLUMNS)]
    fmt = lambda cells: "  ".join(c.ljust(w) if i < 3 else c.rjust(w) for i, (c, w) in enumerate(zip(cells, widths)))  # noqa: E731
    return "\n".join([fmt(COLUMNS), fmt(["-" * w for w in widths])] + [fmt(r) for r in rows])


def parse_args(argv=None):
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--sizes", default=None, help="comma list of element counts (default 1e6,1e7,1e8)")
    p.add_argument("--repeat", type=int, default=None, help="timed repeats per contender (default 20)")
    p.add_argument("--warmup", type=int, default=3, help="untimed calls first (default 3)")
    p.add_argument("--quick", action="store_true", help="sizes 1e6,1e7 and 5 repeats")
    p.add_argument("--seed", type=int, default=bench_cpu.DEFAULT_SEED)
    p.add_argument("--regimes", default=",".join(bench_cpu.REGIMES))
    p.add_argument("--dtypes", default=",".join(bench_cpu.DTYPES))
    p.add_argument("--scipy-n", type=int, default=200_000,
                   help="elements on which SciPy is timed on the CPU (default 200000)")
    p.add_argument("--json", metavar="PATH", help="write all results and device info here")
    p.add_argument("--markdown", action="store_true", help="print a markdown table")
    a = p.parse_args(argv)
    sizes = a.sizes or ",".join(str(s) for s in (QUICK_SIZES if a.quick else DEFAULT_SIZES))
    a.sizes = [int(float(s)) for s in sizes.split(",") if s.strip()]
    a.repeat = a.repeat or (5 if a.quick else 20)
    a.regimes = [s.strip() for s in a.regimes.split(",") if s.strip()]
    a.dtypes = [s.strip() for s in a.dtypes.split(",") if s.strip()]
    if any(s not in bench_cpu.REGIMES for s in a.regimes) or any(d not in bench_cpu.DTYPES for d in a.dtypes):
        p.error(f"regimes from {bench_cpu.REGIMES}, dtypes from {bench_cpu.DTYPES}")
    if any(n < 3 for n in a.sizes) or a.repeat < 1:
        p.error("need sizes >= 3 and --repeat >= 1")
    return a


def main(argv=None) -> int:
    args = parse_args(argv)
    cupy, props = gpu_or_exit()
    lb = bench_cpu.import_quietly("logbessel")
    import logbessel.gpu as lbg

    info = lbg.info()
    device = props["name"].decode() if isinstance(props["name"], bytes) else str(props["name"])
    machine = bench_cpu.machine_info(lb)
    machine.update({
        "gpu": device, "gpu_compute_capability": f"{props['major']}.{props['minor']}",
        "gpu_memory_gib": props["totalGlobalMem"] / 2**30, "cupy": cupy.__version__,
        "cuda_runtime": cupy.cuda.runtime.runtimeGetVersion(), "cuda_driver": cupy.cuda.runtime.driverGetVersion(),
        "logbessel_gpu_backend": info.get("backend"), "aot_architectures": info.get("aot_architectures"),
    })
    _log(f"GPU {device} (cc {machine['gpu_compute_capability']}), CuPy {cupy.__version__}, "
         f"logbessel GPU backend: {machine['logbessel_gpu_backend']}; CPU for SciPy: {machine['cpu_model']}")

    t0 = time.perf_counter()
    results = []
    cases = [(r, d, n) for n in args.sizes for r in args.regimes for d in args.dtypes]
    for i, (regime, dtype, n) in enumerate(cases, 1):
        t = time.perf_counter()
        res = bench_case(cupy, lb, regime, dtype, n, args)
        results.append(res)
        _log(f"[{i}/{len(cases)}] {regime:8s} {dtype} n={n:.0e}: log_iv {_si(res['log_iv_elements_per_s'])} el/s "
             f"({res['log_iv_over_exp']:.2f}x exp), log_kv {_si(res['log_kv_elements_per_s'])} el/s "
             f"({res['log_kv_over_exp']:.2f}x exp)  ({time.perf_counter() - t:.1f} s)")
    elapsed = time.perf_counter() - t0

    print()
    print(render(table_rows(results), args.markdown))
    speed_i = [r["log_iv_speedup_vs_scipy_cpu"] for r in results]
    speed_k = [r["log_kv_speedup_vs_scipy_cpu"] for r in results]
    note = (f"{device}, CuPy {cupy.__version__}, logbessel GPU path: {machine['logbessel_gpu_backend']}; "
            f"GPU times: CUDA events, median of {args.repeat}; el/s = elements per second; x/exp = time "
            f"over cupy.exp on the same array; SciPy: one CPU thread ({machine['cpu_model']}) on "
            f"{args.scipy_n} elements, scaled to n. Median speedup over SciPy: I {statistics.median(speed_i):.0f}x, "
            f"K {statistics.median(speed_k):.0f}x. Total {elapsed:.0f} s.")
    print()
    print(f"_{note}_" if args.markdown else note)

    if args.json:
        doc = {"schema": "logbessel-bench-gpu/1",
               "created_utc": datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds"),
               "settings": {"sizes": args.sizes, "repeat": args.repeat, "warmup": args.warmup, "seed": args.seed,
                            "regimes": args.regimes, "dtypes": args.dtypes, "scipy_n": args.scipy_n,
                            "timer": "cupyx.profiler.benchmark (CUDA events)",
                            "call": "logbessel.NAME(v, x, out=o) through the NumPy ufunc and CuPy dispatch"},
               "machine": machine, "gpu_info": info, "results": results, "elapsed_s": elapsed}
        path = Path(args.json)
        if path.parent != Path(""):
            path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(doc, indent=2, default=str) + "\n", encoding="utf-8")
        _log(f"wrote {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
