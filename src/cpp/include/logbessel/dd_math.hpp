// logbessel/dd_math.hpp -- double-double (float-float for T = float) arithmetic and logarithm
// for the few places where a result of size O(1) is the difference of terms of size up to
// ~1e5 (vmf_log_norm where log C_d crosses zero, the signed combination of log_abs_iv near
// the zeros of I_{-a}). A value is hi + lo with |lo| <= ulp(hi)/2.
//
// add/mul/div: algorithms of Dekker (1971) and the QD library (Hida, Li, Bailey 2001),
// products from the fma-based two_prod; relative error ~ a few 2^-104 (double), 2^-46 (float).
// ln: see dd::ln below. Everything is plain arithmetic plus frexp (device-safe shims).
#pragma once

#include "config.hpp"
#include "log_common.hpp"

namespace logbessel {
namespace detail {
namespace dd {

template <typename T> LOGBESSEL_INLINE two_part<T> quick_two_sum(T a, T b) {
    const T s = a + b;
    return {s, b - (s - a)};
}
template <typename T> LOGBESSEL_INLINE two_part<T> from_sum(T a, T b) {
    T s, e;
    two_sum(a, b, s, e);
    return {s, e};
}
template <typename T> LOGBESSEL_INLINE two_part<T> add(two_part<T> a, two_part<T> b) {
    T s, e;
    two_sum(a.hi, b.hi, s, e);
    e += a.lo + b.lo;
    return quick_two_sum(s, e);
}
template <typename T> LOGBESSEL_INLINE two_part<T> neg(two_part<T> a) { return {-a.hi, -a.lo}; }
template <typename T> LOGBESSEL_INLINE two_part<T> mul(two_part<T> a, two_part<T> b) {
    T p, e;
    two_prod(a.hi, b.hi, p, e);
    e += a.hi * b.lo + a.lo * b.hi;
    return quick_two_sum(p, e);
}
// a * b for a working-precision b
template <typename T> LOGBESSEL_INLINE two_part<T> mul(two_part<T> a, T b) {
    T p, e;
    two_prod(a.hi, b, p, e);
    e += a.lo * b;
    return quick_two_sum(p, e);
}
template <typename T> LOGBESSEL_INLINE two_part<T> div(two_part<T> a, two_part<T> b) {
    const T q1 = a.hi / b.hi;
    // r = a - q1 b, the leading part exactly
    T p, e;
    two_prod(q1, b.hi, p, e);
    e += q1 * b.lo;
    const T r = ((a.hi - p) - e) + a.lo;  // a.hi - p is exact (Sterbenz)
    return quick_two_sum(q1, r / b.hi);
}

// 1/(2k+1) as hi + lo (lo from an fma: the exact remainder of the rounded reciprocal).
template <typename T> LOGBESSEL_INLINE two_part<T> inv_odd(int k) {
    const T d = T(2 * k + 1);
    const T h = T(1) / d;
    return {h, -m_fma(h, d, T(-1)) / d};
}

// ln(x) = log(x) for x = hi + lo > 0 (hi finite; subnormal only with lo = 0), to ~2^-102 relative in double (~2^-45
// in float). Method: x = f 2^e with f in [1/sqrt2, sqrt2) (frexp, exact), so
//     log x = e log 2 + 2 atanh(u),  u = (f - 1)/(f + 1),  |u| <= 0.1716   (DLMF 4.6.1 with
//     log f = 2 atanh u), 2 atanh u = 2u (1 + w/3 + w^2/5 + ...), w = u^2 <= 0.0295.
// The series is summed to 22 terms (double; w^22/45 < 2^-113) / 10 terms (float); terms
// k >= 10 (double) / k >= 5 (float) are below 2^-50 (2^-24) of the sum, so they are summed
// in working precision and only the leading ones in double-double. log 2 is split three
// ways (ln2_hi has trailing zeros: e ln2_hi is exact for every exponent of the type).
// No tables: ~25 dd operations; only used on the paths that need it.
template <typename T> LOGBESSEL_INLINE two_part<T> ln(two_part<T> x) {
    using two = two_part<T>;
    int e;
    T f = m_frexp(x.hi, &e);  // x.hi = f 2^e, f in [1/2, 1)
    if (f < T(0.70710678118654752440)) {
        f = T(2) * f;
        --e;
    }
    // f / x.hi = 2^-e exactly (it overflows for subnormal x.hi, where lo is 0)
    const T fl = (x.lo == T(0)) ? T(0) : x.lo * (f / x.hi);
    const two num = from_sum(f - T(1), fl);  // f - 1 exact (Sterbenz)
    two den = from_sum(f, T(1));
    den.lo += fl;
    const two u = div(num, den);
    const two w = mul(u, u);
    constexpr int n_all = sizeof(T) >= 8 ? 22 : 10;
    constexpr int n_dd = sizeof(T) >= 8 ? 10 : 5;
    T tail = T(0);
    LOGBESSEL_UNROLL
    for (int k = n_all - 1; k >= n_dd; --k) tail = tail * w.hi + T(1) / T(2 * k + 1);
    two p = {tail, T(0)};
    LOGBESSEL_UNROLL
    for (int k = n_dd - 1; k >= 0; --k) p = add(mul(p, w), inv_odd<T>(k));
    two lf = mul(u, p);
    lf = {T(2) * lf.hi, T(2) * lf.lo};
    // e log 2 = e ln2_hi (exact) + e (ln2_lo1 + ln2_lo2)
    const T lo1 = sizeof(T) >= 8 ? T(1.9082149292705877e-10) : T(1.4286068e-06);
    const T lo2 = sizeof(T) >= 8 ? T(1.1612227229362532e-26) : T(5.497923e-14);
    const T ee = T(e);
    T m, me;
    two_prod(ee, lo1, m, me);
    const two elog2 = add(quick_two_sum(ee * ln2_hi<T>(), m), two{me + ee * lo2, T(0)});
    return add(elog2, lf);
}

// 1 + (n/m)^2 as a double-double (hi, lo), 0 <= n <= m, from the rounded ratio r = n/m: its
// rounding error r_l = (n - r m)/m is recovered with an fma and carried into r^2. With the
// square root's correction sq_l = (hi - sq^2 + lo) / (2 sq), R = m sqrt(1 + r^2) is known to
// ~2^-100 relative (used where R enters a large term that must cancel: vmf, signed_iv).
template <typename T> LOGBESSEL_INLINE void one_plus_ratio_sq(T n, T m, T r, T &hi, T &lo) {
    const T r_l = m_fma(-r, m, n) / m;  // n/m = r + r_l
    T r2h, r2l;
    two_prod(r, r, r2h, r2l);
    r2l += T(2) * r * r_l;
    two_sum(T(1), r2h, hi, lo);
    lo += r2l;
}

}  // namespace dd
}  // namespace detail
}  // namespace logbessel
