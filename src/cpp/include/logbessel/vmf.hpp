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
//     with the large terms in double-double (see vmf_log_norm_finite) and no log kappa, so
//     kappa = 0 needs no special case. Accuracy: a few ulps of |log C| except where log C
//     crosses zero at large kappa: there the absolute error is ~v eps/2 (v log R and R are
//     ~v log v while the result is O(1); the problem's own condition number is
//     |d log C / d log kappa| = kappa A_d(kappa)).
//  3. 1 <= d < 2 (v in [-1/2, 0)) outside the series region: kappa >= R_D, the direct formula
//     with log_iv has no cancellation there (log I_v ~ kappa).
#pragma once

#include "config.hpp"
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
    // v log(v + R) - R - (v + 1/2) log(2 pi) cancels (log C crosses zero; at v ~ 13,
    // kappa ~ 22 the terms are ~25x the result), so the three large terms are formed in
    // double-double: log(v + R) = log_r_hi + log_r_lo + log1p(v/R) with v * log_r_hi exact
    // (make_radius), R = m sqrt(1 + r^2) with r and the square root corrected to double-double,
    // and log(2 pi) as a double-double constant. Only v (log_r_lo + log1p(v/R)), with both logs
    // O(1), is rounded at the size of the terms: the error is ~v eps/2 absolute instead of
    // ~v log(R) eps.
    const T n = m_min(v, kappa);
    const T r = rd.r;
    const T r_l = m_fma(-r, m, n) / m;  // n/m = r + r_l
    T r2h, r2l;
    two_prod(r, r, r2h, r2l);
    r2l += T(2) * r * r_l;
    T hh, hl;
    two_sum(T(1), r2h, hh, hl);
    hl += r2l;
    const T sq_l = (m_fma(-rd.sq, rd.sq, hh) + hl) / (T(2) * rd.sq);  // sqrt(1 + r^2) = sq + sq_l
    T big_r, big_r_l;
    two_prod(m, rd.sq, big_r, big_r_l);
    big_r_l += m * sq_l;
    T a, a_l;
    two_prod(v, rd.log_r_hi, a, a_l);
    const T b = v * (rd.log_r_lo + m_log1p(v * rd.inv_r));
    T vh, vl;
    two_sum(v, T(0.5), vh, vl);
    // log(2 pi) = log2pi_hi + log2pi_lo (double-double / float-float)
    const T log2pi_hi = sizeof(T) >= 8 ? T(1.8378770664093456) : T(1.8378770351409912);
    const T log2pi_lo = sizeof(T) >= 8 ? T(-7.756588316134483e-17) : T(3.126835323996602e-08);
    T d, d_l;
    two_prod(vh, log2pi_hi, d, d_l);
    d_l += vh * log2pi_lo + vl * log2pi_hi;
    T s1, e1, s2, e2;
    two_sum(a, -big_r, s1, e1);
    two_sum(s1, -d, s2, e2);
    const T small = (e1 + e2) + (a_l - big_r_l - d_l) + b +
                    (T(0.5) * rd.log_r_hi + (T(0.5) * rd.log_r_lo - log1p_small(tail)));
    return s2 + small;
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
