// logbessel/log_series.hpp -- the ascending power series of I_v(x) and its prefactor,
// shared by log I (region 2) and log K (region 2 via the Wronskian).
#pragma once

#include "config.hpp"
#include "log_common.hpp"

namespace logbessel {
namespace detail {

// Stirling remainder phi(y) = log Gamma(y) - [(y - 1/2) log y - y + log(2 pi)/2]
// (DLMF 5.11.1; coefficients B_2k / (2k (2k-1)), k = 1..10). Truncation below 3e-17 for
// y >= 7 (double); below 1e-9 for y >= 5 (float).
template <typename T> LOGBESSEL_INLINE T stirling_remainder(T y) {
    const T r = T(1) / y;
    const T r2 = r * r;
    return r * (T(1.0 / 12) + r2 * (T(-1.0 / 360) + r2 * (T(1.0 / 1260) + r2 * (T(-1.0 / 1680) +
           r2 * (T(1.0 / 1188) + r2 * (T(-691.0 / 360360) + r2 * (T(1.0 / 156) +
           r2 * (T(-3617.0 / 122400) + r2 * (T(43867.0 / 244188) +
           r2 * T(-174611.0 / 125400))))))))));
}

// The series prefactor log[(x/2)^v / Gamma(v+1)] = v log(x/2) - log Gamma(v+1).
//
// Near x ~ 0.74 v the two terms (each ~ v log v) cancel while log I_v(x) is only O(log v):
// at v = 18 the plain form loses ~30 ulps. For v >= 6 (double; 2 in float) we therefore use
// Stirling's formula for Gamma(y), y = v + 1, and regroup:
//     v log(x/2) - log Gamma(v+1) = v log(e x / (2y)) + 1 - log(2 pi y)/2 - phi(y),
// where e x/(2y) - 1 is formed in double-double (y = v + 1 from two_sum, the quotient's
// remainder from an fma), so v log1p(e x/(2y) - 1) has a relative error of a few eps and
// the cancellation is gone. Far from the turning point (e x/(2y) < 1/2) the log is taken
// directly (log1p(-1 + tiny) would lose the tiny part).
template <typename T> LOGBESSEL_INLINE T series_prefactor(T v, T x) {
    // v log(x/2) via log(x) - log 2: x/2 would lose a bit for subnormal x.
    const T stirling_from = (sizeof(T) >= 8) ? T(6) : T(2);
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
    // 1 - log(2 pi)/2 is one constant; adding the small terms first saves ~1 ulp.
    const T one_minus_half_log_2pi = T(0.0810614667953272582196702635943823);
    return lead - ((T(0.5) * log_y - one_minus_half_log_2pi) + stirling_remainder(yh));
}

// The power series S_v - 1 = sum_{k>=1} (x^2/4)^k / (k! (v+1)_k) and, alongside at the cost
// of one more multiply-add per term, S_{v+1} if WithNext (used for I_{v+1}/I_v by log K).
// All terms positive; stops when the term falls below eps/2 of the sum (<= ~40 terms for
// x < 21.5 in double, ~20 for x < 10 in float).
template <typename T, bool WithNext>
LOGBESSEL_INLINE void series_sums(T v, T x, T &tail_v, T &s_v1) {
    const T q = T(0.25) * x * x;  // may underflow to 0 for tiny x: then S = 1 exactly
    T term = T(1), term1 = T(1), tail = T(0), tail1 = T(0);
    for (int k = 1; k < 500; ++k) {
        const T kk = T(k);
        term *= q / (kk * (kk + v));
        tail += term;
        if (WithNext) {
            term1 *= q / (kk * (kk + v + T(1)));
            tail1 += term1;
        }
        if (term <= T(0.5) * limits<T>::eps() * tail) break;
    }
    tail_v = tail;
    s_v1 = T(1) + tail1;
}

}  // namespace detail
}  // namespace logbessel
