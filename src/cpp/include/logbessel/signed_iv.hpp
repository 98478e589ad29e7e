// logbessel/signed_iv.hpp -- log|I_v(x)| and sign(I_v(x)) for every real order v, including
// the negative non-integer orders where I_v(x) changes sign (the pair works like
// gammaln/gammasgn: I_v(x) = sign_iv(v, x) * exp(log_abs_iv(v, x))).
//
// v >= 0 and negative integer v (I_{-n} = I_n, DLMF 10.27.1): I_v(x) >= 0, so
// log_abs_iv = log_iv and the sign is +1 (0 at x = 0 for v != 0).
//
// Negative non-integer order v = -a, a > 0 not an integer (DLMF 10.27.2):
//     I_{-a}(x) = I_a(x) + c K_a(x),   c = (2/pi) sin(a pi).
//
//  Sign structure. sin(a pi) > 0 (floor(a) even): both terms are positive and I_{-a}(x) > 0
//  for all x >= 0. sin(a pi) < 0 (floor(a) odd): I_{-a} = I_a - |c| K_a; K_a/I_a decreases
//  strictly from +inf (x -> 0) to 0 (x -> inf), so I_{-a} has exactly one positive zero x0:
//  negative below, positive above. Near x0 the two terms cancel; the relative error of a
//  difference of two rounded terms is ~eps * (I_a + |c| K_a) / |I_{-a}|, unbounded at x0.
//
//  1. R = sqrt(a^2 + x^2) < R_D (the power-series region of log I, so a, x < 21.5 in double
//     and < 10 in float), either sign of sin(a pi): the ascending series (DLMF 10.25.2 with
//     v = -a)
//         I_{-a}(x) = (x/2)^-a / Gamma(1-a) * S,  S = sum_k y^k / (k! (1-a)_k),  y = x^2/4,
//     summed in double-double (float-float for float). Its first ceil(a) terms change sign
//     ((1-a)_k = (1-a)(2-a)...(k-a)), so S itself cancels near x0, but each term is formed
//     from the exact inputs with a relative error ~k eps^2 (y from an exact product, k - a
//     from two_sum, products and quotients in double-double), so S comes out with an
//     absolute error ~eps^2 * sum |t_k|: full relative accuracy for S unless x lies within
//     ~eps^2 (relative) of the zero. The zero is resolved to the last bit, the sign is exact.
//     Prefactor, with Gamma(a) Gamma(1-a) = pi / sin(a pi) (DLMF 5.5.3):
//         log|(x/2)^-a / Gamma(1-a)| = lgamma(a) - a log(x/2) + log|sin(a pi)| - log pi,
//     and sign(Gamma(1-a)) = sign(sin(a pi)). Three forms, by where the terms cancel:
//       * a < 1/2: lgamma(a) ~ -log a against log|sin(a pi)| ~ log(a pi): replaced by the
//         exact -log Gamma(1-a) = -lgamma1p(-a).
//       * |sin(a pi)| >= 1/16: no large cancellation; Stirling-regrouped for a >= 6 like
//         series_prefactor (no cancellation near x ~ 2a/e; see neg_order_prefactor).
//       * near a negative integer (|sin(a pi)| < 1/16): log|sin| is large and negative,
//         log|S| (terms k < a carry 1/|sin|) and, for small x, -a log(x/2) large and positive:
//         log(|S| |sin(a pi)|) is one double-double logarithm (abs_sinpi_dd: sin(pi r) of the
//         exactly reduced argument in double-double; dd::ln) and, for a < 6, -a log(x/2) is
//         formed in double-double too, lgamma(a) (~0 near a = 1, 2) added last.
//     (Before, sin(a pi) > 0 used the log-space combination below, which near integers lost
//     ~eps |log sin| / |result|: up to 10 eps at a = 2 + 1e-9.) Accuracy: <= 2.2 eps measured
//     against Arb (tests/data tables and random points near zeros and integers).
//
//  2. R >= R_D: Debye region. The series would need ~a terms of wildly alternating size,
//     so we use the combination in log space:
//     sin(a pi) > 0: log I_{-a} = logaddexp(log I_a, log c + log K_a), no cancellation.
//     sin(a pi) < 0: g = log I_a - log(|c| K_a) (an increasing function of x, zero at x0) and
//         log|I_{-a}| = log I_a + log(1 - e^-g)        (g > 0),
//         log|I_{-a}| = log(|c| K_a) + log(1 - e^g)    (g < 0),
//     with log(1 - e^-|g|) from expm1/log1p (no cancellation in that step). The rounding
//     error delta_g of g becomes an error delta_g / |g| in the result. With g from the two
//     rounded logs, delta_g is a few eps: fine for |g| >= 1. For |g| < 1 (near x0):
//       * R >= 64 (double) / 30 (float): g in double-double (log_iv_over_ckv_dd): with the
//         Debye expansions the log(2 pi R) terms cancel exactly,
//             g = 2 a eta + log((1 + S_I) / ((1 + S_K) 2 |sin(a pi)|)),
//         every piece in double-double (exact Debye coefficients from dd_tables.hpp for the
//         first 10 / 5 terms). delta_g ~ 1e-29 (double) at a ~ 100: the result keeps ~1 eps
//         even for the double nearest to x0 (was 5e12 eps at a = 99.9, x ~ 66.0753).
//       * R < 64 (double) / 30 (float): the Debye truncation (20 / 8 terms) limits the
//         double-double g there, so the double-double series of 1. is used instead (up to
//         ~200 terms; its cancellation factor sum|t_k| / I_a is ~1e2 at a ~ 20, ~1e5 at
//         a ~ 50, ~5e9 at a = 100, hence not used for large R).
//     Known limit: for 40 <~ a <~ 70 (double) neither form reaches eps^2 relative, and at
//     the doubles within a few ulps of x0 (|g| < ~1e-15) up to ~20-50 eps was measured
//     (random Arb checks; the table's near_zero points at a = 99.9 are at <= 2.2 eps). This is
//     still far below the inherent sensitivity to the inputs: x d/dx log|I_{-a}| ~ 2 R / g
//     (I_a K_a ~ 1/(2R)), so the rounding of x alone moves the exact result by ~R eps / |g|.
//     (At x0, I_a = |c| K_a and I_a K_a ~ 1/(2R) give log I_a ~ (log|c| - log 2R)/2, so x0
//     sits near the turning point x ~ 0.66 a, where log I and log K are small.)
//
// Special values: x = 0 is a pole of I_{-a} for non-integer a: log_abs_iv = +inf and the
// sign is that of 1/Gamma(1 - a), i.e. sign(sin(a pi)) (the first series term dominates).
#pragma once

#include "config.hpp"
#include "dd_math.hpp"
#include "dd_tables.hpp"
#include "log_common.hpp"
#include "log_iv.hpp"
#include "log_kv.hpp"
#include "log_series.hpp"

namespace logbessel {
namespace detail {

template <typename T> struct signed_log {
    T log_abs;
    T sign;
};

// Double-double (float-float for T = float) arithmetic: dd_math.hpp (namespace dd).
namespace ddsig = dd;

// |sin(pi a)| in double-double for finite non-integer a: r = a mod 2 is exact, reduced to
// r in (0, 1/2] by the symmetries of sin(pi r) (exact operations), then the Taylor series of
// sin(pi r) (r <= 1/4) or of cos(pi (1/2 - r)) in double-double (dd_tables.hpp: 15 terms, the
// last below 2^-110 for |r| <= 1/4). Relative error ~2^-102 (double) / ~2^-45 (float).
template <typename T> LOGBESSEL_INLINE two_part<T> abs_sinpi_dd(T a) {
    using two = two_part<T>;
    T r = m_fabs(a - T(2) * m_floor(T(0.5) * a));  // in [0, 2), exact
    if (r > T(1)) r = T(2) - r;                     // |sin(pi r)| = |sin(pi (2 - r))|
    if (r > T(0.5)) r = T(1) - r;                   // = sin(pi (1 - r)); now r in (0, 1/2]
    const bool use_cos = r > T(0.25);
    const T q = use_cos ? T(0.5) - r : r;  // sin(pi r) = cos(pi (1/2 - r))
    T qh, ql;
    two_prod(q, q, qh, ql);
    const two q2 = {qh, ql};
    const int n = trig_pi_nterms;
    two p;
    if (use_cos) {
        p = {cospi_taylor_t<T>(2 * (n - 1)), cospi_taylor_t<T>(2 * (n - 1) + 1)};
        for (int j = n - 2; j >= 0; --j)
            p = dd::add(dd::mul(p, q2), two{cospi_taylor_t<T>(2 * j), cospi_taylor_t<T>(2 * j + 1)});
        return p;
    }
    p = {sinpi_taylor_t<T>(2 * (n - 1)), sinpi_taylor_t<T>(2 * (n - 1) + 1)};
    for (int j = n - 2; j >= 0; --j)
        p = dd::add(dd::mul(p, q2), two{sinpi_taylor_t<T>(2 * j), sinpi_taylor_t<T>(2 * j + 1)});
    return dd::mul(p, q);
}

// The series prefactor of region 1, log|(x/2)^-a / Gamma(1-a)| = lgamma(a) - a log(x/2)
// + log|sin(a pi)| - log pi (reflection, DLMF 5.5.3), for 1/2 <= a, x with a^2 + x^2 < 64^2.
// Near x ~ 2a/e the first two terms (each ~ a log a) cancel; for a >= 6 (double; 2 in
// float) Stirling's series (DLMF 5.11.1) regroups them as in series_prefactor:
//     lgamma(a) - a log(x/2) = -a log(e x / (2a)) + log(2 pi / a)/2 + phi(a),
// with e x/(2a) - 1 formed in double-double so that a log1p(...) keeps full relative
// accuracy, and the O(1) constants are combined before the large term is added.
template <typename T> LOGBESSEL_INLINE T neg_order_prefactor(T a, T x, T log_abs_sin) {
    const T log_pi = T(1.14472988584940017414342735135305871);
    const T stirling_from = (sizeof(T) >= 8) ? T(6) : T(2);
    if (a < stirling_from)
        return (m_lgamma(a) + (log_abs_sin - log_pi)) - a * (m_log(x) - ln2<T>());
    const T den = T(2) * a;
    const T wh = x / den;
    const T wl = m_fma(-wh, den, x) / den;  // x/(2a) = wh + wl
    const T e_hi = T(2.718281828459045090795598298427648842334747314453125);
    const T e_lo = T(2.718281828459045235360287471352662497757 - 2.718281828459045090795598298427648842334747314453125);
    T p, pe;
    two_prod(e_hi, wh, p, pe);
    pe += e_hi * wl + e_lo * wh;
    const T lead = (p >= T(0.5)) ? a * m_log1p((p - T(1)) + pe)
                                 : a * (T(1) + m_log(x) - ln2<T>() - m_log(a));
    const T half_log_2_over_pi = T(-0.225791352644727432363097614947441071);  // log(2/pi)/2
    // log(2 pi / a)/2 - log pi = log(2/(pi a))/2
    return ((half_log_2_over_pi - T(0.5) * m_log(a)) + stirling_remainder(a) + log_abs_sin) - lead;
}

// Region 1 (R < R_D; also used near the zero for R < 64 / 30, see region 2): log|I_{-a}(x)|
// and its sign; x > 0 finite, a > 0 non-integer.
template <typename T> LOGBESSEL_INLINE signed_log<T> iv_negative_series(T a, T x) {
    using two = two_part<T>;
    // y = x^2 / 4 exactly (as hi + lo; the scaling by 1/4 is exact unless it underflows,
    // and then y is negligible against the leading term 1 anyway)
    T yh, yl;
    two_prod(x, x, yh, yl);
    const two y = {T(0.25) * yh, T(0.25) * yl};
    two sum = {T(1), T(0)};
    two term = {T(1), T(0)};
    T sum_abs = T(1);  // sum |t_k|: scale of the rounding errors of the summation
    const T tiny = T(0.25) * limits<T>::eps() * limits<T>::eps();
    for (int k = 1; k < 400; ++k) {
        const T kk = T(k);
        // (k - a) exactly as hi + lo, then k (k - a): k is a small integer
        T dh, dl;
        two_sum(kk, -a, dh, dl);
        T ph, pe;
        two_prod(kk, dh, ph, pe);
        const two den = ddsig::quick_two_sum(ph, pe + kk * dl);
        term = ddsig::div(ddsig::mul(term, y), den);
        sum = ddsig::add(sum, term);
        const T t_abs = m_fabs(term.hi);
        sum_abs += t_abs;
        // Past k > a every further term is positive and they decrease once k (k - a) > y:
        // stop when the term is negligible against the result (eps/8) or, near the zero
        // where the result itself is tiny, against the double-double resolution of the sum.
        if (kk > a && kk * (kk - a) > yh &&
            (t_abs <= T(0.125) * limits<T>::eps() * m_fabs(sum.hi) || t_abs <= tiny * sum_abs))
            break;
    }
    signed_log<T> out;
    const T s = m_sinpi(a);
    if (sum.hi == T(0)) {  // x exactly at the zero (to double-double resolution)
        out.log_abs = -limits<T>::inf();
        out.sign = T(0);
        return out;
    }
    // sign(Gamma(1-a)) = sign(sin(a pi)) (reflection, Gamma(a) > 0)
    out.sign = ((sum.hi > T(0)) == (s > T(0))) ? T(1) : T(-1);
    const T log_sum = m_log(m_fabs(sum.hi)) + sum.lo / sum.hi;
    if (a < T(0.5)) {
        // Small a: lgamma(a) ~ -log a and log|sin(a pi)| ~ log(a pi) would cancel; by
        // reflection lgamma(a) + log|sin(a pi)| - log(pi) = -log Gamma(1 - a) = -lgamma1p(-a),
        // with full relative accuracy as a -> 0. No other large terms cancel here.
        out.log_abs = (-a * (m_log(x) - ln2<T>()) - lgamma1p(-a)) + log_sum;
        return out;
    }
    if (m_fabs(s) >= T(0.0625)) {  // not near an integer: |log|sin|| < 2.8, no cancellation
        out.log_abs = neg_order_prefactor(a, x, m_log(m_fabs(s))) + log_sum;
        return out;
    }
    // Near a negative integer (|sin(a pi)| < 1/16): log|sin| is large and negative and log|S|
    // large and positive (the terms k < a carry a factor 1/|sin|), and for small x also
    // -a log(x/2): rounding them separately would leave ~eps |log sin| absolute. So
    // log(|S| |sin(a pi)|) is one double-double logarithm (abs_sinpi_dd, dd::ln).
    const two_part<T> abs_sum = (sum.hi > T(0)) ? sum : dd::neg(sum);
    const two_part<T> l = dd::ln(dd::mul(abs_sum, abs_sinpi_dd(a)));
    if (a < T(6)) {
        // The prefactor's -a log(x/2) (large for tiny x) cancels against log|sin(a pi)|
        // near a negative integer as well: form it in double-double too, and add
        // lgamma(a) - log(pi) (lgamma(a) ~ 0 near a = 1, 2) last.
        using two = two_part<T>;
        const two ln2_dd = sizeof(T) >= 8 ? two{T(0.6931471805599453), T(2.3190468138462996e-17)}
                                          : two{T(0.6931472), T(-1.9046542e-09)};
        const two logpi_dd = sizeof(T) >= 8 ? two{T(1.1447298858494002), T(1.0265951162707826e-17)}
                                            : two{T(1.1447299), T(3.317301e-08)};
        const two ax = dd::mul(dd::add(dd::ln(two{x, T(0)}), dd::neg(ln2_dd)), -a);
        const two t = dd::add(dd::add(ax, l), dd::neg(logpi_dd));
        out.log_abs = t.hi + (t.lo + m_lgamma(a));
    } else {
        T r, r_l;
        two_sum(neg_order_prefactor(a, x, T(0)), l.hi, r, r_l);
        out.log_abs = r + (r_l + l.lo);
    }
    return out;
}

// g = log(I_a(x) / (|c| K_a(x))), c = (2/pi) sin(a pi), in double-double, R >= R_D (Debye).
// With the Debye expansions of log I_a and log K_a (DLMF 10.41.3/10.41.4) the log(2 pi R)
// terms cancel exactly:
//     g = 2 a eta + log((1 + S_I) / ((1 + S_K) 2 |sin(a pi)|)),
//     a eta = R - a log((a + R)/x),   S_I/K = sum_k (+-1/R)^k P_k(a^2/R^2).
// Everything in double-double: R = sqrt(a^2 + x^2) (corrected square root), a eta from dd::ln,
// the first 10 (double) / 5 (float) Debye terms from the exact coefficients (hi + lo parts,
// dd_tables.hpp) with s = a^2/R^2 and 1/R in double-double, the rest (each below ~2^-95 of
// S) in working precision, |sin(a pi)| from abs_sinpi_dd, and one dd::ln of the quotient.
// Absolute error: ~a log(R) 2^-102 + the Debye truncation (20 / 8 terms: below 1e-30 for
// R >= ~100 in double); used only where |g| < 1, i.e. near the zero of I_{-a}.
template <typename T> LOGBESSEL_INLINE two_part<T> log_iv_over_ckv_dd(T a, T x) {
    using two = two_part<T>;
    using tr = traits<T>;
    const T m = m_max(a, x), n = m_min(a, x);
    const T r = n / m;
    T hh, hl;
    dd::one_plus_ratio_sq(n, m, r, hh, hl);
    const T sq = m_sqrt(hh);
    const T sq_l = (m_fma(-sq, sq, hh) + hl) / (T(2) * sq);  // sqrt(1 + r^2) = sq + sq_l
    const two big_r = dd::mul(two{sq, sq_l}, m);                // R
    // a eta = R - a log((a + R)/x)
    const two a_plus_r = dd::add(big_r, two{a, T(0)});
    const two a_log = dd::mul(dd::ln(dd::div(a_plus_r, two{x, T(0)})), a);
    const two a_eta = dd::add(big_r, dd::neg(a_log));
    // s = a^2 / R^2, w = 1/R
    T a2h, a2l;
    two_prod(a, a, a2h, a2l);
    const two r2 = dd::mul(big_r, big_r);
    const two s = dd::div(two{a2h, a2l}, r2);
    const two w = dd::div(two{T(1), T(0)}, big_r);
    constexpr int k_dd = sizeof(T) >= 8 ? 10 : 5;
    constexpr int k_all = tr::debye_max_terms();
    two s_i = {T(0), T(0)}, s_k = {T(0), T(0)};
    two wk = {T(1), T(0)};
    for (int k = 1; k <= k_dd; ++k) {
        const int off = debye_offset(k);
        two pk = {debye_coeff<T>(off), debye_coeff_lo<T>(off)};
        for (int j = 1; j <= k; ++j)
            pk = dd::add(dd::mul(pk, s), two{debye_coeff<T>(off + j), debye_coeff_lo<T>(off + j)});
        wk = dd::mul(wk, w);
        const two term = dd::mul(pk, wk);
        s_i = dd::add(s_i, term);
        s_k = dd::add(s_k, (k % 2 == 1) ? dd::neg(term) : term);
    }
    T rest_i = T(0), rest_k = T(0), wp = wk.hi;
    for (int k = k_dd + 1; k <= k_all; ++k) {
        wp *= w.hi;
        const T term = debye_p_family::poly<T>(k, s.hi) * wp;
        rest_i += term;
        rest_k += (k % 2 == 1) ? -term : term;
    }
    s_i = dd::add(dd::add(s_i, two{rest_i, T(0)}), two{T(1), T(0)});  // 1 + S_I
    s_k = dd::add(dd::add(s_k, two{rest_k, T(0)}), two{T(1), T(0)});  // 1 + S_K
    const two sin2 = dd::mul(abs_sinpi_dd(a), T(2));
    const two q = dd::div(s_i, dd::mul(s_k, sin2));
    return dd::add(dd::mul(a_eta, T(2)), dd::ln(q));
}

// Region 2: the combination I_a + c K_a in log space; x > 0 finite, a > 0 non-integer.
template <typename T> LOGBESSEL_INLINE signed_log<T> iv_negative_combination(T a, T x) {
    const T li = log_iv_positive(a, x);
    const T lk = log_kv_positive(a, x);
    const T s = m_sinpi(a);
    const T log_2_over_pi = T(-0.451582705289454864726195229894882143);
    const T b = (log_2_over_pi + m_log(m_fabs(s))) + lk;  // log |c K_a|
    signed_log<T> out;
    if (s > T(0)) {  // log(e^li + e^b), no cancellation
        const T hi = m_max(li, b), lo = m_min(li, b);
        out.log_abs = (lo < hi - T(100)) ? hi : hi + m_log1p(m_exp(lo - hi));
        out.sign = T(1);
        return out;
    }
    // I_{-a} = e^li - e^b; (b < li - 100 first: li - b itself can overflow near the float max)
    if (b < li - T(100)) {
        out.log_abs = li;
        out.sign = T(1);
        return out;
    }
    if (li < b - T(100)) {
        out.log_abs = b;
        out.sign = T(-1);
        return out;
    }
    T g = li - b, g_lo = T(0);
    if (m_fabs(g) < T(1)) {
        // Near the zero the working-precision g above carries an absolute error of a few eps,
        // i.e. a relative error eps/|g| in the result. R < 64 (double) / 30 (float): the Debye
        // truncation (20 / 8 terms) would leave more than the double-double series does
        // (cancellation factor sum|t_k| / I_a ~ 1e2 at a ~ 20, ~1e5 at a ~ 50, ~5e9 at
        // a = 100), so the signed power series of region 1 (up to ~200 terms here).
        const T r_series = (sizeof(T) >= 8) ? T(64) : T(30);
        if (a * a + x * x < r_series * r_series) return iv_negative_series(a, x);
        // Otherwise g in double-double (see log_iv_over_ckv_dd).
        const two_part<T> gd = log_iv_over_ckv_dd(a, x);
        g = gd.hi;
        g_lo = gd.lo;
    }
    if (g == T(0)) {  // at the zero to the working resolution (see region 2 above)
        out.log_abs = -limits<T>::inf();
        out.sign = T(0);
        return out;
    }
    const T ag = m_fabs(g);
    // log(1 - e^-|g|): expm1 branch for |g| < log 2 (Maechler 2012); plus the first-order
    // effect of the low part of g, d/d|g| log(1 - e^-|g|) = 1/expm1(|g|).
    T log1mexp = (ag < ln2<T>()) ? m_log(-m_expm1(-ag)) : m_log1p(-m_exp(-ag));
    if (g_lo != T(0)) log1mexp += ((g > T(0)) ? g_lo : -g_lo) / m_expm1(ag);
    out.log_abs = m_max(li, b) + log1mexp;
    out.sign = (g > T(0)) ? T(1) : T(-1);
    return out;
}

// x > 0 finite, a > 0 finite non-integer: log|I_{-a}(x)| and its sign.
template <typename T> LOGBESSEL_INLINE signed_log<T> iv_negative_signed(T a, T x) {
    using tr = traits<T>;
    const bool series_region = a < tr::debye_min_r() && x < tr::debye_min_r() &&
                               a * a + x * x < tr::debye_min_r() * tr::debye_min_r();
    if (series_region) return iv_negative_series(a, x);
    return iv_negative_combination(a, x);
}

// The shared front end of log_abs_iv and sign_iv: every special value, then the regions.
template <typename T> LOGBESSEL_INLINE signed_log<T> signed_log_iv(T v, T x) {
    const T nan = limits<T>::nan(), inf = limits<T>::inf();
    if (m_isnan(v) || m_isnan(x) || x < T(0)) return {nan, nan};
    if (m_isinf(x)) return m_isinf(v) ? signed_log<T>{nan, nan} : signed_log<T>{inf, T(1)};
    if (m_isinf(v)) {
        if (v < T(0)) return {nan, nan};          // oscillating sign as v -> -inf
        return {-inf, (x > T(0)) ? T(1) : T(0)};  // I_v(x) -> 0+ (x > 0), = 0 at x = 0
    }
    if (v < T(0) && m_floor(v) != v) {  // negative non-integer order
        const T a = -v;
        if (x == T(0)) return {inf, (m_sinpi(a) > T(0)) ? T(1) : T(-1)};  // pole
        return iv_negative_signed(a, x);
    }
    // v >= 0 or a negative integer: I_v = I_|v| >= 0
    const T av = m_fabs(v);
    if (x == T(0)) return (av == T(0)) ? signed_log<T>{T(0), T(1)} : signed_log<T>{-inf, T(0)};
    return {log_iv_positive(av, x), T(1)};
}

}  // namespace detail

// log|I_v(x)| for every real v (see the top of this file and the ufunc docstring):
//   nan in v or x -> nan;  x < 0 -> nan;  x = +inf -> +inf (finite v), nan (infinite v);
//   v = +inf -> -inf;  v = -inf -> nan;
//   x = 0: 0 (v = 0), -inf (v != 0 integer or v > 0), +inf (negative non-integer v: pole);
//   exact zeros of I_{-a}(x) (to the working resolution) -> -inf.
template <typename T> LOGBESSEL_INLINE T log_abs_iv(T v, T x) {
    return detail::signed_log_iv(v, x).log_abs;
}

// sign(I_v(x)) in {-1, 0, +1}; nan where log_abs_iv is nan (nan input, x < 0, v = -inf,
// v = +-inf with x = +inf). x = 0: +1 for v = 0, 0 for other integer and for positive v,
// sign(sin(|v| pi)) = sign(1/Gamma(1+v)) for negative non-integer v (pole). v = +inf: +1 for
// x > 0 (I_v(x) -> 0+), 0 at x = 0.
template <typename T> LOGBESSEL_INLINE T sign_iv(T v, T x) {
    return detail::signed_log_iv(v, x).sign;
}

}  // namespace logbessel
