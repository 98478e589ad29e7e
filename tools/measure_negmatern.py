"""Accuracy of log_abs_iv / sign_iv / matern (and matern_dnu where present) per region, against Arb.

Usage:  python tools/measure_negmatern.py [--n N] [--seed S] [--funcs log_abs_iv,matern,...]

For each function, dtype and region it draws N points (float32 points are float32 numbers;
the reference is the exact function value at those inputs), evaluates the ufunc and reports
the max and 99th percentile of  err = |f - ref| / (eps * max(1, |ref|))  (eps = 2^-52 or
2^-23), plus the number of sign mismatches for sign_iv and of failures (non-finite output
where the reference is finite). References come from python-flint (Arb) with the precision
raised until the ball radius is below 2^-80 relative; log|I_{-a}| uses DLMF 10.27.2 in Arb
(Arb's own negative-order I loses all digits at large |v|).
"""

from __future__ import annotations

import argparse
import math
import sys

import numpy as np
from flint import arb, ctx

import logbessel

EPS = {np.float64: 2.0**-52, np.float32: 2.0**-23}


def _adaptive(fn, *args, rel=2.0**-80, start=128, limit=8192):
    """Evaluate fn(*args) in Arb, raising the precision until the ball is tight."""
    prec = start
    while True:
        old = ctx.prec
        ctx.prec = prec
        try:
            val = fn(*args)
        finally:
            ctx.prec = old
        mid = abs(float(val.mid())) if val.is_finite() else math.inf
        rad = float(val.rad())
        if val.is_finite() and (rad <= rel * max(mid, 1e-300) or (mid == 0 and rad < 1e-300)):
            return val
        if prec >= limit:
            return val
        prec *= 2


def _signed_iv_arb(v, x):
    """I_v(x) as an arb ball (v any real, x > 0)."""
    V, X = arb(v), arb(x)
    if v >= 0 or float(v).is_integer():
        return X.bessel_i(abs(V))
    a = -V
    return X.bessel_i(a) + 2 / arb.pi() * a.sin_pi() * X.bessel_k(a)


def _cond_x(v, x):
    """x d/dx log|I_v(x)| = x I_{v+1}/I_v + v (DLMF 10.29.2): the sensitivity of the result to
    a relative perturbation of x, in units of the relative perturbation."""
    def f(v, x):
        V, X = arb(v), arb(x)
        i0 = _signed_iv_arb(v, x)
        a1 = -(V + 1)  # order v + 1 = -(a - 1)
        i1 = X.bessel_i(V + 1) if (v + 1 >= 0 or float(v).is_integer()) else (
            X.bessel_i(a1) + 2 / arb.pi() * a1.sin_pi() * X.bessel_k(a1))
        return X * i1 / i0 + V
    return abs(float(_adaptive(f, v, x, rel=2.0**-20).mid()))


def ref_log_abs_iv(v, x):
    val = _adaptive(_signed_iv_arb, v, x)
    sgn = 1 if val > 0 else (-1 if val < 0 else 0)
    return abs(val).log(), sgn


def _matern_arb(r, nu):
    R, NU = arb(r), arb(nu)
    z = (2 * NU).sqrt() * R
    logk = (1 - NU) * arb(2).log() - NU.lgamma() + NU * z.log() + z.bessel_k(NU).log()
    return logk.exp()


def ref_matern(r, nu):
    return _adaptive(_matern_arb, r, nu, rel=2.0**-70)


def _matern_dnu_arb(r, nu):
    NU = arb(nu)
    h = NU * arb(2) ** -100
    return (_matern_arb(r, NU + h) - _matern_arb(r, NU - h)) / (2 * h)


def ref_matern_dnu(r, nu):
    """Central difference of step nu 2^-100 in Arb (truncation ~2^-200 relative)."""
    return _adaptive(_matern_dnu_arb, r, nu, rel=2.0**-60, start=512, limit=4096)


def errors(f, refs, eps, absolute=False):
    out = []
    for fi, ref in zip(f, refs):
        fi = float(fi)
        if not math.isfinite(fi):
            out.append(math.inf)
            continue
        scale = 1.0 if absolute else max(1.0, abs(float(ref.mid())))
        out.append(float(abs(arb(fi) - ref).mid()) / (eps * scale))
    return np.array(out)


def summarize(name, errs, extra=""):
    fails = int(np.sum(~np.isfinite(errs)))
    e = errs[np.isfinite(errs)]
    if len(e) == 0:
        print(f"  {name:28s} n={len(errs):5d} (no finite points) failures={fails} {extra}")
        return
    print(f"  {name:28s} n={len(errs):5d} max={e.max():8.2f} p99={np.percentile(e, 99):7.2f} "
          f"failures={fails} {extra}")


# ------------------------------------------------------------------------------------------
# Regions
# ------------------------------------------------------------------------------------------
def noninteger(a):
    a = np.asarray(a, dtype=np.float64)
    return a[np.floor(a) != a]


def iv_regions(rng, n, dtype):
    rd = 21.5 if dtype == np.float64 else 10.0
    reg = {}

    def odd_a(lo, hi, size):  # floor(a) odd -> sin(a pi) < 0
        a = rng.uniform(lo, hi, size)
        f = np.floor(a)
        return np.where(f % 2 == 1, a, a + 1.0)

    def even_a(lo, hi, size):
        a = rng.uniform(lo, hi, size)
        f = np.floor(a)
        return np.where(f % 2 == 0, a, a + 1.0)

    # series region, sin < 0 (cancellation possible)
    a = odd_a(1.0, rd - 1.0, 4 * n)
    x = rng.uniform(0.0, rd, 4 * n)
    keep = (a * a + x * x) < rd * rd
    reg["series_odd"] = (a[keep][:n], x[keep][:n])
    # series region, small x (pole side)
    a = odd_a(1.0, rd - 1.0, n)
    reg["series_odd_tiny_x"] = (a, 10.0 ** rng.uniform(-300 if dtype == np.float64 else -37, 0, n))
    # even floor: no cancellation, all v
    a = np.concatenate([even_a(0.0, 30.0, n // 2), 10.0 ** rng.uniform(1.5, 6, n - n // 2)])
    reg["even_all"] = (a, 10.0 ** rng.uniform(-3, 6, n))
    # odd floor, Debye region (R >= R_D)
    a = 10.0 ** rng.uniform(np.log10(rd), 6, n)
    a = np.where(np.floor(a) % 2 == 1, a, a + 1.0) + rng.uniform(0.01, 0.99, n)
    a = np.where(np.floor(a) % 2 == 1, a, a + 1.0)
    reg["debye_odd"] = (a, a * 10.0 ** rng.uniform(-2, 1, n))
    return reg


def zero_points(rng, n, dtype, a_lo, a_hi):
    """Points at relative distance 10^-15..10^-1 from the zero x0 of I_{-a} (floor(a) odd)."""
    from scipy.optimize import brentq

    a_list, x_list = [], []
    while len(a_list) < n:
        a = rng.uniform(a_lo, a_hi)
        if math.floor(a) % 2 == 0:
            a += 1.0
        a = float(dtype(a))
        if a >= a_hi + 1:
            continue
        g = lambda x: float(logbessel.log_iv(a, x) - (np.log(2 / np.pi * abs(math.sin(math.pi * a)))
                                                       + logbessel.log_kv(a, x)))
        try:
            x0 = brentq(g, 1e-3 * a, 3 * a + 5, xtol=1e-15, rtol=1e-15)
        except ValueError:
            continue
        d = 10.0 ** rng.uniform(-15 if dtype == np.float64 else -7, -1) * rng.choice([-1, 1])
        a_list.append(a)
        x_list.append(x0 * (1 + d))
    return np.array(a_list), np.array(x_list)


def run_iv(rng, n, dtype):
    eps = EPS[dtype]
    rd = 21.5 if dtype == np.float64 else 10.0
    regs = iv_regions(rng, n, dtype)
    regs["series_near_zero"] = zero_points(rng, n // 2, dtype, 1.0, min(rd / 1.5, 13.0))
    regs["debye_near_zero"] = zero_points(rng, n // 2, dtype, rd + 1, 2000.0)
    print(f"log_abs_iv / sign_iv, {np.dtype(dtype).name}")
    for name, (a, x) in regs.items():
        a = noninteger(dtype(a).astype(np.float64)) if True else a
        x = dtype(x[: len(a)])
        a = dtype(a)
        f = logbessel.log_abs_iv(-a, x)
        s = logbessel.sign_iv(-a, x)
        refs, sgns = zip(*(ref_log_abs_iv(-float(ai), float(xi)) for ai, xi in zip(a, x)))
        errs = errors(f, refs, eps)
        bad_sign = int(np.sum(np.asarray(s, dtype=np.float64) != np.asarray(sgns, dtype=np.float64)))
        extra = f"sign mismatches={bad_sign}"
        if "near_zero" in name:
            # error relative to the inherent sensitivity to x: eps * cond / max(1, |ref|)
            cond = np.array([_cond_x(-float(ai), float(xi)) for ai, xi in zip(a, x)])
            scale = np.array([max(1.0, abs(float(r.mid()))) for r in refs])
            extra += f" max err/(cond_x/max(1,|ref|))={np.max(errs / np.maximum(1.0, cond / scale)):.2f}"
        summarize(name, errs, extra)


def matern_regions(rng, n, dtype):
    rd = 21.5 if dtype == np.float64 else 10.0
    ns = 7.0 if dtype == np.float64 else 5.0
    reg = {}
    # Wronskian region: nu, z < R_D
    nu = np.concatenate([10.0 ** rng.uniform(-3, np.log10(rd), 2 * n)])
    z = rng.uniform(0, rd, 2 * n) * 10.0 ** rng.choice([0, -1, -3, -8], 2 * n)
    keep = nu * nu + z * z < rd * rd
    nu, z = nu[keep][:n], z[keep][:n]
    reg["wronskian"] = (z / np.sqrt(2 * nu), nu)
    # integer and half-integer nu in the Wronskian region
    nu = rng.integers(1, int(rd), n) + rng.choice([0.0, 0.5], n)
    reg["wronskian_int_half"] = (rng.uniform(0, 3, n), nu)
    nu = rng.integers(1, int(rd), n) + rng.uniform(-1e-6, 1e-6, n)
    reg["wronskian_near_int"] = (rng.uniform(0, 3, n), nu)
    # Debye regrouped, large nu
    reg["debye_large_nu"] = (rng.uniform(0, 6, n), 10.0 ** rng.uniform(np.log10(rd), 6, n))
    reg["debye_huge_nu"] = (rng.uniform(0, 6, n), 10.0 ** rng.uniform(6, 15, n))
    # nu >= 1e20: reference exp(-r^2/2) (the O(r^4/nu) correction is < 1e-17 for r < 6)
    reg["nu_ge_1e20_vs_sqexp"] = (rng.uniform(0, 6, n), 10.0 ** rng.uniform(20, 300 if dtype == np.float64 else 38, n))
    # Debye regrouped, nu in [nu_S, R_D), z >= R_D-ish
    nu = rng.uniform(ns, rd, n)
    zmin = np.sqrt(np.maximum(rd * rd - nu * nu, 0))
    z = zmin + rng.uniform(0, 20, n)
    reg["debye_mid_nu"] = (z / np.sqrt(2 * nu), nu)
    # plain log form: small nu, large z
    nu = 10.0 ** rng.uniform(-3, np.log10(ns), n)
    z = rd + rng.uniform(0, 30, n)
    reg["plain_small_nu"] = (z / np.sqrt(2 * nu), nu)
    # tiny z
    nu = 10.0 ** rng.uniform(-6, 1, n)
    reg["tiny_z"] = (10.0 ** rng.uniform(-300 if dtype == np.float64 else -37, -12, n), nu)
    return reg


def run_matern(rng, n, dtype):
    eps = EPS[dtype]
    print(f"matern, {np.dtype(dtype).name} (absolute error in eps)")
    for name, (r, nu) in matern_regions(rng, n, dtype).items():
        r, nu = dtype(r), dtype(nu)
        f = logbessel.matern(r, nu)
        if name == "nu_ge_1e20_vs_sqexp":
            refs = [(-arb(float(ri)) ** 2 / 2).exp() for ri in r]
        else:
            refs = [ref_matern(float(ri), float(ni)) if ri > 0 else arb(1) for ri, ni in zip(r, nu)]
        summarize(name, errors(f, refs, eps, absolute=True))


def run_matern_dnu(rng, n, dtype):
    eps = EPS[dtype]
    print(f"matern_dnu, {np.dtype(dtype).name}")
    for name, (r, nu) in matern_regions(rng, n, dtype).items():
        if name == "nu_ge_1e20_vs_sqexp":
            continue
        r, nu = dtype(r), dtype(nu)
        keep = r > 0
        r, nu = r[keep], nu[keep]
        f = logbessel.matern_dnu(r, nu)
        refs = [ref_matern_dnu(float(ri), float(ni)) for ri, ni in zip(r, nu)]
        summarize(name, errors(f, refs, eps))


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--n", type=int, default=400)
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--funcs", default="log_abs_iv,matern")
    p.add_argument("--dtypes", default="float64,float32")
    args = p.parse_args(argv)
    for dt in args.dtypes.split(","):
        dtype = {"float64": np.float64, "float32": np.float32}[dt]
        for fn in args.funcs.split(","):
            rng = np.random.default_rng(args.seed)
            {"log_abs_iv": run_iv, "matern": run_matern, "matern_dnu": run_matern_dnu}[fn](rng, args.n, dtype)
    return 0


if __name__ == "__main__":
    sys.exit(main())
