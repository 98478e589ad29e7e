"""Print the README's compact accuracy table (logbessel vs SciPy on the Arb tables).

Run from the repository root: python tools/readme_tables.py
(``--primitives``: the related primitives of issue 5, one row per function.)
Rows: the box samples (grid + random over the whole range), the edge categories, the
adversarial categories near turning points and roots, and the whole table. Cells:
max / p99 of err_abs = |f - ref| / (eps max(1, |ref|)) in units of the dtype's eps, and the
failure count (nan/inf where the true value is finite).
"""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))
import accuracy as acc  # noqa: E402

GROUPS = [
    ("box: grid + random", ("grid", "random")),
    ("tiny x (< 1e-300 / subnormal)", ("tiny_x",)),
    ("huge x (> 1e300)", ("huge_x",)),
    ("huge v (1e6 .. 1e12)", ("huge_v",)),
    ("v = 0 (log I_0 ~ x^2/4)", ("v_zero",)),
    ("moderate (v <= 50, x <= 100)", ("moderate",)),
    ("negative v", ("negative_v",)),
    ("transition x ~ v", ("transition",)),
    ("near roots of I, K = 1", ("small_log",)),
    ("whole table", None),
]


def cell(err_abs, fail, mask) -> str:
    e = err_abs[mask & ~fail]
    nf = int(fail[mask].sum())
    if e.size == 0:
        return f"- ({nf})"
    return f"{e.max():.2g} / {np.percentile(e, 99):.2g} ({nf})"


def primitives() -> None:
    """One row per primitive: max / p99 err_abs (failures) per dtype, and the target."""
    import logbessel

    print("\n**Related primitives** (cells: max / p99 err_abs in eps of the dtype, (failures); "
          "iv_ratio_inv also divided by max(1, condition number))\n")
    print("| function | target | float64 | float32 | rows (float64 / float32) |")
    print("|---|---:|---:|---:|---:|")
    for func in acc.PRIM_FUNCS:
        cells, rows = [], []
        for dtype in ("float64", "float32"):
            t = acc.load_primitive_tables(dtype)[func]
            rows.append(str(len(t)))
            if not hasattr(logbessel, func):
                cells.append("not implemented yet")
                continue
            with np.errstate(all="ignore"):
                out = getattr(logbessel, func)(t.v.astype(dtype), t.x.astype(dtype))
            err_abs, _, fail = acc.errors(out, t.hi[func], t.lo[func], dtype)
            c = cell(err_abs, fail, np.ones(len(t), bool))
            if "cond" in t.extra:
                sc = acc.cond_scaled(err_abs, t)
                c += f"; /cond: {cell(sc, fail, np.ones(len(t), bool)).split(' (')[0]}"
            cells.append(c)
        print(f"| {func} | {acc.PRIM_TARGET_MAX_ABS[func]:g} | {cells[0]} | {cells[1]} | "
              f"{' / '.join(rows)} |")


def main() -> None:
    if "--primitives" in sys.argv[1:]:
        primitives()
        return
    for dtype in ("float64", "float32"):
        t = acc.load_table(dtype)
        cols = []
        for func in acc.FUNCS:
            for name, impl in (("logbessel", acc.logbessel_impl(func)), ("SciPy", acc.scipy_impl(func))):
                with np.errstate(all="ignore"):
                    out = impl(t.v.astype(dtype), t.x.astype(dtype))
                hi, lo = t.hi[func], t.lo[func]
                err_abs, _, fail = acc.errors(out, hi, lo, dtype)
                cols.append((f"{func} {name}", err_abs, fail, ~np.isnan(hi)))
        print(f"\n**{dtype}** ({len(t)} points; cells: max / p99 err_abs in eps, (failures))\n")
        print("| points | " + " | ".join(c[0] for c in cols) + " |")
        print("|---|" + "---:|" * len(cols))
        for label, cats in GROUPS:
            m = np.ones(len(t), bool) if cats is None else np.isin(t.category, cats)
            print(f"| {label} (n={int(m.sum())}) | " + " | ".join(cell(e, f, m & ok) for _, e, f, ok in cols) + " |")


if __name__ == "__main__":
    main()
