// logbessel/log_common.hpp -- pieces shared by log I and log K:
//   * per-precision constants and region thresholds (traits<T>);
//   * error-free transformations (two_sum, two_prod) for the few places that need more than
//     working precision;
//   * the Debye (uniform large-order) expansion, written in R = sqrt(v^2 + x^2) so that one
//     code path serves large v, large x, or both;
//   * lgamma(1 + v) accurate for small v.
//
// float32 policy: every algorithm is a template on T and the float instantiation computes in
// float only (float coefficient tables, float-float instead of double-double). It never
// widens to double, because on GPUs double runs at 1/2 to 1/64 of the float rate. The price
// is that thresholds are chosen per precision (traits<float> below).
#pragma once

#include "coefficients.hpp"
#include "config.hpp"

namespace logbessel {
namespace detail {

template <typename T> struct traits;

template <> struct traits<double> {
    // Below this R = sqrt(v^2 + x^2) the Debye expansion with at most 20 terms cannot reach
    // eps/4 (coefficients.hpp: debye_rmin_double[19] = 21.1; the expansion is asymptotic,
    // more terms would gain little: 25 terms still need R > 18); the power series (I) and
    // Temme/Steed + recurrence (K) take over there.
    LOGBESSEL_INLINE static constexpr double debye_min_r() { return 21.5; }
    LOGBESSEL_INLINE static constexpr int debye_max_terms() { return 20; }
    LOGBESSEL_INLINE static double debye_rmin(int k) { return debye_rmin_double(k - 1); }
    // float-float / double-double anchor of eta (generated)
    LOGBESSEL_INLINE static constexpr double a0_hi() { return eta_anchor_a0_hi; }
    LOGBESSEL_INLINE static constexpr double a0_lo() { return eta_anchor_a0_lo; }
    LOGBESSEL_INLINE static constexpr double s0_hi() { return eta_anchor_s0_hi; }
    LOGBESSEL_INLINE static constexpr double s0_lo() { return eta_anchor_s0_lo; }
    LOGBESSEL_INLINE static constexpr double c0_hi() { return eta_anchor_c0_hi; }
    LOGBESSEL_INLINE static constexpr double c0_lo() { return eta_anchor_c0_lo; }
};

template <> struct traits<float> {
    // debye_rmin_float[7] = 9.8: eight terms reach eps32/4 from R = 10 on.
    LOGBESSEL_INLINE static constexpr float debye_min_r() { return 10.0f; }
    LOGBESSEL_INLINE static constexpr int debye_max_terms() { return 8; }
    LOGBESSEL_INLINE static float debye_rmin(int k) { return static_cast<float>(debye_rmin_float(k - 1)); }
    LOGBESSEL_INLINE static constexpr float a0_hi() { return eta_anchor_a0f_hi; }
    LOGBESSEL_INLINE static constexpr float a0_lo() { return eta_anchor_a0f_lo; }
    LOGBESSEL_INLINE static constexpr float s0_hi() { return eta_anchor_s0f_hi; }
    LOGBESSEL_INLINE static constexpr float s0_lo() { return eta_anchor_s0f_lo; }
    LOGBESSEL_INLINE static constexpr float c0_hi() { return eta_anchor_c0f_hi; }
    LOGBESSEL_INLINE static constexpr float c0_lo() { return eta_anchor_c0f_lo; }
};

// Mathematical constants, rounded to T.
template <typename T> LOGBESSEL_INLINE constexpr T ln2() { return T(0.693147180559945309417232121458176568); }
template <typename T> LOGBESSEL_INLINE constexpr T log_2pi() { return T(1.83787706640934548356065947281123527); }
template <typename T> LOGBESSEL_INLINE constexpr T log_pi_2() { return T(0.451582705289454864726195229894882143); }
template <typename T> LOGBESSEL_INLINE constexpr T pi() { return T(3.14159265358979323846264338327950288); }
template <typename T> LOGBESSEL_INLINE constexpr T euler_gamma() { return T(0.577215664901532860606512090082402431); }

// log of the largest finite value: exp() of anything above overflows.
template <typename T> LOGBESSEL_INLINE constexpr T log_max() {
    return sizeof(T) >= 8 ? T(709.782712893383973096) : T(88.7228391116729996);
}

// log 2 = ln2_hi + ln2_lo with ln2_hi short enough that e * ln2_hi is exact for every binary
// exponent e of the type (the split used by fdlibm's log).
template <typename T> LOGBESSEL_INLINE constexpr T ln2_hi();
template <> LOGBESSEL_INLINE constexpr double ln2_hi<double>() { return 6.93147180369123816490e-01; }
template <> LOGBESSEL_INLINE constexpr float ln2_hi<float>() { return 0.693145751953125f; }
template <typename T> LOGBESSEL_INLINE constexpr T ln2_lo();
template <> LOGBESSEL_INLINE constexpr double ln2_lo<double>() { return 1.9082149292705877e-10; }
template <> LOGBESSEL_INLINE constexpr float ln2_lo<float>() { return 1.4286068203094173e-06f; }

// A value carried as an unevaluated sum hi + lo (|lo| << |hi|).
template <typename T> struct two_part {
    T hi, lo;
};

// ---------------------------------------------------------------------------------------
// Error-free transformations (Knuth two-sum, fma-based two-product).
// ---------------------------------------------------------------------------------------
template <typename T> LOGBESSEL_INLINE void two_sum(T a, T b, T &s, T &e) {
    s = a + b;
    const T bb = s - a;
    e = (a - (s - bb)) + (b - bb);
}

// hi + lo += x for a running compensated sum: x is added to hi by two_sum and the rounding error
// is collected in lo (each term's error kept, added back once at the end by the caller).
template <typename T> LOGBESSEL_INLINE void compensated_add(T &hi, T &lo, T x) {
    T t, e;
    two_sum(hi, x, t, e);
    hi = t;
    lo += e;
}
template <typename T> LOGBESSEL_INLINE void two_prod(T a, T b, T &p, T &e) {
    p = a * b;
    e = m_fma(a, b, -p);
}

// Geometry shared by the pieces of the Debye expansion: with m = max(v, x), n = min(v, x),
// r = n/m; R = m sqrt(1 + r^2) is never formed where it could overflow.
template <typename T> struct radius {
    T log_r_hi; // log R = log_r_hi + log_r_lo, log_r_hi = e ln2_hi exactly (see make_radius)
    T log_r_lo;
    T inv_r;    // 1 / R
    T r_capped; // min(R, 1e30): only used to choose the number of Debye terms
    T t2;       // t^2 = v^2 / R^2 = 1 / (1 + z^2)
    T r;        // n / m
    T sq;       // sqrt(1 + r^2)
};
// Everything of the radius but log R (left 0); h2 = 1 + r^2 for the caller. The ratios
// (ratio.hpp) use this alone: the log is most of make_radius's cost.
template <typename T> LOGBESSEL_INLINE radius<T> radius_without_log(T v, T x, T &h2) {
    const T m = m_max(v, x);
    const T n = m_min(v, x);
    radius<T> out;
    out.r = n / m;
    const T r2 = out.r * out.r;
    h2 = T(1) + r2;
    out.sq = m_sqrt(h2);
    out.log_r_hi = T(0);
    out.log_r_lo = T(0);
    out.inv_r = (T(1) / m) / out.sq;  // m >= R_D / sqrt(2) > 1 where R is used: no overflow
    out.r_capped = (m < T(1e30)) ? m * out.sq : T(1e30);
    out.t2 = (v >= x) ? T(1) / h2 : r2 / h2;
    return out;
}
template <typename T> LOGBESSEL_INLINE radius<T> make_radius(T v, T x) {
    T h2;
    radius<T> out = radius_without_log(v, x, h2);
    const T m = m_max(v, x);
    // log R = e ln2 + log(f sqrt(1 + r^2)) with m = f 2^e, f in [1/2, 1): the large part
    // e ln2_hi is exact and only the O(1) remainder is rounded, so log R carries an absolute
    // error of ~eps instead of ~eps log R (which matters where log I ~ 0 at large R).
    int e;
    const T f = m_frexp(m, &e);
    out.log_r_hi = T(e) * ln2_hi<T>();
    out.log_r_lo = T(0.5) * m_log(f * f * h2) + T(e) * ln2_lo<T>();
    return out;
}

// ---------------------------------------------------------------------------------------
// The Debye exponent v*eta, eta(z) = sqrt(1 + z^2) + log(z / (1 + sqrt(1 + z^2))), z = x/v
// (DLMF 10.41.7), written without z so that v = 0 and huge ratios are safe:
//     v*eta = sqrt(v^2 + x^2) - v * asinh(v/x).
// With a = v/x this is x * g(a), g(a) = sqrt(1 + a^2) - a asinh(a), or v * f(a),
// f(a) = sqrt(1 + a^2)/a - asinh(a).
//
// Conditioning: f has a zero at a0 = 1.50888 (x ~ 0.663 v), where log I_v(x) and log K_v(x)
// are only O(log v) but the two terms of f are ~1.2 each. A plain evaluation then loses
// ~1.2 eps / |f| relatively, i.e. an absolute error of ~v eps -- 1e-8 at v = 1e8, where
// the answer is ~ -10. So in the band a in [0.4, 10] we evaluate f in double-double around
// the anchor a0 (constants generated in coefficients.hpp):
//     f(a) = [S(a)/a - asinh(a0)] - asinh(a S0 - a0 S(a)),   S(a) = sqrt(1 + a^2),
// using asinh(p) - asinh(q) = asinh(p sqrt(1+q^2) - q sqrt(1+p^2)). Both brackets are
// formed from double-double a = v/x (the division remainder comes from an fma), their
// leading parts cancel exactly (Sterbenz: the operands are within a factor 2 across the
// band), and the two pieces have the same sign, so f comes out with a relative error of a
// few eps for every a in the band. Outside the band f (or g) has no cancellation: the
// relative error is below ~2 eps.
// ---------------------------------------------------------------------------------------
template <typename T> LOGBESSEL_INLINE two_part<T> debye_v_eta(T v, T x, const radius<T> &rd) {
    using tr = traits<T>;
    if (v <= T(0.4) * x) {
        // a = v/x = rd.r <= 0.4: g(a) = sqrt(1 + a^2) - a asinh(a) in [0.92, 1], no
        // cancellation; asinh(a) = log1p(a + a^2 / (1 + sqrt(1 + a^2))). v = 0 gives x.
        const T a = rd.r;
        return {x * (rd.sq - a * m_log1p(a + a * a / (T(1) + rd.sq))), T(0)};
    }
    if (T(0.1) * v >= x) {  // (not v >= 10 x: 10 x overflows near the float max)
        // b = x/v = rd.r <= 0.1: f = sqrt(1 + b^2) - asinh(1/b), |f| >= 2, no cancellation;
        // asinh(1/b) = log((1 + sqrt(1 + b^2)) / b), from separate logs where 1/b overflows.
        const T b = rd.r;
        const T as = (b > T(4) / limits<T>::max()) ? m_log((T(1) + rd.sq) / b)
                                                   : m_log1p(rd.sq) + m_log(v) - m_log(x);
        return {v * (rd.sq - as), T(0)};
    }
    // Band 0.4 < a < 10: double-double around the anchor (see above).
    T ah = v / x;
    T al = m_fma(-ah, x, v) / x;  // a = ah + al to ~eps^2
    // S = sqrt(1 + a^2) as sh + sl
    T p, pe;
    two_prod(ah, ah, p, pe);
    pe += T(2) * ah * al;
    T h, l;
    two_sum(T(1), p, h, l);
    l += pe;
    const T sh = m_sqrt(h);
    const T sl = (m_fma(-sh, sh, h) + l) / (T(2) * sh);
    // q = S / a as qh + ql
    const T qh = sh / ah;
    const T ql = (m_fma(-qh, ah, sh) + sl - qh * al) / ah;
    // B = q - asinh(a0): the leading difference is exact (Sterbenz).
    const T B = (qh - tr::c0_hi()) + (ql - tr::c0_lo());
    // d = a S0 - a0 S, each product in double-double; leading difference exact.
    T m1, m1e, m2, m2e;
    two_prod(ah, tr::s0_hi(), m1, m1e);
    m1e += ah * tr::s0_lo() + al * tr::s0_hi();
    two_prod(tr::a0_hi(), sh, m2, m2e);
    m2e += tr::a0_hi() * sl + tr::a0_lo() * sh;
    const T d_hi = m1 - m2, d_lo = m1e - m2e;
    const T d = d_hi + d_lo;
    if (!(m_fabs(d) < T(0.15))) return {v * (B - m_asinh(d)), T(0)};
    // Close to the zero of eta (|d| < 0.15, i.e. |f| < ~0.2) keep f = B - asinh(d) to
    // double-double as well: asinh(d) = d + d^3 g(d^2), the series of g (DLMF 4.38.2) to
    // d^19 (double) / d^11 (float), so only the small d^3 g part is rounded; then v f as an
    // exact product. This makes v eta accurate to ~eps absolute where log I ~ 0.
    const T u = d * d;
    T g;
    if (sizeof(T) >= 8)
        g = T(-1.0 / 6) + u * (T(3.0 / 40) + u * (T(-5.0 / 112) + u * (T(35.0 / 1152) +
            u * (T(-63.0 / 2816) + u * (T(231.0 / 13312) + u * (T(-143.0 / 10240) +
            u * (T(6435.0 / 557056) + u * T(-12155.0 / 1245184))))))));
    else
        g = T(-1.0 / 6) + u * (T(3.0 / 40) + u * (T(-5.0 / 112) + u * (T(35.0 / 1152) + u * T(-63.0 / 2816))));
    const T c = d * u * g;
    const T B_hi = qh - tr::c0_hi(), B_lo = ql - tr::c0_lo();
    T f_hi, f_lo;
    two_sum(B_hi, -d_hi, f_hi, f_lo);
    f_lo += (B_lo - d_lo) - c;
    T vf, vf_err;
    two_prod(v, f_hi, vf, vf_err);
    return {vf, vf_err + v * f_lo};
}

// Sum_{k=1..K} (sign * w)^k P_k(t2), w = 1/R: the Debye correction series, u_k(t)/v^k =
// P_k(t^2)/R^k (DLMF 10.41.3 for I: sign = +1; 10.41.4 for K: sign = -1). K is the smallest
// number of terms whose truncation error (first neglected term, bounded by
// max_{[0,1]}|P_{K+1}| / R^{K+1}) is below eps/4; it falls from 20 (double) at R = 21.5 to 1
// for R > 3.6e7. P_k have alternating coefficients up to ~1e11 (k = 20), but they are divided
// by R^k >= 21.5^k, so their rounding error stays far below eps.
#if defined(__GNUC__) && !defined(__clang__) && !defined(__CUDACC__)
#define LOGBESSEL_UNROLL _Pragma("GCC unroll 20")
#else
#define LOGBESSEL_UNROLL
#endif

// The polynomial families of the Debye-type series (coefficients.hpp, highest power first):
// P_k (degree k) for log I / log K, E_k (degree k - 1) for the ratios, Q_k (degree k) for the
// order derivatives. family::poly<T>(k, s) evaluates the k-th polynomial by Horner's rule.
#define LOGBESSEL_DEBYE_FAMILY(NAME, OFFSET, COEFF, DEGREE)                                    \
    struct NAME {                                                                             \
        template <typename T> LOGBESSEL_INLINE static T poly(int k, T s) {                   \
            const int off = OFFSET(k);                                                        \
            T acc = COEFF<T>(off);                                                            \
            LOGBESSEL_UNROLL                                                                  \
            for (int j = 1; j <= (DEGREE); ++j) acc = acc * s + COEFF<T>(off + j);            \
            return acc;                                                                       \
        }                                                                                     \
    };
LOGBESSEL_DEBYE_FAMILY(debye_p_family, debye_offset, debye_coeff, k)
LOGBESSEL_DEBYE_FAMILY(debye_e_family, debye_e_offset, debye_e_coeff, k - 1)
LOGBESSEL_DEBYE_FAMILY(debye_q_family, debye_q_offset, debye_q_coeff, k)
#undef LOGBESSEL_DEBYE_FAMILY

template <typename T, int K, typename Family = debye_p_family>
LOGBESSEL_INLINE T debye_series_fixed(T t2, T sw) {
    T p[K + 1];
#if defined(__GNUC__) && !defined(__clang__) && !defined(__CUDACC__)
#pragma GCC unroll 20
#endif
    for (int k = 1; k <= K; ++k) p[k] = Family::template poly<T>(k, t2);
    const T sw2 = sw * sw;
    T odd = T(0), even = T(0);
    constexpr int k_odd_top = (K % 2 == 1) ? K : K - 1;
    constexpr int k_even_top = (K % 2 == 0) ? K : K - 1;
#if defined(__GNUC__) && !defined(__clang__) && !defined(__CUDACC__)
#pragma GCC unroll 20
#endif
    for (int k = k_odd_top; k >= 1; k -= 2) odd = odd * sw2 + p[k];     // sum P_k sw^(k-1), k odd
#if defined(__GNUC__) && !defined(__clang__) && !defined(__CUDACC__)
#pragma GCC unroll 20
#endif
    for (int k = k_even_top; k >= 2; k -= 2) even = even * sw2 + p[k];  // sum P_k sw^(k-2), k even
    return sw * (odd + sw * even);
}

template <typename T> LOGBESSEL_INLINE T debye_series(const radius<T> &rd, T sign) {
    // A few fixed term counts instead of the exact minimum: with random inputs an exact,
    // data-dependent K costs a mispredicted branch per element, more than the extra FMAs.
    // double: 8 terms from R >= 91.3, 12 from 44.1, 16 from 25.7, 20 below (R_D = 21.5);
    // float:  4 terms from R >= 23.8, 6 from 12.9, 8 below (R_D = 10).
    using tr = traits<T>;
    constexpr int k_max = tr::debye_max_terms();
    const T sw = sign * rd.inv_r;
    const T s = rd.t2;
    if (k_max == 20) {
        if (rd.r_capped >= tr::debye_rmin(8)) return debye_series_fixed<T, 8>(s, sw);
        if (rd.r_capped >= tr::debye_rmin(12)) return debye_series_fixed<T, 12>(s, sw);
        if (rd.r_capped >= tr::debye_rmin(16)) return debye_series_fixed<T, 16>(s, sw);
        return debye_series_fixed<T, 20>(s, sw);
    }
    if (rd.r_capped >= tr::debye_rmin(4)) return debye_series_fixed<T, 4>(s, sw);
    if (rd.r_capped >= tr::debye_rmin(6)) return debye_series_fixed<T, 6>(s, sw);
    return debye_series_fixed<T, 8>(s, sw);
}

// log1p(t) for the small Debye corrections (|t| <= 0.125/R_D + ... < 0.015): the Taylor
// series t - t^2/2 + ... to 8 terms (double) / 4 terms (float) when |t| < 2^-7, where the
// truncation is below 0.01 ulp; the library log1p otherwise. Saves a transcendental call.
template <typename T> LOGBESSEL_INLINE T log1p_small(T t) {
    if (m_fabs(t) >= T(0.0078125)) return m_log1p(t);
    if (sizeof(T) >= 8)
        return t * (T(1) - t * (T(1.0 / 2) - t * (T(1.0 / 3) - t * (T(1.0 / 4) - t * (T(1.0 / 5) -
               t * (T(1.0 / 6) - t * (T(1.0 / 7) - t * T(1.0 / 8))))))));
    return t * (T(1) - t * (T(1.0 / 2) - t * (T(1.0 / 3) - t * T(1.0 / 4))));
}

// log Gamma(1 + v) for v > -1. For |v| < 1/16 the Taylor series
//     log Gamma(1 + v) = -gamma v + sum_{k>=2} (-1)^k zeta(k) v^k / k      (DLMF 5.7.3)
// (12 terms: truncation < 1e-17 relative) keeps full relative accuracy as v -> 0, where
// lgamma(1 + v) would lose it to the rounding of 1 + v. Elsewhere the platform lgamma.
template <typename T> LOGBESSEL_INLINE T lgamma1p(T v) {
    if (m_fabs(v) < T(0.0625)) {
        // zeta(k)/k for k = 2..13.
        const T c[12] = {T(0.822467033424113218), T(0.400685634386531428), T(0.270580808427784548),
                         T(0.207385551028673985), T(0.169557176997408190), T(0.144049896768846118),
                         T(0.125509669524743042), T(0.111334265869564690), T(0.100099457512781809),
                         T(0.0909540171458762014), T(0.0833538405461090040),
                         T(0.0769325164113521574)};
        T acc = T(0);
        for (int k = 11; k >= 0; --k) acc = c[k] - v * acc;  // c0 - v c1 + v^2 c2 - ...
        return v * (-euler_gamma<T>() + v * acc);
    }
    return m_lgamma(T(1) + v);
}

}  // namespace detail
}  // namespace logbessel
