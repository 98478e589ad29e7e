"""Shared helpers for logbessel's accuracy tests and ``tools/accuracy_report.py``.

The reference tables (``tests/data/ref_<dtype>.npz``, made by ``tests/data/generate_reference.py``)
hold certified values of log I_v(x) and log K_v(x) as unevaluated double-double sums
``hi + lo``.  For an output ``f`` of the implementation in a dtype with machine epsilon ``eps``
(2^-52 for float64, 2^-23 for float32) two error measures are used:

* ``err_abs = |f - ref| / (eps * max(1, |ref|))`` -- absolute error for |ref| < 1, relative
  error above; the accuracy target is ``err_abs <= 4`` everywhere;
* ``err_rel = |f - ref| / ulp(ref)`` -- relative error of the log value in ulps of the dtype
  (``ulp(ref)`` = spacing of the dtype's numbers at ``ref``); target: 99th percentile <= 2.

``f - ref`` is evaluated as ``(f - hi) - lo`` in float64.  A *failure* is a non-finite output
where the reference is finite, or anything but nan where the reference is nan (I_v(x) < 0 for
some negative non-integer orders).  Failures are counted separately and excluded from the
error statistics.
"""

from __future__ import annotations

import functools
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

import numpy as np

DATA_DIR = Path(__file__).resolve().parent / "data"

FUNCS = ("log_iv", "log_kv")
DTYPES = ("float32", "float64")
EPS = {"float32": 2.0**-23, "float64": 2.0**-52}
_MANT_BITS = {"float32": 24, "float64": 53}
_DENORM_MIN = {"float32": 2.0**-149, "float64": 2.0**-1074}

TARGET_MAX_ABS = 4.0
TARGET_P99_REL = 2.0

CATEGORIES = (
    "grid",
    "random",
    "tiny_x",
    "huge_x",
    "huge_v",
    "v_zero",
    "half_integer",
    "near_integer",
    "transition",
    "small_log",
    "moderate",
    "boundaries",
    "negative_v",
)
EXPECTED_CATEGORIES = {
    "float64": CATEGORIES,
    "float32": CATEGORIES + ("f32_limits",),
}


# ---------------------------------------------------------------------------------------------
# Tables
# ---------------------------------------------------------------------------------------------
@dataclass(frozen=True, eq=False)
class Table:
    dtype: str
    v: np.ndarray  # float64 holding values exactly representable in `dtype`
    x: np.ndarray
    category: np.ndarray  # str
    hi: dict  # func -> float64 array
    lo: dict
    meta: dict = field(default_factory=dict)
    extra: dict = field(default_factory=dict)  # optional per-row arrays, e.g. "cond"

    @property
    def categories(self) -> list[str]:
        return list(dict.fromkeys(self.category.tolist()))

    def __len__(self) -> int:
        return len(self.v)


def table_path(dtype: str) -> Path:
    return DATA_DIR / f"ref_{np.dtype(dtype).name}.npz"


@functools.lru_cache(maxsize=None)
def load_table(dtype: str) -> Table:
    dtype = np.dtype(dtype).name
    with np.load(table_path(dtype), allow_pickle=False) as z:
        return Table(
            dtype=dtype,
            v=z["v"],
            x=z["x"],
            category=z["category"].astype(str),
            hi={f: z[f"{f}_hi"] for f in FUNCS},
            lo={f: z[f"{f}_lo"] for f in FUNCS},
            meta=json.loads(str(z["meta"])) if "meta" in z.files else {},
        )


# ---------------------------------------------------------------------------------------------
# Error measures
# ---------------------------------------------------------------------------------------------
def ulp(ref: np.ndarray, dtype: str) -> np.ndarray:
    """Spacing of `dtype` numbers at |ref| (ref given in float64; ulp(0) = smallest subnormal)."""
    dtype = np.dtype(dtype).name
    a = np.abs(np.asarray(ref, dtype=np.float64))
    with np.errstate(invalid="ignore"):
        _, e = np.frexp(a)  # a = m 2^e, m in [0.5, 1)
        u = np.ldexp(1.0, e - _MANT_BITS[dtype])
        return np.where((a == 0) | (u < _DENORM_MIN[dtype]), _DENORM_MIN[dtype], u)


def errors(f, hi, lo, dtype: str):
    """(err_abs, err_rel, failure) per row; both errors are 0 where f and ref are both nan (or
    equal infinities) and inf on failure rows."""
    dtype = np.dtype(dtype).name
    f = np.asarray(f).astype(np.float64)
    hi = np.asarray(hi, dtype=np.float64)
    lo = np.asarray(lo, dtype=np.float64)
    ref_nan = np.isnan(hi)
    ref_inf = np.isinf(hi)  # exact limits in the primitives' tables: the output must equal them
    failure = np.where(ref_nan, ~np.isnan(f), np.where(ref_inf, f != hi, ~np.isfinite(f)))
    good = ~failure & ~ref_nan & ~ref_inf
    with np.errstate(all="ignore"):
        d = np.abs((f - hi) - np.where(ref_nan | ref_inf, 0.0, lo))
        err_abs = d / (EPS[dtype] * np.maximum(1.0, np.abs(hi)))
        err_rel = d / ulp(hi, dtype)
    err_abs = np.where(good, err_abs, np.where(failure, np.inf, 0.0))
    err_rel = np.where(good, err_rel, np.where(failure, np.inf, 0.0))
    return err_abs, err_rel, failure


# ---------------------------------------------------------------------------------------------
# Evaluation and statistics
# ---------------------------------------------------------------------------------------------
def logbessel_impl(func: str) -> Callable:
    import logbessel

    return getattr(logbessel, func)


def scipy_impl(func: str) -> Callable:
    """SciPy peer: log(ive(v, x)) + x and log(kve(v, x)) - x, evaluated in the input dtype."""
    from scipy import special

    if func == "log_iv":
        return lambda v, x: np.log(special.ive(v, x)) + x
    return lambda v, x: np.log(special.kve(v, x)) - x


def evaluate(func: str, dtype: str, table: Table | None = None, impl: Callable | None = None):
    """Outputs of `impl` (default: logbessel's ufunc) on the table's points, in `dtype`."""
    dtype = np.dtype(dtype)
    table = table if table is not None else load_table(dtype.name)
    impl = impl if impl is not None else logbessel_impl(func)
    v = table.v.astype(dtype)
    x = table.x.astype(dtype)
    with np.errstate(all="ignore"):
        return np.asarray(impl(v, x))


@dataclass
class Stats:
    func: str
    dtype: str
    category: str
    n: int
    failures: int
    max_abs: float
    p99_abs: float
    median_abs: float
    max_rel: float
    p99_rel: float
    median_rel: float
    worst_abs: tuple | None  # (v, x, f, ref) of the largest err_abs
    worst_rel: tuple | None  # (v, x, f, ref) of the largest err_rel
    failure_examples: list  # up to 5 (v, x, f, ref)

    def describe(self) -> str:
        s = (f"{self.func}[{self.dtype}] {self.category}: n={self.n} failures={self.failures} "
             f"err_abs max={fmt(self.max_abs)} p99={fmt(self.p99_abs)} "
             f"median={fmt(self.median_abs)}; err_rel max={fmt(self.max_rel)} "
             f"p99={fmt(self.p99_rel)}")
        if self.worst_abs is not None:
            s += f"; worst err_abs at {point(self.worst_abs)}"
        if self.worst_rel is not None:
            s += f"; worst err_rel at {point(self.worst_rel)}"
        if self.failure_examples:
            s += "; failures at " + ", ".join(point(p) for p in self.failure_examples)
        return s


def fmt(a: float) -> str:
    if a is None or (isinstance(a, float) and np.isnan(a)):
        return "-"
    if np.isinf(a):
        return "inf"
    if a == 0:
        return "0"
    if 1e-2 <= abs(a) < 1e4:
        return f"{a:.3g}"
    return f"{a:.2e}"


def point(p: tuple) -> str:
    v, x, f, ref = p
    return f"(v={v!r}, x={x!r}: got {f!r}, ref {ref!r})"


def _stats_for_mask(func, dtype, cat, table, out, err_abs, err_rel, failure, mask) -> Stats:
    idx = np.flatnonzero(mask)
    fail_idx = idx[failure[idx]]
    ok_idx = idx[~failure[idx]]
    ref = table.hi[func]

    def pt(j):
        return (float(table.v[j]), float(table.x[j]), float(out[j]), float(ref[j]))

    if len(ok_idx):
        ea, er = err_abs[ok_idx], err_rel[ok_idx]
        ja, jr = ok_idx[np.argmax(ea)], ok_idx[np.argmax(er)]
        vals = dict(max_abs=float(ea.max()), p99_abs=float(np.quantile(ea, 0.99)),
                    median_abs=float(np.median(ea)), max_rel=float(er.max()),
                    p99_rel=float(np.quantile(er, 0.99)), median_rel=float(np.median(er)),
                    worst_abs=pt(ja), worst_rel=pt(jr))
    else:
        nan = float("nan")
        vals = dict(max_abs=nan, p99_abs=nan, median_abs=nan, max_rel=nan, p99_rel=nan,
                    median_rel=nan, worst_abs=None, worst_rel=None)
    return Stats(func=func, dtype=dtype, category=cat, n=int(len(idx)), failures=int(len(fail_idx)),
                 failure_examples=[pt(j) for j in fail_idx[:5]], **vals)


def category_stats(func: str, dtype: str, out=None, table: Table | None = None,
                   impl: Callable | None = None) -> dict[str, Stats]:
    """Per-category statistics (plus an 'all' entry) for one function and dtype.

    `out` defaults to evaluating `impl` (default: the installed logbessel ufunc) on the table.
    """
    dtype = np.dtype(dtype).name
    table = table if table is not None else load_table(dtype)
    if out is None:
        out = evaluate(func, dtype, table, impl)
    out = np.asarray(out)
    err_abs, err_rel, failure = errors(out, table.hi[func], table.lo[func], dtype)
    res = {}
    for cat in table.categories:
        res[cat] = _stats_for_mask(func, dtype, cat, table, out, err_abs, err_rel, failure,
                                   table.category == cat)
    res["all"] = _stats_for_mask(func, dtype, "all", table, out, err_abs, err_rel, failure,
                                 np.ones(len(table), dtype=bool))
    return res


# ---------------------------------------------------------------------------------------------
# Markdown
# ---------------------------------------------------------------------------------------------
def markdown_table(stats: dict[str, Stats], worst: bool = True) -> str:
    head = ["category", "n", "max err_abs", "p99 err_abs", "median err_abs", "max err_rel",
            "p99 err_rel", "failures"]
    if worst:
        head.append("worst err_abs at (v, x)")
    lines = ["| " + " | ".join(head) + " |",
             "|" + "|".join(["---"] + ["---:"] * (len(head) - 1 - worst) + ["---"] * worst) + "|"]
    for cat, s in stats.items():
        row = [f"**{cat}**" if cat == "all" else cat, str(s.n), fmt(s.max_abs), fmt(s.p99_abs),
               fmt(s.median_abs), fmt(s.max_rel), fmt(s.p99_rel), str(s.failures)]
        if worst:
            row.append("-" if s.worst_abs is None else f"({s.worst_abs[0]:.6g}, {s.worst_abs[1]:.6g})")
        lines.append("| " + " | ".join(row) + " |")
    return "\n".join(lines)


# ---------------------------------------------------------------------------------------------
# Related primitives (issue 5): tests/data/ref_primitives_<dtype>.npz, made by
# tests/data/generate_primitives_reference.py.  Each function f(a, b) has its own inputs.
# ---------------------------------------------------------------------------------------------
PRIM_FUNCS = (
    "iv_ratio", "iv_ratio_c", "iv_ratio_inv", "vmf_log_norm", "log_iv_dx", "log_kv_dx",
    "log_iv_dv", "log_kv_dv", "log_abs_iv", "sign_iv", "matern", "matern_dnu",
)
# max err_abs targets: 4 eps, except the order derivatives (16 eps)
PRIM_TARGET_MAX_ABS = {f: (16.0 if f in ("log_iv_dv", "log_kv_dv", "matern_dnu") else 4.0)
                       for f in PRIM_FUNCS}
# functions whose value must also be accurate *relative to itself* when tiny (the issue asks for
# full relative accuracy of 1 - I_{v+1}/I_v for x >> v, and the ratio itself for x << v):
# err_relative = |f - ref| / (eps max(|ref|, smallest normal)) <= 4 in every category
PRIM_RELATIVE_FUNCS = ("iv_ratio", "iv_ratio_c")
PRIM_TARGET_MAX_RELATIVE = 4.0
# the argument names, for messages and reports
PRIM_ARGS = {f: ("v", "x") for f in PRIM_FUNCS}
PRIM_ARGS.update(iv_ratio_inv=("v", "r"), vmf_log_norm=("d", "kappa"), matern=("r", "nu"),
                 matern_dnu=("r", "nu"))


def primitives_table_path(dtype: str) -> Path:
    return DATA_DIR / f"ref_primitives_{np.dtype(dtype).name}.npz"


@functools.lru_cache(maxsize=None)
def load_primitive_tables(dtype: str) -> dict[str, Table]:
    """{func: Table} for the primitives; Table.v / Table.x hold the first / second argument and
    Table.extra["cond"] the condition number where the table has one (iv_ratio_inv)."""
    dtype = np.dtype(dtype).name
    out = {}
    with np.load(primitives_table_path(dtype), allow_pickle=False) as z:
        meta = json.loads(str(z["meta"]))
        for f in PRIM_FUNCS:
            if f"{f}_a" not in z.files:
                continue
            extra = {"prec": z[f"{f}_prec"]}
            if f"{f}_cond" in z.files:
                extra["cond"] = z[f"{f}_cond"]
            out[f] = Table(dtype=dtype, v=z[f"{f}_a"], x=z[f"{f}_b"],
                           category=z[f"{f}_category"].astype(str),
                           hi={f: z[f"{f}_hi"]}, lo={f: z[f"{f}_lo"]}, meta=meta, extra=extra)
    return out


def err_relative(f, hi, lo, dtype: str) -> np.ndarray:
    """|f - ref| / (eps max(|ref|, smallest normal of dtype)); 0 where both are nan / equal inf."""
    dtype = np.dtype(dtype).name
    f = np.asarray(f).astype(np.float64)
    hi = np.asarray(hi, dtype=np.float64)
    special = ~np.isfinite(hi)
    with np.errstate(all="ignore"):
        d = np.abs((f - hi) - np.where(special, 0.0, lo))
        e = d / (EPS[dtype] * np.maximum(np.abs(hi), float(np.finfo(dtype).tiny)))
    _, _, failure = errors(f, hi, lo, dtype)
    return np.where(failure, np.inf, np.where(special, 0.0, e))


def cond_scaled(err: np.ndarray, table: Table) -> np.ndarray:
    """err / max(1, condition number) where the table has a condition number, else err."""
    cond = table.extra.get("cond")
    if cond is None:
        return err
    with np.errstate(invalid="ignore"):
        return err / np.maximum(1.0, np.nan_to_num(cond, nan=1.0))
