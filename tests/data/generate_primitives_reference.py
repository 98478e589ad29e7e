#!/usr/bin/env python
"""Generate the certified reference tables for logbessel's related primitives (issue 5).

Usage (from the repository root)::

    python tests/data/generate_primitives_reference.py              # both tables
    python tests/data/generate_primitives_reference.py --only float32
    python tests/data/generate_primitives_reference.py --func iv_ratio_inv --outdir scratch
    python tests/data/generate_primitives_reference.py --validate   # independent checks

Writes ``ref_primitives_float64.npz`` and ``ref_primitives_float32.npz`` next to this file.
Every function f(a, b) has its own inputs: arrays ``<f>_a``, ``<f>_b`` (float64 holding values
exactly representable in the table's dtype), the reference ``<f>_hi + <f>_lo`` (unevaluated
double-double, hi = value rounded to nearest), ``<f>_category``, ``<f>_prec`` (the Arb
precision at which the value was certified) and, for ``iv_ratio_inv``, ``<f>_cond`` (the
condition number |d log kappa / d log r| = r / (kappa R'(kappa))).  See tests/data/README.md.

All values come from Arb (python-flint) ball arithmetic, with the methods of
``generate_reference.py`` (Arb's Bessel functions; Olver's Debye expansion with rigorous error
bounds where Arb fails, i.e. K_v(x) for v >~ 3e4 and tiny x; the reflection formula for I of
negative order where Arb's direct evaluation loses everything).  A value is accepted when its
ball radius is below 2^-133 relative (or 2^-1200 absolute).  For x > 1 the exponentially scaled
functions are used, so that ratios at the same x never form e^x.

* iv_ratio, iv_ratio_c: D = log I_{v+1}(x) - log I_v(x) as one ball; ratio = e^D and
  1 - ratio = -expm1(D) (the adaptive precision removes the cancellation when x >> v).
* log_iv_dx = v/x + I_{v+1}/I_v;  log_kv_dx = -(K_{v-1} + K_{v+1}) / (2 K_v).
* log_iv_dv, log_kv_dv, matern_dnu: central differences (f(v+h) - f(v-h)) / (2h) of Arb balls with
  h = 2^-100 (~7.9e-31) at >= 384 bits.  The truncation error (h^2 f'''/6 ~ 1e-61 f''') is
  estimated from a second step h' = 2^-80 (D(h) - D(h') ~ f''' h'^2 / 6) and added to the radius;
  --validate also compares with closed forms (DLMF 10.38.6/7 at v = 1/2) and mpmath's own
  differentiation.
* iv_ratio_inv: Newton's method in log kappa (R' = 1 - R^2 - (2v+1) R / kappa, the Riccati
  equation of the ratio), then certified by bracketing: R(kappa (1 - 2^-140)) < r <
  R(kappa (1 + 2^-140)) with balls (R is increasing in kappa for v >= -1/2).
* vmf_log_norm = (d/2 - 1) log kappa - (d/2) log(2 pi) - log I_{d/2-1}(kappa); at kappa = 0 the
  limit lgamma(d/2) - log 2 - (d/2) log pi.
* log_abs_iv, sign_iv: the signed ball of I_v(x) (Arb directly, or the reflection
  I_{-n} = I_n + (2/pi) sin(n pi) K_n when that is sharper).
* matern = exp((1 - nu) log 2 - lgamma(nu) + nu log z + log K_nu(z)), z = sqrt(2 nu) r (a ball).

mpmath is used only by --validate.  Rows whose reference exceeds the dtype's range are dropped
(as in the core tables); rows in the ``edge`` / ``domain`` categories have exact references
(0, 1, +-inf, nan) set by the definitions.
"""

from __future__ import annotations

import argparse
import datetime
import json
import math
import os
import sys
import time
import zlib
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
import generate_reference as core  # noqa: E402

REL_BITS = core.REL_BITS  # 2^-133
ABS_BITS = core.ABS_BITS  # 2^-1200
START_PREC = 256
MAX_PREC = 8192
# matern_dnu lies in [-1, 1] and is measured absolutely; at tiny r with nu >~ 3e4 (where only
# the Debye expansion gives K_nu, and only to ~2^-1100) it is ~r^2 and cannot be certified
# relatively, so an absolute radius of 2^-200 (6e-61) is accepted there.
ABS_FLOOR = {"matern_dnu": 200}
STEP_BITS = 100  # central-difference step h = 2^-100 ~ 7.9e-31
STEP2_BITS = 80  # second step for the truncation estimate
SEED = 20240615

FUNCS = (
    "iv_ratio", "iv_ratio_c", "iv_ratio_inv", "vmf_log_norm", "log_iv_dx", "log_kv_dx",
    "log_iv_dv", "log_kv_dv", "log_abs_iv", "sign_iv", "matern", "matern_dnu",
)
_Z0 = core._Z0  # 0.66274...: eta(z) = 0, the turning point of the uniform expansion


class _NotYet(Exception):
    """Not certified at this precision: try a higher one."""


# ---------------------------------------------------------------------------------------------
# Ball primitives (worker side)
# ---------------------------------------------------------------------------------------------
def _xf(x) -> float:
    from flint import arb

    return float(x.mid()) if isinstance(x, arb) else float(x)


def _debye(nu, x, prec, kind):
    """core._debye_log with a truncation target that follows the working precision."""
    saved = core.REL_BITS
    core.REL_BITS = min(max(REL_BITS, prec - 60), 1000)
    try:
        return core._debye_log(nu, x, prec, kind)
    finally:
        core.REL_BITS = saved


def log_bessel(kind, nu, x, prec):
    """(sign, ball) with ball = log|F_nu(x)| - s x for I, log F_nu(x) + s x for K, s = [x > 1].

    nu, x: floats or exact arbs.  Arb's bessel_i / bessel_k first; when that ball is not
    finite, not of one sign, or lost more than half the working precision, Olver's Debye
    expansion (nu >= 20) or, for I of negative non-integer order, the reflection formula is
    tried, and the sharper ball wins.  Raises _NotYet when no sign / finite ball is found.
    """
    from flint import arb, ctx

    ctx.prec = prec
    X, V = arb(x), arb(nu)
    xf, nuf = _xf(x), _xf(nu)
    scaled = xf > 1.0
    if kind == "k":
        V, nuf = abs(V), abs(nuf)
    elif nuf < 0 and isinstance(nu, float) and nu.is_integer():
        V, nuf = -V, -nuf  # I_{-n} = I_n
    cands = []
    b = X.bessel_i(V, scaled=scaled) if kind == "i" else X.bessel_k(V, scaled=scaled)
    if b.is_finite() and (b > 0 or b < 0):
        cands.append((1 if b > 0 else -1, abs(b).log()))
    good = lambda c: c[1].rad() <= arb(2) ** (-(prec // 2)) * max(1.0, abs(float(c[1].mid())))  # noqa: E731
    if not (cands and good(cands[0])):
        if nuf >= 20 and not (kind == "i" and nuf < 0):
            try:
                st, r = _debye(V, X, prec, kind)
                if st == "ok" and r.is_finite():
                    ctx.prec = prec
                    cands.append((1, r - X if (scaled and kind == "i") else (r + X if scaled else r)))
            except core._Inapplicable:
                pass
        elif kind == "i" and nuf < 0:
            try:
                cands.append(_reflect(-V, X, xf, prec))
            except _NotYet:
                pass
    if not cands:
        raise _NotYet("no finite ball")
    ctx.prec = prec
    return min(cands, key=lambda c: c[1].rad())


def _reflect(n, X, xf, prec):
    """(sign, log|I_{-n}(x)| - s x) from I_{-n} = I_n + (2/pi) sin(n pi) K_n (DLMF 10.27.2)."""
    from flint import arb, ctx

    _, li = log_bessel("i", n, X, prec)
    _, lk = log_bessel("k", n, X, prec)
    ctx.prec = prec
    s = 2 * n.sin_pi() / arb.pi()
    lk = lk - 2 * X if xf > 1.0 else lk  # K in the same scaling as I: K e^{-x}
    d = li - lk
    if d > 0:
        t, base = 1 + s * (-d).exp(), li
    else:
        t, base = s + d.exp(), lk
    if not (t > 0 or t < 0):
        raise _NotYet("reflection sum contains 0")
    return (1 if t > 0 else -1), base + abs(t).log()


def _log_ratio_i(v, x, prec):
    """Ball of log(I_{v+1}(x) / I_v(x)), v > -1."""
    from flint import arb, ctx

    ctx.prec = prec
    s1, l1 = log_bessel("i", arb(v) + 1, x, prec)
    s0, l0 = log_bessel("i", v, x, prec)
    if s1 < 0 or s0 < 0:
        raise _NotYet("negative I in the ratio")
    ctx.prec = prec
    return l1 - l0


def _ratio_and_deriv(v, k, prec):
    """(R, 1 - R, R') at kappa = k (ball), R' = 1 - R^2 - (2v+1) R / k (2v+1 in Arb: in double
    its rounding error would dominate R' ~ (1-R)/k when 1 - R is tiny)."""
    from flint import arb, ctx

    d = _log_ratio_i(v, k, prec)
    ctx.prec = prec
    r = d.exp()
    c = -d.expm1()
    return r, c, c * (1 + r) - (2 * arb(v) + 1) * r / k


def _central(fn, a, prec, dist=None):
    """Central difference of fn(arb order) at a, step h = 2^-STEP_BITS, with truncation estimate.

    dist: distance from a to the nearest singularity of fn (matern: nu = 0; log I_v: v = -1,
    where 1/Gamma(v+1) vanishes); then h = min(2^-STEP_BITS, ~dist 2^-80), so that the
    truncation error (h/dist)^2 stays tiny.
    """
    from flint import arb, ctx

    shift = 0
    if dist:
        shift = max(0, -(math.frexp(abs(dist))[1] - 80) - STEP_BITS)
    vals = []
    for bits in (STEP_BITS + shift, STEP2_BITS + shift):
        ctx.prec = prec
        h = arb(2) ** (-bits)
        A = arb(a)
        fp = fn(A + h, prec)
        fm = fn(A - h, prec)
        ctx.prec = prec
        vals.append((fp - fm) / (2 * h))
    d1, d2 = vals
    ctx.prec = prec
    # D(h) = f' + f''' h^2 / 6 + ...: |D(h) - D(h')| ~ |f'''| h'^2 / 6, so the truncation error
    # at h is ~ |D(h) - D(h')| (h/h')^2; 4x that (plus d2's radius) is added to the radius.
    trunc = (abs(d1 - d2).upper() * arb(2) ** (-2 * (STEP_BITS - STEP2_BITS)) * 4)
    return d1 + arb(0, trunc)


# --- one function per primitive: (a, b, prec) -> ball, or ("sign", +-1) --------------------------
def ref_iv_ratio(v, x, prec):
    from flint import ctx
    d = _log_ratio_i(v, x, prec)
    ctx.prec = prec
    return d.exp()


def ref_iv_ratio_c(v, x, prec):
    from flint import ctx
    d = _log_ratio_i(v, x, prec)
    ctx.prec = prec
    return -d.expm1()


def ref_log_iv_dx(v, x, prec):
    from flint import arb, ctx
    d = _log_ratio_i(v, x, prec)
    ctx.prec = prec
    return arb(v) / arb(x) + d.exp()


def ref_log_kv_dx(v, x, prec):
    from flint import arb, ctx
    ctx.prec = prec
    a = abs(arb(v))  # K is even in the order: K_v'/K_v = K_|v|'/K_|v|
    vm, vp = abs(a - 1), a + 1
    _, l0 = log_bessel("k", v, x, prec)
    _, lm = log_bessel("k", vm, x, prec)
    _, lp = log_bessel("k", vp, x, prec)
    ctx.prec = prec
    return -((lm - l0).exp() + (lp - l0).exp()) / 2


def ref_log_iv_dv(v, x, prec):
    def f(V, p):
        s, lb = log_bessel("i", V, x, p)
        if s < 0:
            raise _NotYet("I < 0")
        return lb
    return _central(f, v, prec, dist=(v + 1) if v < 0 else None)


def ref_log_kv_dv(v, x, prec):
    from flint import arb
    if v == 0.0:
        return arb(0)  # log K_v is even in v
    return _central(lambda V, p: log_bessel("k", V, x, p)[1], v, prec)


def _log_matern(r, nu, prec):
    """Ball of log matern(r, nu) for r > 0 (nu a float or an exact arb)."""
    from flint import arb, ctx

    ctx.prec = prec
    N = arb(nu)
    z = (2 * N).sqrt() * arb(r)
    _, lk = log_bessel("k", N, z, prec)
    ctx.prec = prec
    if _xf(z) > 1.0:
        lk = lk - z
    return (1 - N) * arb(2).log() - N.lgamma() + N * z.log() + lk


def ref_matern(r, nu, prec):
    from flint import ctx
    lm = _log_matern(r, nu, prec)
    ctx.prec = prec
    return lm.exp()


def ref_matern_dnu(r, nu, prec):
    def f(N, p):
        from flint import ctx
        lm = _log_matern(r, N, p)
        ctx.prec = p
        return lm.exp()
    return _central(f, nu, prec, dist=nu)


def ref_vmf_log_norm(d, kappa, prec):
    from flint import arb, ctx
    ctx.prec = prec
    D = arb(d)
    nu = D / 2 - 1
    if kappa == 0.0:
        return (D / 2).lgamma() - arb(2).log() - D / 2 * arb.pi().log()
    s, li = log_bessel("i", nu, kappa, prec)
    if s < 0:
        raise _NotYet("I < 0")
    ctx.prec = prec
    K = arb(kappa)
    if kappa > 1.0:
        li = li + K
    return nu * K.log() - D / 2 * (2 * arb.pi()).log() - li


def ref_log_abs_iv(v, x, prec):
    from flint import arb, ctx
    _, lb = log_bessel("i", v, x, prec)
    ctx.prec = prec
    return lb + arb(x) if x > 1.0 else lb


def ref_sign_iv(v, x, prec):
    return ("sign", log_bessel("i", v, x, prec)[0])


def ref_iv_ratio_inv(v, r, prec):
    """(kappa ball, condition number).  Newton in u = log kappa on log R or log(1 - R)."""
    from flint import arb, ctx

    ctx.prec = prec
    R = arb(r)
    # Start: Banerjee et al. (2005) kappa ~ r (2v + 2 - r^2) / (1 - r^2), the vMF estimate
    # with d = 2v + 2; good to a few % everywhere, which is all Newton in log kappa needs.
    k = float(r) * (2 * v + 2 - r * r) / (1 - r * r) if r < 1 else 1e300
    k = max(k, 1e-320)
    u = arb(k).log()
    use_c = r > 0.5
    target = (1 - R).log() if use_c else R.log()
    extra = -1
    for it in range(100):
        ctx.prec = prec
        K = u.exp().mid()
        Kb = arb(K)
        rr, cc, dr = _ratio_and_deriv(v, Kb, prec)
        ctx.prec = prec
        if use_c:
            g = cc.log() - target
            gp = -Kb * dr / cc
        else:
            g = rr.log() - target
            gp = Kb * dr / rr
        du = (g / gp).mid()
        # damp: at most a factor e^2 per step (the start is good, this only guards odd cases)
        du = max(min(du, arb(2)), arb(-2))
        u = (u - du).mid()
        if extra < 0 and abs(float(du)) < 2.0 ** (-(prec // 2)):
            extra = 0  # converged to half the precision: two more (quadratic) steps
        elif extra >= 0:
            extra += 1
            if extra >= 2:
                break
    else:
        raise _NotYet("newton did not converge")
    ctx.prec = prec
    kmid = u.exp().mid()
    # bracket: R increasing in kappa, so R(k-) < r < R(k+) puts the root in [k-, k+]
    eps = arb(2) ** (-(REL_BITS + 7))
    klo, khi = kmid * (1 - eps), kmid * (1 + eps)
    rlo, clo, _ = _ratio_and_deriv(v, klo, prec)
    rhi, chi, _ = _ratio_and_deriv(v, khi, prec)
    ctx.prec = prec
    if use_c:
        ok = (clo > 1 - R) and (chi < 1 - R)
    else:
        ok = (rlo < R) and (rhi > R)
    if not ok:
        raise _NotYet("root not bracketed")
    rr, cc, dr = _ratio_and_deriv(v, arb(kmid), prec)
    cond = float(abs(R / (arb(kmid) * dr)).mid())
    ctx.prec = prec
    ball = arb(kmid) + arb(0, (khi - klo).upper())
    return ball, cond


REF = {name: globals()[f"ref_{name}"] for name in FUNCS}


def certify(func, a, b):
    """(hi, lo, prec, cond) for func(a, b); raises RuntimeError when not certified."""
    from flint import arb

    fn = REF[func]
    prec = START_PREC if func not in ("log_iv_dv", "log_kv_dv", "matern_dnu") else 384
    last = ""
    while prec <= MAX_PREC:
        cond = math.nan
        try:
            res = fn(a, b, prec)
        except (_NotYet, core._Inapplicable) as e:
            last = str(e)
            prec *= 2
            continue
        if isinstance(res, tuple) and isinstance(res[0], str):
            return float(res[1]), 0.0, prec, cond
        if isinstance(res, tuple):
            res, cond = res
        if res.is_finite():
            rad = res.rad()
            if rad <= arb(2) ** (-ABS_FLOOR.get(func, ABS_BITS)) or rad <= abs(res.mid()) * arb(2) ** (-REL_BITS):
                hi, lo = core._split(res, prec)
                return hi, lo, prec, cond
            last = f"radius {float(rad):.3g} at {prec} bits"
        prec *= 2
    raise RuntimeError(f"{func}({a!r}, {b!r}) not certified: {last}")


def _work(task):
    idx, func, a, b = task
    t0 = time.perf_counter()
    try:
        hi, lo, prec, cond = certify(func, a, b)
        out = {"hi": hi, "lo": lo, "prec": prec, "cond": cond}
    except RuntimeError as e:
        out = {"error": str(e)}
    out["seconds"] = time.perf_counter() - t0
    return idx, out


# ---------------------------------------------------------------------------------------------
# Point sets
# ---------------------------------------------------------------------------------------------
Box = core.Box
_nudge = core._nudge
_cross = core._cross


def _vx_grid(b, vmax=1e6):
    vs = [0.0] + list(np.logspace(-3, math.log10(vmax), b.n(12)))
    xs = list(np.logspace(math.log10(b.xmin), math.log10(b.xmax), b.n(18))) + [b.xmin, b.xmax]
    return _cross(vs, xs)


def _vx_random(b, name, vmax=1e6, n=160):
    rng = b.rng(name)
    n = b.n(n)
    v = b.logu(rng, 1e-3, vmax, n)
    v[rng.uniform(size=n) < 0.05] = 0.0
    x = 10.0 ** rng.uniform(math.log10(b.xmin), math.log10(b.xmax), n)
    return list(zip(v.tolist(), x.tolist()))


_V_MIX = [0.0, 1e-3, 0.25, 0.5, 1.0, 2.5, 10.0, 100.5, 1e3, 1e5, 1e6]


def _vx_tiny_x(b, name):
    rng = b.rng(name + "tiny")
    special = [b.xmin, 2 * b.xmin, 1000 * b.xmin, b.tiny, _nudge(b.tiny, -1, b.dtype)]
    pts = _cross(_V_MIX[::2], special)
    n = b.n(50)
    v = np.where(rng.uniform(size=n) < 0.5, rng.choice(_V_MIX, n), b.logu(rng, 1e-3, 1e6, n))
    return pts + list(zip(v.tolist(), b.logu(rng, b.xmin, b.tiny_x, n).tolist()))


def _vx_huge_x(b, name):
    rng = b.rng(name + "huge")
    special = [b.xmax, _nudge(b.xmax, -1, b.dtype), b.huge_x]
    pts = _cross(_V_MIX[::2], special)
    n = b.n(50)
    v = np.where(rng.uniform(size=n) < 0.5, rng.choice(_V_MIX, n), b.logu(rng, 1e-3, 1e6, n))
    return pts + list(zip(v.tolist(), b.logu(rng, b.huge_x, b.xmax, n).tolist()))


def _vx_large_x(b, name):
    """x >> v at moderate x: 1 - I_{v+1}/I_v ~ (2v+1)/(2x) is small but not tiny."""
    rng = b.rng(name + "largex")
    n = b.n(80)
    v = np.where(rng.uniform(size=n) < 0.3, rng.choice(_V_MIX[:7], n), b.logu(rng, 1e-3, 1e4, n))
    x = np.maximum(v, 1.0) * b.logu(rng, 10.0, 1e12, n)
    return list(zip(v.tolist(), x.tolist()))


def _vx_small_x(b, name):
    """x << v (ratio ~ x / (2v + 2) small), away from the underflow range."""
    rng = b.rng(name + "smallx")
    n = b.n(80)
    v = b.logu(rng, 1.0, 1e6, n)
    x = v * b.logu(rng, 1e-30 if b.is64 else 1e-12, 1e-2, n)
    return list(zip(v.tolist(), x.tolist()))


def _vx_huge_v(b, name):
    rng = b.rng(name + "hugev")
    n = b.n(90)
    v = b.logu(rng, 1e4, 1e6, n)
    x = v * b.logu(rng, 1e-3, 1e3, n)
    return list(zip(v.tolist(), x.tolist()))


def _vx_transition(b, name):
    rng = b.rng(name + "transition")
    n = b.n(110)
    v = b.logu(rng, 1.0, 1e6, n)
    u = rng.uniform(size=n)
    c = np.where(u < 0.6, rng.uniform(0.3, 1.5, n), _Z0 * (1 + rng.uniform(-1e-3, 1e-3, n)))
    return list(zip(v.tolist(), (v * c).tolist()))


def _vx_switch(b, name):
    """Both sides of the radii R = hypot(v, x) where series / Debye / other expansions switch."""
    radii = (10.0, 21.5, 26.0, 30.0, 35.0, 40.0) if b.is64 else (10.0, 12.0, 21.5, 26.0, 40.0)
    rel = (1e-9,) if b.is64 else (1e-5,)
    pts = []
    for radius in radii:
        for th in np.linspace(0.02, math.pi / 2, b.n(7)):
            for r in (radius,) + tuple(radius * (1 + s * e) for e in rel for s in (1, -1)):
                pts.append((r * math.cos(th), r * math.sin(th)))
    return pts


def _vx_small_v(b, name, kind="i"):
    """v = 0 and tiny v (the dv derivatives vanish / the order barely matters).  For K the
    orders stop at 1e-30: Arb's K_v for non-integer v loses ~log2(1/v) bits to cancellation
    (no finite ball at v = 1e-300 below ~1100 bits), and below 1e-30 K_v = K_0 (1 + O(v^2))
    adds nothing."""
    rng = b.rng(name + "smallv")
    vs = [0.0, b.xmin, 1e-300 if b.is64 else 1e-38, 1e-20, 1e-10, 1e-5, 1e-3]
    if kind == "k":
        vs = [0.0, 1e-30 if b.is64 else 1e-25, 1e-20, 1e-10, 1e-5, 1e-3]
    xs = list(b.logu(rng, b.xmin, b.xmax, b.n(10))) + list(b.logu(rng, 1e-2, 1e2, b.n(8)))
    return _cross(vs, xs)


def _vx_half_integer(b, name):
    rng = b.rng(name + "half")
    vs = [0.5, 1.5, 2.5, 3.5, 10.5, 20.5, 100.5, 1e4 + 0.5]
    pts = []
    for v in vs:
        pts += [(v, float(x)) for x in list(b.logu(rng, 1e-3, 1e3, b.n(8))) + [b.xmin, b.xmax]]
    return pts


def _vx_near_integer(b, name):
    rng = b.rng(name + "nearint")
    ks = (3, 6, 9, 12, 15) if b.is64 else (3, 5, 7)
    pts = []
    for n in (0, 1, 2, 5):
        for k in ks:
            for v in (n + 10.0**-k, n - 10.0**-k):
                if v > 0:
                    pts += [(v, float(x)) for x in b.logu(rng, 1e-3, 1e3, 2)]
    return pts


def _vx_moderate(b, name):
    rng = b.rng(name + "moderate")
    n = b.n(100)
    return list(zip(rng.uniform(0, 50, n).tolist(), rng.uniform(0.1, 100, n).tolist()))


def _vx_negative_i(b, name):
    """-1 < v < 0, where I_v > 0 (ratio, d/dx and d/dv of log I are defined)."""
    rng = b.rng(name + "negi")
    vs = [-0.5, -0.3, -1e-10, -0.999, -0.9999999 if b.is64 else -0.99999, -0.75]
    if b.is64:
        vs.append(-1 + 2.0**-40)
    xs = list(b.logu(rng, b.xmin, b.xmax, b.n(10))) + list(b.logu(rng, 1e-2, 1e2, b.n(8)))
    return _cross(vs, xs)


def _vx_negative_k(b, name):
    """Negative orders for K (log K_v even in v: d/dx even, d/dv odd)."""
    rng = b.rng(name + "negk")
    vs = [-0.5, -1.0, -2.5, -0.3, -7.1, -1234.56, -1e5 - 0.25]
    xs = list(b.logu(rng, b.xmin, b.xmax, b.n(6))) + list(b.logu(rng, 1e-2, 1e2, b.n(6)))
    return _cross(vs, xs)


def _vx_categories(kind):
    neg = _vx_negative_i if kind == "i" else _vx_negative_k
    return [
        ("negative_v", neg), ("small_v", lambda b, n: _vx_small_v(b, n, kind)), ("half_integer", _vx_half_integer),
        ("near_integer", _vx_near_integer), ("switch", _vx_switch),
        ("transition", _vx_transition), ("tiny_x", _vx_tiny_x), ("huge_x", _vx_huge_x),
        ("large_x", _vx_large_x), ("small_x", _vx_small_x), ("huge_v", _vx_huge_v),
        ("moderate", _vx_moderate), ("grid", lambda b, n: _vx_grid(b)),
        ("random", lambda b, n: _vx_random(b, n)),
    ]


# --- negative order: log|I_v|, sign I_v ---------------------------------------------------------
_NEG_V = [-0.3, -0.5, -1.3, -1.5, -1.7, -2.2, -2.5, -3.6, -4.9, -7.1, -10.5, -20.3, -99.9,
          -1234.56, -(1e4 + 0.7), -(1e6 + 0.3), -(1e6 + 1.3)]


def _zero_of_iv(v):
    """x0 > 0 with I_v(x0) = 0 for negative non-integer v with sin(|v| pi) < 0 (one zero in x:
    I_n(x)/K_n(x) = -(2/pi) sin(n pi), and I_n/K_n increases from 0 to inf).  Located with Arb
    by bisection on log I_n - log K_n; returns None when no sign change is found."""
    from flint import arb, ctx

    n = -v
    s = 2 * math.sin(math.pi * n) / math.pi
    if s >= 0:
        return None
    target = math.log(-s)

    def g(x):
        _, li = log_bessel("i", n, x, 128)
        _, lk = log_bessel("k", n, x, 128)
        ctx.prec = 128
        if x > 1:
            lk = lk - 2 * arb(x)
        return float((li - lk).mid()) - target

    lo, hi = 1e-300, 1e300
    if not (g(lo) < 0 < g(hi)):
        return None
    for _ in range(200):  # bisection in log x
        mid = math.sqrt(lo * hi)
        if mid in (lo, hi):
            break
        if g(mid) < 0:
            lo = mid
        else:
            hi = mid
    ctx.prec = 128
    return math.sqrt(lo * hi)


def _neg_near_zero(b, name):
    pts = []
    rel = [0.0, 1e-12, -1e-12, 1e-9, -1e-9, 1e-6, -1e-6, 1e-3, -1e-3, 0.1, -0.1] if b.is64 \
        else [0.0, 1e-6, -1e-6, 1e-4, -1e-4, 1e-2, -1e-2, 0.1, -0.1]
    for v in [-1.3, -1.5, -1.7, -1.999, -3.6, -5.2, -10.5, -20.3, -99.9, -1234.56, -(1e4 + 0.7)]:
        v = float(np.asarray(v, dtype=b.dtype))
        x0 = _zero_of_iv(v)
        if x0 is None:
            continue
        x0 = float(np.asarray(x0, dtype=b.dtype))
        pts += [(v, x0 * (1 + d)) for d in rel] + [(v, _nudge(x0, s, b.dtype)) for s in (-2, -1, 1, 2)]
    return pts


def _neg_orders(b, name):
    rng = b.rng(name + "negorders")
    pts = []
    for v in _NEG_V:
        xs = list(b.logu(rng, b.xmin, b.xmax, b.n(10))) + list(b.logu(rng, 1e-2, 1e2, b.n(10)))
        pts += [(v, float(x)) for x in xs]
    return pts


def _neg_near_integer(b, name):
    """v = -n -+ 10^-k: sin(v pi) is tiny, I_v is I_n plus a small multiple of K_n."""
    rng = b.rng(name + "negnearint")
    ks = (3, 6, 9, 12) if b.is64 else (3, 5)
    pts = []
    for n in (1, 2, 3, 6):
        for k in ks:
            for v in (-n + 10.0**-k, -n - 10.0**-k):
                pts += [(v, float(x)) for x in list(b.logu(rng, 1e-4, 1e2, 3)) + [b.xmin * 1e6]]
    return pts


def _neg_integer(b, name):
    rng = b.rng(name + "negint")
    return _cross([-1.0, -2.0, -5.0, -50.0], list(b.logu(rng, b.xmin, b.xmax, b.n(10))))


def _neg_random(b, name):
    rng = b.rng(name + "negrandom")
    n = b.n(150)
    v = -b.logu(rng, 1e-3, 1e6, n)
    x = 10.0 ** rng.uniform(math.log10(b.xmin), math.log10(b.xmax), n)
    m = rng.uniform(size=n) < 0.5
    x[m] = b.logu(rng, 1e-3, 1e3, int(m.sum()))
    return list(zip(v.tolist(), x.tolist()))


def _negi_categories():
    return [
        ("near_zero", _neg_near_zero), ("near_integer", _neg_near_integer),
        ("negative_integer", _neg_integer), ("negative_v", _neg_orders),
        ("positive_v", lambda b, n: _vx_random(b, n + "pos", n=60)), ("random", _neg_random),
    ]


# --- iv_ratio_inv: (v, r) -------------------------------------------------------------------------
def _r_of(v, x):
    """Cheap approximation of I_{v+1}(x)/I_v(x) (Amos-type bound, a few % accurate) to place r."""
    v = np.asarray(v, dtype=float)
    x = np.asarray(x, dtype=float)
    return x / (v + 0.5 + np.sqrt((v + 1.5) ** 2 + x**2))


def _inv_grid(b, name):
    vs = [-0.5, 0.0, 0.5] + list(np.logspace(-3, 7, b.n(14)))
    lo = -300 if b.is64 else -40
    rs = list(10.0 ** np.linspace(lo, -0.05, b.n(14))) + list(1 - 10.0 ** np.linspace(-1, -15.5 if b.is64 else -7, b.n(10)))
    return _cross(vs, rs)


def _inv_near_one(b, name):
    rng = b.rng(name + "nearone")
    kmax = 52 if b.is64 else 23
    rs = [1 - 2.0**-k for k in range(1, kmax + 1)] + [_nudge(1.0, -1, b.dtype), _nudge(1.0, -2, b.dtype)]
    vs = [0.0, 0.5, 1.0, 10.0, 1e3, 1e5, 1e7]
    pts = _cross(vs, rs[::3] + rs[-4:])
    n = b.n(100)
    v = b.logu(rng, 1e-3, 1e7, n)
    r = 1 - b.logu(rng, 2.0 ** -(kmax), 1e-2, n)
    return pts + list(zip(v.tolist(), r.tolist()))


def _inv_small_r(b, name):
    rng = b.rng(name + "smallr")
    n = b.n(100)
    v = np.where(rng.uniform(size=n) < 0.3, rng.choice([0.0, 0.5, 1.0, 1e3, 1e7], n), b.logu(rng, 1e-3, 1e7, n))
    r = b.logu(rng, b.xmin, 1e-3, n)
    pts = _cross([0.0, 1.0, 1e7], [b.xmin, 2 * b.xmin, b.tiny])
    return pts + list(zip(v.tolist(), r.tolist()))


def _inv_turning(b, name):
    """kappa ~ v for large v: the ill-conditioned region (|d log kappa / d log r| up to ~3-5)."""
    rng = b.rng(name + "turning")
    n = b.n(150)
    v = b.logu(rng, 10.0, 1e7, n)
    c = np.where(rng.uniform(size=n) < 0.7, rng.uniform(0.3, 3.0, n), b.logu(rng, 1e-2, 1e2, n))
    return list(zip(v.tolist(), _r_of(v, c * v).tolist()))


def _inv_vmf_dims(b, name):
    rng = b.rng(name + "vmfdims")
    pts = []
    for d in (2, 3, 4, 5, 10, 64, 80, 128, 384, 768, 2048, 8192, 32768, 1e6, 2e7):
        v = d / 2 - 1
        rs = list(rng.uniform(0.01, 0.999, b.n(10))) + [0.5, 0.9, 0.99, 0.999999]
        pts += [(v, float(r)) for r in rs]
    return pts


def _inv_moderate(b, name):
    rng = b.rng(name + "moderate")
    n = b.n(120)
    return list(zip(rng.uniform(0, 50, n).tolist(), rng.uniform(0, 1, n).tolist()))


def _inv_random(b, name):
    rng = b.rng(name + "random")
    n = b.n(160)
    v = b.logu(rng, 1e-3, 1e7, n)
    u = rng.uniform(size=n)
    r = np.where(u < 0.4, rng.uniform(0, 1, n), np.where(u < 0.7, b.logu(rng, 1e-30, 1, n),
                                                         1 - b.logu(rng, 1e-15 if b.is64 else 1e-7, 1, n)))
    return list(zip(v.tolist(), r.tolist()))


def _inv_categories():
    return [("near_one", _inv_near_one), ("small_r", _inv_small_r), ("turning", _inv_turning),
            ("vmf_dims", _inv_vmf_dims), ("moderate", _inv_moderate), ("grid", _inv_grid),
            ("random", _inv_random)]


# --- vmf_log_norm: (d, kappa) ---------------------------------------------------------------------
_DS = [1.0, 1.5, 2.0, 3.0, 4.0, 5.0, 10.0, 64.0, 101.0, 768.0, 2048.0, 1e4, 1e5, 1e6, 1e7]


def _vmf_grid(b, name):
    ks = list(np.logspace(math.log10(b.xmin), math.log10(b.xmax), b.n(22))) + [b.xmin, b.xmax]
    return _cross(_DS, ks)


def _vmf_small_kappa(b, name):
    rng = b.rng(name + "smallk")
    n = b.n(100)
    d = np.where(rng.uniform(size=n) < 0.5, rng.choice(_DS, n), b.logu(rng, 1.0, 1e7, n))
    return list(zip(d.tolist(), b.logu(rng, b.xmin, 1e-2, n).tolist()))


def _vmf_huge_kappa(b, name):
    rng = b.rng(name + "hugek")
    n = b.n(60)
    d = np.where(rng.uniform(size=n) < 0.5, rng.choice(_DS, n), b.logu(rng, 1.0, 1e7, n))
    k = b.logu(rng, b.huge_x, b.xmax, n)
    return list(zip(d.tolist(), k.tolist())) + _cross([1.0, 3.0, 1e7], [b.xmax, _nudge(b.xmax, -1, b.dtype)])


def _vmf_high_dim(b, name):
    rng = b.rng(name + "highdim")
    n = b.n(120)
    d = b.logu(rng, 100.0, 1e7, n)
    nu = d / 2 - 1
    u = rng.uniform(size=n)
    c = np.where(u < 0.5, rng.uniform(0.3, 1.5, n), np.where(u < 0.7, _Z0 * (1 + rng.uniform(-1e-3, 1e-3, n)),
                                                              b.logu(rng, 1e-4, 1e4, n)))
    return list(zip(d.tolist(), (nu * c).tolist()))


def _vmf_low_dim(b, name):
    rng = b.rng(name + "lowdim")
    n = b.n(100)
    d = rng.uniform(1.0, 4.0, n)
    return list(zip(d.tolist(), b.logu(rng, 1e-4, 1e4, n).tolist()))


def _vmf_switch(b, name):
    pts = []
    for nu, x in _vx_switch(b, name):
        if nu >= 0:
            pts.append((2 * nu + 2, x))
    return pts


def _vmf_near_zero(b, name):
    """kappa next to the root of vmf_log_norm(d, kappa) = 0 (absolute-error regime)."""
    from scipy.optimize import brentq
    from scipy.special import ive

    pts = []
    rel = [0.0, 1e-9, -1e-9, 1e-6, -1e-6, 1e-3, -1e-3] if b.is64 else [0.0, 1e-5, -1e-5, 1e-3, -1e-3]
    # the sphere's area 2 pi^(d/2) / Gamma(d/2) is < 1 for d >= 13, so log C_d(0) > 0 and
    # log C_d(kappa) -> -inf: one root (for d <= 12 log C_d < 0 everywhere)
    for d in (13.0, 20.0, 50.0, 200.0, 1e3, 1e4):
        nu = d / 2 - 1

        def g(k):
            with np.errstate(all="ignore"):
                return float(nu * np.log(k) - d / 2 * np.log(2 * np.pi) - np.log(ive(nu, k)) - k)
        ks = np.logspace(-3, 8, 300)
        gs = np.array([g(k) for k in ks])
        for i in range(len(ks) - 1):
            if np.isfinite(gs[i]) and np.isfinite(gs[i + 1]) and gs[i] > 0 > gs[i + 1]:
                k = brentq(g, ks[i], ks[i + 1], xtol=1e-300, rtol=1e-15)
                k = float(np.asarray(k, dtype=b.dtype))
                pts += [(d, k * (1 + e)) for e in rel] + [(d, _nudge(k, s, b.dtype)) for s in (-1, 1)]
                break
    return pts


def _vmf_random(b, name):
    rng = b.rng(name + "random")
    n = b.n(150)
    d = 1 + b.logu(rng, 1e-3, 1e7, n)
    k = 10.0 ** rng.uniform(math.log10(b.xmin), math.log10(b.xmax), n)
    m = rng.uniform(size=n) < 0.5
    k[m] = d[m] * b.logu(rng, 1e-3, 1e3, int(m.sum()))
    return list(zip(d.tolist(), k.tolist()))


def _vmf_categories():
    return [("near_zero", _vmf_near_zero), ("small_kappa", _vmf_small_kappa),
            ("huge_kappa", _vmf_huge_kappa), ("high_dim", _vmf_high_dim), ("low_dim", _vmf_low_dim),
            ("switch", _vmf_switch), ("grid", _vmf_grid), ("random", _vmf_random)]


# --- matern: (r, nu) -------------------------------------------------------------------------------
_NUS = [1e-3, 0.1, 0.5, 1.0, 1.5, 2.5, 3.7, 10.0, 30.0, 100.0, 1e3, 1e4, 1e5, 1e6]


def _mat_grid(b, name):
    rs = list(np.logspace(math.log10(b.xmin), math.log10(b.xmax), b.n(20))) + list(np.logspace(-3, 1.5, b.n(12)))
    return [(float(r), nu) for nu in _NUS for r in rs]


def _mat_half(b, name):
    rng = b.rng(name + "half")
    pts = []
    for nu in (0.5, 1.5, 2.5, 3.5, 10.5, 100.5):
        pts += [(float(r), nu) for r in b.logu(rng, 1e-4, 50.0, b.n(14))]
    return pts


def _mat_small_r(b, name):
    rng = b.rng(name + "smallr")
    n = b.n(100)
    nu = np.where(rng.uniform(size=n) < 0.5, rng.choice(_NUS, n), b.logu(rng, 1e-3, 1e6, n))
    return list(zip(b.logu(rng, b.xmin, 1e-2, n).tolist(), nu.tolist()))


def _mat_large_r(b, name):
    rng = b.rng(name + "larger")
    n = b.n(80)
    nu = np.where(rng.uniform(size=n) < 0.5, rng.choice(_NUS, n), b.logu(rng, 1e-3, 1e6, n))
    r = b.logu(rng, 5.0, b.xmax, n)
    return list(zip(r.tolist(), nu.tolist())) + _cross([b.xmax], [0.5, 2.5, 1e6])


def _mat_large_nu(b, name):
    """nu up to 1e6 near the squared-exponential limit exp(-r^2/2)."""
    rng = b.rng(name + "largenu")
    n = b.n(120)
    nu = b.logu(rng, 50.0, 1e6, n)
    return list(zip(b.logu(rng, 1e-3, 8.0, n).tolist(), nu.tolist()))


def _mat_small_nu(b, name):
    rng = b.rng(name + "smallnu")
    n = b.n(60)
    nu = b.logu(rng, 1e-6 if b.is64 else 1e-5, 0.2, n)
    return list(zip(b.logu(rng, 1e-6, 10.0, n).tolist(), nu.tolist()))


def _mat_switch(b, name):
    pts = []
    for nu, z in _vx_switch(b, name):
        if nu > 0:
            pts.append((z / math.sqrt(2 * nu), nu))
    return pts


def _mat_random(b, name):
    rng = b.rng(name + "random")
    n = b.n(150)
    nu = b.logu(rng, 1e-3, 1e6, n)
    r = b.logu(rng, 1e-4, 30.0, n)
    return list(zip(r.tolist(), nu.tolist()))


def _mat_categories():
    return [("half_integer", _mat_half), ("small_r", _mat_small_r), ("large_r", _mat_large_r),
            ("large_nu", _mat_large_nu), ("small_nu", _mat_small_nu), ("switch", _mat_switch),
            ("grid", _mat_grid), ("random", _mat_random)]


# --- exact edge values and the domain ------------------------------------------------------------
INF, NAN = math.inf, math.nan


def _edges(func, b):
    """[(a, b, value, category)]: exact limits ('edge') and out-of-domain inputs ('domain')."""
    e = []
    vpos = [0.0, 1e-3, 0.5, 1.0, 10.0, 1e6]
    if func in ("iv_ratio", "iv_ratio_c"):
        z = 0.0 if func == "iv_ratio" else 1.0
        e += [(v, 0.0, z, "edge") for v in vpos + [-0.5]]
        e += [(v, INF, 1.0 - z, "edge") for v in vpos]
        e += [(v, -1.0, NAN, "domain") for v in (0.0, 1.5)]
        e += [(-1.5, 1.0, NAN, "domain"), (-2.5, 3.0, NAN, "domain")]
    elif func == "iv_ratio_inv":
        e += [(v, 0.0, 0.0, "edge") for v in vpos + [1e7, -0.5]]
        e += [(v, r, NAN, "domain") for v in (0.0, 10.0) for r in (-0.5, -b.xmin, 1.0, 1.5, INF)]
    elif func == "vmf_log_norm":
        e += [(d, -1.0, NAN, "domain") for d in (1.0, 3.0)]
        e += [(d, 1.0, NAN, "domain") for d in (0.5, 0.0, -2.0)]
        e += [(d, INF, -INF, "edge") for d in (1.0, 3.0, 1e6)]
    elif func in ("log_iv_dx", "log_kv_dx", "log_iv_dv", "log_kv_dv"):
        e += [(v, -1.0, NAN, "domain") for v in (0.0, 2.5)]
        if func == "log_iv_dx":
            e += [(0.0, 0.0, 0.0, "edge")] + [(v, 0.0, INF, "edge") for v in vpos[1:]]
        if func == "log_kv_dx":
            e += [(v, 0.0, -INF, "edge") for v in vpos]
    elif func in ("log_abs_iv", "sign_iv"):
        e += [(v, -1.0, NAN, "domain") for v in (0.5, -1.3)]
    elif func in ("matern", "matern_dnu"):
        one = 1.0 if func == "matern" else 0.0
        e += [(0.0, nu, one, "edge") for nu in (1e-3, 0.5, 2.5, 1e6)]
        e += [(INF, nu, 0.0, "edge") for nu in (0.5, 2.5, 1e6)]
        e += [(1.0, nu, NAN, "domain") for nu in (0.0, -1.0)]
    # nan in either argument: nan
    a0, b0 = {"iv_ratio_inv": (1.0, 0.5), "vmf_log_norm": (3.0, 1.0), "matern": (1.0, 1.5),
              "matern_dnu": (1.0, 1.5)}.get(func, (1.0, 1.0))
    e += [(NAN, b0, NAN, "domain"), (a0, NAN, NAN, "domain")]
    return e


POINTS = {
    "iv_ratio": lambda: _vx_categories("i"),
    "iv_ratio_c": lambda: _vx_categories("i"),
    "log_iv_dx": lambda: _vx_categories("i"),
    "log_iv_dv": lambda: _vx_categories("i"),
    "log_kv_dx": lambda: _vx_categories("k"),
    "log_kv_dv": lambda: _vx_categories("k"),
    "log_abs_iv": _negi_categories,
    "sign_iv": _negi_categories,
    "iv_ratio_inv": _inv_categories,
    "vmf_log_norm": lambda: [("edge", lambda b, n: [(d, 0.0) for d in _DS + [1e-0 + 2.0**-40]])]
    + _vmf_categories(),
    "matern": _mat_categories,
    "matern_dnu": _mat_categories,
}
# functions that share a point set use the same seeds (so identities can be checked row by row)
SEED_NAME = {"iv_ratio_c": "iv_ratio", "log_iv_dx": "iv_ratio", "log_iv_dv": "iv_ratio", "log_kv_dx": "iv_ratio",
             "log_kv_dv": "iv_ratio", "sign_iv": "log_abs_iv", "matern_dnu": "matern"}


def _in_domain(func, a, b_):
    if func in ("iv_ratio", "iv_ratio_c", "log_iv_dx", "log_iv_dv"):
        return a > -1 and b_ > 0
    if func == "iv_ratio_inv":
        return a >= -0.5 and 0 < b_ < 1
    if func == "vmf_log_norm":
        return a >= 1 and b_ >= 0
    if func in ("matern", "matern_dnu"):
        return a > 0 and b_ > 0
    return b_ > 0


def build_points(func, dtype):
    """[(a, b, category)] for func: inputs exactly representable in dtype, deduplicated."""
    b = Box(dtype)
    name = SEED_NAME.get(func, func)
    seen = set()
    rows = []
    for cat, fn in POINTS[func]():
        with np.errstate(over="ignore", invalid="ignore"):
            pts = fn(b, name)
        for a, x in pts:
            a = float(np.asarray(a, dtype=b.dtype))
            x = float(np.asarray(x, dtype=b.dtype))
            if not (math.isfinite(a) and math.isfinite(x)):
                continue
            if cat != "edge" and not _in_domain(func, a, x):
                continue
            if (a, x) in seen:
                continue
            seen.add((a, x))
            rows.append((a, x, cat))
    return rows


# ---------------------------------------------------------------------------------------------
# Table assembly
# ---------------------------------------------------------------------------------------------
def generate(dtype, funcs, jobs, out_path):
    import multiprocessing as mp

    import flint

    name = np.dtype(dtype).name
    t0 = time.time()
    fmax = float(np.finfo(dtype).max)
    tasks, rows_by_func = [], {}
    for func in funcs:
        rows = build_points(func, dtype)
        rows_by_func[func] = rows
        tasks += [((func, i), func, a, x) for i, (a, x, _) in enumerate(rows)]
    print(f"[{name}] {len(tasks)} points for {len(funcs)} functions", flush=True)
    # cheap tasks interleaved with expensive ones; fork keeps the workers' start-up free
    order = sorted(range(len(tasks)), key=lambda i: zlib.crc32(repr(tasks[i][0]).encode()))
    results = {}
    ctx = mp.get_context("fork")
    last = time.monotonic()
    slow = []
    with ctx.Pool(max(1, jobs)) as pool:
        for key, res in pool.imap_unordered(_work, [tasks[i] for i in order], chunksize=8):
            results[key] = res
            if res["seconds"] > 5:
                slow.append((key, round(res["seconds"], 1)))
            if time.monotonic() - last > 30:
                last = time.monotonic()
                print(f"  [{name}] {len(results)}/{len(tasks)} points, {time.time() - t0:.0f} s", flush=True)
    arrays = {}
    meta_funcs = {}
    skipped = []
    for func in funcs:
        keep = []
        dropped = 0
        for i, (a, x, cat) in enumerate(rows_by_func[func]):
            res = results[(func, i)]
            if "error" in res:
                print(f"  [{name}] skip {res['error']}", flush=True)
                skipped.append({"func": func, "a": a, "b": x, "reason": res["error"]})
                continue
            if abs(res["hi"]) > fmax:
                dropped += 1
                continue
            keep.append((a, x, cat, res))
        for a, x, val, cat in _edges(func, Box(dtype)):
            a, x = float(np.float64(a).astype(dtype)), float(np.float64(x).astype(dtype))
            keep.append((a, x, cat, {"hi": val, "lo": 0.0 if math.isfinite(val) else val,
                                     "prec": 0, "cond": math.nan}))
        arrays[f"{func}_a"] = np.array([k[0] for k in keep], dtype=np.float64)
        arrays[f"{func}_b"] = np.array([k[1] for k in keep], dtype=np.float64)
        arrays[f"{func}_category"] = np.array([k[2] for k in keep])
        arrays[f"{func}_hi"] = np.array([k[3]["hi"] for k in keep], dtype=np.float64)
        arrays[f"{func}_lo"] = np.array([k[3]["lo"] for k in keep], dtype=np.float64)
        arrays[f"{func}_prec"] = np.array([k[3]["prec"] for k in keep], dtype=np.int16)
        if func == "iv_ratio_inv":
            arrays[f"{func}_cond"] = np.array([k[3]["cond"] for k in keep], dtype=np.float64)
        cats = arrays[f"{func}_category"]
        meta_funcs[func] = {"rows": len(keep), "dropped_overflow": dropped,
                            "categories": {c: int((cats == c).sum()) for c in dict.fromkeys(cats.tolist())},
                            "seconds": round(sum(results[(func, i)]["seconds"]
                                                 for i in range(len(rows_by_func[func]))), 1)}
        print(f"[{name}] {func}: {len(keep)} rows, {dropped} dropped (overflow), "
              f"{meta_funcs[func]['seconds']:.0f} cpu-s; {meta_funcs[func]['categories']}", flush=True)
    elapsed = time.time() - t0
    meta = {
        "dtype": name,
        "functions": meta_funcs,
        "generated_utc": datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "python_flint_version": flint.__version__,
        "numpy_version": np.__version__,
        "generator": "tests/data/generate_primitives_reference.py",
        "seed": SEED,
        "target_rel_radius": f"2^-{REL_BITS}",
        "target_abs_radius": f"2^-{ABS_BITS}",
        "central_difference_steps": [f"2^-{STEP_BITS}", f"2^-{STEP2_BITS}"],
        "skipped": skipped,
        "slow_points": slow[:50],
        "generation_seconds": round(elapsed, 1),
    }
    np.savez_compressed(out_path, meta=np.array(json.dumps(meta)), **arrays)
    print(f"[{name}] wrote {out_path.name}: {sum(m['rows'] for m in meta_funcs.values())} rows, "
          f"{len(skipped)} skipped, {elapsed:.0f} s, {out_path.stat().st_size / 1024:.0f} KiB", flush=True)


# ---------------------------------------------------------------------------------------------
# Independent validation
# ---------------------------------------------------------------------------------------------
def validate(paths):
    from validate_primitives_reference import run_validation

    return run_validation(paths)


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--only", choices=["float64", "float32"], help="generate one table only")
    ap.add_argument("--func", choices=FUNCS, action="append", help="restrict to a function (tests/debugging)")
    ap.add_argument("--jobs", type=int, default=min(2, os.cpu_count() or 1))
    ap.add_argument("--outdir", type=Path, default=HERE)
    ap.add_argument("--validate", action="store_true", help="run the independent checks only")
    args = ap.parse_args(argv)
    dtypes = [args.only] if args.only else ["float64", "float32"]
    paths = [args.outdir / f"ref_primitives_{d}.npz" for d in dtypes]
    if args.validate:
        return validate(paths)
    for d, path in zip(dtypes, paths):
        generate(np.dtype(d), args.func or list(FUNCS), args.jobs, path)
    return 0


if __name__ == "__main__":
    sys.exit(main())
