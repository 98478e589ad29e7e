// logbessel/vmf.hpp -- the log-normaliser of the von Mises-Fisher distribution on S^{d-1},
//
//   vmf_log_norm(d, kappa) = log C_d(kappa)
//                          = (d/2 - 1) log kappa - (d/2) log(2 pi) - log I_{d/2-1}(kappa),
//
// so that the density is C_d(kappa) exp(kappa mu^T x) with respect to the surface measure.
// With v = d/2 - 1 the naive form cancels (v log kappa against log I_v(kappa) ~ v log kappa as
// kappa -> 0, and v eta against v log kappa for kappa << v), so each region is regrouped:
//
//  1. Series region of log_iv (R = sqrt(v^2 + kappa^2) < R_D): log I_v = v log(kappa/2) -
//     log Gamma(v+1) + log1p(tail) (DLMF 10.25.2), hence
//         log C = -[v log pi - log Gamma(v+1)] - log(2 pi) - log1p(tail),
//     where the bracket is series_prefactor(v, 2 pi) (double-double near its zero at v ~ 9,
//     where log C(0) = -log|S^{d-1}| itself crosses zero). kappa = 0 gives tail = 0, the exact
//     -log(2 pi^{d/2} / Gamma(d/2)).
//  2. Debye region, v >= 0: with v eta = R - v asinh(v/kappa) (log_common.hpp),
//     v log kappa - v eta = v log(v + R) - R, hence
//         log C = v log(v + R) - R - (v + 1/2) log(2 pi) + (log R)/2 - log1p(Debye series),
//     with no log kappa, so kappa = 0 needs no special case. Fast path: the large terms in
//     double-double except v (log R - log_r_hi + log1p(v/R)), rounded at the size of the terms
//     (absolute error <~ v eps), accepted where that is below ~eps |log C|. Near the zero of
//     log C (large kappa, e.g. d = 1e4, kappa ~ 4.5e4, where the terms are ~5e4 x the result)
//     the whole large part v log(v + R) - R - (v + 1/2) log(2 pi) is formed in double-double
//     (dd_math.hpp: dd::ln) and rounded once. Accuracy: <= ~3 eps of max(1, |log C|) (measured
//     against Arb: 0.4 eps at d = 1e4 in both precisions, before 2e3 eps), although the
//     problem's own condition number there is |d log C / d log kappa| = kappa A_d(kappa).
//     The series region (1.) near its zero (d ~ 20..45, kappa < 21.5) still sums three O(5)
//     terms in working precision: up to ~7 eps absolute measured there.
//  3. 1 <= d < 2 (v in [-1/2, 0)) outside the series region: kappa >= R_D, the direct formula
//     with log_iv has no cancellation there (log I_v ~ kappa).
#pragma once

#include "config.hpp"
#include "dd_math.hpp"
#include "log_common.hpp"
#include "log_iv.hpp"
#include "log_series.hpp"

namespace logbessel {
namespace detail {

template <typename T> LOGBESSEL_INLINE T vmf_log_norm_finite(T v, T kappa) {
    using tr = traits<T>;
    const T rd_min = tr::debye_min_r();
    const T va = m_fabs(v);
    const bool series = va < rd_min && kappa < rd_min && va * va + kappa * kappa < rd_min * rd_min;
    if (series) {
        T tail = T(0), unused;
        if (kappa > T(0)) series_sums<T, false>(v, kappa, tail, unused);
        const T two_pi = T(2) * pi<T>();
        return -series_prefactor(v, two_pi) - log_2pi<T>() - m_log1p(tail);
    }
    if (v < T(0))  // 1 <= d < 2 and kappa >= R_D
        return v * m_log(kappa) - (v + T(1)) * log_2pi<T>() - log_iv(v, kappa);
    const radius<T> rd = make_radius(v, kappa);
    const T tail = debye_series(rd, T(1));
    const T m = m_max(v, kappa);
    if (m > T(1e30) * (sizeof(T) >= 8 ? T(1e270) : T(1))) {
        // near the float max (v log R or R would overflow as products below): the same formula
        // factored by max(v, kappa), in working precision
        T lead;
        if (kappa <= v) {
            lead = v * ((m_log(v) + m_log1p(rd.sq)) - (rd.sq + log_2pi<T>()));
        } else {
            const T r = rd.r;  // v / kappa
            lead = kappa * (r * ((m_log(kappa) + m_log(r + rd.sq)) - log_2pi<T>()) - rd.sq);
        }
        return lead + ((T(0.5) * rd.log_r_hi - T(0.5) * log_2pi<T>()) + (T(0.5) * rd.log_r_lo - log1p_small(tail)));
    }
    // v log(v + R) - R - (v + 1/2) log(2 pi) cancels where log C crosses zero (at v ~ 13,
    // kappa ~ 22 the terms are ~25x the result; at d = 1e4, kappa ~ 4.5e4 they are ~5e4 and
    // the result is O(1)). R = m sqrt(1 + r^2) is formed in double-double (r and the square
    // root corrected), and log(2 pi) is a double-double constant.
    const T n = m_min(v, kappa);
    const T r = rd.r;
    T hh, hl;
    dd::one_plus_ratio_sq(n, m, r, hh, hl);
    const T sq_l = (m_fma(-rd.sq, rd.sq, hh) + hl) / (T(2) * rd.sq);  // sqrt(1 + r^2) = sq + sq_l
    T big_r, big_r_l;
    two_prod(m, rd.sq, big_r, big_r_l);
    big_r_l += m * sq_l;
    // log(2 pi) = log2pi_hi + log2pi_lo (double-double / float-float)
    const T log2pi_hi = sizeof(T) >= 8 ? T(1.8378770664093456) : T(1.8378770351409912);
    const T log2pi_lo = sizeof(T) >= 8 ? T(-7.756588316134483e-17) : T(3.126835323996602e-08);
    const two_part<T> d = dd::mul(dd::from_sum(v, T(0.5)), two_part<T>{log2pi_hi, log2pi_lo});
    // (log R)/2 - log1p(Debye series) = log_r_hi/2 (exact) + rest (O(1), error ~eps/4)
    const T half_log_r = T(0.5) * rd.log_r_hi;
    const T rest = T(0.5) * rd.log_r_lo - log1p_small(tail);
    // Fast path: log(v + R) = log_r_hi + log_r_lo + log1p(v/R) with v log_r_hi an exact
    // product; only b = v (log_r_lo + log1p(v/R)), both logs O(1), is rounded at the size of
    // the terms, an absolute error <~ eps v (|log_r_lo| + log1p(v/R)) / 2 (<= ~v eps).
    // Accepted when that is below ~eps max(1, |log C|), i.e. away from the zero of log C
    // (most inputs): measured against Arb in the band |log C| in [b_scale/2, b_scale) <= 2.0
    // eps (double) / 2.3 eps (float), 250 random points each.
    T a, a_l;
    two_prod(v, rd.log_r_hi, a, a_l);
    const T l1p = m_log1p(v * rd.inv_r);  // in [0, log 2]
    const T b = v * (rd.log_r_lo + l1p);
    T s1, e1, s2, e2;
    two_sum(a, -big_r, s1, e1);
    two_sum(s1, -d.hi, s2, e2);
    const T fast = s2 + ((e1 + e2) + (a_l - big_r_l - d.lo) + b + (half_log_r + rest));
    const T b_scale = v * (m_fabs(rd.log_r_lo) + l1p);  // error of b <~ eps b_scale
    if (T(2) * m_fabs(fast) >= b_scale || b_scale <= T(1)) return fast;
    // Near the zero: the whole large part in double-double, rounded once:
    // log(v + R) from dd::ln (~2^-102 relative), v log(v + R) as a double-double product. The
    // large part then carries an absolute error ~v log(R) 2^-102 (~1e-26 at d = 1e4) and the
    // result ~eps/2 absolute from the O(1) rest. (The fast path alone left ~v eps/2
    // absolute here: 2e3 eps at d = 1e4.)
    two_part<T> v_plus_r = dd::from_sum(v, big_r);
    v_plus_r.lo += big_r_l;
    const two_part<T> v_log = dd::mul(dd::ln(v_plus_r), v);  // v log(v + R)
    const two_part<T> lead = dd::add(dd::add(v_log, two_part<T>{-big_r, -big_r_l}), dd::neg(d));
    T t, t_l;
    two_sum(lead.hi, half_log_r, t, t_l);
    return t + ((t_l + lead.lo) + rest);
}

}  // namespace detail

// log C_d(kappa). Domain rules (also in the ufunc docstring):
//   nan in d or kappa -> nan;  d < 1 or d = +inf -> nan;  kappa < 0 -> nan;
//   kappa = 0 -> -log(2 pi^{d/2} / Gamma(d/2)) (the uniform density);  kappa = +inf -> -inf.
template <typename T> LOGBESSEL_INLINE T vmf_log_norm(T d, T kappa) {
    using detail::limits;
    if (detail::m_isnan(d) || detail::m_isnan(kappa) || !(d >= T(1)) || detail::m_isinf(d) || kappa < T(0))
        return limits<T>::nan();
    if (detail::m_isinf(kappa)) return -limits<T>::inf();
    return detail::vmf_log_norm_finite(T(0.5) * d - T(1), kappa);
}

}  // namespace logbessel
