"""Generate src/cpp/include/logbessel/dd_tables.hpp: the extra-precision tables of the
double-double (float-float) paths of signed_iv.hpp.

* The low parts of the Debye polynomial coefficients P_k, k = 1..KDD: coefficients.hpp holds
  each exact rational rounded once (hi, debye_coeffs / debye_coeffs_f); here lo = exact - hi in
  the same layout (debye_offset), so that hi + lo is the coefficient to ~2^-106 (double) /
  ~2^-48 (float).
* The Taylor coefficients of sin(pi r) = sum_j s_j r^(2j+1), s_j = (-1)^j pi^(2j+1)/(2j+1)!, and
  cos(pi r) = sum_j c_j r^(2j), c_j = (-1)^j pi^(2j)/(2j)!, j = 0..NTRIG-1, as hi + lo pairs.

Run: python tools/gen_dd_tables.py  (needs mpmath). Output is deterministic.
"""

from __future__ import annotations

import pathlib
import sys

import mpmath as mp
import numpy as np

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent))
from gen_coefficients import debye_polynomials, emit_preamble, emit_table, poly_P  # noqa: E402

KDD = 10  # Debye polynomials with low parts (the double-double terms of signed_iv.hpp)
NTRIG = 15  # Taylor terms of sin(pi r), cos(pi r) for |r| <= 1/4: last term < 2^-110


def split(x: mp.mpf, ctype: str) -> tuple[float, float]:
    if ctype == "double":
        hi = float(x)
        return hi, float(x - mp.mpf(hi))
    hi = float(np.float32(float(x)))
    return hi, float(np.float32(float(x - mp.mpf(hi))))


def main() -> None:
    mp.mp.dps = 80
    u = debye_polynomials(KDD)
    exact = []
    for k in range(1, KDD + 1):
        for c in reversed(poly_P(u[k], k)):  # highest power first, as in coefficients.hpp
            exact.append(mp.mpf(c.numerator) / c.denominator)
    sin_c = [(-1) ** j * mp.pi ** (2 * j + 1) / mp.factorial(2 * j + 1) for j in range(NTRIG)]
    cos_c = [(-1) ** j * mp.pi ** (2 * j) / mp.factorial(2 * j) for j in range(NTRIG)]

    out: list[str] = []
    w = out.append
    emit_preamble(w, "tools/gen_dd_tables.py")
    w(f"// Low parts of the Debye coefficients P_k, k = 1..{KDD} (layout of debye_coeffs: highest")
    w("// power first, P_k at debye_offset(k)): exact - hi, hi as stored in coefficients.hpp.")
    w(f"constexpr int debye_dd_kmax = {KDD};")
    for ctype, name in (("double", "debye_coeffs_lo"), ("float", "debye_coeffs_f_lo")):
        emit_table(w, ctype, name, [split(x, ctype)[1] for x in exact], 3 if ctype == "double" else 4)
    w("template <typename T> LOGBESSEL_INLINE T debye_coeff_lo(int i);")
    w("template <> LOGBESSEL_INLINE double debye_coeff_lo<double>(int i) { return debye_coeffs_lo(i); }")
    w("template <> LOGBESSEL_INLINE float debye_coeff_lo<float>(int i) { return debye_coeffs_f_lo(i); }")
    w("")
    w(f"// sin(pi r) = sum_j s_j r^(2j+1), cos(pi r) = sum_j c_j r^(2j), j = 0..{NTRIG - 1}: hi and lo")
    w("// parts, interleaved (hi, lo, hi, lo, ...).")
    w(f"constexpr int trig_pi_nterms = {NTRIG};")
    for ctype, suf in (("double", ""), ("float", "_f")):
        for nm, cs in (("sinpi", sin_c), ("cospi", cos_c)):
            vals = []
            for c in cs:
                vals.extend(split(c, ctype))
            emit_table(w, ctype, f"{nm}_taylor{suf}", vals, 2)
    w("template <typename T> LOGBESSEL_INLINE T sinpi_taylor_t(int i);")
    w("template <> LOGBESSEL_INLINE double sinpi_taylor_t<double>(int i) { return sinpi_taylor(i); }")
    w("template <> LOGBESSEL_INLINE float sinpi_taylor_t<float>(int i) { return sinpi_taylor_f(i); }")
    w("template <typename T> LOGBESSEL_INLINE T cospi_taylor_t(int i);")
    w("template <> LOGBESSEL_INLINE double cospi_taylor_t<double>(int i) { return cospi_taylor(i); }")
    w("template <> LOGBESSEL_INLINE float cospi_taylor_t<float>(int i) { return cospi_taylor_f(i); }")
    w("")
    w("}  // namespace detail")
    w("}  // namespace logbessel")
    path = pathlib.Path(__file__).resolve().parent.parent / "src/cpp/include/logbessel/dd_tables.hpp"
    path.write_text("\n".join(out) + "\n")


if __name__ == "__main__":
    main()
