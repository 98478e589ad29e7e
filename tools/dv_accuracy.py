#!/usr/bin/env python3
"""Accuracy of logbessel.log_iv_dv / log_kv_dv per region against Arb.

Reference: central difference (f(v+h) - f(v-h)) / (2h), h = 1e-30, of log I_v(x) / log K_v(x)
evaluated by Arb (python-flint) at 320 bits or more (the precision is raised until the ball
radius is below 1e-25 of max(1, |value|)); the O(h^2) truncation is ~1e-60.

Error unit: err = |f - ref| / (eps * max(1, |ref|)), eps = 2^-52 (float64) or 2^-23 (float32;
the float32 loop is compared with the exact derivative at the float32 inputs).

Usage:  python tools/dv_accuracy.py [--n 400] [--seed 1] [--dtype float64 float32]
Prints, per function, dtype and region: points, failures, max and 99th percentile of err.
"""

from __future__ import annotations

import argparse
import math

import numpy as np
from flint import arb, ctx

import logbessel

EPS = {"float32": 2.0**-23, "float64": 2.0**-52}


def _arb_dv_direct(kind: str, v: float, x: float, prec: int):
    """Central difference of Arb's log I / log K at `prec` bits; None if Arb gives no finite ball."""
    old = ctx.prec
    ctx.prec = prec
    try:
        h = arb(1) / arb(10) ** 30
        va, xa = arb(v), arb(x)

        def f(vv):
            return xa.bessel_i(vv, scaled=True) if kind == "i" else xa.bessel_k(vv, scaled=True)

        fp, fm = f(va + h), f(va - h)
        if kind == "i" and (fp < 0 or fm < 0):
            return math.nan  # I_v(x) < 0: log_iv_dv is nan there
        if not (fp > 0 and fm > 0):
            return None
        d = (fp.log() - fm.log()) / (2 * h)
        if not d.is_finite():
            return None
        mid = float(d.mid())
        return mid if float(d.rad()) < 1e-25 * max(1.0, abs(mid)) else None
    finally:
        ctx.prec = old


def _arb_kv_dv_small_x(v: float, x: float):
    """d/dv log K_v(x) for large v and x*x < v, where Arb's bessel_k returns nan (its I_{-v}
    fails at orders ~1e5 and tiny x). K_v(x) = (1/2) Gamma(v) (x/2)^-v S + (1/2) Gamma(-v)
    (x/2)^v S' (DLMF 10.27.4 with 10.25.2), S = sum_k (x^2/4)^k / (k! (1-v)_k); the second
    part is below e^-300 of the first here (checked), so log K_v = -log 2 - v log(x/2) +
    lgamma(v) + log S, differentiated by a central difference in Arb at 640 bits."""
    if not (v > 50 and x * x < v):
        return None
    old = ctx.prec
    ctx.prec = 640
    try:
        h = arb(1) / arb(10) ** 30
        xa = arb(x)
        lhx = (xa / 2).log()
        for w in (arb(v) + h, arb(v) - h):  # |Gamma(-w)/Gamma(w)| = pi/(w Gamma(w)^2 |sin(pi w)|)
            neglected = (2 * w * lhx + arb.pi().log() - w.log() - 2 * w.lgamma()
                         - abs((arb.pi() * w).sin()).log())
            if not (neglected < -300):
                return None
        q = xa * xa / 4

        def F(va):
            s, t, k = arb(1), arb(1), 0
            while True:
                k += 1
                t = t * q / (k * (k - va))
                s += t
                if abs(t) < s * arb(2) ** -700 or k > 10000:
                    break
            return -va * lhx + va.lgamma() + s.log()

        d = (F(arb(v) + h) - F(arb(v) - h)) / (2 * h)
        mid = float(d.mid())
        return mid if float(d.rad()) < 1e-25 * max(1.0, abs(mid)) else None
    finally:
        ctx.prec = old


def arb_dv(kind: str, v: float, x: float):
    """d/dv log I_v(x) (kind 'i') or log K_v(x) (kind 'k') at the exact binary inputs.

    nan where I_v(x) < 0 (negative non-integer v); None where no certified reference was
    obtained (those points are reported as 'noref' and left out)."""
    for prec in (320, 1280):
        r = _arb_dv_direct(kind, v, x, prec)
        if r is not None:
            return r
    if kind == "k":
        return _arb_kv_dv_small_x(abs(v), x) if v >= 0 else (
            None if (r := _arb_kv_dv_small_x(-v, x)) is None else -r)
    return None


def ref_array(kind, v, x):
    """Reference values (nan: I_v(x) < 0) and a mask of the points that have one."""
    r = [arb_dv(kind, float(a), float(b)) for a, b in zip(v, x)]
    have = np.array([t is not None for t in r])
    return np.array([math.nan if t is None else t for t in r]), have


def logu(rng, lo, hi, n):
    return 10.0 ** rng.uniform(lo, hi, n)


def regions(rng, n, dtype):
    """(name, v, x) triples; name says which algorithm branch the points exercise."""
    f32 = dtype == "float32"
    rd = 10.0 if f32 else 21.5
    tiny = -44 if f32 else -320
    huge = 38 if f32 else 300
    out = {}
    # small region (R < R_D)
    r = rd * np.sqrt(rng.uniform(0, 1, n))
    th = rng.uniform(0, np.pi / 2, n)
    out["small R<R_D"] = (r * np.sin(th), r * np.cos(th))
    out["small, x<=1"] = (rng.uniform(0, rd * 0.999, n), logu(rng, -3, 0, n))
    out["small, 1<x<3"] = (rng.uniform(0, rd * 0.9, n), rng.uniform(1, 3, n))
    out["small, tiny x"] = (rng.uniform(0, rd * 0.999, n), logu(rng, tiny, -3, n))
    out["small, v<1/2"] = (logu(rng, -12, math.log10(0.5), n), logu(rng, tiny, 1.3 if not f32 else 0.99, n))
    # Debye
    out["debye, R<100"] = (rng.uniform(0, 100, n), rng.uniform(0, 100, n))
    out["debye, v<=1e6"] = (logu(rng, 1.3, 6, n), logu(rng, -2, 7, n))
    out["debye, x<<v"] = (logu(rng, 1.4, 6, n), logu(rng, tiny, 0, n))
    out["debye, x>>v"] = (logu(rng, -3, 3, n), logu(rng, 4, huge, n))
    out["debye, x~0.66v"] = ((v := logu(rng, 1.4, 6, n)), v * rng.uniform(0.55, 0.8, n))
    out["boundary R~R_D"] = (
        (r := rd * rng.uniform(0.98, 1.02, n)) * np.sin(th := rng.uniform(0, np.pi / 2, n)),
        r * np.cos(th),
    )
    out["negative v"] = (-rng.uniform(0, 60, n), logu(rng, -3, 2, n))
    return out


def err_stats(f, ref, eps):
    ok = np.isfinite(ref)
    fail = int(np.sum(ok & ~np.isfinite(f))) + int(np.sum(~ok & ~np.isnan(f)))
    good = ok & np.isfinite(f)
    e = np.abs(f[good] - ref[good]) / (eps * np.maximum(1.0, np.abs(ref[good])))
    if e.size == 0:
        return fail, 0, math.nan, math.nan, None
    i = int(np.argmax(e))
    return fail, e.size, float(e.max()), float(np.percentile(e, 99)), i


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--n", type=int, default=400)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--dtype", nargs="+", default=["float64", "float32"])
    ap.add_argument("--worst", action="store_true", help="print the worst point per row")
    a = ap.parse_args()
    print(f"{'function':10s} {'dtype':8s} {'region':18s} {'n':>5s} {'fail':>4s} {'max':>7s} {'p99':>7s} {'noref':>6s}")
    for dtype in a.dtype:
        rng = np.random.default_rng(a.seed)
        for name, (v, x) in regions(rng, a.n, dtype).items():
            v = np.asarray(v, dtype=dtype)
            x = np.asarray(x, dtype=dtype)
            for fname, kind in (("log_iv_dv", "i"), ("log_kv_dv", "k")):
                ref, have = ref_array(kind, v, x)
                with np.errstate(all="ignore"):
                    f = getattr(logbessel, fname)(v, x).astype(np.float64)
                v, x, f, ref = v[have], x[have], f[have], ref[have]
                fail, m, emax, ep99, i = err_stats(f, ref, EPS[dtype])
                line = (f"{fname:10s} {dtype:8s} {name:18s} {m:5d} {fail:4d} {emax:7.2f} {ep99:7.2f}"
                        f" {int(np.sum(~have)):6d}")
                if a.worst and i is not None:
                    ok = np.isfinite(ref) & np.isfinite(f)
                    line += f"   worst v={float(v[ok][i])!r} x={float(x[ok][i])!r}"
                print(line, flush=True)


if __name__ == "__main__":
    main()
