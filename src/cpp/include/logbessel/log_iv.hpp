// logbessel/log_iv.hpp -- log I_v(x), the modified Bessel function of the first kind.
//
// Regions (v >= 0; R = sqrt(v^2 + x^2)):
//
//  1. R >= R_D (21.5 in double, 10 in float): Debye uniform expansion (DLMF 10.41.3) in R,
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
//     loses every digit). At most ~40 terms (x < 21.5). Accuracy: a few ulps.
//
//  Negative non-integer order: I_{-v}(x) = I_v(x) + (2/pi) sin(v pi) K_v(x) (DLMF 10.27.2),
//  combined in log space; nan where the combination is <= 0.
#pragma once

#include "config.hpp"
#include "log_common.hpp"
#include "log_kv.hpp"
#include "log_series.hpp"

namespace logbessel {
namespace detail {

// Region 2: power series, R < R_D (so x, v < 21.5 in double).
template <typename T> LOGBESSEL_INLINE T log_iv_series(T v, T x) {
    T tail, unused;
    series_sums<T, false>(v, x, tail, unused);
    return series_prefactor(v, x) + m_log1p(tail);
}

// Region 1: Debye expansion in R.
template <typename T> LOGBESSEL_INLINE T log_iv_debye(T v, T x) {
    const radius<T> rd = make_radius(v, x);
    const T tail = debye_series(rd, T(1));
    const two_part<T> ve = debye_v_eta(v, x, rd);
    // large parts first (v eta and log(R)/2 may nearly cancel), then the O(1) terms
    return ((ve.hi - T(0.5) * rd.log_r_hi) + ve.lo) -
           (T(0.5) * log_2pi<T>() + T(0.5) * rd.log_r_lo - log1p_small(tail));
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
    // (lo < hi - 100 first: lo - hi itself can overflow for |li|, |b| near the float max)
    if (s > T(0)) {          // log(e^li + e^b)
        const T hi = m_max(li, b), lo = m_min(li, b);
        return (lo < hi - T(100)) ? hi : hi + m_log1p(m_exp(lo - hi));
    }
    if (b >= li) return limits<T>::nan();  // I_{-v}(x) <= 0
    return (b < li - T(100)) ? li : log_sub_exp(li, b);
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
