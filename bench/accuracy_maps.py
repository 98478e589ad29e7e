#!/usr/bin/env python
"""Accuracy maps: the error of every logbessel ufunc (and of its peers) on a dense (order, argument)
grid over the whole floating-point domain, against certified Arb references.

Usage (from the repository root, with logbessel, python-flint, SciPy and matplotlib installed;
``pip install ".[test,docs]"``)::

    python bench/accuracy_maps.py                 # all functions, both dtypes (cached reference)
    python bench/accuracy_maps.py --func log_kv --dtype float32
    python bench/accuracy_maps.py --jobs 2        # worker processes for the Arb references
    python bench/accuracy_maps.py --recompute     # ignore the cache

What it does, per public ufunc ``f(a, b)`` (every ``numpy.ufunc`` of ``logbessel._core``) and per
dtype (float64, float32):

* builds a grid: the order-like argument (v, d or nu) log-spaced from 1e-3 to 1e9 (plus 0 and
  negative orders where the function is defined there), the other argument log-spaced from the
  smallest subnormal to the largest finite number of the dtype (for ``iv_ratio_inv``, r in (0, 1)
  with log spacing towards 0 and towards 1).  Grid values are rounded to the dtype, and the
  reference is exact at those rounded inputs;
* computes the reference with Arb ball arithmetic through the generators of the test tables
  (``tests/data/generate_reference.py`` for log I / log K, ``certify`` of
  ``tests/data/generate_primitives_reference.py`` for the primitives: certified to 2^-133
  relative, orders such as v + 1 formed exactly in Arb, never in floating point).  References are
  cached in ``bench/data/accuracy_maps_<dtype>.npz`` (keyed by the grid) so reruns only evaluate;
* evaluates logbessel and the peers that are installed on the same inputs, in the same dtype:
  SciPy's ``log(ive(v, x)) + x`` and ``log(kve(v, x)) - x`` (the usual way to get log I / log K),
  SciPy's private ``_iv_ratio(v + 1, x)`` / ``_iv_ratio_c(v + 1, x)`` (xsf's continued
  fractions; they compute I_w / I_{w-1} for w >= 1/2), and the direct SciPy
  compositions users write for the vMF normaliser, the x-derivatives, ``log|I_v|``, the sign and
  the Matern correlation (labelled "SciPy composition"); TensorFlow Probability's
  ``log_bessel_ive`` / ``log_bessel_kve`` when ``tensorflow_probability`` imports (its NumPy
  substrate: ``pip install tensorflow-probability``, TensorFlow itself is not needed);
* measures the error in the unit of the README, ``|f - ref| / (eps * max(1, |ref|))`` with eps the
  dtype's machine epsilon (tests/accuracy.py, ``errors``); a *failure* is nan/inf where the true
  value is finite (or a wrong infinity / a non-nan where the true value is nan);
* writes one PNG per function (``docs/_static/accuracy/<func>.png``: rows float64 / float32,
  columns logbessel and its peers; failures in magenta, points outside the function's domain of
  real values in grey) and the tables of max / p99 error per region
  (``bench/results/accuracy/accuracy_maps.md``, and ``docs/generated/accuracy_tables.inc`` for the
  Sphinx site).

Cold run (no cache): about 5 minutes with --jobs 2 (measured on a shared 2-core VM); with the
cached references ~10 s. The cache (both dtypes) is ~1 MB.
"""

from __future__ import annotations

import argparse
import datetime
import hashlib
import json
import math
import signal
import sys
import time
import warnings
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
DATA_DIR = ROOT / "bench" / "data"
PNG_DIR = ROOT / "docs" / "_static" / "accuracy"
MD_PATH = ROOT / "bench" / "results" / "accuracy" / "accuracy_maps.md"
RST_PATH = ROOT / "docs" / "generated" / "accuracy_tables.inc"
sys.path.insert(0, str(ROOT / "tests"))
sys.path.insert(0, str(ROOT / "tests" / "data"))

DTYPES = ("float64", "float32")
EPS = {"float64": 2.0**-52, "float32": 2.0**-23}
# Grid resolution: columns over the argument, rows over positive orders.  64 x 48 (+ up to 12
# negative rows) per function and dtype keeps a cold run of all the Arb references to ~5 minutes
# on 2 cores; every row and column crosses every algorithm region of the headers.
N_ARG = 64
N_ORDER = 48
ORDER_MAX = 1e9
POINT_TIMEOUT_S = 60  # an Arb evaluation that takes longer is recorded as "no reference"


# ---------------------------------------------------------------------------------------------
# Grid per function
# ---------------------------------------------------------------------------------------------
@dataclass
class Spec:
    """How to lay out one function's map: which argument is the order, and its domain."""

    name: str
    order_name: str  # y axis
    arg_name: str  # x axis
    order_first: bool = True  # f(order, arg); matern is f(r, nu)
    negative_orders: tuple = ()  # extra rows below zero
    include_zero: bool = True
    order_min: float = 1e-3
    arg_kind: str = "wide"  # "wide": subnormal .. max; "unit": r in (0, 1)


# negative orders: integers (I_{-n} = I_n), half-integers and others with either sign of
# 1/Gamma(v+1), so that the maps show where I_v(x) < 0 (no real log) and where it is not
_NEG_ALL = (-999.5, -464.2, -100.5, -46.4, -10.0, -3.5, -2.5, -1.5, -1.0, -0.5, -0.1, -1e-3)
_NEG_GT_M1 = (-0.999, -0.9, -0.75, -0.5, -0.25, -0.1, -0.01, -0.001)

SPECS = {
    "log_iv": Spec("log_iv", "v", "x", negative_orders=_NEG_ALL),
    "log_kv": Spec("log_kv", "v", "x", negative_orders=_NEG_ALL),
    "iv_ratio": Spec("iv_ratio", "v", "x", negative_orders=_NEG_GT_M1),
    "iv_ratio_c": Spec("iv_ratio_c", "v", "x", negative_orders=_NEG_GT_M1),
    "iv_ratio_inv": Spec("iv_ratio_inv", "v", "r", negative_orders=(-0.5, -0.4, -0.25, -0.1, -0.01),
                         arg_kind="unit"),
    "vmf_log_norm": Spec("vmf_log_norm", "d", "kappa", include_zero=False, order_min=1.0),
    "log_iv_dx": Spec("log_iv_dx", "v", "x", negative_orders=_NEG_GT_M1),
    "log_kv_dx": Spec("log_kv_dx", "v", "x", negative_orders=_NEG_ALL),
    "log_iv_dv": Spec("log_iv_dv", "v", "x", negative_orders=_NEG_GT_M1),
    "log_kv_dv": Spec("log_kv_dv", "v", "x", negative_orders=_NEG_ALL),
    "log_abs_iv": Spec("log_abs_iv", "v", "x", negative_orders=_NEG_ALL),
    "sign_iv": Spec("sign_iv", "v", "x", negative_orders=_NEG_ALL),
    "matern": Spec("matern", "nu", "r", order_first=False, include_zero=False),
    "matern_dnu": Spec("matern_dnu", "nu", "r", order_first=False, include_zero=False),
}


def public_ufuncs() -> list[str]:
    """Every ufunc the compiled module exports (the public elementwise API)."""
    import logbessel._core as core

    return sorted(n for n in dir(core) if isinstance(getattr(core, n), np.ufunc))


def _round(vals, dtype) -> np.ndarray:
    """Values rounded to `dtype`, returned as float64 (exactly representable), deduplicated in order."""
    with np.errstate(over="ignore", under="ignore"):
        r = np.asarray(vals, dtype=np.float64).astype(dtype).astype(np.float64)
    _, idx = np.unique(r, return_index=True)
    return r[np.sort(idx)]


def grid(spec: Spec, dtype: str) -> tuple[np.ndarray, np.ndarray]:
    """(orders, args): rows from the most negative order up, columns left to right."""
    fi = np.finfo(dtype)
    tiny = float(fi.smallest_subnormal)
    if spec.arg_kind == "unit":
        # r in (0, 1): half the columns log-spaced from the smallest subnormal to 1/2, half with
        # 1 - r log-spaced from 1/2 down to eps/2 (the largest float below 1 is 1 - eps/2)
        h = N_ARG // 2
        left = np.geomspace(tiny, 0.5, h)
        right = 1.0 - np.geomspace(0.5, float(fi.epsneg), N_ARG - h + 1)[1:]
        args = _round(np.concatenate([left, right]), dtype)
        args = args[(args > 0) & (args < 1)]
    else:
        args = _round(np.exp(np.linspace(math.log(tiny), math.log(float(fi.max)), N_ARG)), dtype)
        args[-1] = float(fi.max)  # exp(log(max)) may round above it
    pos = list(np.geomspace(spec.order_min, ORDER_MAX, N_ORDER))
    orders = list(spec.negative_orders) + ([0.0] if spec.include_zero else []) + pos
    orders = _round(sorted(orders), dtype)
    return orders, args


def grid_key(spec: Spec, dtype: str) -> str:
    orders, args = grid(spec, dtype)
    h = hashlib.sha256(orders.tobytes() + args.tobytes() + spec.name.encode() + b"v2").hexdigest()
    return h[:16]


# ---------------------------------------------------------------------------------------------
# References (worker side)
# ---------------------------------------------------------------------------------------------
class _Timeout(Exception):
    pass


def _alarm(signum, frame):  # noqa: ARG001 - signal handler signature
    raise _Timeout()


def _reference(task):
    """(key, hi, lo, cond, status) for one grid point; status 0 = certified, 2 = no reference.

    cond: the condition number |d log kappa / d log r| for iv_ratio_inv (nan otherwise)."""
    key, func, a, b = task
    import generate_primitives_reference as gp
    import generate_reference as core

    signal.signal(signal.SIGALRM, _alarm)
    signal.alarm(POINT_TIMEOUT_S)
    try:
        if func in ("log_iv", "log_kv"):
            hi, lo, _, _ = core.log_bessel_reference(a, b, func[-2])
            cond = math.nan
        else:
            hi, lo, _, cond = gp.certify(func, a, b)
        return key, hi, lo, cond, 0
    except (_Timeout, RuntimeError):
        return key, math.nan, math.nan, math.nan, 2
    finally:
        signal.alarm(0)


def compute_reference(spec: Spec, dtype: str, jobs: int) -> dict:
    """{'orders', 'args', 'hi', 'lo', 'status'} with the certified reference on the grid.

    status: 0 certified value, 1 the function has no real value there (reference nan, e.g.
    I_v(x) < 0 for log_iv), 2 no certified reference (Arb gave up or exceeded the time limit).
    """
    import multiprocessing as mp

    orders, args = grid(spec, dtype)
    shape = (orders.size, args.size)
    hi = np.full(shape, np.nan)
    lo = np.full(shape, np.nan)
    cond = np.full(shape, np.nan)
    status = np.zeros(shape, dtype=np.int8)
    tasks = []
    for i, o in enumerate(orders):
        for j, g in enumerate(args):
            a, b = (float(o), float(g)) if spec.order_first else (float(g), float(o))
            tasks.append(((i, j), spec.name, a, b))
    # spread the expensive corners over the workers
    rng = np.random.default_rng(0)
    tasks = [tasks[k] for k in rng.permutation(len(tasks))]
    ctx = mp.get_context("fork")
    with ctx.Pool(max(1, jobs)) as pool:
        for (i, j), h, lw, cd, st in pool.imap_unordered(_reference, tasks, chunksize=16):
            hi[i, j], lo[i, j], cond[i, j], status[i, j] = h, lw, cd, st
    status[(status == 0) & np.isnan(hi)] = 1
    return {"orders": orders, "args": args, "hi": hi, "lo": lo, "cond": cond, "status": status}


def cache_path(dtype: str) -> Path:
    return DATA_DIR / f"accuracy_maps_{dtype}.npz"


def load_cache(dtype: str) -> dict:
    p = cache_path(dtype)
    if not p.is_file():
        return {}
    with np.load(p, allow_pickle=False) as z:
        return {k: z[k] for k in z.files}


def save_cache(dtype: str, store: dict) -> None:
    DATA_DIR.mkdir(parents=True, exist_ok=True)
    np.savez_compressed(cache_path(dtype), **store)


def reference(spec: Spec, dtype: str, jobs: int, recompute: bool, store: dict) -> tuple[dict, bool]:
    """The reference for (spec, dtype): from the cache when its grid key matches."""
    key = grid_key(spec, dtype)
    p = spec.name
    if not recompute and f"{p}__key" in store and str(store[f"{p}__key"]) == key:
        return {k: store[f"{p}__{k}"] for k in ("orders", "args", "hi", "lo", "cond", "status")}, False
    t0 = time.time()
    ref = compute_reference(spec, dtype, jobs)
    print(f"  reference {p} {dtype}: {ref['hi'].size} points, {time.time() - t0:.0f} s, "
          f"{int((ref['status'] == 2).sum())} without reference", flush=True)
    for k, v in ref.items():
        store[f"{p}__{k}"] = v
    store[f"{p}__key"] = np.array(key)
    return ref, True


# ---------------------------------------------------------------------------------------------
# Implementations: logbessel and peers
# ---------------------------------------------------------------------------------------------
def _scipy_peers() -> dict[str, tuple[str, Callable]]:
    """func -> (label, callable(a, b) in the inputs' dtype) for the SciPy ways to compute it."""
    try:
        from scipy import special as sp
    except ImportError:
        return {}
    comp = "SciPy composition"

    def log_iv(v, x):
        return np.log(sp.ive(v, x)) + x

    def log_kv(v, x):
        return np.log(sp.kve(v, x)) - x

    def vmf(d, k):
        nu = d / 2 - 1
        return nu * np.log(k) - d / 2 * np.log(2 * np.pi).astype(d.dtype) - (np.log(sp.ive(nu, k)) + k)

    def kv_dx(v, x):
        return -(sp.kve(v - 1, x) + sp.kve(v + 1, x)) / (2 * sp.kve(v, x))

    def matern(r, nu):
        # the textbook formula (scikit-learn's Matern kernel for general nu)
        z = np.sqrt(2 * nu) * r
        return 2 ** (1 - nu) / sp.gamma(nu) * z**nu * sp.kv(nu, z)

    peers = {
        "log_iv": ("SciPy log(ive)+x", log_iv),
        "log_kv": ("SciPy log(kve)-x", log_kv),
        "log_abs_iv": (comp, lambda v, x: np.log(np.abs(sp.ive(v, x))) + x),
        "sign_iv": (comp, lambda v, x: np.sign(sp.ive(v, x))),
        "vmf_log_norm": (comp, vmf),
        "log_kv_dx": (comp, kv_dx),
        "matern": (comp, matern),
    }
    if hasattr(sp._ufuncs, "_iv_ratio"):
        # SciPy's private _iv_ratio(w, x) is I_w(x) / I_{w-1}(x) (w >= 1/2): w = v + 1, formed in
        # the input dtype as a user of it would
        ratio, ratio_c = sp._ufuncs._iv_ratio, sp._ufuncs._iv_ratio_c
        peers["iv_ratio"] = ("SciPy _iv_ratio(v+1, x)", lambda v, x: ratio(v + 1, x))
        peers["iv_ratio_c"] = ("SciPy _iv_ratio_c(v+1, x)", lambda v, x: ratio_c(v + 1, x))
        peers["log_iv_dx"] = (comp, lambda v, x: v / x + ratio(v + 1, x))
    return peers


def _tfp_peers() -> dict[str, tuple[str, Callable]]:
    try:
        import tensorflow_probability.substrates.numpy as tfp  # no TensorFlow needed
    except Exception:  # noqa: BLE001 - not installed, or a broken install: no TFP column
        return {}
    return {
        "log_iv": ("TFP log_bessel_ive+x", lambda v, x: np.asarray(tfp.math.log_bessel_ive(v, x)) + x),
        "log_kv": ("TFP log_bessel_kve-x", lambda v, x: np.asarray(tfp.math.log_bessel_kve(v, x)) - x),
    }


def implementations(func: str) -> list[tuple[str, Callable]]:
    import logbessel

    impls = [("logbessel", getattr(logbessel, func))]
    for peers in (_scipy_peers(), _tfp_peers()):
        if func in peers:
            impls.append(peers[func])
    return impls


def evaluate(impl: Callable, spec: Spec, ref: dict, dtype: str) -> np.ndarray:
    """impl on the grid, inputs in `dtype`, result as float64 (of the dtype's values)."""
    o = ref["orders"].astype(dtype)[:, None]
    g = ref["args"].astype(dtype)[None, :]
    o, g = np.broadcast_arrays(o, g)
    with np.errstate(all="ignore"), warnings.catch_warnings():
        warnings.simplefilter("ignore")
        out = impl(o, g) if spec.order_first else impl(g, o)
    return np.asarray(out).astype(dtype).astype(np.float64)


def grid_errors(f: np.ndarray, ref: dict, dtype: str) -> tuple[np.ndarray, np.ndarray]:
    """(err, failure): err = |f - ref| / (eps max(1, |ref|)) as in tests/accuracy.py, nan where
    there is no reference; a reference beyond the dtype's range counts as that infinity."""
    import accuracy as acc

    hi = ref["hi"].copy()
    lo = ref["lo"].copy()
    fmax = float(np.finfo(dtype).max)
    over = np.isfinite(hi) & (np.abs(hi) > fmax)
    hi[over] = np.sign(hi[over]) * np.inf
    err, _, failure = acc.errors(f, hi, lo, dtype)
    err = np.where(ref["status"] == 2, np.nan, err)
    failure = failure & (ref["status"] != 2)
    return err, failure


# ---------------------------------------------------------------------------------------------
# Regions for the tables
# ---------------------------------------------------------------------------------------------
def regions(spec: Spec, ref: dict, dtype: str) -> dict[str, np.ndarray]:
    """Named boolean masks over the grid (overlapping; the last one is the whole grid)."""
    o = ref["orders"][:, None] * np.ones_like(ref["args"])[None, :]
    g = np.ones_like(ref["orders"])[:, None] * ref["args"][None, :]
    tiny_bound = 1e-300 if dtype == "float64" else 1e-30
    tiny_label = f"tiny {spec.arg_name} (< 1e-300 float64, < 1e-30 float32)"
    if spec.arg_kind == "unit":
        r = {
            "r < 1e-3": g < 1e-3,
            "1e-3 <= r <= 0.999": (g >= 1e-3) & (g <= 0.999),
            "r > 0.999": g > 0.999,
        }
    else:
        nu, z = np.abs(o), g
        if spec.name.startswith("matern"):
            with np.errstate(over="ignore"):
                z = np.sqrt(2 * o) * g  # the argument of K_nu (inf beyond the range: "large argument")
        if spec.name == "vmf_log_norm":
            nu = np.abs(o / 2 - 1)
        big = np.hypot(nu, z) >= 21.5  # the Debye / series switch of the headers (float64)
        r = {
            tiny_label: g < tiny_bound,
            "small (R = hypot(order, arg) < 21.5)": ~big,
            "large order (order >= arg, R >= 21.5)": big & (nu >= z),
            "large argument (arg > order, R >= 21.5)": big & (z > nu),
        }
    r[f"huge order ({spec.order_name} > 1e6)"] = o > 1e6
    if spec.negative_orders:
        r[f"negative {spec.order_name}"] = o < 0
    r["whole grid"] = np.ones(o.shape, dtype=bool)
    return r


@dataclass
class Cell:
    n: int
    max: float
    p99: float
    failures: int

    def text(self) -> str:
        if self.n == 0:
            return "-"
        if self.failures == self.n:
            return f"- ({self.failures})"
        return f"{_fmt(self.max)} / {_fmt(self.p99)} ({self.failures})"


def _fmt(a: float) -> str:
    if not math.isfinite(a):
        return str(a)
    if a == 0:
        return "0"
    if a >= 1e4 or a < 1e-2:
        return f"{a:.1e}".replace("e+0", "e+").replace("e-0", "e-")
    return f"{a:.2g}" if a < 100 else f"{a:.0f}"


def cell(err: np.ndarray, failure: np.ndarray, mask: np.ndarray, status: np.ndarray) -> Cell:
    """Statistics over mask; points without a real value count only when the output is not nan."""
    m = mask & ~np.isnan(err) & ((status == 0) | failure)
    good = m & ~failure
    e = err[good]
    return Cell(int(m.sum()), float(e.max()) if e.size else math.nan,
                float(np.percentile(e, 99)) if e.size else math.nan, int((m & failure).sum()))


# ---------------------------------------------------------------------------------------------
# Plots
# ---------------------------------------------------------------------------------------------
BOUNDS = [0, 1, 2, 4, 16, 256, 2**16, 2**32, np.inf]
BOUND_LABELS = ["<1", "1-2", "2-4", "4-16", "16-256", "256-6.6e4", "6.6e4-4.3e9", ">4.3e9"]
COLOURS = ["#1a9850", "#91cf60", "#d9ef8b", "#fee08b", "#fdae61", "#f46d43", "#d73027", "#67001f"]
FAIL_COLOUR = "#ff00ff"
UNDEF_COLOUR = "#bdbdbd"
NOREF_COLOUR = "#ffffff"


def _order_ticks(orders: np.ndarray) -> tuple[list[int], list[str]]:
    ticks, labels = [], []
    targets = (-1e3, -1, 0, 1, 1e3, 1e6, 1e9) if (orders <= 0).any() else (1e-3, 1, 1e3, 1e6, 1e9)
    if (orders < 0).any() and orders.min() > -2:
        targets = (-0.5, 0, 1, 1e3, 1e6, 1e9)
    for target in targets:
        i = int(np.argmin(np.abs(orders - target)))
        close = orders[i] == target or (target != 0 and abs(orders[i] / target - 1) < 0.3)
        if close and i not in ticks:
            ticks.append(i)
            labels.append("0" if target == 0 else f"{target:g}")
    return ticks, labels


def _arg_ticks(args: np.ndarray, unit: bool) -> tuple[list[int], list[str]]:
    if unit:
        targets = [1e-300, 1e-200, 1e-100, 1e-30, 1e-10, 1e-3, 0.5, 1 - 1e-3, 1 - 1e-6, 1 - 1e-12]
        fmt = {1 - 1e-3: "1-1e-3", 1 - 1e-6: "1-1e-6", 1 - 1e-12: "1-1e-12"}
    else:
        targets = [10.0**k for k in range(-320, 310, 50)] + [1.0]
        fmt = {}
    ticks, labels = [], []
    if not unit:  # about six decade ticks over the dtype's range
        lo_d, hi_d = math.log10(args.min()), math.log10(args.max())
        step = 10 * math.ceil((hi_d - lo_d) / 6 / 10)
        targets = [10.0**k for k in range(-step * int(-lo_d // step), int(hi_d) + 1, step)]
    elif args.min() > 1e-50:  # float32
        targets = [1e-40, 1e-20, 1e-3, 0.5, 1 - 1e-3, 1 - 1e-6]
    else:
        targets = [1e-300, 1e-200, 1e-100, 1e-10, 0.5, 1 - 1e-6, 1 - 1e-12]
    for t in sorted(targets):
        if t < args.min() or t > args.max():
            continue
        i = int(np.argmin(np.abs(np.log(args) - math.log(t))))
        if i not in ticks:
            ticks.append(i)
            labels.append(fmt.get(t, f"{t:.0e}".replace("e+00", "").replace("1e+", "1e").replace("e-0", "e-")))
    return ticks, labels


def plot_function(spec: Spec, panels: list[list[tuple[str, np.ndarray, np.ndarray, dict]]], path: Path) -> None:
    """panels[row][col] = (title, err, failure, ref); rows = dtypes, cols = implementations."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from matplotlib.colors import BoundaryNorm, ListedColormap
    from matplotlib.patches import Patch

    ncol = max(len(r) for r in panels)
    fig, axes = plt.subplots(len(panels), ncol, figsize=(3.6 * ncol + 0.6, 3.1 * len(panels)),
                             squeeze=False, constrained_layout=True)
    cmap = ListedColormap(COLOURS)
    finite_bounds = BOUNDS[:-1] + [2.0**40]
    norm = BoundaryNorm(finite_bounds, cmap.N)
    for r, row in enumerate(panels):
        for c in range(ncol):
            ax = axes[r][c]
            if c >= len(row):
                ax.axis("off")
                continue
            title, err, failure, ref = row[c]
            img = np.full(err.shape + (4,), 1.0)
            rgba = cmap(norm(np.clip(np.nan_to_num(err, nan=0.0), 0, 2.0**39)))
            ok = ~np.isnan(err) & ~failure
            img[ok] = rgba[ok]
            img[failure] = matplotlib.colors.to_rgba(FAIL_COLOUR)
            img[(ref["status"] == 1) & ~failure] = matplotlib.colors.to_rgba(UNDEF_COLOUR)
            img[ref["status"] == 2] = matplotlib.colors.to_rgba(NOREF_COLOUR)
            ax.imshow(img, origin="lower", aspect="auto", interpolation="nearest")
            yt, yl = _order_ticks(ref["orders"])
            xt, xl = _arg_ticks(ref["args"], spec.arg_kind == "unit")
            ax.set_yticks(yt, yl, fontsize=7)
            ax.set_xticks(xt, xl, fontsize=6, rotation=45)
            neg = int((ref["orders"] < 0).sum())
            if neg:
                ax.axhline(neg - 0.5, color="k", lw=0.6)
            ax.set_title(title, fontsize=8)
            ax.set_xlabel(spec.arg_name, fontsize=8)
            ax.set_ylabel(spec.order_name, fontsize=8)
    handles = [Patch(color=col, label=lab) for col, lab in zip(COLOURS, BOUND_LABELS)]
    handles += [Patch(color=FAIL_COLOUR, label="failure (nan/inf)"),
                Patch(facecolor=UNDEF_COLOUR, label="no real value"),
                Patch(facecolor=NOREF_COLOUR, edgecolor="k", label="no reference")]
    fig.legend(handles=handles, loc="outside right center", fontsize=7,
               title="error, eps max(1,|f|)", title_fontsize=7)
    fig.suptitle(f"{spec.name}: error against Arb", fontsize=10)
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, dpi=72)
    plt.close(fig)


# ---------------------------------------------------------------------------------------------
# Tables
# ---------------------------------------------------------------------------------------------
@dataclass
class FuncResult:
    func: str
    columns: list[str] = field(default_factory=list)  # "logbessel float64", ...
    rows: dict = field(default_factory=dict)  # region -> {column: Cell}
    # (peer column, points where it beats logbessel by > 1 unit, max logbessel / peer error there)
    peer_better: list = field(default_factory=list)


def table_markdown(res: FuncResult) -> str:
    lines = [f"| region | " + " | ".join(res.columns) + " |", "|---|" + "---:|" * len(res.columns)]
    for region, cells in res.rows.items():
        n = max((c.n for c in cells.values()), default=0)
        lines.append(f"| {region} (n={n}) | " + " | ".join(cells[c].text() if c in cells else "-"
                                                          for c in res.columns) + " |")
    return "\n".join(lines)


def table_rst(res: FuncResult) -> str:
    out = [".. list-table::", "   :header-rows: 1", ""]
    out.append("   * - region")
    out += [f"     - {c}" for c in res.columns]
    for region, cells in res.rows.items():
        n = max((c.n for c in cells.values()), default=0)
        out.append(f"   * - {region} (n={n})")
        out += [f"     - {cells[c].text() if c in cells else '-'}" for c in res.columns]
    return "\n".join(out)


def _versions() -> str:
    parts = []
    names = {"flint": "python-flint", "tensorflow_probability": "tensorflow-probability (numpy substrate)"}
    for mod in ("logbessel", "numpy", "scipy", "flint", "tensorflow_probability"):
        try:
            m = __import__(mod)
            parts.append(f"{names.get(mod, mod)} {m.__version__}")
        except Exception:  # noqa: BLE001 - information only; TFP is optional
            pass
    return ", ".join(parts)


HEADER = """Error against certified Arb references on the grids of `bench/accuracy_maps.py` (every public
ufunc; orders log-spaced 1e-3 .. 1e9 plus 0 and negative orders where defined, the other argument
log-spaced over the whole range of the dtype). Cells: max / p99 of `|f - ref| / (eps max(1, |ref|))`
over the region, and in parentheses the number of failures (nan/inf where the true value is finite),
which the statistics exclude. `-`: no such implementation, or only failures. Regions overlap; R is
`hypot(order, argument of the Bessel function)`. Peers are evaluated on the same inputs in the same
dtype; "SciPy composition" is the formula a user would write with SciPy's functions."""


def write_outputs(results: list[FuncResult], elapsed: float) -> None:
    stamp = datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d")
    md = ["# Accuracy maps: max / p99 error per region", "", HEADER, "",
          f"Generated {stamp} by `python bench/accuracy_maps.py` ({_versions()}); maps in "
          "`docs/_static/accuracy/`.", ""]
    rst = []
    for res in results:
        md += [f"## {res.func}", "", f"![{res.func}](../../../docs/_static/accuracy/{res.func}.png)", "",
               table_markdown(res), ""]
        rst += [res.func, "-" * len(res.func), "", f".. image:: /_static/accuracy/{res.func}.png",
                f"   :alt: accuracy map of {res.func}", "", table_rst(res), ""]
    md += ["## Where a peer is more accurate", "",
           "Grid points where the peer's value is finite and its error is smaller than logbessel's by "
           "more than one unit (`err_peer + 1 < err_logbessel`), with the largest errors of both there.", "",
           "| function | peer | points | max logbessel error there | max peer error there |",
           "|---|---|---:|---:|---:|"]
    for res in results:
        for col, count, e_lb, e_p in res.peer_better:
            md.append(f"| {res.func} | {col} | {count} | {_fmt(e_lb) if count else '-'} | "
                      f"{_fmt(e_p) if count else '-'} |")
    md.append("")
    MD_PATH.parent.mkdir(parents=True, exist_ok=True)
    MD_PATH.write_text("\n".join(md), encoding="utf-8")
    RST_PATH.parent.mkdir(parents=True, exist_ok=True)
    RST_PATH.write_text(".. Generated by bench/accuracy_maps.py -- do not edit.\n\n"
                        + f"Generated {stamp} ({_versions()}).\n\n" + "\n".join(rst), encoding="utf-8")


# ---------------------------------------------------------------------------------------------
def run(funcs: list[str], dtypes: list[str], jobs: int, recompute: bool, plots: bool) -> list[FuncResult]:
    stores = {dt: load_cache(dt) for dt in dtypes}
    changed = dict.fromkeys(dtypes, False)
    results = []
    for func in funcs:
        spec = SPECS[func]
        res = FuncResult(func)
        panels = []
        for dt in dtypes:
            ref, new = reference(spec, dt, jobs, recompute, stores[dt])
            if new:
                changed[dt] = True
                save_cache(dt, stores[dt])  # save as we go: an interrupted cold run keeps its work
            masks = regions(spec, ref, dt)
            row = []
            for label, impl in implementations(func):
                col = f"{label} {dt}"
                err, fail = grid_errors(evaluate(impl, spec, ref, dt), ref, dt)
                row.append((col, err, fail, ref))
                if col not in res.columns:
                    res.columns.append(col)
                for region, m in masks.items():
                    res.rows.setdefault(region, {})[col] = cell(err, fail, m, ref["status"])
                if func == "iv_ratio_inv" and label == "logbessel":
                    # the problem's own condition number |d log kappa / d log r| (up to ~3.4 near
                    # kappa ~ v, unbounded as r -> 1 for v < 0): one ulp of r is worth cond ulps
                    col_c = f"logbessel {dt} err/max(1,cond)"
                    err_c = err / np.maximum(1.0, np.nan_to_num(ref["cond"], nan=1.0))
                    if col_c not in res.columns:
                        res.columns.append(col_c)
                    for region, m in masks.items():
                        res.rows.setdefault(region, {})[col_c] = cell(err_c, fail, m, ref["status"])
            # where a peer beats logbessel: the peer is correct-finite and more accurate by more
            # than one unit (err_peer + 1 < err_logbessel)
            err_lb, fail_lb = row[0][1], row[0][2]
            for col, err_p, fail_p, _ in row[1:]:
                m = ~fail_p & ~np.isnan(err_p) & ~fail_lb & (err_p + 1 < err_lb)
                res.peer_better.append((col, int(m.sum()), float(err_lb[m].max()) if m.any() else 0.0,
                                        float(err_p[m].max()) if m.any() else 0.0))
            panels.append(row)
        # order columns: all float64 first, then float32
        res.columns.sort(key=lambda c: ("float32" in c, not c.startswith("logbessel")))
        if plots:
            plot_function(spec, panels, PNG_DIR / f"{func}.png")
        whole = res.rows["whole grid"]
        print(f"{func}: " + "; ".join(f"{c}: {whole[c].text()}" for c in res.columns), flush=True)
        results.append(res)
    return results


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--func", action="append", help="restrict to a function (repeatable)")
    ap.add_argument("--dtype", action="append", choices=DTYPES, help="restrict to a dtype")
    ap.add_argument("--jobs", type=int, default=2, help="worker processes for the references (default 2)")
    ap.add_argument("--recompute", action="store_true", help="recompute the references (ignore the cache)")
    ap.add_argument("--no-plots", action="store_true", help="tables only")
    args = ap.parse_args(argv)
    funcs = args.func or public_ufuncs()
    unknown = [f for f in funcs if f not in SPECS]
    if unknown:
        ap.error(f"no grid for {unknown} (add a Spec)")
    dtypes = args.dtype or list(DTYPES)
    t0 = time.time()
    results = run(funcs, dtypes, args.jobs, args.recompute, not args.no_plots)
    if not args.func and not args.dtype:
        write_outputs(results, time.time() - t0)
        print(f"wrote {MD_PATH.relative_to(ROOT)} and {RST_PATH.relative_to(ROOT)}")
    else:
        for res in results:
            print(f"\n## {res.func}\n\n{table_markdown(res)}")
    print(f"{time.time() - t0:.0f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
