// logbessel/log_kv.hpp -- log K_v(x), the modified Bessel function of the second kind.
//
// Regions (v >= 0 after K_{-v} = K_v; R = sqrt(v^2 + x^2)):
//
//  1. R >= R_D (21.5 in double, 10 in float): Debye uniform expansion (DLMF 10.41.4) written in R,
//         log K_v(x) = (log(pi/2) - log R)/2 - v eta + log(1 + sum_k (-1)^k P_k(t^2) / R^k),
//     with 1..16 terms chosen from R (log_common.hpp). Uniform in x/v, so it also covers
//     x -> 0 at large v (where K_v overflows) and x -> infinity at any v (where it reduces to
//     the Hankel expansion). v eta is computed in double-double near x ~ 0.66 v, where it
//     cancels (log_common.hpp). Accuracy: a few ulps of max(1, |log K|).
//
//  2. R < R_D: Temme's method (N. M. Temme, J. Comput. Phys. 19 (1975) 324) for the
//     fractional order mu = v - n in [-1/2, 1/2):
//       x <= 1: Temme's series for K_mu and K_{mu+1}; the gamma-function combinations
//               Gamma_1(mu), Gamma_2(mu) come from the Taylor series of 1/Gamma(1 + mu), so
//               there is no cancellation as mu -> 0;
//       x  > 1: the continued fraction of Steed's CF2 (Thompson & Barnett, J. Comput. Phys. 64
//               (1986) 490) for rho_mu ~ K_{mu+1}/K_mu only (steed_rho), then log K_v from the
//               Wronskian with the power series of I (see log_kv_temme; 2.8x faster than
//               CF2's own K_mu, whose sum s needs ~2.7x the steps of the ratio);
//     then the forward recurrence K_{nu+1} = (2 nu / x) K_nu + K_{nu-1} (DLMF 10.29.1), which
//     is stable for K (the dominant solution as nu grows), up to v. To stay overflow-free for
//     x down to the smallest subnormal, the recurrence runs on the scaled ratios
//       rho_nu = (x/2) K_{nu+1} / K_nu = nu + (x/2)^2 / rho_{nu-1},
//     and log K_v = log K_mu + sum log rho + n log(2/x). Accuracy: a few ulps (errors grow
//     slowly, ~sqrt(n) eps, along the n <= 22 recurrence steps).
#pragma once

#include "config.hpp"
#include "log_common.hpp"
#include "log_series.hpp"

namespace logbessel {
namespace detail {

// Temme's gamma combinations for |mu| <= 1/2, from 1/Gamma(1 + mu) = sum c_k mu^k:
//   Gamma_1(mu) = (1/Gamma(1 - mu) - 1/Gamma(1 + mu)) / (2 mu) = -sum_{k odd} c_k mu^{k-1}
//   Gamma_2(mu) = (1/Gamma(1 - mu) + 1/Gamma(1 + mu)) / 2     =  sum_{k even} c_k mu^k
// 28 Taylor terms: the tail at |mu| = 1/2 is below 1e-24.
template <typename T> LOGBESSEL_INLINE void temme_gammas(T mu, T &g1, T &g2, T &rg_plus, T &rg_minus) {
    const T mu2 = mu * mu;
    T odd = T(0), even = T(0);
    for (int k = rgamma_ncoeffs - 1; k >= 0; --k) {
        if (k % 2 == 1) odd = odd * mu2 + rgamma_coeff<T>(k);
        else even = even * mu2 + rgamma_coeff<T>(k);
    }
    g1 = -odd;
    g2 = even;
    rg_plus = even + mu * odd;   // 1/Gamma(1 + mu)
    rg_minus = even - mu * odd;  // 1/Gamma(1 - mu)
}

// log K_mu(x) and rho_mu = (x/2) K_{mu+1}(x) / K_mu(x), for |mu| <= 1/2 and 0 < x <= 2:
// Temme's series. K_mu = sum c_k f_k, K_{mu+1} = (2/x) sum c_k (p_k - k f_k), with
// c_k = (x^2/4)^k / k!, f_0 = (mu pi / sin(mu pi)) [cosh(sigma) Gamma_1 + (sinh(sigma)/sigma)
// log(2/x) Gamma_2], sigma = mu log(2/x), p_0 = (x/2)^-mu Gamma(1+mu)/2, q_0 = (x/2)^mu
// Gamma(1-mu)/2, f_k = (k f_{k-1} + p_{k-1} + q_{k-1}) / (k^2 - mu^2), p_k = p_{k-1}/(k - mu),
// q_k = q_{k-1}/(k + mu). All terms positive; converges like (x^2/4)^k / k!^2.
// Outputs (also of steed_cf2): log K_mu, log K_{mu+1}, rho_mu = (x/2) K_{mu+1}/K_mu and
// (x/2)^2 / rho_mu. For mu < 0 and subnormal x, rho_mu ~ (x/2)^(2|mu|) underflows, so the
// recurrence starts from log K_{mu+1} and (x/2)^2 / rho_mu, which stay representable.
template <typename T> struct k_start {
    T log_k_mu, log_k_mu1, rho, x2_over_rho;
};

template <typename T> LOGBESSEL_INLINE k_start<T> temme_series(T mu, T x) {
    T g1, g2, rgp, rgm;
    temme_gammas(mu, g1, g2, rgp, rgm);
    const T log_2_over_x = ln2<T>() - m_log(x);  // no 2/x: it overflows for subnormal x
    const T pimu = pi<T>() * mu;
    const T fact = (m_fabs(pimu) < limits<T>::eps()) ? T(1) : pimu / m_sin(pimu);
    const T sigma = mu * log_2_over_x;
    const T sinhc = (m_fabs(sigma) < limits<T>::eps()) ? T(1) : m_sinh(sigma) / sigma;
    T f = fact * (g1 * m_cosh(sigma) + g2 * sinhc * log_2_over_x);
    const T e = m_exp(sigma);  // (x/2)^-mu: at most (2/x)^(1/2), finite for every x > 0
    T p = T(0.5) * e / rgp;
    T q = T(0.5) / (e * rgm);
    T c = T(1);
    const T x2 = T(0.25) * x * x;
    T sum = f, sum1 = p;
    for (int k = 1; k < 500; ++k) {
        const T kk = T(k);
        f = (kk * f + p + q) / (kk * kk - mu * mu);
        c *= x2 / kk;
        p /= (kk - mu);
        q /= (kk + mu);
        const T del = c * f;
        sum += del;
        sum1 += c * (p - kk * f);
        if (m_fabs(del) < limits<T>::eps() * T(0.5) * m_fabs(sum)) break;
    }
    k_start<T> out;
    out.log_k_mu = m_log(sum);
    out.log_k_mu1 = m_log(sum1) + log_2_over_x;  // K_{mu+1} = (2/x) sum1
    out.rho = sum1 / sum;                          // (x/2)(2/x) sum1/sum; may be subnormal
    out.x2_over_rho = (x2 == T(0)) ? T(0) : x2 * (sum / sum1);  // finite whenever x2 > 0
    return out;
}

// log K_mu(x) and rho_mu for |mu| <= 1/2 and x > 2: Steed's algorithm for the continued
// fraction CF2 (Thompson & Barnett 1986), K_mu(x) = sqrt(pi/(2x)) e^-x / s, and
// K_{mu+1}/K_mu = (mu + x + 1/2 - h)/x. Converges in ~25 steps at x = 2, fewer beyond.
template <typename T> LOGBESSEL_INLINE k_start<T> steed_cf2(T mu, T x) {
    T b = T(2) * (T(1) + x);
    T d = T(1) / b;
    T h = d, delh = d;
    T q1 = T(0), q2 = T(1);
    const T a1 = T(0.25) - mu * mu;
    T q = a1, c = a1, a = -a1;
    T s = T(1) + q * delh;
    for (int i = 2; i < 1000; ++i) {
        const T ii = T(i);
        a -= T(2) * (ii - T(1));
        c = -a * c / ii;
        const T qnew = (q1 - b * q2) / a;
        q1 = q2;
        q2 = qnew;
        q += c * qnew;
        b += T(2);
        d = T(1) / (b + a * d);
        delh = (b * d - T(1)) * delh;
        h += delh;
        const T dels = q * delh;
        s += dels;
        if (m_fabs(dels) < limits<T>::eps() * T(0.5) * m_fabs(s)) break;
    }
    h = a1 * h;
    k_start<T> out;
    const T log_x = m_log(x);
    out.log_k_mu = T(0.5) * (log_pi_2<T>() - log_x) - x - m_log(s);
    out.rho = T(0.5) * (mu + x + T(0.5) - h);
    out.log_k_mu1 = out.log_k_mu + m_log(out.rho) + (ln2<T>() - log_x);
    out.x2_over_rho = T(0.25) * x * x / out.rho;
    return out;
}

// rho_mu = (x/2) K_{mu+1}(x) / K_mu(x) alone, for |mu| <= 1/2 and x > 1: the continued
// fraction h of Steed's CF2 (as in steed_cf2, without the normalisation sum s), rho_mu =
// (mu + x + 1/2 - a1 h)/2. h converges ~2.7x faster than s (55 steps instead of 147 at x = 1,
// 32 / 80 at x = 2, 12 / 24 at x = 10, double), and log K then comes from the Wronskian
// (log_kv_temme), which needs the power series of I anyway near the turning point.
template <typename T> LOGBESSEL_INLINE T steed_rho(T mu, T x) {
    T b = T(2) * (T(1) + x);
    T d = T(1) / b;
    T h = d, delh = d;
    const T a1 = T(0.25) - mu * mu;
    T a = -a1;
    const T tol = T(0.25) * limits<T>::eps();
    for (int i = 2; i < 1000; ++i) {
        a -= T(2) * T(i - 1);
        b += T(2);
        d = T(1) / (b + a * d);
        delh = (b * d - T(1)) * delh;
        h += delh;
        if (m_fabs(delh) < tol * m_fabs(h)) break;
    }
    return T(0.5) * (mu + x + T(0.5) - a1 * h);
}

// Region 2: R < R_D, v >= 0, x > 0.
template <typename T> LOGBESSEL_INLINE T log_kv_temme(T v, T x) {
    const T nf = m_floor(v + T(0.5));
    const int n = static_cast<int>(nf);
    const T mu = v - nf;  // in [-1/2, 1/2)
    // Temme's series up to x = 1, Steed's CF2 above. (Temme's series is used up to x = 2 in
    // the literature, but from x ~ 1 its first term turns negative and the cancellation costs
    // up to ~8 ulps at x = 2; CF2 needs more steps at x = 1..2, but stays accurate.)
    const T x2 = T(0.25) * x * x;
    T rho;
    if (x <= T(1)) {
        const k_start<T> st = temme_series(mu, x);
        // Where log K_v is not O(1) the direct product is accurate, no Wronskian needed: n = 0
        // (K_mu itself), and n >= 1 away from the turning point x ~ 0.7 v, where
        // log K_{mu+1} + sum log rho + (n-1) log(2/x) adds terms without cancellation.
        const bool direct = (n == 0) || x <= T(0.2) * v;
        if (n == 0) return st.log_k_mu;
        // Forward recurrence of rho_nu = (x/2) K_{nu+1}/K_nu (stable for K: all terms positive,
        // errors damped by (x/2)^2 / (rho_{nu-1} rho_nu) < 1 at each step).
        T nu = mu + T(1);
        rho = nu + st.x2_over_rho;  // rho_{mu+1}
        T prod = T(1);  // rho_{mu+1} ... rho_{v-1}: < 1e38 for n <= 22
        for (int k = 2; k <= n; ++k) {  // up to rho_v
            prod *= rho;
            nu += T(1);
            rho = nu + x2 / rho;
        }
        if (direct) return st.log_k_mu1 + m_log(prod) + T(n - 1) * (ln2<T>() - m_log(x));
    } else {
        // x > 1: only rho_mu from the continued fraction (steed_rho), the same forward
        // recurrence up to rho_v, and log K_v from the Wronskian below for every v (no log K_mu
        // from CF2's slowly converging sum s).
        rho = steed_rho(mu, x);
        T nu = mu;
        for (int k = 1; k <= n; ++k) {
            nu += T(1);
            rho = nu + x2 / rho;
        }
    }
    // K_v from the Wronskian I_v K_{v+1} + I_{v+1} K_v = 1/x (DLMF 10.28.2):
    //     log K_v = -log I_v - log(2 rho_v) - log1p(w),
    //     w = (x/2) (I_{v+1}/I_v) / rho_v = (x^2/4) S_{v+1} / ((v+1) rho_v S_v),
    // with log I_v and S_{v+1}/S_v from the power series. Multiplying up K_mu along the
    // recurrence instead would lose ~R eps near x ~ 0.7 v, where log K_v ~ 0 but log K_mu and
    // the product of ratios are both O(v); the series prefactor handles that cancellation.
    T tail, s1;
    series_sums<T, true>(v, x, tail, s1);
    const T log_i = series_prefactor(v, x) + m_log1p(tail);
    const T w = x2 * s1 / ((v + T(1)) * rho * (T(1) + tail));
    return -log_i - m_log(T(2) * rho) - m_log1p(w);
}

// Region 1: Debye expansion in R.
template <typename T> LOGBESSEL_INLINE T log_kv_debye(T v, T x) {
    const radius<T> rd = make_radius(v, x);
    const T tail = debye_series(rd, T(-1));
    const two_part<T> ve = debye_v_eta(v, x, rd);
    // large parts first (v eta and log(R)/2 may nearly cancel), then the O(1) terms
    return (T(0.5) * log_pi_2<T>() - T(0.5) * rd.log_r_lo + log1p_small(tail)) -
           ((ve.hi + T(0.5) * rd.log_r_hi) + ve.lo);
}

// v >= 0, 0 < x < inf, both finite.
template <typename T> LOGBESSEL_INLINE T log_kv_positive(T v, T x) {
    using tr = traits<T>;
    if (v >= tr::debye_min_r() || x >= tr::debye_min_r() ||
        v * v + x * x >= tr::debye_min_r() * tr::debye_min_r())
        return log_kv_debye(v, x);
    return log_kv_temme(v, x);
}

}  // namespace detail

// log K_v(x). Domain rules (also in the ufunc docstring):
//   nan in v or x -> nan;  x < 0 -> nan;  K_{-v} = K_v;
//   x = 0 -> +inf;  x = +inf -> -inf (finite v), nan (infinite v);
//   |v| = inf, 0 <= x < inf -> +inf.
template <typename T> LOGBESSEL_INLINE T log_kv(T v, T x) {
    using detail::limits;
    if (detail::m_isnan(v) || detail::m_isnan(x)) return limits<T>::nan();
    if (x < T(0)) return limits<T>::nan();
    if (v < T(0)) v = -v;
    if (detail::m_isinf(x)) return detail::m_isinf(v) ? limits<T>::nan() : -limits<T>::inf();
    if (x == T(0) || detail::m_isinf(v)) return limits<T>::inf();
    return detail::log_kv_positive(v, x);
}

}  // namespace logbessel
