#!/usr/bin/env python
"""Markdown accuracy report for logbessel against the certified reference tables.

Usage (from the repository root)::

    python tools/accuracy_report.py                  # logbessel, both functions and dtypes
    python tools/accuracy_report.py --peers          # plus SciPy's log(ive)+x / log(kve)-x
    python tools/accuracy_report.py --dtype float64 --func log_kv --no-worst
    python tools/accuracy_report.py --primitives     # the related primitives (issue 5)
    python tools/accuracy_report.py --primitives --func iv_ratio_inv

Columns: n = rows; err_abs = |f - ref| / (eps max(1, |ref|)) (target: max <= 4);
err_rel = |f - ref| / ulp(ref) (target: p99 <= 2 over the whole table); failures = non-finite
output where the reference is finite, or non-nan output where it is nan.  Definitions and
tables: tests/accuracy.py, tests/data/README.md.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))

import accuracy as acc  # noqa: E402


def _version(modname: str) -> str:
    try:
        mod = __import__(modname)
        return getattr(mod, "__version__", "?")
    except Exception:  # pragma: no cover
        return "not installed"


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--peers", action="store_true", help="also report SciPy (log(ive)+x, log(kve)-x)")
    ap.add_argument("--dtype", choices=acc.DTYPES, action="append", help="restrict to a dtype")
    ap.add_argument("--func", choices=acc.FUNCS + acc.PRIM_FUNCS, action="append",
                    help="restrict to a function")
    ap.add_argument("--primitives", action="store_true",
                    help="report the related primitives on tests/data/ref_primitives_<dtype>.npz")
    ap.add_argument("--no-worst", action="store_true", help="omit the worst-point column")
    args = ap.parse_args(argv)
    if args.primitives:
        return primitives_report(args)
    dtypes = args.dtype or list(acc.DTYPES)
    funcs = args.func or list(acc.FUNCS)

    impls = [("logbessel", acc.logbessel_impl)]
    if args.peers:
        impls.append(("SciPy", acc.scipy_impl))

    print("# Accuracy report\n")
    vers = f"logbessel {_version('logbessel')}, numpy {_version('numpy')}"
    if args.peers:
        vers += f", scipy {_version('scipy')}"
    print(f"Versions: {vers}.\n")
    for d in dtypes:
        t = acc.load_table(d)
        meta = t.meta
        print(f"- `ref_{d}.npz`: {len(t)} rows, generated {meta.get('generated_utc', '?')} with "
              f"python-flint {meta.get('python_flint_version', '?')}")
    print("\nerr_abs = |f - ref| / (eps max(1,|ref|)), target max <= 4; err_rel = |f - ref| / "
          "ulp(ref), target p99 <= 2 (whole table).\n")

    summary = []
    for func in funcs:
        for d in dtypes:
            for name, make in impls:
                stats = acc.category_stats(func, d, impl=make(func))
                print(f"## {func}, {d} -- {name}\n")
                print(acc.markdown_table(stats, worst=not args.no_worst))
                print()
                summary.append((func, d, name, stats["all"]))

    if len(summary) > 1:
        print("## Summary (whole tables)\n")
        print("| function | dtype | implementation | n | max err_abs | p99 err_abs | "
              "median err_abs | p99 err_rel | failures |")
        print("|---|---|---|---:|---:|---:|---:|---:|---:|")
        for func, d, name, s in summary:
            print(f"| {func} | {d} | {name} | {s.n} | {acc.fmt(s.max_abs)} | {acc.fmt(s.p99_abs)} "
                  f"| {acc.fmt(s.median_abs)} | {acc.fmt(s.p99_rel)} | {s.failures} |")
    return 0


def primitives_report(args) -> int:
    """Per function and dtype: the category table; iv_ratio_inv also err_abs / max(1, cond)."""
    import numpy as np

    import logbessel

    dtypes = args.dtype or list(acc.DTYPES)
    funcs = [f for f in (args.func or acc.PRIM_FUNCS) if f in acc.PRIM_FUNCS]
    print("# Accuracy report: related primitives\n")
    print(f"Versions: logbessel {_version('logbessel')}, numpy {_version('numpy')}.\n")
    for d in dtypes:
        meta = next(iter(acc.load_primitive_tables(d).values())).meta
        print(f"- `ref_primitives_{d}.npz`: generated {meta.get('generated_utc', '?')} with "
              f"python-flint {meta.get('python_flint_version', '?')}")
    print("\nerr_abs = |f - ref| / (eps max(1,|ref|)); target max <= 4 (log_iv_dv, log_kv_dv, "
          "matern_dnu: <= 16); err_rel = |f - ref| / ulp(ref).\n")
    summary = []
    for func in funcs:
        if not hasattr(logbessel, func):
            print(f"## {func}: not implemented yet\n")
            continue
        for d in dtypes:
            t = acc.load_primitive_tables(d)[func]
            with np.errstate(all="ignore"):
                out = acc.evaluate(func, d, t, getattr(logbessel, func))
            stats = acc.category_stats(func, d, out=out, table=t)
            print(f"## {func}, {d}\n")
            print(acc.markdown_table(stats, worst=not args.no_worst))
            if "cond" in t.extra:
                ea, _, _ = acc.errors(out, t.hi[func], t.lo[func], d)
                sc = acc.cond_scaled(ea, t)
                ok = np.isfinite(sc)
                print(f"\nerr_abs / max(1, cond): max {acc.fmt(float(sc[ok].max()))}, p99 "
                      f"{acc.fmt(float(np.quantile(sc[ok], 0.99)))}; cond up to "
                      f"{acc.fmt(float(np.nanmax(t.extra['cond'])))}")
            print()
            summary.append((func, d, stats["all"]))
    if summary:
        print("## Summary (whole tables)\n")
        print("| function | dtype | n | max err_abs | p99 err_abs | median err_abs | target | failures |")
        print("|---|---|---:|---:|---:|---:|---:|---:|")
        for func, d, s in summary:
            print(f"| {func} | {d} | {s.n} | {acc.fmt(s.max_abs)} | {acc.fmt(s.p99_abs)} | "
                  f"{acc.fmt(s.median_abs)} | {acc.PRIM_TARGET_MAX_ABS[func]:g} | {s.failures} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
