// logbessel/ratio.hpp -- the Bessel ratio I_{v+1}(x)/I_v(x), its complement, the logarithmic
// derivatives in x of I_v and K_v, and the inverse of the ratio.
//
//   iv_ratio(v, x)   = I_{v+1}(x) / I_v(x)                (v > -1, x >= 0)
//   iv_ratio_c(v, x) = 1 - I_{v+1}(x) / I_v(x)            (full relative accuracy when tiny)
//   log_iv_dx(v, x)  = I_v'(x) / I_v(x) = v/x + iv_ratio(v, x)       (DLMF 10.29.2)
//   log_kv_dx(v, x)  = K_v'(x) / K_v(x) = -(v/x + K_{v-1}(x)/K_v(x)) (DLMF 10.29.2)
//   iv_ratio_inv(v, r) = the kappa >= 0 with iv_ratio(v, kappa) = r  (v >= -1/2, 0 <= r < 1)
//
// Regions (v >= 0; R = sqrt(v^2 + x^2)):
//
//  1. R >= R_ratio (26.5 in double, 11 in float): the Debye expansions of I_v, I_v', K_v, K_v'
//     (DLMF 10.41.3-6). Their quotient is I_v'/I_v = (R/x) V/U with U = 1 + sum P_k(s)/R^k and
//     V = 1 + sum Q-like terms; writing v_k(t) - u_k(t) = t^k (s - 1) E_k(s) (s = t^2 = v^2/R^2,
//     E_k generated in coefficients.hpp) gives the exact rearrangement
//         I_v'/I_v = R/x - (x/R) E/U,      E = sum_k E_k(s) / R^k,
//         K_v'/K_v = -R/x + (x/R) E-/U-,   (the same sums with (-1)^k),
//     and, subtracting v/x with R - v = x^2/(R + v) and R - x = v^2/(R + x),
//         I_{v+1}/I_v     = x/(R + v) - (x/R) E/U,
//         1 - I_{v+1}/I_v = v (R + x + v) / ((R + x)(R + v)) + (x/R) E/U.
//     Every sum has terms of one sign (E/U is below 1/(2R) relative to the leading term), so
//     there is no cancellation, in particular none in the complement as x/v -> infinity where
//     1 - I_{v+1}/I_v ~ (v + 1/2)/x. The threshold is where 20 terms of E (12 in float) leave a
//     truncation below eps/4 (debye_e_rmin). Accuracy: ~1-2 ulps.
//
//  2. R < R_ratio. The ratio: the power series I_{v+1}/I_v = W / ((x/2) S), S = sum_j a_j,
//     W = sum_j j a_j, a_j = (x^2/4)^j / (j! (v+1)_j) (DLMF 10.25.2), all terms positive, in
//     working precision with compensated sums (iv_ratio_series_plain: error analysis there,
//     <= ~1 ulp). The complement: 1 - ratio where the ratio is at most 1/4; above, Miller's
//     backward recurrence for the Perron continued fraction (iv_ratio_miller), its last levels
//     in double-double (float-float), since 1 - A cancels by up to a factor 53 there. Its
//     depth comes from Amos' upper bound on the ratio, so no convergence test is needed.
//     K_v'/K_v comes from the ratios rho of Temme's method / Steed's CF2 and the forward
//     recurrence of log_kv.hpp, as a sum of positive terms.
//
//  Negative order. iv_ratio: for -1 < v < 0 I_v(x) > 0; the series and Miller's recurrence
//  hold as they are, and in the Debye region one backward step of the recurrence
//  I_{v+1}/I_v = x / (2(v+1) + x I_{v+2}/I_{v+1}) (DLMF 10.29.1; stable for the ratio) reaches v
//  from v + 1 >= 0. The complement's numerator 2(v+1) - x (1 - A_{v+1}) ~ v + 1/2 is then
//  rewritten from the Debye pieces so that it does not cancel (see iv_ratio_pair); only within
//  ~1/x of v = -1/2, where 1 - I_{1/2}/I_{-1/2} = 1 - tanh(x) is exponentially small, its O(1/x)
//  corrections still cancel (~eps/(2x |v + 1/2|) relative); v = -1/2 itself uses the closed
//  form. In float, the complement (and the inverse's derivatives) for -1 < v < 0 are evaluated
//  in double, which leaves them at ~1/2 ulp of float.
//  log_iv_dx for v <= -1 (non-integer) differentiates I_v = I_a + (2/pi) sin(a pi) K_a, a = -v
//  (DLMF 10.27.2); it is nan where I_v(x) <= 0, like log_iv. log_kv_dx is even in v.
//
//  Inverse: Halley's method (or, in double near the origin, an order-5 step) on A(kappa) - r
//  (r <= 1/2) or on the complement s - c(kappa) with s = 1 - r exact (r > 1/2), from a start
//  with relative error <= 3.4e-4 (v >= 0; an Amos-type form with a fitted constant,
//  iv_ratio_inv_start). A'(kappa) = 1 - A^2 - (2v + 1) A / kappa (from DLMF 10.29.2) and the
//  higher derivatives by differentiating it: no extra Bessel evaluation. About one accurate
//  evaluation per call (1.000 in float, 1.008-1.011 in double on the benchmark's inputs); the
//  stopping rules follow from the convergence order (see iv_ratio_inv_from_start). The ufunc
//  runs blocks of elements through iv_ratio_inv_block so that the start -> evaluation -> step
//  chains of successive elements overlap.
#pragma once

#include "config.hpp"
#include "log_common.hpp"
#include "log_iv.hpp"
#include "log_kv.hpp"
#include "log_series.hpp"

namespace logbessel {
namespace detail {


// make_radius without log R (the ratios never need it; the log is most of its cost).
template <typename T> LOGBESSEL_INLINE radius<T> ratio_radius(T v, T x) {
    T h2;
    return radius_without_log(v, x, h2);
}

// Below this R the E series cannot reach eps/4 with the available terms (see the header).
template <typename T> LOGBESSEL_INLINE constexpr T ratio_debye_min_r() { return sizeof(T) >= 8 ? T(26.5) : T(11); }

// U = 1 + sum_{k<=K} P_k(s) w^k and E = sum_{k<=K} E_k(s) w^k, w = sign / R.
template <typename T, int K> LOGBESSEL_INLINE void debye_ratio_sums_fixed(T s, T w, T &u, T &e, T &e2, T &su_out) {
    T p[K + 1], q[K + 1];
#if defined(__GNUC__) && !defined(__clang__) && !defined(__CUDACC__)
#pragma GCC unroll 20
#endif
    for (int k = 1; k <= K; ++k) {
        p[k] = debye_p_family::poly<T>(k, s);
        q[k] = debye_e_family::poly<T>(k, s);
    }
    T su = T(0), se = T(0);
#if defined(__GNUC__) && !defined(__clang__) && !defined(__CUDACC__)
#pragma GCC unroll 20
#endif
    for (int k = K; k >= 2; --k) {
        su = (su + p[k]) * w;
        se = (se + q[k]) * w;
    }
    su = (su + p[1]) * w;
    e2 = se;              // sum_{k>=2} E_k w^(k-1), so that E = (E_1 + e2) w with E_1 = 1/2
    se = (se + q[1]) * w;
    su_out = su;  // U - 1
    u = T(1) + su;
    e = se;
}

// Term counts from the E thresholds (debye_e_rmin), which are stricter than those of P.
template <typename T> LOGBESSEL_INLINE void debye_ratio_sums(const radius<T> &rd, T sign, T &u, T &e, T &e2, T &su) {
    const T w = sign * rd.inv_r;
    const T s = rd.t2;
    const T R = rd.r_capped;
    if (sizeof(T) >= 8) {
        if (R >= T(debye_e_rmin_double(7))) return debye_ratio_sums_fixed<T, 8>(s, w, u, e, e2, su);
        if (R >= T(debye_e_rmin_double(11))) return debye_ratio_sums_fixed<T, 12>(s, w, u, e, e2, su);
        if (R >= T(debye_e_rmin_double(15))) return debye_ratio_sums_fixed<T, 16>(s, w, u, e, e2, su);
        return debye_ratio_sums_fixed<T, 20>(s, w, u, e, e2, su);
    }
    if (R >= T(debye_e_rmin_float(3))) return debye_ratio_sums_fixed<T, 4>(s, w, u, e, e2, su);
    if (R >= T(debye_e_rmin_float(5))) return debye_ratio_sums_fixed<T, 6>(s, w, u, e, e2, su);
    if (R >= T(debye_e_rmin_float(7))) return debye_ratio_sums_fixed<T, 8>(s, w, u, e, e2, su);
    return debye_ratio_sums_fixed<T, 12>(s, w, u, e, e2, su);
}

// Region 1 pieces for v >= 0, R >= R_ratio, with m = max(v, x), r = min/max, sq = sqrt(1 + r^2)
// from ratio_radius (so nothing overflows for x or v near the float max).
template <typename T> struct debye_ratio {
    T ratio;       // I_{v+1}/I_v
    T complement;  // 1 - I_{v+1}/I_v
};
// (rd = ratio_radius(v, x); the inverse passes its own, whose 1/R it uses again for A')
template <typename T> LOGBESSEL_INLINE debye_ratio<T> iv_ratio_debye_rd(T v, T x, const radius<T> &rd) {
    T u, e, e2, su;
    debye_ratio_sums(rd, T(1), u, e, e2, su);
    const bool x_major = x >= v;
    const T x_over_r = x_major ? T(1) / rd.sq : rd.r / rd.sq;  // x / R
    const T corr = x_over_r * (e / u);                           // (x/R) E/U > 0
    debye_ratio<T> out;
    // x/(R + v) and v (R + x + v) / ((R + x)(R + v)), divided through by max(v, x)
    if (x_major) {
        const T a = rd.r;  // v/x
        out.ratio = T(1) / (rd.sq + a) - corr;
        out.complement = a * (rd.sq + T(1) + a) / ((rd.sq + T(1)) * (rd.sq + a)) + corr;
    } else {
        const T b = rd.r;  // x/v
        out.ratio = b / (rd.sq + T(1)) - corr;
        out.complement = (rd.sq + b + T(1)) / ((rd.sq + b) * (rd.sq + T(1))) + corr;
    }
    return out;
}
template <typename T> LOGBESSEL_INLINE debye_ratio<T> iv_ratio_debye(T v, T x) {
    return iv_ratio_debye_rd(v, x, ratio_radius(v, x));
}

// Region 2, the complement (and the ratio with it) where the ratio exceeds 1/4: Miller's
// backward recurrence (the Perron continued fraction I_{v+1}/I_v = 1/(a_1 + 1/(a_2 + ...)),
// a_k = 2(v+k)/x, DLMF 10.29.1 / 10.33.1, evaluated backward): y_{N+1} = 0, y_N = 1,
// y_{k-1} = a_k y_k + y_{k+1}; then A = y_1/y_0 and 1 - A = (y_0 - y_1)/y_0.
//  * Truncation: with r_k = I_{v+k+1}/I_{v+k}, a relative error d in r_k becomes -d r_k r_{k-1}
//    in r_{k-1}, so starting from r_N = 0 leaves a relative error ~prod_{k<=N} r_k^2 in A.
//    Amos' upper bound r_k <= x / (v+k+1/2 + sqrt((v+k+1/2)^2 + x^2)) = exp(-asinh(t_k)) <=
//    1/(1 + t_k), t_k = (v+k+1/2)/x (D. E. Amos, Math. Comp. 28 (1974) 239), gives
//    prod r_k^2 <= 1/P_N^2 with P_N = prod_{k<=N} (1 + t_k), formed in a first forward pass;
//    N is the first index with P_N^2 >= 16 (2 + 2x) / (eps c_min), plus 2, where
//    c_min = (v + 1/2)/(x + v + 1/2) <= 1 - A for v >= 0 (the same bound at k = 0, with
//    sqrt((v + 1/2)^2 + x^2) >= x; it is >= 1/(2 + 2x), the v = 0 value used before, and for
//    v >~ 1 saves a level or two of each kind), so the truncation is below eps/16 of the
//    complement.
//  * Rounding: an error introduced at level k is damped by prod_{j<k} r_j r_{j+1} ~ 1/P_k^2 on
//    its way to A; the complement needs A to eps (1 - A)/8, so the levels k < K, with K the
//    first index where P_K^2 >= 64 / c_min, run in double-double (float-float), with
//    a_k = (v + k)(2/x) formed exactly to that precision (two_sum, and 2/x as a pair); the
//    levels above K in working precision (one fma each), whose errors reach A below eps/64 of
//    the complement.
// For -1 < v < 0 (only reached from iv_ratio_pair with the ratio above 1/4) every level is in
// double-double and c_min is |v + 1/2|/(2 + 2x) (1 - A ~ (v + 1/2)/x changes sign at v = -1/2).
// Cost at x = 26.5, v = 0: ~36 levels, 14 of them in double-double; no divisions in the loop.
// Measured against Arb (6000 random points, R < 26.5): complement and ratio within ~1 ulp.
template <typename T> LOGBESSEL_INLINE debye_ratio<T> iv_ratio_miller(T v, T x) {
    const T eps = limits<T>::eps();
    const T ix = T(1) / x;
    const T cw = T(2) + T(2) * x;
    const bool neg = v < T(0);
    const T c_min_inv = neg ? cw / m_max(m_fabs(v + T(0.5)), eps) : (x + v + T(0.5)) / (v + T(0.5));
    const T need_n = T(16) * cw * c_min_inv / eps;
    const T need_k = neg ? need_n : T(64) * c_min_inv;
    T p = T(1), t = (v + T(0.5)) * ix;
    // (capped at 1000 levels: P_N^2, P_N >= prod (1 + (v + k)/x), reaches need_n (<= ~1e36 for
    // x <= 26.5 and |v + 1/2| >= eps) long before; the cap only bounds the loop's time)
    // (two loops: first to K (need_k <= need_n), then on to N; one test a level in each)
    int n = 0, kd = 0;
    for (int level = 0; level < 1000; ++level) {
        p *= T(1) + t;
        t += ix;
        ++n;
        if (p * p >= need_k) {
            kd = n;
            break;
        }
    }
    for (int level = n; level < 1000 && p * p < need_n; ++level) {
        p *= T(1) + t;
        t += ix;
        ++n;
    }
    n += 2;
    if (kd == 0 || neg) kd = n;
    // 2/x as a pair (txh + txl)
    const T txh = T(2) * ix;
    const T txl = m_fma(-txh, x, T(2)) * ix;
    // working-precision levels n .. kd+1
    T y1 = T(0), y0 = T(1);  // y_{k+1}, y_k with k = n
    int k = n;
    for (; k > kd; --k) {
        const T ak = (v + T(k)) * txh;
        const T ym = m_fma(ak, y0, y1);
        y1 = y0;
        y0 = ym;
    }
    // double-double levels kd .. 1
    T y0h = y0, y0l = T(0), y1h = y1, y1l = T(0);
    for (; k >= 1; --k) {
        T sh, sl;
        two_sum(v, T(k), sh, sl);
        T ah, al;
        two_prod(sh, txh, ah, al);
        al += sh * txl + sl * txh;
        T ph, pl;
        two_prod(ah, y0h, ph, pl);
        pl += ah * y0l + al * y0h;
        T zh, zl;
        two_sum(ph, y1h, zh, zl);
        zl += pl + y1l;
        y1h = y0h;
        y1l = y0l;
        // (no renormalisation: all terms are positive, so |zl| grows by at most ~1 ulp of zh a
        // level and stays ~kd ulps; the pair stays exact as a sum and the low parts only enter
        // through products rounded at ~eps^2 relative. This shortens the level's dependency chain.)
        y0h = zh;
        y0l = zl;
    }
    // y0 = y_0, y1 = y_1
    debye_ratio<T> out;
    const T rh = y1h / y0h;
    out.ratio = rh + ((m_fma(-rh, y0h, y1h) + y1l) - rh * y0l) / y0h;
    T nh, nl;
    two_sum(y0h, -y1h, nh, nl);
    nl += y0l - y1l;
    const T ch = nh / y0h;
    out.complement = ch + ((m_fma(-ch, y0h, nh) + nl) - ch * y0l) / y0h;
    return out;
}

// Region 2, the ratio alone in working precision (v > -1, 0 < x, R < R_ratio): the same sums
// S = sum a_j and W = sum j a_j, ratio = W / ((x/2) S), with a_j = a_{j-1} m_j, m_j = q/(j (j+v)),
// in plain arithmetic. Error analysis (u = eps/2):
//  * the computed a_j carry relative errors e_j = sum_{i<=j} d_i, |d_i| <= 4u (q/(j(j+v)): three
//    roundings, the product one). Since the ratio is E_W[j] / E_S[j] scaled (the mean of j under
//    the weights j a_j against a_j), its error is sum_i d_i (P_W(j >= i) - P_S(j >= i)): the
//    coefficients are >= 0 (W is the size-biased S) and sum to Var_S(j)/E_S(j) <= 1 (the Bessel
//    distribution is underdispersed), so the contribution is at most max |d_i| <= 4u, in
//    practice ~u (the d_i are not all of one sign); a rounding of q itself is the same as
//    perturbing x, to which the ratio is insensitive (|d log A / d log x| <= 1);
//  * S and W are summed with two_sum compensation (Knuth), so summing ~50 terms costs O(n u^2)
//    instead of up to n u; only the tail (terms below 2^-12 W that fall geometrically) goes
//    into plain separate sums, whose roundings are relative to the tail (< 0.05 u in all);
//  * truncation: past j with m_j <= 1/2 the terms of S and W fall at least geometrically by
//    m_j (q/(i(i+1+v)) <= m_j for i >= j), so the tails are below a_j and j a_j; the loop stops
//    when j a_j <= (eps/8) W (and j >= W/S, so a_j <= (eps/8) S as well).
// Measured against Arb (6000 random points, R < 26.5): <= 1 ulp (double and float).
// Cost: one division and ~20 flops a term, ~x/2 + 6 sqrt(x) + 5 terms.
template <typename T> LOGBESSEL_INLINE T iv_ratio_series_plain(T v, T x) {
    const T eps = limits<T>::eps();
    const T q = T(0.25) * x * x;
    if (q < eps * (v + T(1))) return x / (T(2) * (v + T(1))) * (T(1) - q / ((v + T(1)) * (v + T(2))));
    T a = T(1);
    T s = T(1), se = T(0);  // S and its compensation
    T w = T(0), we = T(0);  // W and its compensation
    T jj = T(0);
    T ja = T(1);
    for (int j = 1; j < 400; ++j) {  // the bulk of the terms, compensated
        jj += T(1);
        const T m = q / (jj * (jj + v));
        a *= m;
        ja = jj * a;
        compensated_add(s, se, a);
        compensated_add(w, we, ja);
        if (m <= T(0.5) && ja <= T(1.0 / 4096) * w) break;
    }
    // The tail: past the break the terms fall at least geometrically (m <= 1/2 from here on) and
    // start below 2^-12 W, so they sum to < 2^-10 of W (and of S). Plain sums in their own
    // accumulators: each rounding is relative to the tail, i.e. < 2^-10 u of the totals (with
    // at most ~40 terms, < 0.05 u in all), where adding them to s and w one by one needs the
    // compensation. ~40% of the terms at x ~ 20, each without its two two_sums.
    T ts = T(0), tw = T(0);
    if (ja > T(0.125) * eps * w) {
        for (int k = 0; k < 400; ++k) {  // (jj counts on from the bulk's last term)
            jj += T(1);
            a *= q / (jj * (jj + v));
            ja = jj * a;
            ts += a;
            tw += ja;
            if (ja <= T(0.125) * eps * w) break;
        }
        compensated_add(s, se, ts);
        compensated_add(w, we, tw);
    }
    // ratio = W / D, D = (x/2) S, with D's product and the quotient's remainder exact (fma),
    // so the final steps add ~1/2 ulp; then the rounding ql of q = x^2/4 is put back to first
    // order: d A / d log q = (x/2) A'(x) = (x/2)(1 - A^2) - (v + 1/2) A (DLMF 10.29.2).
    const T hx = T(0.5) * x;
    T dh, dl;
    two_prod(hx, s, dh, dl);
    dl += hx * se;
    const T r0 = w / dh;
    T r = r0 + ((m_fma(-r0, dh, w) + we) - r0 * dl) / dh;
    const T ql = m_fma(T(0.25) * x, x, -q);  // x^2/4 - q exactly (x/4 exact unless subnormal)
    r += (ql / q) * (hx * ((T(1) - r) * (T(1) + r)) - (v + T(0.5)) * r);
    return r;
}

// I_{v+1}/I_v and, when want_complement, 1 - I_{v+1}/I_v, for v >= 0 or -1 < v < 0, 0 < x < inf.
template <typename T> LOGBESSEL_INLINE debye_ratio<T> iv_ratio_pair(T v, T x, bool want_complement) {
    if (sizeof(T) < 8 && v < T(0) && want_complement) {
        // float, -1 < v < 0: the complement's numerator below still cancels to ~1/(2x) relative
        // to |v + 1/2| within ~1/x of v = -1/2, which float (with ~10-ulp Debye sums at R ~ 11)
        // cannot afford (~200 ulps at v + 1/2 = 6e-4); evaluate this rare case in double.
        const debye_ratio<double> d = iv_ratio_pair<double>(double(v), double(x), true);
        debye_ratio<T> o;
        o.ratio = T(d.ratio);
        o.complement = T(d.complement);
        return o;
    }
    const T rmin = ratio_debye_min_r<T>();
    const T va = m_fabs(v);
    const bool debye = (v >= T(0) || v + T(1) >= T(0)) &&
                       (va >= rmin || x >= rmin || va * va + x * x >= rmin * rmin);
    debye_ratio<T> out;
    if (debye && v >= T(0)) return iv_ratio_debye(v, x);
    if (debye) {
        // -1 < v < 0: one backward step from mu = v + 1 (DLMF 10.29.1),
        //     A_v = x / (2 mu + x A_mu),   1 - A_v = N / (2 mu + x A_mu),   N = 2 mu - x (1 - A_mu).
        // N ~ v + 1/2 is small near v = -1/2 while 2 mu and x (1 - A_mu) are ~1, so N is not
        // formed by that subtraction: with the region-1 form of 1 - A_mu (mu < 1 << x here, so
        // R = x sq), E = (1/2 + e2)/R and U = 1 + su, the algebra
        //     2 mu - x mu (R + x + mu)/((R + x)(R + mu)) = mu + mu^2/(R + x),
        //     (x^2/R) E/U = (x^2/R^2) (1/2 + (e2 - su/2)/U),   x^2/R^2 = 1 - mu^2/R^2
        // gives, exactly,
        //     N = (v + 1/2) + mu^2/(R + x) + mu^2/(2 R^2) - (e2 - su/2)/(sq^2 U),
        // whose O(1/x) corrections are small against v + 1/2 unless |v + 1/2| < ~1/x; the
        // cancellation of the plain step (~|v + 3/2|/|v + 1/2| ulps) is gone.
        const T mu = v + T(1);
        const radius<T> rd = ratio_radius(mu, x);
        T u, e, e2, su;
        debye_ratio_sums(rd, T(1), u, e, e2, su);
        const T sq2 = rd.sq * rd.sq;
        const T rr = rd.r;  // mu / x
        const T a_mu = T(1) / (rd.sq + rr) - (T(1) / rd.sq) * (e / u);
        const T num = (v + T(0.5)) + (mu * rr / (T(1) + rd.sq) + T(0.5) * rr * rr / sq2 - (e2 - T(0.5) * su) / (sq2 * u));
        const T den = T(2) * mu + x * a_mu;
        out.ratio = x / den;
        out.complement = num / den;
        return out;
    }
    // The ratio alone: the plain series. The complement: 1 - ratio where the ratio is at most
    // 1/4 (1 - ratio then rounds once more: <= 3/4 ulp added), else Miller's recurrence with
    // its double-double levels (no cancellation left). Amos' lower bound
    // x / (v + 1/2 + sqrt((v + 3/2)^2 + x^2)) <= A (D. E. Amos, Math. Comp. 28 (1974) 239; for
    // v >= 0) sends the clear cases A > 1/4 straight there.
    if (want_complement && v >= T(0) &&
        T(4) * x > v + T(0.5) + m_sqrt((v + T(1.5)) * (v + T(1.5)) + x * x))
        return iv_ratio_miller(v, x);
    out.ratio = iv_ratio_series_plain(v, x);
    if (want_complement && out.ratio > T(0.25)) return iv_ratio_miller(v, x);
    out.complement = T(1) - out.ratio;
    return out;
}

// K_{v-1}(x)/K_v(x) > 0 for v >= 0, 0 < x < inf, R < R_ratio (Temme / Steed + recurrence).
// log K_v'/K_v = -(v/x + K_{v-1}/K_v); see the header of log_kv.hpp for the rho notation.
// The start rho_mu: Temme's series for x <= 1; above, only the continued fraction h of
// Steed's CF2 (steed_rho, log_kv.hpp): the ratio needs no K_mu, whose sum takes ~2.7x the steps.
template <typename T> LOGBESSEL_INLINE T log_kv_dx_small(T v, T x) {
    const T nf = m_floor(v + T(0.5));
    const int n = static_cast<int>(nf);
    const T mu = v - nf;  // in [-1/2, 1/2)
    const T x2 = T(0.25) * x * x;
    if (n == 0) {
        // v = mu in [0, 1/2): K_{mu-1}/K_mu = K_{1-mu}/K_{-mu} = (2/x) rho_{-mu}, so
        // K_v'/K_v = -(mu + 2 rho_{-mu}) / x, a sum of positive terms.
        const T rho = (x <= T(1)) ? temme_series(-mu, x).rho : steed_rho(-mu, x);
        return -(mu + T(2) * rho) / x;
    }
    // (x/2)^2 / rho_nu for nu = v - 1, by the forward recurrence rho_{nu+1} = nu + 1 + x2 / rho_nu.
    // Its start t = x2/rho_mu = (x/2) K_mu/K_{mu+1} lies in (0, x/2] (K_nu increases with |nu|),
    // and the recurrence damps an error of the start: rho_{mu+1} = mu + 1 + t is off by at most
    // |dt|/(mu + 1) relatively, each further step multiplies the relative error by at most
    // x2 / (nu (nu + 1)) (rho_nu >= nu), and the result -(v/x + (x/2)/rho_{v-1}) by at most
    // x^2 / (2 v (v - 1)). Where that product D, with dt = x/4 (the start t = x/4), is below
    // eps/8 (small x, n >= 2: e.g. x <= 0.1 for n >= 4), Temme's series is skipped.
    T x2_over_rho;
    bool crude = false;
    if (x <= T(1) && n >= 2) {
        T dmp = (T(0.25) * x / (mu + T(1))) * ((T(0.5) * x * x) / (v * (v - T(1))));
        T nu = mu;
        for (int k = 1; k <= n - 2; ++k) {
            nu += T(1);
            dmp *= x2 / (nu * (nu + T(1)));
        }
        crude = dmp <= T(0.125) * limits<T>::eps();
    }
    if (crude) x2_over_rho = T(0.25) * x;
    else x2_over_rho = (x <= T(1)) ? temme_series(mu, x).x2_over_rho : x2 / steed_rho(mu, x);  // nu = mu
    T nu = mu;
    for (int k = 1; k < n; ++k) {
        nu += T(1);
        const T rho = nu + x2_over_rho;
        x2_over_rho = x2 / rho;
    }
    // K_{v-1}/K_v = (x/2) / rho_{v-1} = (2/x) (x/2)^2 / rho_{v-1}
    return -(v / x + T(2) * x2_over_rho / x);
}

// K_v'/K_v for v >= 0, 0 < x < inf.
template <typename T> LOGBESSEL_INLINE T log_kv_dx_positive(T v, T x) {
    const T rmin = ratio_debye_min_r<T>();
    if (!(v >= rmin || x >= rmin || v * v + x * x >= rmin * rmin)) return log_kv_dx_small(v, x);
    const radius<T> rd = ratio_radius(v, x);
    T u, e, e2, su;
    debye_ratio_sums(rd, T(-1), u, e, e2, su);
    const bool x_major = x >= v;
    const T x_over_r = x_major ? T(1) / rd.sq : rd.r / rd.sq;
    const T r_over_x = x_major ? rd.sq : (v / x) * rd.sq;  // may overflow: genuinely > max
    return -r_over_x + x_over_r * (e / u);
}

// I_v'/I_v for v >= 0 or -1 < v < 0, 0 < x < inf.
template <typename T> LOGBESSEL_INLINE T log_iv_dx_positive(T v, T x) {
    const T rmin = ratio_debye_min_r<T>();
    if (v >= T(0) && (v >= rmin || x >= rmin || v * v + x * x >= rmin * rmin)) {
        const radius<T> rd = ratio_radius(v, x);
        T u, e, e2, su;
        debye_ratio_sums(rd, T(1), u, e, e2, su);
        const bool x_major = x >= v;
        const T x_over_r = x_major ? T(1) / rd.sq : rd.r / rd.sq;
        const T r_over_x = x_major ? rd.sq : (v / x) * rd.sq;
        return r_over_x - x_over_r * (e / u);
    }
    return v / x + iv_ratio_pair(v, x, false).ratio;
}

// A'(kappa) and A''(kappa) for the Halley steps of the inverse, from A (ratio) and c = 1 - A.
// Slope: below R = sqrt(v^2 + kappa^2) = 1.6e5 (double) / 200 (float) the Riccati equation
// A' = 1 - A^2 - (2v + 1) A / kappa = c (2 - c) - (2v + 1) (A/kappa) (from DLMF 10.29.2); its
// terms cancel to ~1/R^2 relatively, which costs up to ~R eps. Above, the two leading Debye
// terms A' ~ v / (R (R + v)) + (kappa^2 - v^2) / (2 R^4), relative error O(1/R^2). The switch is
// where the two error bounds meet (R^3 eps ~ 1), so the slope is within ~4e-11 (double) /
// 2e-5 (float) relatively everywhere.
// Curvature: differentiating the Riccati equation, A'' = -2 A A' - (2v + 1) (kappa A' - A)/kappa^2,
// which cancels to ~1/R relatively (error ~R^2 eps); above the same switch, the derivative of
// the two Debye terms, A'' ~ -v kappa (2R + v) / (R^3 (R + v)^2) + kappa (3v^2 - kappa^2) / R^6,
// relative error O(1/R); for small kappa (kappa^2 < (v + 1)/100), where kappa A' - A cancels,
// the power series A = kappa/(2(v+1)) - kappa^3/(8 (v+1)^2 (v+2)) + ... gives
// A'' ~ -3 kappa / (4 (v+1)^2 (v+2)) to relative O(kappa^2/(v+1)). Halley's method needs A''
// only to a few digits: its error enters the step as (error of A'') x eps0^2 (see iv_ratio_inv).
// Nothing overflows: 1/R is formed from max(v, kappa).
template <typename T> struct ratio_derivs {
    T d1, d2;  // A', A''
};
// ik = 1/kappa, passed in: the caller forms it before the ratio is known (off the latency
// chain of the step) and uses it again for the higher derivatives. It is only read where
// kappa^2 >= (v + 1)/100, i.e. kappa >= 0.07, so the caller may floor kappa (at 1/16) before
// the reciprocal: 1/kappa would overflow for a subnormal kappa. inv_r = 1/R as ratio_radius
// forms it (the same rounding as below), read only above the switch (R >= 1.6e5 / 200 >
// R_ratio, so the caller's evaluation was the Debye one and has it at hand).
template <typename T> LOGBESSEL_INLINE ratio_derivs<T> iv_ratio_derivs(T v, T kappa, T ik, T inv_r, T ratio, T c) {
    if (sizeof(T) < 8 && v < T(0)) {
        // -1/2 < v < 0 in float: A' ~ (v + 1/2)/kappa^2 is a difference of two terms ~1/kappa
        // (both the Riccati form and the Debye terms cancel by ~|v|/(v + 1/2)): use double.
        const double kd = double(kappa);
        // (inv_r is not read: v < 0 takes the Riccati branch)
        const ratio_derivs<double> dd = iv_ratio_derivs<double>(double(v), kd, 1.0 / kd, 0.0, double(ratio), double(c));
        ratio_derivs<T> o;
        o.d1 = T(dd.d1);
        o.d2 = T(dd.d2);
        return o;
    }
    const T far = sizeof(T) >= 8 ? T(1.6e5) : T(200);
    const T tv1 = T(2) * v + T(1);
    ratio_derivs<T> d;
    // (v < 0: the Debye terms' O(1/R^2) remainder is not small against A' ~ (v + 1/2)/R^2)
    // (v, kappa < far first: v^2 + kappa^2 would overflow, and raise the flag, for v ~ 1e154)
    if ((v < far && kappa < far && v * v + kappa * kappa < far * far) || v < T(0)) {
        if (kappa * kappa < T(0.01) * (v + T(1))) {
            // (kappa may be tiny, even subnormal, here: divide rather than use ik)
            d.d1 = c * (T(2) - c) - tv1 * (ratio / kappa);
            const T v1 = v + T(1);
            d.d2 = T(-0.75) * kappa / (v1 * v1 * (v + T(2)));
        } else {
            const T a_over_k = ratio * ik;
            d.d1 = c * (T(2) - c) - tv1 * a_over_k;
            d.d2 = T(-2) * ratio * d.d1 - tv1 * (d.d1 - a_over_k) * ik;
        }
        return d;
    }
    // (v >= 0 here; 1/R from the caller: (1/m)/sqrt(1 + (min/m)^2), m = max(v, kappa))
    const T vr = v * inv_r, kr = kappa * inv_r;
    const T iopv = T(1) / (T(1) + vr);
    d.d1 = inv_r * (vr * iopv) + (T(0.5) * inv_r) * (inv_r * ((kr - vr) * (kr + vr)));
    d.d2 = -(inv_r * inv_r) * (vr * kr * (T(2) + vr) * (iopv * iopv)) +
           (inv_r * inv_r) * (inv_r * (kr * (T(3) * vr * vr - kr * kr)));
    return d;
}

// The float inverse's evaluation outside region 1 (v >= 0, R < 11): the power series of
// iv_ratio_series_plain, A = W / ((x/2) S), in plain double for float inputs, with the complement
// formed as 1 - A in double. Accuracy: the terms are all positive; each a_j carries <= 4j
// roundings of double (j <= ~30 here), and the two uncompensated sums <= n more, so A is within
// ~1e-14 relatively; 1 - A >= (v + 1/2)/(x + v + 1/2) >= 1/23 for R < 11 (Amos' bound, see
// iv_ratio_miller), so the complement is within ~3e-13, far below half an ulp of float (6e-8)
// even before the final rounding. Truncation as in iv_ratio_series_plain with float's eps/8
// (the tail below 1.5e-8 relatively). This replaces, for the float inverse only, the
// compensated float series and the float-float Miller recurrence (iv_ratio_c itself keeps its
// own path): one double division and ~4 flops a term, ~x/2 + 6 sqrt(x) + 5 terms.
struct wide_ratio {
    double ratio, complement;
};
LOGBESSEL_INLINE wide_ratio iv_ratio_series_wide(double v, double x) {
    const double q = 0.25 * x * x;  // x >= 2^-149 (float): q >= 2^-300, normal in double
    const double tol = 0.125 * double(limits<float>::eps());
    double a = 1.0, s = 1.0, w = 0.0, jj = 0.0;
    // (capped at 64 terms: x < 11 needs ~x/2 + 6 sqrt(x) + 5 <= 31; the cap only bounds the time)
    for (int j = 1; j < 64; ++j) {
        jj += 1.0;
        const double m = q / (jj * (jj + v));
        a *= m;
        const double ja = jj * a;
        s += a;
        w += ja;
        if (m <= 0.5 && ja <= tol * w) break;
    }
    wide_ratio out;
    out.ratio = w / (0.5 * x * s);
    out.complement = 1.0 - out.ratio;
    return out;
}

// Start for the inverse (v >= 0; used with v clamped to 0 for -1/2 < v < 0): the exact root
// kappa of A(kappa) = r satisfies r = kappa / (v + 1/2 + sqrt(C^2 + kappa^2)) for a unique
// C^2 = (v + 3/2) (v + 1/2 + g); Amos' bounds (D. E. Amos, Math. Comp. 28 (1974) 239) are
// g = 1 (lower bound, exact as kappa -> 0) and g = -1 (upper), and matching the expansion
// A ~ 1 - (v + 1/2)/kappa + (4v^2 - 1)/(8 kappa^2) as kappa -> infinity gives g -> 0. We model
//     g(v, r) = (1 - r^2)/(1 + r^2) + r^2 (1 - r^2) h(r^2, t) / (v + 1),   t = 1/(1 + v),
// where the first term is the v -> infinity limit (read off the uniform expansion; it leaves
// a relative error ~1e-7 in kappa for v > 1e3) and h is a polynomial of degree 5 in r^2 and 3
// in t, fitted (least squares on the relative error of kappa, v in [0, 1e3], r in (0, 1)) to
// the exact g. Then kappa = r (a + sqrt(a^2 r^2 + (1 - r^2) C^2)) / (1 - r^2), a = v + 1/2.
// Measured start error |kappa0/kappa - 1| (2e5 random points, v to 1e7, 1 - r down to 1e-12):
// <= 3.4e-4 for v in [0, 3), <= 2.4e-5 for v >= 3; up to ~0.8 for -1/2 < v < 0 (near v = -1/2
// and r -> 1, where the root leaves this family; the iteration's safeguards take over).
// For v >= 300 the h term is left out: the first term alone is within 4.6e-7 there (measured,
// 4e5 random points, v in [300, 1e7], 1 - r down to 1e-12; 4.1e-8 for v >= 1e3, falling like
// 1/v^2), under the inverse's Halley threshold tau = 1e-6, so one evaluation still suffices
// and the division by 1 + v and the polynomials leave the latency chain of the large orders.
template <typename T> LOGBESSEL_INLINE T iv_ratio_inv_start(T v, T r, T s) {
    const T u = r * r;
    const T one_minus_u = s * (T(1) + r);  // 1 - r^2 without cancellation (s = 1 - r exact)
    T g = one_minus_u * (T(1) / (T(1) + u));
    if (v < T(300)) {
        const T t = T(1) / (T(1) + m_max(v, T(0)));
        // (Estrin's scheme for the polynomials: shorter dependency chains than Horner's)
        const T t2 = t * t, u2 = u * u;
        const T p0 = (T(2.5591324059400047) + t * T(-1.300333033270197)) + t2 * (T(-0.082580892656209631) + t * T(0.096580460868652976));
        const T p1 = (T(-1.0699087503444178) + t * T(-17.620106034975457)) + t2 * (T(30.680893982580155) + t * T(-11.657842977302016));
        const T p2 = (T(-58.301479938132474) + t * T(284.17447383284053)) + t2 * (T(-379.33623360442385) + t * T(144.7783577933011));
        const T p3 = (T(200.99183588564637) + t * T(-976.98503659887956)) + t2 * (T(1335.5641327578005) + t * T(-531.73829635187644));
        const T p4 = (T(-245.85145726949941) + t * T(1246.9376528215773)) + t2 * (T(-1777.8831676893246) + t * T(737.40189661932936));
        const T p5 = (T(101.76473546766098) + t * T(-537.73570125894116)) + t2 * (T(797.60007925346622) + t * T(-342.87073811214094));
        const T h = (p0 + u * p1) + u2 * ((p2 + u * p3) + u2 * (p4 + u * p5));
        g += u * one_minus_u * h * t;
    }
    // (the reciprocals 1/(1 + u), 1/b and 1/(1 - u) depend on the inputs only, so they are
    // formed alongside the polynomials rather than on the chain that leads to the square root)
    // C^2 / b^2 with b = v + 3/2 factored out (b^2 overflows for v ~ 1e154 / 1e19 in float)
    const T a = v + T(0.5), b = v + T(1.5);
    const T ib = T(1) / b;
    const T ab = a * ib;
    const T c2_over_b2 = m_max((a + g) * ib, T(0));
    return ((r * b) * (ab + m_sqrt(ab * ab * u + one_minus_u * c2_over_b2))) * (T(1) / one_minus_u);
}

}  // namespace detail

// I_{v+1}(x) / I_v(x). Domain rules (also in the ufunc docstring):
//   nan in v or x -> nan;  x < 0 -> nan;  v <= -1 -> nan (I_v may vanish there);
//   x = 0 -> 0;  x = +inf -> 1 (finite v);  v = +inf -> 0 (finite x), nan (x = inf).
template <typename T> LOGBESSEL_INLINE T iv_ratio(T v, T x) {
    using detail::limits;
    if (detail::m_isnan(v) || detail::m_isnan(x) || x < T(0) || !(v > T(-1))) return limits<T>::nan();
    if (detail::m_isinf(v)) return detail::m_isinf(x) ? limits<T>::nan() : T(0);
    if (detail::m_isinf(x)) return T(1);
    if (x == T(0)) return T(0);
    return detail::iv_ratio_pair(v, x, false).ratio;
}

// 1 - I_{v+1}(x) / I_v(x), accurate also when tiny (x >> v). Same domain as iv_ratio:
//   x = 0 -> 1;  x = +inf -> 0;  v = +inf -> 1 (finite x).
template <typename T> LOGBESSEL_INLINE T iv_ratio_c(T v, T x) {
    using detail::limits;
    if (detail::m_isnan(v) || detail::m_isnan(x) || x < T(0) || !(v > T(-1))) return limits<T>::nan();
    if (detail::m_isinf(v)) return detail::m_isinf(x) ? limits<T>::nan() : T(1);
    if (detail::m_isinf(x)) return T(0);
    if (x == T(0)) return T(1);
    // v = -1/2: I_{1/2}/I_{-1/2} = tanh(x), so 1 - tanh(x) = 2 / (exp(2x) + 1) exactly.
    if (v == T(-0.5)) return (x > T(0.5) * detail::log_max<T>()) ? T(0) : T(2) / (detail::m_exp(T(2) * x) + T(1));
    return detail::iv_ratio_pair(v, x, true).complement;
}

// d/dx log I_v(x) = I_v'(x)/I_v(x). Domain rules:
//   nan in v or x -> nan;  x < 0 -> nan;  x = +inf -> 1 (finite v);  |v| = inf -> nan;
//   x = 0 -> +inf for v > 0, 0 for v = 0, -inf for -1 < v < 0 (the limit of v/x), and for
//   v <= -1 the rules of log_iv (I_v(x) as x -> 0 for a negative integer v = -n is I_n);
//   v <= -1 non-integer: nan where I_v(x) <= 0 (as log_iv).
template <typename T> LOGBESSEL_INLINE T log_iv_dx(T v, T x) {
    using detail::limits;
    if (detail::m_isnan(v) || detail::m_isnan(x) || x < T(0) || detail::m_isinf(v)) return limits<T>::nan();
    if (detail::m_isinf(x)) return T(1);
    const bool negative_integer = v < T(0) && detail::m_floor(v) == v;
    if (negative_integer) v = -v;  // I_{-n} = I_n
    if (x == T(0)) {
        if (v == T(0)) return T(0);
        if (v > T(-1)) return (v > T(0)) ? limits<T>::inf() : -limits<T>::inf();
        return limits<T>::nan();  // pole of either sign
    }
    if (v > T(-1)) return detail::log_iv_dx_positive(v, x);
    // v < -1 non-integer: I_v = I_a + c K_a, a = -v, c = (2/pi) sin(a pi) (DLMF 10.27.2), so
    // I_v'/I_v = (d_I + rho d_K) / (1 + rho) with rho = c K_a / I_a, d_I = I_a'/I_a, d_K = K_a'/K_a.
    const T a = -v;
    const T c = T(2) / detail::pi<T>() * detail::m_sinpi(a);
    // log(K_a/I_a), halved first: log K and log I are each finite, but their difference
    // overflows for x or a/x near the float max (then rho is 0 or huge anyway)
    const T half_log_ratio = T(0.5) * detail::log_kv_positive(a, x) - T(0.5) * detail::log_iv_positive(a, x);
    if (half_log_ratio < T(-0.5) * detail::log_max<T>()) {
        return detail::log_iv_dx_positive(a, x);  // rho underflows: I_v = I_a
    }
    const T log_ratio = T(2) * half_log_ratio;
    // (the sign test comes before d_I, d_K: where I_v < 0 the answer is nan, without the
    // overflow flag that a/x beyond the float range would raise)
    if (log_ratio > T(0.5) * detail::log_max<T>() && c < T(0)) return limits<T>::nan();
    const T d_i = detail::log_iv_dx_positive(a, x);
    const T d_k = detail::log_kv_dx_positive(a, x);
    if (log_ratio > T(0.5) * detail::log_max<T>()) {
        // |rho| >> 1: I_v ~ c K_a, so I_v'/I_v = d_K + (d_I - d_K) / (1 + rho) ~ d_K
        // d_K ~ -a/x may be -inf (a/x beyond the float range, with NumPy's overflow warning, as
        // documented); the correction (d_I - d_K)/rho is then negligible: return d_K itself
        if (detail::m_isinf(d_k)) return d_k;
        const T inv_rho = detail::m_exp(-log_ratio) / c;
        // (d_I - d_K ~ 2a/x may overflow where each is finite: scale by 1/rho first)
        return d_k + (d_i * inv_rho - d_k * inv_rho) / (T(1) + inv_rho);
    }
    const T rho = c * detail::m_exp(log_ratio);
    if (!(T(1) + rho > T(0))) return limits<T>::nan();  // I_v(x) <= 0
    return d_i + rho * (d_k - d_i) / (T(1) + rho);
}

// d/dx log K_v(x) = K_v'(x)/K_v(x) (< 0). Domain rules:
//   nan in v or x -> nan;  x < 0 -> nan;  even in v;  x = 0 -> -inf;  x = +inf -> -1 (finite v);
//   |v| = inf -> -inf (finite x > 0), nan (x = inf).
template <typename T> LOGBESSEL_INLINE T log_kv_dx(T v, T x) {
    using detail::limits;
    if (detail::m_isnan(v) || detail::m_isnan(x) || x < T(0)) return limits<T>::nan();
    v = detail::m_fabs(v);
    if (detail::m_isinf(x)) return detail::m_isinf(v) ? limits<T>::nan() : T(-1);
    if (x == T(0) || detail::m_isinf(v)) return -limits<T>::inf();
    return detail::log_kv_dx_positive(v, x);
}

namespace detail {
// The inverse's start for any input, without data-dependent branches: the inputs for which
// iv_ratio_inv uses no start (nan, v < -1/2, v = inf, r outside (0, 1)) are replaced by a
// harmless stand-in (v, r) = (1, 1/2) before the formula, so no floating-point flag is raised
// and nothing depends on the result there. Where the start is used, (v, r) pass unchanged and
// the value is that of iv_ratio_inv_start(v, r, 1 - r). A host loop may form it for a block of
// elements ahead of iv_ratio_inv_from_start (the ufunc does, see _core.cpp): the start then
// leaves each element's latency chain. (Such a loop is vectorised, and -ffp-contract=fast may
// fuse its products differently from the inlined scalar start, so the start can differ in its
// last bit; the iteration then ends elsewhere within its error: on the benchmark's inputs
// ~2.5% of the results differ from the one-element path, by <= 7 ulps where the conditioning
// A/(kappa A') is ~3, all within the accuracy measured against Arb.)
template <typename T> LOGBESSEL_INLINE T iv_ratio_inv_start_any(T v, T r) {
    // (nan first, by the quiet test: an ordered comparison with nan raises the invalid flag)
    const bool has_nan = m_isnan(v) || m_isnan(r);
    const T vq = has_nan ? T(1) : v;
    const T rq = has_nan ? T(0.5) : r;
    const bool used = vq >= T(-0.5) && vq <= limits<T>::max() && rq > T(0) && rq < T(1);
    const T vs = used ? vq : T(1);
    const T rs = used ? rq : T(0.5);
    return iv_ratio_inv_start(vs, rs, T(1) - rs);
}

// The inverse's iteration between an evaluation of the ratio and the step that uses it:
// iv_ratio_inv_from_start alternates inv_evaluate and inv_step; iv_ratio_inv_block evaluates a
// block of elements before it steps them, so that one element's step overlaps another's
// evaluation (the same operations on each element, so the same results).
template <typename T> struct inv_iter {
    T v, r, s, kappa, tv1;
    bool use_complement, accurate, near5;
    T ik, inv_r, f, ratio, complement;  // from the latest evaluation
};

// Domain rules and closed forms (iv_ratio_inv's docstring): false with the result in it.kappa,
// true with the iteration set up from the start kappa0.
template <typename T> LOGBESSEL_INLINE bool inv_setup(inv_iter<T> &it, T v, T r, T kappa0) {
    if (m_isnan(v) || m_isnan(r) || !(v >= T(-0.5)) || r < T(0) || !(r < T(1))) {
        it.kappa = limits<T>::nan();
        return false;
    }
    if (r == T(0)) {
        it.kappa = T(0);
        return false;
    }
    if (m_isinf(v)) {
        it.kappa = limits<T>::inf();
        return false;
    }
    const T s = T(1) - r;  // exact for r >= 1/2 (Sterbenz)
    // v = -1/2: A = tanh(kappa), kappa = atanh(r) = log1p(2r / (1 - r)) / 2.
    if (v == T(-0.5)) {
        it.kappa = T(0.5) * m_log1p(T(2) * r / s);
        return false;
    }
    it.kappa = kappa0;  // iv_ratio_inv_start(v, r, s)
    if (m_isinf(kappa0)) return false;  // the root itself is beyond the float range
    // Huge orders (v > 2^60 in double, 2^30 in float): the start's relative error decays like
    // ~1e-4/v (the modelled g enters C^2 at O(1/v); see iv_ratio_inv_start), i.e. below 1e-22
    // (1e-13 in float), far under half an ulp, so the start is the root. Returning here also
    // keeps 2v + 1 and the slope's terms from overflowing for v near the float max.
    if (v > (sizeof(T) >= 8 ? T(1152921504606846976.0) : T(1073741824.0))) return false;
    it.v = v;
    it.r = r;
    it.s = s;
    it.tv1 = T(2) * v + T(1);
    it.use_complement = r > T(0.5);
    it.accurate = !it.use_complement;  // for r <= 1/2 the working-precision ratio is accurate
    return true;
}

// One evaluation at it.kappa (the method: see iv_ratio_inv_from_start).
template <typename T> LOGBESSEL_INLINE void inv_evaluate(inv_iter<T> &it) {
    const T v = it.v, r = it.r, s = it.s, kappa = it.kappa;
    const bool use_complement = it.use_complement;
    const T r5 = sizeof(T) >= 8 ? T(300) : T(0);  // (0: no order-5 steps in float)
    const T rmin = ratio_debye_min_r<T>();
    // (formed while the ratio is evaluated; read only where kappa >= 0.07, see iv_ratio_derivs)
    const T ik = T(1) / m_max(kappa, T(0.0625));
    const bool near5 = v < r5 && kappa < r5 && v * v + kappa * kappa < r5 * r5 &&
                       kappa * kappa >= T(0.01) * (v + T(1));
    // in region 1 the complement comes with the ratio at no extra cost: always accurate
    const bool deb = kappa >= rmin || v >= rmin || v * v + kappa * kappa >= rmin * rmin;
    if (near5 || deb) it.accurate = true;
    // The accurate complement outside region 1 (v >= 0): A(kappa) is within ~1e-3 of r > 1/2
    // here, so iv_ratio_pair would take Miller's recurrence anyway; call it directly.
    // In region 1 (v >= 0) the Debye pieces are evaluated here with the radius at hand, whose
    // 1/R the slope reuses above its switch.
    // For float outside region 1 (v >= 0) the double series gives both, accurately, and f
    // is formed in double before its one rounding.
    debye_ratio<T> a;
    T inv_r = T(0);
    T f;
    if (deb && v >= T(0)) {
        const radius<T> rd = ratio_radius(v, kappa);
        inv_r = rd.inv_r;
        a = iv_ratio_debye_rd(v, kappa, rd);
        f = use_complement ? (s - a.complement) : (a.ratio - r);
    } else if (sizeof(T) < 8 && v >= T(0)) {
        const wide_ratio w = iv_ratio_series_wide(double(v), double(kappa));
        a.ratio = T(w.ratio);
        a.complement = T(w.complement);
        f = T(use_complement ? (double(s) - w.complement) : (w.ratio - double(r)));
        it.accurate = true;
    } else {
        a = (it.accurate && use_complement && v >= T(0)) ? iv_ratio_miller(v, kappa)
                                                       : iv_ratio_pair(v, kappa, it.accurate && use_complement);
        f = use_complement ? (s - a.complement) : (a.ratio - r);
    }
    it.near5 = near5;
    it.ik = ik;
    it.inv_r = inv_r;
    it.f = f;
    it.ratio = a.ratio;
    it.complement = a.complement;
}

// The step from the latest evaluation; true when it.kappa is final.
template <typename T> LOGBESSEL_INLINE bool inv_step(inv_iter<T> &it) {
    const T v = it.v, tv1 = it.tv1, ik = it.ik, f = it.f;
    const bool near5 = it.near5;
    T kappa = it.kappa;
    const T tau = sizeof(T) >= 8 ? T(1e-6) : T(4e-4);
    const T tau5 = T(1e-4);  // (order-5 steps: double only)
    // (the a posteriori rule below: double only)
    const T as_cap5 = sizeof(T) >= 8 ? T(4e-4) : T(0);
    const ratio_derivs<T> d = iv_ratio_derivs(v, kappa, ik, it.inv_r, it.ratio, it.complement);
    if (!(d.d1 > T(0))) return true;
    const T ia1 = T(1) / d.d1;
    T step = f * ia1;
    T tau_it = tau;
    if (near5 && m_fabs(step) <= T(0.05) * kappa) {
        const T A = it.ratio, a1 = d.d1, a2 = d.d2;
        const T a3 = T(-2) * (a1 * a1 + A * a2) - tv1 * ik * (a2 - ik * (T(2) * a1 - T(2) * A * ik));
        const T a4 = T(-2) * (T(3) * a1 * a2 + A * a3) -
                     tv1 * ik * (a3 - ik * (T(3) * a2 - ik * (T(6) * a1 - T(6) * A * ik)));
        const T h = -step;
        const T b2 = T(0.5) * a2 * ia1, b3 = (T(1) / T(6)) * a3 * ia1, b4 = (T(1) / T(24)) * a4 * ia1;
        step = -h * (T(1) + h * (-b2 + h * ((T(2) * b2 * b2 - b3) + h * (b2 * (T(5) * b3 - T(5) * b2 * b2) - b4))));
        tau_it = tau5;
        // A posteriori: the step's truncation error is the reversion's next term c5 h^5,
        // c5 = 14 b2^4 - 21 b2^2 b3 + 6 b2 b4 + 3 b3^2 - b5 (Lagrange inversion), up to a
        // relative O(h/kappa); A^(5) from the Riccati equation differentiated once more. Where
        // it is below eps/16 of kappa the step is final even above tau5 (up to 4e-4, which
        // covers every start for v >= 0: there (R |h|/kappa)^k eps, the derivatives' rounding,
        // stays below eps/8 for R < 300), so a start error of 1e-4..3.4e-4 (v < 3) need not
        // cost a second evaluation.
        const T as5 = m_fabs(step);
        if (as5 > tau5 * kappa && as5 <= as_cap5 * kappa) {  // (rare: a predictable branch)
            const T a5 = T(-2) * (A * a4 + T(4) * a1 * a3 + T(3) * a2 * a2) -
                         tv1 * ik * (a4 - ik * (T(4) * a3 - ik * (T(12) * a2 - ik * (T(24) * a1 - T(24) * A * ik))));
            const T b5 = (T(1) / T(120)) * a5 * ia1;
            const T b22 = b2 * b2;
            const T c5 = b22 * (T(14) * b22 - T(21) * b3) + T(6) * b2 * b4 + T(3) * b3 * b3 - b5;
            const T h2 = h * h;
            if (m_fabs(c5 * (h2 * h2 * h)) <= T(0.0625) * limits<T>::eps() * kappa) tau_it = as_cap5;
        }
    } else {
        // Halley: step / hf with hf = 1 - f A''/(2 A'^2) = 1 - (step/2) (A''/A'); the factor
        // is kept only while hf is in [1/2, 2]. Formed from step and 1/A' rather than A'^2:
        // far in the tail (float, v ~ 1e8, 1 - r ~ 6e-8, kappa ~ 3e15) A' ~ 1e-23 and A'^2
        // underflows to 0, and 2 f A' / (2 A'^2 - f A'') was then 0/0 (nan) or x/0.
        const T hf = T(1) - (T(0.5) * step) * (d.d2 * ia1);
        if (hf >= T(0.5) && hf <= T(2)) step = step / hf;
    }
    if (step > T(0.5) * kappa) step = T(0.5) * kappa;
    if (step < -kappa) step = -kappa;
    kappa -= step;
    const T as = m_fabs(step);  // the relative step |step| / kappa, without a division
    it.kappa = kappa;
    if (it.accurate) return as <= tau_it * kappa;
    if (as <= T(5e-3) * kappa) it.accurate = true;
    return false;
}
// After a first evaluation and step that were not final: further evaluations and steps until
// one is, at most 24 evaluations in all (the cap only matters for -1/2 < v < 0).
template <typename T> LOGBESSEL_INLINE void inv_continue(inv_iter<T> &it) {
    for (int n = 1; n < 24; ++n) {
        inv_evaluate(it);
        if (inv_step(it)) break;
    }
}
}  // namespace detail

// The inverse of the ratio: kappa >= 0 with I_{v+1}(kappa)/I_v(kappa) = r. Domain rules:
//   nan in v or r -> nan;  v < -1/2 -> nan (the ratio is not monotone below);  r < 0 or r >= 1
//   -> nan;  r = 0 -> 0;  v = +inf -> +inf for 0 < r < 1.
// The inverse is well conditioned except around kappa ~ v for large v, where
// |d log kappa / d log r| = A / (kappa A') reaches ~3.4: there an error of 1 ulp in A(kappa)
// moves kappa by ~3.4 ulps, so the result is within a few ulps of the root for the exact r.
// iv_ratio_inv_from_start(v, r, kappa0) is the same with the start kappa0 =
// detail::iv_ratio_inv_start_any(v, r) formed by the caller.
template <typename T> LOGBESSEL_INLINE T iv_ratio_inv_from_start(T v, T r, T kappa0) {
    detail::inv_iter<T> it;
    if (!detail::inv_setup(it, v, r, kappa0)) return it.kappa;
    // Newton-type steps on f = A(kappa) - r, written as s - (1 - A) for r > 1/2 so that f keeps
    // full relative accuracy near r = 1. The derivatives of A follow from the Riccati equation
    // A' = 1 - A^2 - (2v + 1) A / kappa (DLMF 10.29.2) by differentiation, so a step costs one
    // ratio evaluation whatever its order. e = relative error of kappa.
    //  * Near (double only: R = sqrt(v^2 + kappa^2) < 300 and kappa^2 >= (v+1)/100):
    //    an order-5 step, the series reversion of f(kappa + d) = 0 to fourth order in
    //    h = -f/A': d = h (1 - b2 h + (2 b2^2 - b3) h^2 + (-5 b2^3 + 5 b2 b3 - b4) h^3),
    //    b_k = A^(k) / (k! A'). Error after the step: C5 e^5 (C5 < ~1e3 measured) plus the
    //    derivatives' rounding (relative ~R^k eps for A^(k), entering as e^k): below eps/4 for
    //    |step| <= tau5 = 1e-4. From the start (e <= 3.4e-4 for v >= 0,
    //    below 1e-4 for v >= 1) this is usually a single evaluation. In double a step between
    //    tau5 and 4e-4 is also final when the a posteriori estimate |c5 h^5| of its truncation
    //    is below eps/16 (see there): on the benchmark's mixed inputs the share of calls with a
    //    second evaluation drops from 8% to 1.1%; at the points concerned (1500 of them against
    //    Arb) the error goes from mean 0.28 / max 1.6 eps to mean 0.32 / max 1.8 eps.
    //  * Elsewhere: Halley (A'' only, iv_ratio_derivs). Convergence is cubic, e1 ~ C e0^3 with
    //    C <= 4 measured over v >= -1/2. We stop after an accurate step of relative size
    //    e <= tau: the error left is at most C e^3 + d2 e^2 + d1 e (d1, d2: relative errors of
    //    A', A'', see iv_ratio_derivs), below eps/4 for tau = 1e-6 in double (4e-18 + 6e-18 +
    //    4e-17) and tau = 4e-4 in float (2.6e-10 + 8e-10 + 1e-8 < 3e-8, with d1 <= 2.5e-5 and
    //    d2 <= 5e-3 in float), which covers every start for v >= 0: in float Halley is used
    //    everywhere, one evaluation per call (the order-5 step's extra derivatives cost more
    //    than they save there). Outside region 1 the first Halley step of r > 1/2 uses
    //    the ratio in working precision only (complement 1 - A); once a step is below 5e-3 the
    //    next evaluations are the accurate ones. Far from the switch (v >= 300) the start is
    //    within 4.6e-7 and one accurate step suffices.
    // Cost: about one evaluation of the ratio (or complement) per call, plus the start and the
    // step, whose latency chain is kept short: 1/kappa is formed beside the evaluation, the
    // region-1 radius is shared with the slope, and one reciprocal of A' serves both step kinds. Measured (bench_primitives, 2e5
    // elements, time / time(log_iv), small_v | large_v | mixed): float64 1.93 | 1.21 | 1.75,
    // float32 1.38 | 1.00 | 1.38. The evaluation alone (iv_ratio or iv_ratio_c at the root)
    // already costs ~1.46 x log_iv on small_v in double: the complement for r > 1/2 below
    // R = 26.5 needs Miller's recurrence with double-double levels.
    // Safeguards (only for -1/2 < v < 0, where the start can be off by ~80%): each step keeps
    // kappa in [kappa/2, 2 kappa], Halley falls back to Newton when its correction factor
    // leaves [1/2, 2], the order-5 step is only taken for |h| <= kappa/20, and the iteration
    // count is capped.
    detail::inv_evaluate(it);
    if (!detail::inv_step(it)) detail::inv_continue(it);
    return it.kappa;
}

template <typename T> LOGBESSEL_INLINE T iv_ratio_inv(T v, T r) {
    return iv_ratio_inv_from_start(v, r, detail::iv_ratio_inv_start_any(v, r));
}

// Host loops: iv_ratio_inv over a block of m <= 64 strided elements (byte strides), in three
// passes: the starts (vectorisable: no data-dependent branches), the domain rules and first
// evaluations, then the steps with any further evaluations. Each element undergoes the same
// operations as in iv_ratio_inv_from_start; the passes only keep the latency chains start ->
// evaluation -> step of one element from lining up behind the previous element's. (NumPy's
// loop in _core.cpp calls this; measured 10-30% faster than one element at a time.)
template <typename T>
LOGBESSEL_INLINE void iv_ratio_inv_block(const char *pv, long long sv, const char *pr, long long sr, char *po,
                                         long long so, int m) {
    T k0[64];
    detail::inv_iter<T> st[64];
    bool busy[64];
    for (int i = 0; i < m && i < 64; ++i)
        k0[i] = detail::iv_ratio_inv_start_any(*reinterpret_cast<const T *>(pv + i * sv),
                                               *reinterpret_cast<const T *>(pr + i * sr));
    for (int i = 0; i < m && i < 64; ++i) {
        busy[i] = detail::inv_setup(st[i], *reinterpret_cast<const T *>(pv + i * sv),
                                    *reinterpret_cast<const T *>(pr + i * sr), k0[i]);
        if (busy[i]) detail::inv_evaluate(st[i]);
    }
    for (int i = 0; i < m && i < 64; ++i) {
        if (busy[i] && !detail::inv_step(st[i])) detail::inv_continue(st[i]);
        *reinterpret_cast<T *>(po + i * so) = st[i].kappa;
    }
}

}  // namespace logbessel
