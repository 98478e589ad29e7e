"""Generate src/cpp/include/logbessel/quad_tables.hpp: the node tables of matern_dnu's
trapezoidal quadrature (matern.hpp, matern_dnu_quad).

The quadrature is over the saddle-centred variable s of the Matern integral
    k(r, nu) = (z/2)^nu / Gamma(nu) * int_R exp(nu t - z cosh t) dt,   t = t* + s,
t* = asinh(nu/z), whose exponent relative to the saddle is
    psi(s) = -nu (sinh s - s) - R (cosh s - 1) <= 0,   R = sqrt(nu^2 + z^2)
(both terms <= 0: no cancellation), and whose score terms need expm1(s) and expm1(s) - s.
Per node s_i = i h the tables hold, each rounded once from 50-digit values:
    sh = sinh s - s,  ch = cosh s - 1,  e1 = expm1 s,  e2 = expm1 s - s.

Two schemes: "double" (nu < 21.5, 1 < z < 128) and "float" (nu < 10, 1 < z < 64; tables in
float, evaluated in float: it only needs ~2^-28, so a coarser h and a shorter window).
* Cells: nu in [b, b+1), z in a quarter-octave bin [z0, z1) (z >= 1).
* The step h per cell: the trapezoidal rule for this entire integrand converges like
  exp(-2 pi a / h) times its growth in the strip |Im s| < a (Trefethen & Weideman, SIAM
  Review 56 (2014), thm 5.1); near s = 0 that growth is e^(R (1 - cos a)), so the error is
  about exp(-2 pi^2 / (h^2 R)) and h must shrink like 1/sqrt(R) (and somewhat with nu). Each
  cell takes the coarsest of its scheme's candidate steps that passes the check below.
* Node windows per cell: the nodes where
  psi(s) >= -TAIL, where TAIL = 42 (double; e^-42 = 6e-19 of the saddle term, which is 1)
  or 20 (float). The left end solves (R - nu)(cosh a - 1) + nu (a - 1 + e^-a) = TAIL and the
  right end R (cosh s - 1) + nu (sinh s - s) = TAIL; both ends shrink as z grows at fixed
  nu, so the cell's window is the widest over nu in [b, b+1] at z = z0. The window is widened
  on the left to a multiple of the lanes of the C++ sums (4 double, 8 float).
* Check (the generator fails if it does not pass): on a grid of (nu, z) over every cell, the truncated sums sum_i e^psi and sum_i e^psi (w e1 + e2) of the
  windows, in long double, against the same integrals with h/4 over a wide window: the
  relative error of the first, and the absolute error of the second over the first divided
  by 1 + w (the result is k times it, and k w = O(1) as nu -> 0, where w ~ z/(2 nu) is
  large), must stay below 2^-56 (double) / 2^-28 (float): 1/16 ulp.

Run: python tools/gen_quad_tables.py  (needs mpmath). Output is deterministic.
"""

from __future__ import annotations

import math
import pathlib
import sys

import mpmath as mp
import numpy as np

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent))
from gen_coefficients import emit_preamble, emit_table  # noqa: E402

HEADER = pathlib.Path(__file__).resolve().parents[1] / "src/cpp/include/logbessel/quad_tables.hpp"

# name, nu_max (= R_D), z_max, TAIL, tolerance, lanes, candidate steps (coarsest first)
SCHEMES = [
    ("double", 21.5, 128.0, 42.0, 2.0**-56, 4, [0.19, 0.15, 0.12, 0.1, 0.083, 0.069, 0.058, 0.048]),
    ("float", 10.0, 64.0, 20.0, 2.0**-28, 8, [0.36, 0.3, 0.25, 0.2, 0.16, 0.13, 0.105]),
]
ZBINS = 4  # z bins per octave, z in [1, R_D)


def zbin_edges(j: int) -> tuple[float, float]:
    """Bin j of z >= 1: exponent e = j // 4, top two mantissa bits m = j % 4 (the C++ side
    reads them from the bits of z)."""
    e, m = divmod(j, ZBINS)
    return 2.0**e * (1 + m / ZBINS), 2.0**e * (1 + (m + 1) / ZBINS)


def bisect(f, lo: float = 0.0, hi: float = 60.0) -> float:
    """The root of an increasing f on [lo, hi], from above."""
    for _ in range(200):
        mid = 0.5 * (lo + hi)
        lo, hi = (mid, hi) if f(mid) < 0 else (lo, mid)
    return hi


def left_extent(nu: float, z: float, tail: float) -> float:
    R = math.hypot(nu, z)
    d = z * z / (R + nu)  # R - nu
    return bisect(lambda a: d * (math.cosh(a) - 1) + nu * (a - 1 + math.exp(-a)) - tail)


def right_extent(nu: float, z: float, tail: float) -> float:
    R = math.hypot(nu, z)
    return bisect(lambda s: R * (math.cosh(s) - 1) + nu * (math.sinh(s) - s) - tail)


def sums(nu, z, h, i_lo, i_hi):
    """sum e^psi and sum e^psi (w e1 + e2) over nodes i_lo..i_hi, in long double."""
    ld = np.longdouble
    s = np.arange(i_lo, i_hi + 1, dtype=ld) * ld(h)
    nu_, z_ = ld(nu), ld(z)
    R = np.sqrt(nu_ * nu_ + z_ * z_)
    w = z_ * z_ / (2 * nu_ * (R + nu_))
    e1 = np.expm1(s)
    e = np.exp(-nu_ * (np.sinh(s) - s) - R * (np.cosh(s) - 1))
    return np.sum(e), np.sum(e * (w * e1 + (e1 - s)))


def cell_samples(b, j, rd):
    z0, z1 = zbin_edges(j)
    for nu in np.linspace(max(b, 1e-6), min(b + 1, rd) - 1e-9, 6):
        for z in np.linspace(z0, z1 - 1e-9, 5):
            yield nu, z


def cell_window(b, j, h, tail, rd, lanes):
    """Nodes i_lo..i_hi (count a multiple of lanes) covering psi >= -tail over the cell."""
    z0, _ = zbin_edges(j)
    nus = [max(b, 1e-9) + (min(b + 1, rd) - max(b, 1e-9)) * t / 16 for t in range(17)]
    a = max(left_extent(nu, z0, tail) for nu in nus)
    c = max(right_extent(nu, z0, tail) for nu in nus)
    i_lo, i_hi = -math.ceil(a / h), math.ceil(c / h)
    i_lo -= (-(i_hi - i_lo + 1)) % lanes  # widen on the left to a multiple of the lanes
    return i_lo, i_hi


def cell_error(b, j, h, window, rd):
    """Largest error of the truncated sums over the cell's samples (see the docstring)."""
    i_lo, i_hi = window
    worst = 0.0
    for nu, z in cell_samples(b, j, rd):
        s0, s1 = sums(nu, z, h, i_lo, i_hi)
        f = 4
        r0, r1 = sums(nu, z, h / f, f * (i_lo - 40), f * (i_hi + 40))
        e0 = abs(s0 * h - r0 * h / f) / (r0 * h / f)
        R = math.hypot(nu, z)
        e1 = abs(s1 / s0 - r1 / r0) / (1 + z * z / (2 * nu * (R + nu)))
        worst = max(worst, float(e0), float(e1))
    return worst


def build(scheme):
    name, rd, zmax, tail, tol, lanes, steps = scheme
    nbins_nu = int(math.ceil(rd))
    nbins_z = int(round(ZBINS * math.log2(zmax)))
    assert zbin_edges(nbins_z - 1)[1] == zmax
    cell, worst = {}, 0.0
    for b in range(nbins_nu):
        for j in range(nbins_z):
            for k, h in enumerate(steps):
                win = cell_window(b, j, h, tail, rd, lanes)
                err = cell_error(b, j, h, win, rd)
                if err <= tol:
                    break
            else:
                raise SystemExit(f"{name}: no step passes for nu in [{b}, {b + 1}), z bin {j}")
            cell[b, j] = (k, win)
            worst = max(worst, err)
    # one node table per step used: i from the smallest i_lo to the largest i_hi of its cells
    used = sorted({k for k, _ in cell.values()})
    step_range = {}
    for k in used:
        wins = [win for kk, win in cell.values() if kk == k]
        step_range[k] = (min(w_[0] for w_ in wins), max(w_[1] for w_ in wins))
    offsets, total = {}, 0
    for k in used:
        i_lo, i_hi = step_range[k]
        offsets[k] = total - i_lo  # table index of node i = offset + i
        total += i_hi - i_lo + 1
    inside = [cell[b, j][1] for b in range(nbins_nu) for j in range(nbins_z)]
    print(f"{name}: steps {[steps[k] for k in used]}, {total} nodes; check max {worst:.2g} "
          f"(tolerance {tol:.2g}); mean window {np.mean([w_[1] - w_[0] + 1 for w_ in inside]):.1f}")
    return dict(name=name, rd=rd, zmax=zmax, tail=tail, steps=steps, used=used, cell=cell, nbins_nu=nbins_nu,
                nbins_z=nbins_z, step_range=step_range, offsets=offsets, total=total)


def node_values(t):
    mp.mp.dps = 50
    sh, ch, e1, e2 = [], [], [], []
    for k in t["used"]:
        i_lo, i_hi = t["step_range"][k]
        for i in range(i_lo, i_hi + 1):
            s = mp.mpf(i) * mp.mpf(str(t["steps"][k]))
            sh.append(float(mp.sinh(s) - s))
            ch.append(float(mp.cosh(s) - 1))
            e1.append(float(mp.expm1(s)))
            e2.append(float(mp.expm1(s) - s))
    return sh, ch, e1, e2


def main() -> None:
    out: list[str] = []
    w = out.append
    emit_preamble(w, "tools/gen_quad_tables.py")
    w("// Node tables of matern_dnu's saddle-centred trapezoidal quadrature (matern.hpp,")
    w("// matern_dnu_quad; the method, the steps and the windows are described in")
    w("// tools/gen_quad_tables.py). Per scheme <p> (mq_d double; mq_f float):")
    w("//   <p>_sh/_ch/_e1/_e2(k): sinh s - s, cosh s - 1, expm1 s, expm1 s - s at node k;")
    w("//   for cell c = <p>_nbins_z * floor(nu) + zbin(z): <p>_start(c), the table index of its")
    w("//   first node, <p>_count(c), its node count (a multiple of 4 / 8 lanes), <p>_h(c), its step.")
    max_count = 0
    for scheme in SCHEMES:
        t = build(scheme)
        p = "mq_" + ("d" if t["name"] == "double" else "f")
        sh, ch, e1, e2 = node_values(t)
        w("")
        w(f"// {t['name']}: nu < {t['rd']}, 1 < z < {t['zmax']:g}, tail e^-{t['tail']:g}, steps "
          f"{', '.join(str(t['steps'][k]) for k in t['used'])}.")
        w(f"constexpr {t['name']} {p}_zmax = {t['zmax']!r}{'f' if t['name'] == 'float' else ''};")
        w(f"constexpr int {p}_nbins_z = {t['nbins_z']};")
        w(f"constexpr int {p}_nbins_nu = {t['nbins_nu']};")
        starts, counts, hs = [], [], []
        for b in range(t["nbins_nu"]):
            for j in range(t["nbins_z"]):
                k, (i_lo, i_hi) = t["cell"][b, j]
                starts.append(t["offsets"][k] + i_lo)
                counts.append(i_hi - i_lo + 1)
                hs.append(t["steps"][k])
        max_count = max(max_count, max(counts))
        ctype = t["name"]  # the tables in the scheme's own type
        emit_table(w, ctype, f"{p}_h", hs, 8)
        emit_table(w, "short", f"{p}_start", starts, 16)
        emit_table(w, "short", f"{p}_count", counts, 16)
        for tag, vals in (("sh", sh), ("ch", ch), ("e1", e1), ("e2", e2)):
            emit_table(w, ctype, f"{p}_{tag}", [float(np.float32(v)) if ctype == "float" else v for v in vals], 3)
    w("")
    w("// the largest node count of any cell (the size of the term buffers)")
    w(f"constexpr int mq_max_count = {max_count};")
    w("")
    w("}  // namespace detail")
    w("}  // namespace logbessel")
    HEADER.write_text("\n".join(out) + "\n")
    print(f"wrote {HEADER}")


if __name__ == "__main__":
    main()
