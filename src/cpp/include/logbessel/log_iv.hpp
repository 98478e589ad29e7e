// logbessel/log_iv.hpp -- log I_v(x), the modified Bessel function of the first kind.
//
// Regions (v >= 0; R = sqrt(v^2 + x^2)):
//
//  1. R >= R_D (26 in double, 10 in float): Debye uniform expansion (DLMF 10.41.3) in R,
//         log I_v(x) = v eta - (log(2 pi) + log R)/2 + log(1 + sum_k P_k(t^2) / R^k),
//     1..16 terms chosen from R (log_common.hpp). Uniform in x/v: it covers v -> infinity at
//     any x and x -> infinity at any v (there it is the Hankel expansion DLMF 10.40.1
//     re-expanded in R). v eta is formed in double-double near x ~ 0.66 v, where it cancels.
//     Accuracy: a few ulps of max(1, |log I|).
//
//  2. R < R_D: the power series (DLMF 10.25.2)
//         I_v(x) = (x/2)^v / Gamma(v+1) * S,  S = sum_k (x^2/4)^k / (k! (v+1)_k),
//         log I_v(x) = v log(x/2) - log Gamma(v+1) + log1p(S - 1).
//     All terms are positive; the tail S - 1 is summed on its own and passed to log1p, so
//     log I_0(x) ~ x^2/4 keeps full relative accuracy for tiny x (where log(ive(0,x)) + x
//     loses every digit). At most ~45 terms (x < 26). Accuracy: a few ulps.
//
//  Negative non-integer order: I_{-v}(x) = I_v(x) + (2/pi) sin(v pi) K_v(x) (DLMF 10.27.2),
//  combined in log space; nan where the combination is <= 0.
#pragma once

#include "config.hpp"
#include "log_common.hpp"
#include "log_kv.hpp"

namespace logbessel {
namespace detail {

// Stirling remainder phi(y) = log Gamma(y) - [(y - 1/2) log y - y + log(2 pi)/2] for y >= 5
// (DLMF 5.11.1, Bernoulli-number coefficients B_2k / (2k (2k-1))). Eight terms: truncation
// below 2e-17 relative for y >= 10 (double); below 1e-8 absolute for y >= 5 (float).
template <typename T> LOGBESSEL_INLINE T stirling_remainder(T y) {
    const T r = T(1) / y;
    const T r2 = r * r;
    return r * (T(1.0 / 12) + r2 * (T(-1.0 / 360) + r2 * (T(1.0 / 1260) + r2 * (T(-1.0 / 1680) +
           r2 * (T(1.0 / 1188) + r2 * (T(-691.0 / 360360) + r2 * (T(1.0 / 156) +
           r2 * T(-3617.0 / 122400))))))));
}

// The series prefactor log[(x/2)^v / Gamma(v+1)] = v log(x/2) - log Gamma(v+1).
//
// Near x ~ 0.74 v the two terms (each ~ v log v) cancel while log I_v(x) is only O(log v):
// at v = 18 the plain form loses ~30 ulps. For v >= 9 (double; 4 in float) we therefore use
// Stirling's formula for Gamma(y), y = v + 1, and regroup:
//     v log(x/2) - log Gamma(v+1) = v log(e x / (2y)) + 1 - log(2 pi y)/2 - phi(y),
// where e x/(2y) - 1 is formed in double-double (y = v + 1 from two_sum, the quotient's
// remainder from an fma), so v log1p(e x/(2y) - 1) has a relative error of a few eps and
// the cancellation is gone. Far from the turning point (e x/(2y) < 1/2) the log is taken
// directly (log1p(-1 + tiny) would lose the tiny part).
template <typename T> LOGBESSEL_INLINE T series_prefactor(T v, T x) {
    // v log(x/2) via log(x) - log 2: x/2 would lose a bit for subnormal x.
    const T stirling_from = (sizeof(T) >= 8) ? T(9) : T(4);
    if (v < stirling_from) return v * (m_log(x) - ln2<T>()) - lgamma1p(v);
    T yh, yl;
    two_sum(v, T(1), yh, yl);
    const T log_y = m_log(yh) + yl / yh;
    const T den = T(2) * yh;
    const T wh = x / den;
    const T wl = (m_fma(-wh, den, x) - wh * (T(2) * yl)) / den;  // x/(2y) = wh + wl
    // e * w with e = e_hi + e_lo (double-double / float-float split of Euler's number)
    const T e_hi = T(2.718281828459045090795598298427648842334747314453125);
    const T e_lo = T(2.718281828459045235360287471352662497757 - 2.718281828459045090795598298427648842334747314453125);
    T p, pe;
    two_prod(e_hi, wh, p, pe);
    pe += e_hi * wl + e_lo * wh;
    T lead;
    if (p >= T(0.5)) lead = v * m_log1p((p - T(1)) + pe);
    else lead = v * (T(1) + m_log(x) - ln2<T>() - log_y);
    return lead + T(1) - T(0.5) * (log_2pi<T>() + log_y) - stirling_remainder(yh);
}

// Region 2: power series, R < R_D (so x < 26, v < 26 in double).
template <typename T> LOGBESSEL_INLINE T log_iv_series(T v, T x) {
    const T q = T(0.25) * x * x;  // may underflow to 0 for tiny x: then S = 1 exactly
    T term = T(1), tail = T(0);
    for (int k = 1; k < 500; ++k) {
        term *= q / (T(k) * (T(k) + v));
        tail += term;
        if (term <= T(0.5) * limits<T>::eps() * tail) break;
    }
    return series_prefactor(v, x) + m_log1p(tail);
}

// Region 1: Debye expansion in R.
template <typename T> LOGBESSEL_INLINE T log_iv_debye(T v, T x) {
    const radius<T> rd = make_radius(v, x);
    const T tail = debye_series(rd, T(1));
    return debye_v_eta(v, x) - T(0.5) * (log_2pi<T>() + rd.log_r) + m_log1p(tail);
}

// v >= 0, 0 < x < inf, both finite.
template <typename T> LOGBESSEL_INLINE T log_iv_positive(T v, T x) {
    using tr = traits<T>;
    if (v >= tr::debye_min_r() || x >= tr::debye_min_r() ||
        v * v + x * x >= tr::debye_min_r() * tr::debye_min_r())
        return log_iv_debye(v, x);
    return log_iv_series(v, x);
}

// log(exp(a) - exp(b)) for b < a, without cancellation (log1mexp in the sense of Maechler,
// "Accurately computing log(1 - exp(-|a|))", 2012): expm1 branch when the difference is small.
template <typename T> LOGBESSEL_INLINE T log_sub_exp(T a, T b) {
    const T d = b - a;  // < 0
    return a + ((d > -ln2<T>()) ? m_log(-m_expm1(d)) : m_log1p(-m_exp(d)));
}

// log I_{-v}(x) for non-integer v > 0, finite x > 0:
// I_{-v} = I_v + c K_v with c = (2/pi) sin(v pi); nan where I_{-v}(x) <= 0.
template <typename T> LOGBESSEL_INLINE T log_iv_negative_order(T v, T x) {
    const T li = log_iv_positive(v, x);
    const T s = m_sinpi(v);
    const T lk = log_kv_positive(v, x);
    const T log_c = m_log(T(2) / pi<T>()) + m_log(m_fabs(s));
    const T b = log_c + lk;  // log |c K_v|
    if (s > T(0)) {          // log(e^li + e^b)
        const T hi = m_max(li, b), lo = m_min(li, b);
        return hi + m_log1p(m_exp(lo - hi));
    }
    if (b >= li) return limits<T>::nan();  // I_{-v}(x) <= 0
    return log_sub_exp(li, b);
}

}  // namespace detail

// log I_v(x). Domain rules (also in the ufunc docstring):
//   nan in v or x -> nan;  x < 0 -> nan;
//   x = 0: 0 for v = 0, -inf for v > 0 or negative integer v, nan for negative non-integer v
//          (I_v has a pole of either sign there);
//   x = +inf: +inf for finite v, nan for infinite v;
//   v = +inf, 0 <= x < inf: -inf (I_v(x) -> 0);  v = -inf: nan (oscillating sign);
//   negative integer v: I_v = I_{|v|};  negative non-integer v: log I_v(x) where I_v(x) > 0,
//   nan where I_v(x) <= 0.
template <typename T> LOGBESSEL_INLINE T log_iv(T v, T x) {
    using detail::limits;
    if (detail::m_isnan(v) || detail::m_isnan(x)) return limits<T>::nan();
    if (x < T(0)) return limits<T>::nan();
    if (detail::m_isinf(x)) return detail::m_isinf(v) ? limits<T>::nan() : limits<T>::inf();
    if (detail::m_isinf(v)) return (v > T(0)) ? -limits<T>::inf() : limits<T>::nan();
    bool negative_fractional = false;
    if (v < T(0)) {
        v = -v;
        negative_fractional = (detail::m_floor(v) != v);
    }
    if (x == T(0)) {
        if (negative_fractional) return limits<T>::nan();
        return (v == T(0)) ? T(0) : -limits<T>::inf();
    }
    if (negative_fractional) return detail::log_iv_negative_order(v, x);
    return detail::log_iv_positive(v, x);
}

}  // namespace logbessel
