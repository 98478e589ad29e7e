#!/usr/bin/env python3
"""Benchmark report: one command that runs logbessel's benchmarks and writes a Markdown report,
a PNG bar chart of throughput ratios against the peers, and the raw numbers as JSON.

Usage (from the repository root, with logbessel, SciPy and matplotlib installed)::

    python bench/report.py                 # CPU: n = 1e6, 7 rounds; primitives: n = 2e5, 5 rounds
    python bench/report.py --quick         # n = 1e5 / 5e4, 3 rounds (a few seconds; for CI)
    python bench/report.py --out DIR       # default bench/results/report

What runs (all in this one process, single thread):

* ``bench/bench_cpu.py`` (imported, ``bench_case`` per regime and dtype): log_iv and log_kv against
  ``np.log(scipy.special.ive(v, x)) + x`` and ``np.log(scipy.special.kve(v, x)) - x``, timed
  round-robin with preallocated outputs; the ratio is the median of per-round ratios;
* the related primitives on the inputs of ``bench/bench_primitives.py`` (its ``regimes`` and
  ``inputs_for``), each against the SciPy way to compute it where there is one (the same peers
  as ``bench/accuracy_maps.py``: SciPy's private ``_iv_ratio`` / ``_iv_ratio_c`` and the SciPy
  compositions), timed round-robin the same way;
* ``bench/bench_gpu.py --quick`` when CuPy sees a GPU (its table is included as printed).

A ratio above 1 means logbessel is faster. SciPy's times include its failures (nan/inf where the
true value is finite), whose share is reported next to the ratio: speed at the price of wrong
answers is not a win, and ``bench/accuracy_maps.py`` shows where they are.

Outputs: ``<out>/report.md``, ``<out>/speed.png``, ``<out>/report.json`` and the reST version of
the tables for the documentation, ``docs/generated/speed_report.inc`` (with a copy of the chart in
``docs/_static/speed.png``).
"""

from __future__ import annotations

import argparse
import contextlib
import datetime
import gc
import io
import json
import shutil
import statistics
import sys
import time
import warnings
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))

import bench_cpu  # noqa: E402 - sets the thread variables before NumPy is imported

import numpy as np  # noqa: E402

DOCS_INC = ROOT / "docs" / "generated" / "speed_report.inc"
DOCS_PNG = ROOT / "docs" / "_static" / "speed.png"


# ---------------------------------------------------------------------------------------------
# CPU: log_iv / log_kv (bench_cpu) and the primitives
# ---------------------------------------------------------------------------------------------
def run_core(lb, n: int, repeat: int) -> list[dict]:
    args = bench_cpu.parse_args(["--n", str(n), "--repeat", str(repeat)])
    out = []
    for regime in bench_cpu.REGIMES:
        for dtype in bench_cpu.DTYPES:
            t0 = time.perf_counter()
            r = bench_cpu.bench_case(lb, regime, dtype, args)
            print(f"  {regime:8s} {dtype}: I {r['speedup_iv_vs_scipy']:.2f}x, K {r['speedup_kv_vs_scipy']:.2f}x "
                  f"({time.perf_counter() - t0:.1f} s)", file=sys.stderr, flush=True)
            out.append(r)
    return out


def _time_pairs(funcs: dict, repeat: int) -> dict[str, list[float]]:
    """Round-robin timing of the callables (the method of bench_cpu.time_round_robin)."""
    return bench_cpu.time_round_robin(funcs, repeat)


def run_primitives(lb, n: int, repeat: int, dtype: str) -> list[dict]:
    """Per primitive and regime: time(SciPy peer) / time(logbessel), time(f) / time(log_iv)."""
    import bench_primitives
    from accuracy_maps import _scipy_peers

    peers = _scipy_peers()
    names = sorted(k for k in dir(lb._core) if isinstance(getattr(lb._core, k), np.ufunc))
    rng = np.random.default_rng(0)
    dt = np.dtype(dtype)
    rows = []
    for regime, (v, x) in bench_primitives.regimes(n, rng).items():
        base = (v.astype(dt), x.astype(dt))
        for name in names:
            a, b = (c.astype(dt) for c in bench_primitives.inputs_for(name, v, x, rng))
            f = getattr(lb, name)
            o_lb, o_ref, o_peer = np.empty_like(a), np.empty_like(a), np.empty_like(a)
            funcs = {"logbessel": lambda f=f, a=a, b=b, o=o_lb: f(a, b, out=o),
                     "log_iv": lambda a=base[0], b=base[1], o=o_ref: lb.log_iv(a, b, out=o)}
            label = None
            if name in peers:
                label, peer = peers[name]
                funcs["peer"] = lambda p=peer, a=a, b=b, o=o_peer: o.__setitem__(slice(None), p(a, b))
            with np.errstate(all="ignore"), warnings.catch_warnings():
                warnings.simplefilter("ignore")
                times = _time_pairs(funcs, repeat)
            row = {"function": name, "regime": regime, "dtype": dtype, "n": n,
                   "over_log_iv": bench_cpu.paired_ratio(times["logbessel"], times["log_iv"]),
                   "ns_per_element": statistics.median(times["logbessel"]) / n * 1e9}
            if label:
                row.update(peer=label,
                           speedup_vs_peer=bench_cpu.paired_ratio(times["peer"], times["logbessel"]),
                           peer_nonfinite_pct=bench_cpu.nonfinite_pct(o_peer),
                           logbessel_nonfinite_pct=bench_cpu.nonfinite_pct(o_lb))
            rows.append(row)
        print(f"  primitives {regime} done", file=sys.stderr, flush=True)
    return rows


# ---------------------------------------------------------------------------------------------
# GPU (optional)
# ---------------------------------------------------------------------------------------------
def gpu_present() -> bool:
    try:
        import cupy

        return cupy.cuda.runtime.getDeviceCount() > 0
    except Exception:  # noqa: BLE001 - no CuPy, no driver, no device: no GPU section
        return False


def run_gpu(out_dir: Path) -> dict | None:
    if not gpu_present():
        return None
    import bench_gpu

    buf = io.StringIO()
    path = out_dir / "gpu.json"
    with contextlib.redirect_stdout(buf):
        rc = bench_gpu.main(["--quick", "--markdown", "--json", str(path)])
    if rc != 0 or not path.is_file():
        return {"error": f"bench_gpu.py exited with {rc}", "markdown": buf.getvalue()}
    return {"markdown": buf.getvalue().strip(), "json": json.loads(path.read_text(encoding="utf-8"))}


# ---------------------------------------------------------------------------------------------
# Rendering
# ---------------------------------------------------------------------------------------------
REGIME_TEXT = {
    "small_v": "small v (v ~ 1, x in [1e-3, 1e3])",
    "large_v": "large v (v in [1e2, 1e4], x in [0.1, 1e5])",
    "mixed": "mixed (thirds of both + v in [1e-3, 1e6], x in [1e-5, 1e6])",
}


def core_table(results: list[dict]) -> tuple[list[str], list[list[str]]]:
    head = ["regime", "dtype", "log_iv ns/el", "speedup vs SciPy I", "log_kv ns/el", "speedup vs SciPy K",
            "SciPy non-finite % (I / K)"]
    rows = []
    for r in results:
        c = r["contenders"]
        nf = r["nonfinite_pct"]
        rows.append([REGIME_TEXT[r["regime"]], r["dtype"], f"{c['log_iv']['ns_per_element']:.0f}",
                     f"{r['speedup_iv_vs_scipy']:.1f}x", f"{c['log_kv']['ns_per_element']:.0f}",
                     f"{r['speedup_kv_vs_scipy']:.1f}x", f"{nf['scipy_iv']:.0f} / {nf['scipy_kv']:.0f}"])
    return head, rows


def prim_table(rows: list[dict]) -> tuple[list[str], list[list[str]]]:
    regimes = list(dict.fromkeys(r["regime"] for r in rows))
    head = ["function", "peer"] + [f"{g}: speedup vs peer (peer non-finite %)" for g in regimes] + \
        [f"{g}: time / log_iv" for g in regimes]
    out = []
    for name in dict.fromkeys(r["function"] for r in rows):
        rs = {r["regime"]: r for r in rows if r["function"] == name}
        first = next(iter(rs.values()))
        peer = first.get("peer", "none")
        cells = []
        for g in regimes:
            r = rs[g]
            cells.append(f"{r['speedup_vs_peer']:.1f}x ({r['peer_nonfinite_pct']:.0f})" if "speedup_vs_peer" in r
                         else "-")
        cells += [f"{rs[g]['over_log_iv']:.2f}" for g in regimes]
        out.append([name, peer] + cells)
    return head, out


def md_table(head, rows) -> str:
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * 2 + "---:|" * (len(head) - 2)]
    lines += ["| " + " | ".join(r) + " |" for r in rows]
    return "\n".join(lines)


def rst_table(head, rows) -> str:
    out = [".. list-table::", "   :header-rows: 1", ""]
    for r in [head] + rows:
        out.append(f"   * - {r[0]}")
        out += [f"     - {c}" for c in r[1:]]
    return "\n".join(out)


def machine_text(m: dict) -> str:
    cpus = m.get("cpus_usable") or m.get("cpu_count")
    simd = m.get("numpy_simd") or {}
    baseline = ", ".join(simd.get("baseline", [])) if isinstance(simd, dict) else ""
    found = ", ".join(simd.get("found", [])) if isinstance(simd, dict) else ""
    return (f"CPU: {m['cpu_model']} ({cpus} usable of {m['cpu_count']} logical CPUs; {m['machine']}; "
            f"NumPy SIMD baseline {baseline or '?'}, found {found or '?'}), {m['platform']}; Python "
            f"{m['python']}, numpy {m['numpy']}, scipy {m['scipy']}, logbessel {m['logbessel']} "
            f"({m['logbessel_location']}), git {m['git'].get('describe')}. Single thread.")


def bar_chart(core: list[dict], prims: list[dict], gpu: dict | None, path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    labels, values, colours = [], [], []
    for r in core:
        for fn, key in (("log_iv", "speedup_iv_vs_scipy"), ("log_kv", "speedup_kv_vs_scipy")):
            labels.append(f"{fn} {r['regime']} {r['dtype']}")
            values.append(r[key])
            colours.append("#2166ac" if r["dtype"] == "float64" else "#67a9cf")
    for r in prims:
        if "speedup_vs_peer" in r and r["regime"] == "mixed":
            labels.append(f"{r['function']} mixed {r['dtype']}")
            values.append(r["speedup_vs_peer"])
            colours.append("#1b7837")
    if gpu and "json" in gpu:
        for r in gpu["json"]["results"]:
            if r.get("n") == max(x.get("n", 0) for x in gpu["json"]["results"]):
                for fn in ("log_iv", "log_kv"):
                    k = f"{fn}_speedup_vs_scipy_cpu"
                    if k in r:
                        labels.append(f"GPU {fn} {r['regime']} {r['dtype']}")
                        values.append(r[k])
                        colours.append("#b2182b")
    fig, ax = plt.subplots(figsize=(7.5, 0.22 * len(labels) + 1.2), constrained_layout=True)
    y = np.arange(len(labels))[::-1]
    ax.barh(y, values, color=colours)
    ax.set_yticks(y, labels, fontsize=7)
    ax.set_xscale("log")
    ax.axvline(1.0, color="k", lw=0.8)
    for yi, v in zip(y, values):
        ax.text(v, yi, f" {v:.1f}x", va="center", fontsize=6)
    ax.set_xlabel("throughput ratio: time(SciPy) / time(logbessel)  (> 1: logbessel faster)", fontsize=8)
    ax.set_title("logbessel vs SciPy, one CPU thread (blue: log I / log K; green: primitives, "
                 "mixed regime; red: GPU vs SciPy on CPU)", fontsize=7)
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, dpi=80)
    plt.close(fig)


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--quick", action="store_true", help="small arrays, 3 rounds (a few seconds)")
    ap.add_argument("--n", type=int, help="elements for log_iv / log_kv (default 1e6; quick 1e5)")
    ap.add_argument("--n-primitives", type=int, help="elements for the primitives (default 2e5; quick 5e4)")
    ap.add_argument("--repeat", type=int, help="rounds (default 7 / 5 for the primitives; quick 3)")
    ap.add_argument("--out", default=str(ROOT / "bench" / "results" / "report"), help="output folder")
    ap.add_argument("--no-gpu", action="store_true", help="skip the GPU benchmark even if a GPU is present")
    ap.add_argument("--no-docs", action="store_true", help="do not update docs/generated and docs/_static")
    args = ap.parse_args(argv)
    n = args.n or (100_000 if args.quick else 1_000_000)
    n_prim = args.n_primitives or (50_000 if args.quick else 200_000)
    rep = args.repeat or (3 if args.quick else 7)
    rep_prim = args.repeat or (3 if args.quick else 5)
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)

    lb = bench_cpu.import_quietly("logbessel")
    machine = bench_cpu.machine_info(lb)
    t0 = time.perf_counter()
    print("log_iv / log_kv vs SciPy ...", file=sys.stderr, flush=True)
    core = run_core(lb, n, rep)
    print("primitives ...", file=sys.stderr, flush=True)
    gc.collect()
    prims = run_primitives(lb, n_prim, rep_prim, "float64")
    gpu = None if args.no_gpu else run_gpu(out)
    elapsed = time.perf_counter() - t0

    stamp = datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    ch, cr = core_table(core)
    ph, pr = prim_table(prims)
    settings = (f"log_iv / log_kv: n = {n}, {rep} rounds; primitives: n = {n_prim}, {rep_prim} rounds, float64; "
                "ratios are medians of per-round ratios (round-robin, preallocated outputs)")
    md = ["# logbessel benchmark report", "",
          f"Generated {stamp} by `python bench/report.py{' --quick' if args.quick else ''}` in {elapsed:.0f} s.", "",
          f"**Machine.** {machine_text(machine)}", "", f"**Settings.** {settings}.", "",
          "![throughput ratios](speed.png)", "",
          "## log I and log K against SciPy", "",
          "SciPy: `np.log(scipy.special.ive(v, x)) + x`, `np.log(scipy.special.kve(v, x)) - x`; its time "
          "includes its non-finite results (last column).", "", md_table(ch, cr), "",
          "## Related primitives (float64)", "",
          "Peer: the SciPy way to compute the same quantity (see `bench/accuracy_maps.py`); regimes of "
          "`bench/bench_primitives.py`. `time / log_iv`: the primitive's time over log_iv's on the same "
          "number of elements.", "", md_table(ph, pr), ""]
    rst = [".. Generated by bench/report.py -- do not edit.", "",
           f"Generated {stamp} by ``python bench/report.py{' --quick' if args.quick else ''}``.", "",
           f"**Machine.** {machine_text(machine)}", "", f"**Settings.** {settings}.", "",
           ".. image:: /_static/speed.png", "   :alt: throughput ratios against SciPy", "",
           "log I and log K against SciPy", "-----------------------------", "", rst_table(ch, cr), "",
           "Related primitives (float64)", "----------------------------", "", rst_table(ph, pr), ""]
    if gpu:
        md += ["## GPU", "", gpu.get("markdown", ""), ""]
        rst += ["GPU", "---", "", "::", ""] + ["   " + ln for ln in gpu.get("markdown", "").splitlines()] + [""]
    else:
        md += ["## GPU", "", "No GPU was present: `bench/bench_gpu.py` did not run.", ""]
        rst += ["GPU", "---", "", "No GPU was present when this report was made: ``bench/bench_gpu.py`` did not run.", ""]
    (out / "report.md").write_text("\n".join(md), encoding="utf-8")
    bar_chart(core, prims, gpu, out / "speed.png")
    doc = {"schema": "logbessel-bench-report/1", "created_utc": stamp, "machine": machine,
           "settings": {"n": n, "n_primitives": n_prim, "repeat": rep, "repeat_primitives": rep_prim},
           "core": core, "primitives": prims, "gpu": gpu.get("json") if gpu else None, "elapsed_s": elapsed}
    (out / "report.json").write_text(json.dumps(doc, indent=1, default=str) + "\n", encoding="utf-8")
    if not args.no_docs:
        DOCS_INC.parent.mkdir(parents=True, exist_ok=True)
        DOCS_INC.write_text("\n".join(rst), encoding="utf-8")
        shutil.copyfile(out / "speed.png", DOCS_PNG)
    print("\n".join(md))
    return 0


if __name__ == "__main__":
    sys.exit(main())
