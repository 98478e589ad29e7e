"""Generate src/cpp/include/logbessel/coefficients.hpp.

Everything here is exact or computed at high precision, then rounded once to double:

* Debye polynomials u_k(t) of the uniform asymptotic expansions (DLMF 10.41.10), from the
  recurrence u_{k+1}(t) = t^2 (1 - t^2) u_k'(t) / 2 + (1/8) int_0^t (1 - 5 s^2) u_k(s) ds
  (DLMF 10.41.9) in exact rational arithmetic. u_k(t) = t^k P_k(t^2) with deg P_k = k; we
  store the coefficients of P_k, highest power first (Horner order).
* M_k = max over s in [0, 1] of |P_k(s)|, which bounds the k-th term P_k(s) / R^k of the
  expansion written in R = sqrt(v^2 + x^2) (since u_k(t) / v^k = P_k(t^2) / R^k). From it we
  derive, per precision, the smallest R for which K terms leave a truncation error below
  eps / 4.
* Two polynomial families derived from P_k, for the primitives built on the expansion:
  - E_k(s) = (k - 1/2) P_{k-1}(s) + 2 s P_{k-1}'(s) (degree k - 1), from the derivative
    polynomials v_k(t) of DLMF 10.41.9: v_k(t) - u_k(t) = t^k (s - 1) E_k(s), s = t^2. They
    give I_v'/I_v and K_v'/K_v, hence the ratio I_{v+1}/I_v (ratio.hpp).
  - Q_k(s) = 2 (1 - s) P_k'(s) - k P_k(s) (degree k): d/dv [P_k(t^2) / R^k] at fixed x is
    t Q_k(t^2) / R^(k+1) (order derivatives, log_dv.hpp).
* Taylor coefficients of 1 / Gamma(1 + mu) around mu = 0 (for Temme's series for K_mu).
* The anchor of the double-double evaluation of the Debye exponent eta near its zero
  (see log_common.hpp): a0 (the zero of eta(a) = sqrt(1 + a^2) / a - asinh(a)),
  sqrt(1 + a0^2) and asinh(a0), each as an unevaluated sum hi + lo.

Run: python tools/gen_coefficients.py  (needs mpmath). Output is deterministic.
"""

from __future__ import annotations

import pathlib
from fractions import Fraction

import mpmath as mp
import numpy as np

KMAX = 20  # Debye terms generated (u_1 .. u_KMAX)
NGAMMA = 28  # Taylor terms of 1/Gamma(1+mu)


def debye_polynomials(kmax: int) -> list[dict[int, Fraction]]:
    """u_k as {power of t: coefficient}, k = 0..kmax."""
    u = [{0: Fraction(1)}]
    for _k in range(kmax):
        uk = u[-1]
        nxt: dict[int, Fraction] = {}
        # t^2 (1 - t^2) u_k'(t) / 2
        for p, c in uk.items():
            if p == 0:
                continue
            d = c * p  # coefficient of t^(p-1)
            for q, cc in ((p + 1, d / 2), (p + 3, -d / 2)):
                nxt[q] = nxt.get(q, Fraction(0)) + cc
        # (1/8) int_0^t (1 - 5 s^2) u_k(s) ds
        for p, c in uk.items():
            for q, cc in ((p + 1, c / (8 * (p + 1))), (p + 3, -5 * c / (8 * (p + 3)))):
                nxt[q] = nxt.get(q, Fraction(0)) + cc
        u.append({p: c for p, c in nxt.items() if c != 0})
    return u


def poly_P(uk: dict[int, Fraction], k: int) -> list[Fraction]:
    """Coefficients of P_k(s), ascending, from u_k(t) = t^k P_k(t^2)."""
    coeffs = [Fraction(0)] * (k + 1)
    for p, c in uk.items():
        j, r = divmod(p - k, 2)
        assert r == 0 and 0 <= j <= k, (k, p)
        coeffs[j] = c
    return coeffs


def poly_deriv(c: list[Fraction]) -> list[Fraction]:
    """Derivative of an ascending coefficient list."""
    return [j * c[j] for j in range(1, len(c))] or [Fraction(0)]


def poly_add(a: list[Fraction], b: list[Fraction]) -> list[Fraction]:
    n = max(len(a), len(b))
    return [(a[j] if j < len(a) else 0) + (b[j] if j < len(b) else 0) for j in range(n)]


def poly_E(P: list[list[Fraction]], k: int) -> list[Fraction]:
    """E_k(s) = (k - 1/2) P_{k-1}(s) + 2 s P_{k-1}'(s), ascending."""
    p = P[k - 1]
    a = [(Fraction(2 * k - 1, 2)) * c for c in p]
    b = [Fraction(0)] + [2 * c for c in poly_deriv(p)]
    out = poly_add(a, b)[:k]
    assert len(out) == k
    return out


def poly_Q(P: list[list[Fraction]], k: int) -> list[Fraction]:
    """Q_k(s) = 2 (1 - s) P_k'(s) - k P_k(s), ascending (degree k)."""
    d = poly_deriv(P[k])
    two_d = [2 * c for c in d]
    minus_s_two_d = [Fraction(0)] + [-2 * c for c in d]
    out = poly_add(poly_add(two_d, minus_s_two_d), [-k * c for c in P[k]])[: k + 1]
    assert len(out) == k + 1
    return out


def max_abs_on_unit(coeffs: list[Fraction]) -> float:
    mp.mp.dps = 40
    f = lambda s: sum(mp.mpf(c.numerator) / c.denominator * s**j for j, c in enumerate(coeffs))
    grid = [mp.mpf(i) / 4000 for i in range(4001)]
    return float(max(abs(f(s)) for s in grid))


def dd(x: mp.mpf) -> tuple[float, float]:
    hi = float(x)
    lo = float(x - mp.mpf(hi))
    return hi, lo


def emit_table(w, ctype: str, name: str, values: list[float], per_line: int = 3) -> None:
    """A table readable from host and device code: a constexpr host array, a __constant__
    device copy, and an accessor name(i) that picks the right one (reading a __constant__
    array from a __host__ __device__ function is not allowed on the host side)."""
    suffix = "f" if ctype == "float" else ""
    lines = []
    for i in range(0, len(values), per_line):
        lines.append("    " + " ".join(f"{v!r}{suffix}," for v in values[i : i + per_line]))
    body = " \\\n".join(lines)
    macro = f"LOGBESSEL_TABLE_{name.upper()}"
    w(f"#define {macro} {{ \\\n{body} \\\n}}")
    w(f"constexpr {ctype} {name}_host[{len(values)}] = {macro};")
    w("#if defined(__CUDACC__)")
    w(f"__device__ __constant__ {ctype} {name}_dev[{len(values)}] = {macro};")
    w("#endif")
    w(f"#undef {macro}")
    w(f"LOGBESSEL_INLINE {ctype} {name}(int i) {{")
    w("#if defined(__CUDA_ARCH__)")
    w(f"    return {name}_dev[i];")
    w("#else")
    w(f"    return {name}_host[i];")
    w("#endif")
    w("}")


def emit_family(w, letter: str, name: str, polys: list[list[Fraction]], degree: str, what: str) -> None:
    """Coefficient table (highest power first) of a polynomial family k = 1..KMAX, plus, per
    precision, the smallest R for which K terms of sum_k F_k(s) / R^k leave a truncation error
    below eps / 4 relative to the leading term (bounded by max|F_{K+1}| / R^K / |F_1|)."""
    flat, offs = [], []
    for k in range(1, KMAX + 1):
        offs.append(len(flat))
        for c in reversed(polys[k - 1]):
            flat.append(float(mp.mpf(c.numerator) / c.denominator))
    M = [max_abs_on_unit(p) for p in polys]
    w(f"// {what}.")
    w(f"// Coefficients of {letter}_k (degree {degree}), k = 1..{KMAX}, highest power first; the first")
    w(f"// coefficient of {letter}_k is at {name}_offset(k). max |{letter}_k| on [0, 1]: " + ", ".join(f"{m:.2e}" for m in M[:KMAX]))
    off_expr = "(k * (k - 1)) / 2" if degree == "k - 1" else "(k * (k + 1)) / 2 - 1"
    w(f"LOGBESSEL_HOST_DEVICE constexpr int {name}_offset(int k) {{ return {off_expr}; }}")
    for k in range(1, KMAX + 1):
        assert offs[k - 1] == eval(off_expr.replace("/", "//")), (name, k)
    emit_table(w, "double", f"{name}_coeffs", flat)
    emit_table(w, "float", f"{name}_coeffs_f", [float(np.float32(x)) for x in flat], 4)
    w(f"template <typename T> LOGBESSEL_INLINE T {name}_coeff(int i);")
    w(f"template <> LOGBESSEL_INLINE double {name}_coeff<double>(int i) {{ return {name}_coeffs(i); }}")
    w(f"template <> LOGBESSEL_INLINE float {name}_coeff<float>(int i) {{ return {name}_coeffs_f(i); }}")
    lead = M[0]
    for pname, eps in (("double", 2.0**-52), ("float", 2.0**-23)):
        vals = [(M[K] / lead / (eps / 4)) ** (1.0 / K) for K in range(1, KMAX + 1)]
        w(f"// {pname}: smallest R for K = 1..{KMAX} terms of the {letter} series")
        emit_table(w, "double", f"{name}_rmin_{pname}", [float(f"{x:.6g}") for x in vals], 4)


def main() -> None:
    u = debye_polynomials(KMAX + 1)
    P = [poly_P(u[k], k) for k in range(KMAX + 2)]
    # sanity: u_1 = (3t - 5t^3)/24, u_2 = (81 t^2 - 462 t^4 + 385 t^6)/1152 (DLMF 10.41.10)
    assert P[1] == [Fraction(3, 24), Fraction(-5, 24)]
    assert P[2] == [Fraction(81, 1152), Fraction(-462, 1152), Fraction(385, 1152)]
    M = [max_abs_on_unit(P[k]) for k in range(KMAX + 2)]

    def rmin(eps: float, K: int) -> float:
        # smallest R with M_{K+1} / R^{K+1} <= eps / 4 (first neglected term)
        return (M[K + 1] / (eps / 4)) ** (1.0 / (K + 1))

    mp.mp.dps = 60
    gam = mp.taylor(lambda z: mp.rgamma(1 + z), 0, NGAMMA - 1)
    a0 = mp.findroot(lambda a: mp.sqrt(1 + a * a) / a - mp.asinh(a), 1.5)
    a0_hi, a0_lo = dd(a0)
    a0x = mp.mpf(a0_hi) + mp.mpf(a0_lo)  # the anchor is exactly this sum
    s0 = mp.sqrt(1 + a0x * a0x)
    c0 = mp.asinh(a0x)

    out: list[str] = []
    w = out.append
    w("// Generated by tools/gen_coefficients.py -- do not edit by hand.")
    w("#pragma once")
    w('#include "config.hpp"')
    w("")
    w("namespace logbessel {")
    w("namespace detail {")
    w("")
    w(f"// Debye polynomials: u_k(t) = t^k P_k(t^2), k = 1..{KMAX}; coefficients of P_k, highest")
    w("// power of s = t^2 first. Exact rationals rounded once to double.")
    w(f"constexpr int debye_kmax = {KMAX};")
    w("// Offset of P_k's first coefficient in debye_coeffs (P_k has k + 1 coefficients).")
    offs, flat, o = [], [], 0
    for k in range(1, KMAX + 1):
        offs.append(o)
        for c in reversed(P[k]):
            flat.append(float(mp.mpf(c.numerator) / c.denominator))
        o += k + 1
    w("LOGBESSEL_HOST_DEVICE constexpr int debye_offset(int k) { return (k * (k + 1)) / 2 - 1; }")
    assert all(offs[k - 1] == (k * (k + 1)) // 2 - 1 for k in range(1, KMAX + 1))
    w(f"constexpr int debye_ncoeffs = {len(flat)};")
    w("// P_k coefficients (max |P_k| on [0, 1]: " + ", ".join(f"{M[k]:.2e}" for k in range(1, KMAX + 1)) + ")")
    emit_table(w, "double", "debye_coeffs", flat)
    w("// The same values rounded to float, so the float32 path never touches double.")
    emit_table(w, "float", "debye_coeffs_f", [float(np.float32(x)) for x in flat], 4)
    w("template <typename T> LOGBESSEL_INLINE T debye_coeff(int i);")
    w("template <> LOGBESSEL_INLINE double debye_coeff<double>(int i) { return debye_coeffs(i); }")
    w("template <> LOGBESSEL_INLINE float debye_coeff<float>(int i) { return debye_coeffs_f(i); }")
    w("")
    emit_family(w, "E", "debye_e", [poly_E(P, k) for k in range(1, KMAX + 2)], "k - 1",
                "E_k(s) = (k - 1/2) P_{k-1}(s) + 2 s P_{k-1}'(s): v_k(t) - u_k(t) = t^k (s - 1) E_k(s)")
    emit_family(w, "Q", "debye_q", [poly_Q(P, k) for k in range(1, KMAX + 2)], "k",
                "Q_k(s) = 2 (1 - s) P_k'(s) - k P_k(s): d/dv [P_k(t^2)/R^k] = t Q_k(t^2)/R^(k+1)")
    w("")
    w("// Smallest R = sqrt(v^2 + x^2) for which the first K Debye terms leave a truncation")
    w("// error below eps/4 (bounded by the first neglected term, M_{K+1} / R^{K+1}).")
    for name, eps in (("double", 2.0**-52), ("float", 2.0**-23)):
        vals = [rmin(eps, K) for K in range(1, KMAX + 1)]
        w(f"// {name}: K = 1..{KMAX}")
        emit_table(w, "double", f"debye_rmin_{name}", [float(f"{x:.6g}") for x in vals], 4)
    w("")
    w(f"// Taylor coefficients of 1/Gamma(1 + mu) around mu = 0, mu^0 .. mu^{NGAMMA - 1}.")
    w(f"constexpr int rgamma_ncoeffs = {NGAMMA};")
    emit_table(w, "double", "rgamma_taylor", [float(c) for c in gam])
    emit_table(w, "float", "rgamma_taylor_f", [float(np.float32(float(c))) for c in gam], 4)
    w("template <typename T> LOGBESSEL_INLINE T rgamma_coeff(int i);")
    w("template <> LOGBESSEL_INLINE double rgamma_coeff<double>(int i) { return rgamma_taylor(i); }")
    w("template <> LOGBESSEL_INLINE float rgamma_coeff<float>(int i) { return rgamma_taylor_f(i); }")
    w("")
    w("// Anchor of the double-double Debye exponent (see eta_times_v in log_common.hpp):")
    w("// a0 ~ 1.5088 is the zero of sqrt(1 + a^2)/a - asinh(a); the constants are exact-to-")
    w("// double-double values at the anchor a0_hi + a0_lo.")
    for nm, val in (("a0", a0x), ("s0", s0), ("c0", c0)):
        hi, lo = dd(val)
        w(f"constexpr double eta_anchor_{nm}_hi = {hi!r};")
        w(f"constexpr double eta_anchor_{nm}_lo = {lo!r};")
    w("// float-float versions (hi + lo as floats) of the same anchor, for the float32 path. The")
    w("// float anchor is a0f_hi + a0f_lo, and s0f / c0f are exact at that point.")
    a0f_hi = np.float32(float(a0))
    a0f_lo = np.float32(float(a0 - mp.mpf(float(a0f_hi))))
    a0fx = mp.mpf(float(a0f_hi)) + mp.mpf(float(a0f_lo))
    for nm, val in (("a0", a0fx), ("s0", mp.sqrt(1 + a0fx * a0fx)), ("c0", mp.asinh(a0fx))):
        hi = np.float32(float(val))
        lo = np.float32(float(val - mp.mpf(float(hi))))
        w(f"constexpr float eta_anchor_{nm}f_hi = {float(hi)!r}f;")
        w(f"constexpr float eta_anchor_{nm}f_lo = {float(lo)!r}f;")
    w("")
    w("}  // namespace detail")
    w("}  // namespace logbessel")
    path = pathlib.Path(__file__).resolve().parents[1] / "src/cpp/include/logbessel/coefficients.hpp"
    path.write_text("\n".join(out) + "\n")
    print("wrote", path)
    for name, eps in (("double", 2.0**-52), ("float", 2.0**-23)):
        print(name, [f"{rmin(eps, K):.1f}" for K in range(1, KMAX + 1)])
    print("M_k", [f"{m:.2e}" for m in M])


if __name__ == "__main__":
    main()
