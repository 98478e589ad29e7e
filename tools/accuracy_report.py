#!/usr/bin/env python
"""Markdown accuracy report for logbessel against the certified reference tables.

Usage (from the repository root)::

    python tools/accuracy_report.py                  # logbessel, both functions and dtypes
    python tools/accuracy_report.py --peers          # plus SciPy's log(ive)+x / log(kve)-x
    python tools/accuracy_report.py --dtype float64 --func log_kv --no-worst

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
    ap.add_argument("--func", choices=acc.FUNCS, action="append", help="restrict to a function")
    ap.add_argument("--no-worst", action="store_true", help="omit the worst-point column")
    args = ap.parse_args(argv)
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


if __name__ == "__main__":
    sys.exit(main())
