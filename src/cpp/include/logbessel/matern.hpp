// logbessel/matern.hpp -- the Matern correlation with unit length scale,
//     k(r, nu) = 2^(1-nu) / Gamma(nu) * z^nu K_nu(z),   z = sqrt(2 nu) r,
// (Rasmussen & Williams 2006, eq. 4.14), in [0, 1], k(0, nu) = 1, decreasing in r, and
// k -> exp(-r^2/2) as nu -> inf. Written M_nu(z) below when seen as a function of z.
//
// The naive form exp((1-nu) log 2 - lgamma(nu) + nu log z + log K_nu(z)) adds terms of size
// ~nu log nu (or ~nu log(1/z) for small z) to get a result of size O(1): it loses ~nu eps
// and returns nan/0 for nu > ~170 in the product form (Gamma overflows). The target here is
// an absolute error of a few eps on k (k is a correlation in [0, 1]), so only the region
// where k is not tiny needs care. Regions (R = sqrt(nu^2 + z^2), R_D as for log K: 21.5 in
// double, 10 in float):
//
//  1. nu >= nu_S (7 in double, 5 in float: where the Stirling remainder phi is accurate) and
//     R >= R_D: the Debye expansion of K (DLMF 10.41.4) with Stirling's series for
//     lgamma(nu) (DLMF 5.11.1) regrouped so that no large terms cancel. With
//     u = z^2/nu^2 = 2 r^2 / nu, sigma = sqrt(1 + u) = R/nu, w = (sigma - 1)/2 = u/(2(1 + sigma)),
//         nu log z + log K_nu(z) = nu log(nu + R) - R + (log(pi/2) - log R)/2 + log(1 + D),
//         lgamma(nu) = (nu - 1/2) log nu - nu + log(2 pi)/2 + phi(nu),
//     so that
//         log k = nu [log1p(w) - 2 w] - log1p(u)/4 - phi(nu) + log1p(D),
//     D = sum_k (-1)^k P_k(t^2)/R^k, t^2 = 1/(1 + u) (the log_kv Debye series). Every term is
//     computed to a few eps relative from r and nu directly (u from one product and one
//     quotient; z is never formed, so nothing overflows up to nu, r = DBL_MAX); as r -> 0,
//     nu [..] -> -r^2/2 (the squared-exponential limit for large nu) and log1p(D) -> phi(nu)
//     up to the Debye truncation (< eps/4). Accuracy: ~2 eps absolute on k.
//
//  2. nu < nu_S and R >= R_D (so z > ~20): k < 2e-5 (double; < 4e-3 in float), and the
//     naive log form above is accurate enough: its absolute error ~50 eps on log k becomes
//     < 1e-3 eps on k. z = sqrt(2 nu) r is finite there (z > 1e30 returns 0 before).
//
//  3. R < R_D (nu, z < 21.5): the Wronskian I_nu K_{nu+1} + I_{nu+1} K_nu = 1/z (DLMF 10.28.2)
//     with the power series I_nu(z) = (z/2)^nu S_nu / Gamma(nu + 1) (DLMF 10.25.2) turns the
//     Matern function into a ratio of positive sums:
//         k = nu / (rho_nu S_nu + (z^2/4) S_{nu+1} / (nu + 1)),   rho_nu = (z/2) K_{nu+1}(z) / K_nu(z),
//     (all the Gamma functions and powers of z cancel exactly). rho_nu comes from Temme's
//     series (z <= 1) or Steed's CF2 (z > 1) for the fractional order mu = nu - round(nu) and
//     the forward recurrence rho_{m} = m + (z/2)^2 / rho_{m-1} (stable for K, all terms
//     positive), exactly as in log_kv.hpp (for z > 1 only CF2's ratio part, steed_rho, which
//     converges ~2.7x faster than its sum s); S_nu, S_{nu+1} have positive terms. So k comes out
//     to a few eps relative for every nu in (0, R_D), integer or not, with no special case
//     at integer nu (where the textbook form 0F1(;1-nu;q) - Gamma(1-nu)/Gamma(1+nu) q^nu
//     0F1(;1+nu;q) has cancelling poles).
//
//  4. z < z_tiny (1e-20 in double, 1e-10 in float): z itself could be subnormal or 0 (small
//     r and small nu), losing the relative precision that (z/2)^(2 nu) needs. There the O(z^2)
//     terms are below eps (even against 1/(1-nu) < 1/eps), and (DLMF 10.31.1, 10.25.2)
//         k = 1 - Gamma(1-nu)/Gamma(1+nu) q^nu   (nu < 1),   k = 1   (nu >= 1),   q = z^2/4 = nu r^2/2,
//     with q^nu from log q = log(nu/2) + 2 log r (no underflow) and 1 - e^y from expm1.
//
// Special values: r < 0 -> nan (a distance; no abs() so that a sign bug upstream is not
// hidden), nu <= 0 -> nan, nan -> nan; r = 0 -> 1 (any nu > 0, also nu = inf);
// r = inf -> 0; nu = inf -> exp(-r^2/2); z > 1e30 -> 0 (k ~ e^-z).
#pragma once

#include "config.hpp"
#include "log_common.hpp"
#include "log_dv.hpp"
#include "log_kv.hpp"
#include "log_series.hpp"
#include "quad_tables.hpp"
#include "ratio.hpp"

namespace logbessel {
namespace detail {

template <typename T> struct matern_traits;
template <> struct matern_traits<double> {
    LOGBESSEL_INLINE static constexpr double stirling_min() { return 7.0; }
    LOGBESSEL_INLINE static constexpr double z_tiny() { return 1e-20; }
    LOGBESSEL_INLINE static constexpr double u_huge() { return 1e300; }
};
template <> struct matern_traits<float> {
    LOGBESSEL_INLINE static constexpr float stirling_min() { return 5.0f; }
    LOGBESSEL_INLINE static constexpr float z_tiny() { return 1e-10f; }
    LOGBESSEL_INLINE static constexpr float u_huge() { return 1e36f; }
};

// Region 1: log k from the regrouped Debye expansion; nu >= stirling_min, R >= R_D.
// Returns +-0 or a negative log; -inf when the true value is below e^-(1e150).
template <typename T> LOGBESSEL_INLINE T matern_log_debye(T r, T nu) {
    // u = z^2/nu^2 = 2 r^2 / nu. Where u > u_huge (z/nu > 1e150 in double, 1e18 in float)
    // log k ~ -z is below -1e18: k = 0 (tested first: the product could overflow).
    const T a = r / nu;
    if (r > T(1) && a > T(0.25) * limits<T>::max() / r) return -limits<T>::inf();
    const T u = (T(2) * a) * r;
    if (!(u < matern_traits<T>::u_huge())) return -limits<T>::inf();
    const T sigma = m_sqrt(T(1) + u);
    const T w = u / (T(2) * (T(1) + sigma));
    // The other terms are <= 0 (-log1p(u)/4) or below 0.01 (log1p(D) - phi(nu)), so where the
    // leading term is below -(log_max + 60) k underflows to 0: skip the Debye series.
    const T lead = nu * (m_log1p(w) - T(2) * w);
    if (lead < -(log_max<T>() + T(60))) return -limits<T>::inf();
    radius<T> rd;
    rd.inv_r = (T(1) / nu) / sigma;
    rd.r_capped = (nu < T(1e30) && sigma < T(1e30) / nu) ? nu * sigma : T(1e30);
    rd.t2 = T(1) / (T(1) + u);
    const T debye = debye_series(rd, T(-1));
    // small terms first, the (possibly large) nu [log1p(w) - 2 w] last
    const T small = (log1p_small(debye) - stirling_remainder(nu)) - T(0.25) * m_log1p(u);
    return lead + small;
}

// Region 2: the plain log form, for nu < stirling_min with z > ~20 (k tiny).
template <typename T> LOGBESSEL_INLINE T matern_log_plain(T r, T nu, T z) {
    const T log_z = m_log(r) + T(0.5) * (ln2<T>() + m_log(nu));
    return ((T(1) - nu) * ln2<T>() - m_lgamma(nu)) + nu * log_z + log_kv_positive(nu, z);
}

// Region 3: k from the Wronskian, 0 < nu, z and nu^2 + z^2 < R_D^2.
template <typename T> LOGBESSEL_INLINE T matern_wronskian(T nu, T z) {
    // round to nearest by truncation (nu + 1/2 >= 0 and < 23 here: the same as m_floor, but
    // two conversions instead of a libm floor without SSE4.1)
    const int n = static_cast<int>(nu + T(0.5));
    const T nf = T(n);
    const T mu = nu - nf;  // in [-1/2, 1/2)
    const T q = T(0.25) * z * z;
    T rho, x2_over_rho;  // rho_mu and q / rho_mu
    if (z <= T(1)) {
        const k_start<T> st = temme_series(mu, z);
        rho = st.rho;
        x2_over_rho = st.x2_over_rho;
    } else {  // only the ratio: the continued fraction alone (steed_rho, log_kv.hpp)
        rho = steed_rho(mu, z);
        x2_over_rho = q / rho;
    }
    if (n >= 1) {
        T order = mu + T(1);
        rho = order + x2_over_rho;  // rho_{mu+1}
        for (int k = 2; k <= n; ++k) {
            order += T(1);
            rho = order + q / rho;
        }
    }
    T tail, s_next;
    series_sums<T, true>(nu, z, tail, s_next);
    return nu / (rho * (T(1) + tail) + q * s_next / (nu + T(1)));
}

// Region 4: z < z_tiny.
// log(nu/2): nu/2 rounds to 0 for the smallest subnormal nu (log(0) = -inf with a divide flag),
// so there log(nu) - log 2; elsewhere log of the exact nu/2.
template <typename T> LOGBESSEL_INLINE T log_half(T nu) {
    return (nu < T(2) * limits<T>::min_normal()) ? m_log(nu) - ln2<T>() : m_log(T(0.5) * nu);
}

template <typename T> LOGBESSEL_INLINE T matern_tiny_z(T r, T nu) {
    if (nu >= T(1)) return T(1);
    const T log_q = log_half(nu) + T(2) * m_log(r);
    // log(Gamma(1-nu)/Gamma(1+nu)); lgamma1p's Taylor branch also serves -nu for nu < 1/16
    const T log_ratio = ((nu < T(0.0625)) ? lgamma1p(-nu) : m_lgamma(T(1) - nu)) - lgamma1p(nu);
    return -m_expm1(nu * log_q + log_ratio);
}

template <typename T> LOGBESSEL_INLINE T clamp_log_to_k(T log_k) {
    // k <= 1 exactly (rounding in the regions above can otherwise give 1 + eps)
    return (log_k >= T(0)) ? T(1) : m_exp(log_k);
}

}  // namespace detail

// The Matern correlation k(r, nu); domain rules at the top of this file.
template <typename T> LOGBESSEL_INLINE T matern(T r, T nu) {
    using detail::limits;
    using tr = detail::traits<T>;
    using mt = detail::matern_traits<T>;
    if (detail::m_isnan(r) || detail::m_isnan(nu) || r < T(0) || nu <= T(0)) return limits<T>::nan();
    if (r == T(0)) return T(1);
    if (detail::m_isinf(r)) return T(0);
    if (detail::m_isinf(nu)) return (r < T(1e10)) ? detail::m_exp(T(-0.5) * r * r) : T(0);
    // r > 1e30 and z = sqrt(2 nu) r > 1e30 (tested in logs: the product could overflow):
    // k <= max(e^-z, e^-r^2/2) (up to powers) = 0 in every region; tested before region 1,
    // whose intermediates would overflow (and raise the flag) there
    if (r > T(1e30) && detail::m_log(r) + T(0.5) * (detail::ln2<T>() + detail::m_log(nu)) > T(69)) return T(0);
    const T rd = tr::debye_min_r();
    if (nu >= rd) return detail::clamp_log_to_k(detail::matern_log_debye(r, nu));
    const T z = detail::m_sqrt(T(2) * nu) * r;
    if (z < mt::z_tiny()) return detail::matern_tiny_z(r, nu);
    if (z >= rd || nu * nu + z * z >= rd * rd) {
        if (nu >= mt::stirling_min()) return detail::clamp_log_to_k(detail::matern_log_debye(r, nu));
        return detail::clamp_log_to_k(detail::matern_log_plain(r, nu, z));
    }
    const T k = detail::matern_wronskian(nu, z);
    return (k > T(1)) ? T(1) : k;
}

// ---------------------------------------------------------------------------------------
// matern_dnu(r, nu) = d/dnu k(r, nu) at fixed r (z = sqrt(2 nu) r moves with nu).
// Regions (accuracy measured against Arb / mpmath, absolute, in eps):
//   nu >= R_D: region 1 differentiated (matern_dlog_debye);
//   nu < R_D, 1 < z < z_max (128 double, 64 float): a saddle-centred trapezoidal quadrature of
//       dk/dnu = E[f(V) score(V)] over the Gamma variable V (matern_dnu_quad: no cancelling
//       O(log) terms; against mpmath max 1.6 float64 on 1000 random points with z in (1, R_D)
//       and 1.0 on 400 over the whole band, float32 1.3 (z in (1, 10)) and 1.9 (band; 0.7 if
//       its last steps ran in double, which cost 7% of its speed); tests/test_matern.py checks
//       the band against Arb). It replaced the Wronskian form (z > 1, R < R_D; ~1.7x slower)
//       and, for z < z_max, regions 1 and 2 (Debye with up to 20 terms);
//   R < R_D, z <= 1: the scaled Temme series differentiated (matern_dnu_small_z), free of
//       the log(z/2) + d/dnu log K cancellation (max 1.8 float64 / 2.3 float32), or where
//       the ratio recurrence damps a crude start below eps/16 (small z, nu >= 1/2 not too
//       small) the Wronskian form (matern_dnu_from_parts) with that start (matern_dnu_crude);
//   nu < R_D, z >= z_max (k < 1e-40): region 1 differentiated, with exact lgamma / psi in
//       place of Stirling's series for nu < nu_S (matern_dlog_debye<T, true>);
//   nu < 2^-960 (1e-30 float), R < R_D, z > 1: the Wronskian form differentiated
//       (matern_dnu_wronskian; 0.8 / 0.5), where the quadrature's w ~ z/(2 nu) would overflow;
//   z < z_tiny: the closed form of region 4 differentiated.
// Dense grid of bench/accuracy_maps.py: max 4.1 (float64, in the z < z_tiny closed form at
// nu ~ 0.006) and 3.3 (float32); the target is 16.
// ---------------------------------------------------------------------------------------
namespace detail {

// phi'(y) for the Stirling remainder phi of log_series.hpp: phi = sum_j c_j y^-(2j-1), so
// phi' = -sum_j (2j-1) c_j y^-2j (same truncation as phi: y >= 7 double, 5 float).
template <typename T> LOGBESSEL_INLINE T stirling_remainder_d(T y) {
    const T r2 = T(1) / (y * y);
    return -r2 * (T(1.0 / 12) + r2 * (T(-3.0 / 360) + r2 * (T(5.0 / 1260) + r2 * (T(-7.0 / 1680) +
           r2 * (T(9.0 / 1188) + r2 * (T(-11.0 * 691.0 / 360360) + r2 * (T(13.0 / 156) +
           r2 * (T(-15.0 * 3617.0 / 122400) + r2 * (T(17.0 * 43867.0 / 244188) +
           r2 * T(-19.0 * 174611.0 / 125400))))))))));
}

// psi(y) for y > 0 (digamma_ge1 of log_dv.hpp, shifted once for y < 1).
template <typename T> LOGBESSEL_INLINE T digamma_pos(T y) {
    if (y >= T(1)) {
        const two_part<T> p = digamma_ge1(y);
        return p.hi + p.lo;
    }
    const two_part<T> p = digamma_ge1(y + T(1));
    return (p.hi - T(1) / y) + p.lo;
}

// Region 3 with z <= 1, differentiated without the log(2/z) cancellation.
//
// Temme's series (log_kv.hpp) in scaled form: with nu = n + mu, mu in [-1/2, 1/2),
// q = z^2/4, c_k = q^k/k!, L = log(2/z), ell = log q = -2 L, sigma = mu L,
//     s0 = (z/2)^mu K_mu(z)         = sum c_k ft_k,
//     s1 = (z/2)^(mu+1) K_(mu+1)(z) = sum c_k (pt_k - k ft_k),
// where pt_k = Gamma(1+mu)/(2 (1-mu)_k), wt_k = q^mu Gamma(1-mu)/(2 (1+mu)_k) and
// ft_k = (z/2)^mu f_k = (pt_k - wt_k)/mu (Temme's f_k; from the f recurrence, finite at mu = 0):
//     ft_0 = e^-sigma f_0,   ft_k = (k ft_(k-1) + pt_(k-1) + wt_(k-1)) / (k^2 - mu^2).
// Derivatives in mu at fixed z: pt_k' = pt_k (psi(1+mu) + H-_k), wt_k' = wt_k (ell - psi(1-mu)
// - H+_k), H-+_k = sum_(i<=k) 1/(i -+ mu), ft_0' = e^-sigma (f_0' - L f_0) (f_0' as in
// temme_series_dmu), ft_k' from the f recurrence differentiated. The pieces that carry log(2/z)
// (ell, L f_0) are multiplied by q^mu or appear where they belong to the result; none is added
// to an opposite O(log(2/z)) term.
//
// n = 0 (0 < nu < 1/2): k = 2 mu s0 / Gamma(1+mu), and with dz/dnu = z/(2 nu),
//     dk/dnu = (2/Gamma(1+mu)) sum_k c_k [pt_k H-_k - wt_k (ell + 1 - psi(1-mu) - psi(1+mu)
//              - H+_k) + k ft_k]
// (d/dmu of 2 mu s0/Gamma(1+mu) at fixed z plus k (1 - rho_mu/mu) = (2/Gamma(1+mu))
// (mu s0 - s1)); the k = 0 term is the z -> 0 limit -G q^nu (ell + 1 - psi(1-nu) - psi(1+nu)).
// n >= 1: d/dnu log k = A1 + sum_(j=1..n-1) (g_j - 1/(mu+j)) - (q/rho_(nu-1))/nu, with
//     A1 = d/dmu log(s1/Gamma(1+mu)) = sum_(k>=1) c_k [pt_k H-_k - k (ft_k' - psi(1+mu) ft_k)] / s1
// (the k = 0 term of s1' - psi(1+mu) s1 is exactly 0), g_j = rho'_(mu+j)/rho_(mu+j) from the
// recurrence of log_kv_dv_temme started at g_mu = s1'/s1 - s0'/s0, and
//     g_j - 1/(mu+j) = -(q/rho_(mu+j-1)) ((mu+j) g_(j-1) + 1) / ((mu+j) rho_(mu+j)),
// (psi(nu) = psi(1+mu) + sum 1/(mu+j) taken apart term by term), 1 - rho_nu/nu = -(q/rho_(nu-1))/nu.
// k = 2 s1/Gamma(1+mu) prod_(j=1..n-1) (1 + (q/rho_(mu+j-1))/(mu+j)) (positive factors).
// Every term is O(1) or small: the absolute error is a few eps (measured against Arb on 600
// random (nu, z) with z in [1e-19, 1] incl. near-(half-)integer nu: max 1.8 eps float64,
// 2.3 eps float32; dense grid of bench/accuracy_maps.py: 92 -> 4.1 eps, 33 -> 3.3 eps float32).
template <typename T> LOGBESSEL_INLINE T matern_dnu_small_z(T nu, T z) {
    // round to nearest by truncation (nu + 1/2 >= 0 and < 23 here: the same as m_floor, but
    // two conversions instead of a libm floor without SSE4.1)
    const int n = static_cast<int>(nu + T(0.5));
    const T nf = T(n);
    const T mu = nu - nf;  // in [-1/2, 1/2)
    const T mu2 = mu * mu;
    // 1/Gamma(1 +- mu) = E +- mu O and the digamma values, as in temme_series_dmu
    T E, dE, O, dO;  // dE = E'(mu^2), dO = O'(mu^2)
    rgamma_even_odd<T, true>(mu2, E, O, dE, dO);
    const T rgp = E + mu * O, rgm = E - mu * O;
    const T F = T(1) / (rgp * rgm);
    const T U = O + T(2) * mu2 * dO;
    const T psi_e = (T(2) * mu2 * dE * O - U * E) * F;
    const T psi_o = -mu * (T(2) * dE * E - O * U) * F;
    const T psi_p = psi_e + psi_o;  // psi(1 + mu)
    const T dF = T(2) * F * psi_o;
    const T g1 = -O, g2 = E;
    const T dg1 = -T(2) * mu * dO, dg2 = T(2) * mu * dE;

    const T L = ln2<T>() - m_log(z);
    const T sigma = mu * L;
    const T e = m_exp(sigma);  // cosh, sinh from it (sinhc_from_exp, log_kv.hpp)
    const T es = T(1) / e;      // (z/2)^mu
    const T ch = T(0.5) * (e + es);
    const T sinhc = sinhc_from_exp(sigma, e, es);
    const T sh = sigma * sinhc;
    const T X = g1 * ch + g2 * sinhc * L;
    const T f0 = F * X;
    const T df0 = dF * X + F * (dg1 * ch + g1 * L * sh + dg2 * sinhc * L + g2 * L * L * dsinhc(sigma, ch, sh));
    T ft = es * f0, dft = es * (df0 - L * f0);
    T pt = T(0.5) / rgp;             // Gamma(1+mu)/2
    T wt = es * es * (T(0.5) / rgm);  // q^mu Gamma(1-mu)/2
    const T ell1 = T(1) - T(2) * L - T(2) * psi_e;  // ell + 1 - psi(1-mu) - psi(1+mu)
    T dpt = pt * psi_p, dwt = wt * ((T(-2) * L) - (psi_e - psi_o));
    T hm = T(0);
    const T q = T(0.25) * z * z;
    T c = T(1);
    const T tol = T(0.25) * limits<T>::eps();
    // q <= 1/4: c_k <= 4^-k/k!, the terms fall below eps/4 of the sums within ~12 steps.
    // Two loops, each with only the sums its case needs (one loop for both cost 1.3x).
    if (n == 0) {
        // the bracket sum of dk/dnu; the stop test bounds each part of the term (not their
        // sum, which could vanish by accident: ell1 - hp and ft change sign near z ~ 1)
        T acc = -wt * ell1, hp = T(0);
        for (int k = 1; k <= 30; ++k) {
            const T kk = T(k);
            const T iden = T(1) / ((kk - mu) * (kk + mu));  // one division, as below
            const T im = (kk + mu) * iden, ip = (kk - mu) * iden;
            ft = (kk * ft + pt + wt) * iden;
            pt *= im;
            wt *= ip;
            hm += im;
            hp += ip;
            c *= q / kk;
            acc += c * ((pt * hm - wt * (ell1 - hp)) + kk * ft);
            if (c * ((pt * hm + wt * m_fabs(ell1 - hp)) + kk * m_fabs(ft)) <= tol * m_fabs(acc)) break;
        }
        return T(2) * rgp * acc;
    }
    // n >= 1: s0, s0', s1 and a1 = s1' - psi(1+mu) s1
    T s0 = ft, ds0 = dft, s1 = pt, a1 = T(0);
    for (int k = 1; k <= 30; ++k) {
        const T kk = T(k);
        // one division per term: 1/(k -+ mu) = (k +- mu)/(k^2 - mu^2) (k - mu, k + mu exact-ish,
        // each reciprocal ~1 ulp as before)
        const T iden = T(1) / ((kk - mu) * (kk + mu));  // 1/(k^2 - mu^2)
        const T im = (kk + mu) * iden, ip = (kk - mu) * iden;
        const T ft_new = (kk * ft + pt + wt) * iden;
        dft = (kk * dft + dpt + dwt + T(2) * mu * ft_new) * iden;
        ft = ft_new;
        pt *= im;
        wt *= ip;
        dpt = (dpt + pt) * im;
        dwt = (dwt - wt) * ip;
        hm += im;
        c *= q / kk;
        const T t_s1 = c * (pt - kk * ft);
        const T t_a1 = c * (pt * hm - kk * (dft - psi_p * ft));
        s0 += c * ft;
        ds0 += c * dft;
        s1 += t_s1;
        a1 += t_a1;
        if (m_fabs(t_s1) <= tol * m_fabs(s1) && m_fabs(t_a1) <= tol * (m_fabs(a1) + s1) &&
            m_fabs(c * ft) <= tol * m_fabs(s0) && m_fabs(c * dft) <= tol * m_fabs(ds0))
            break;
    }
    // n >= 1
    T dlog = a1 / s1;                          // A1
    T g = dlog + psi_p - ds0 / s0;             // g_mu = rho_mu'/rho_mu
    T x2r = q * (s0 / s1);                     // q / rho_mu
    T kval = T(2) * rgp * s1;                  // 2 s1 / Gamma(1+mu), times the factors below
    T order = mu;
    for (int j = 1; j <= n - 1; ++j) {
        order += T(1);  // mu + j
        const T rho = order + x2r;
        kval *= T(1) + x2r / order;
        dlog -= x2r * (order * g + T(1)) / (order * rho);  // g_j - 1/(mu+j)
        g = (T(1) - x2r * g) / rho;                       // g_j
        x2r = q / rho;  // (the chain rho -> q/rho -> rho keeps its one division: the others are off it)
    }
    dlog -= x2r / nu;  // 1 - rho_nu/nu
    return kval * dlog;
}

// Region 3 with z > 1, differentiated (since matern_dnu_quad below, used only for nu below
// matern_nu_min_quad; matern_dnu_from_parts also serves the crude start at z <= 1): the
// Wronskian form of region 3,
//     log k = log nu - log(rho_nu S_nu) - log1p(w),   w = q S_{nu+1}/((nu+1) rho_nu S_nu),
// differentiated at fixed z (S_nu'/S_nu = -W/S, log_dv.hpp), plus dz/dnu = z/(2 nu):
//     d/dnu log k = 1/nu + (1 - rho_nu/nu) - g/(1+w) + W/S - (w/(1+w)) (W/S - W1/S1 - 1/(nu+1)),
// g = rho_nu'/rho_nu; all pieces from one pass (wronskian_dv_parts: CF2 ratio + one power
// series) instead of the Wronskian, the ratio rho_nu and d/dnu log K_nu separately (three
// CF2 runs). No log(z/2) or psi(nu) appears, so nothing of size log(nu) cancels.
template <typename T> LOGBESSEL_INLINE T matern_dnu_from_parts(T nu, const wronskian_dv<T> &p) {
    const T k = nu / (p.rho * p.S * (T(1) + p.w));
    const T wf = p.w / (T(1) + p.w);
    const T dlog = ((T(1) - p.rho / nu) + T(1) / nu) - p.g / (T(1) + p.w) + p.mean_h -
                   wf * ((p.mean_h - p.mean_h1) - T(1) / (nu + T(1)));
    return k * dlog;
}

template <typename T> LOGBESSEL_INLINE T matern_dnu_wronskian(T nu, T z) {
    return matern_dnu_from_parts(nu, wronskian_dv_parts(nu, z));
}

// nu < R_D, 1 < z < z_max, by quadrature (it replaced matern_dnu_wronskian, ~1.7x slower, and
// for R >= R_D the Debye forms with up to 20 terms).
// k is an expectation over U ~ Gamma(nu, 1) (DLMF 10.32.10 with u = z^2/(4t)):
//     k = E[exp(-a/U)],   a = z^2/4 = nu r^2/2,
// and with V = U/nu (mean 1, shape nu) k = E[f(V)], f(V) = exp(-r^2/(2V)), free of nu, so
//     dk/dnu = E[f(V) score(V)],   score = d/dnu log(density of V) = log V - (V - 1) + (log nu - psi(nu)).
// E[score] = 0, and |score| is integrable (E|score| <= sqrt(psi'(nu) - 1/nu), ~1.7 at nu = 1/2),
// so the integral has no O(log z) or O(nu) parts that cancel (unlike d/dnu of log k's terms,
// log(z/2) - psi(nu) + d/dnu log K_nu(z) + ..., where the previous quadrature attempt lost 8 eps).
// With u = (z/2) e^t, t = t* + s, t* = asinh(nu/z) the saddle of nu t - z cosh t:
//     k = pre h sum_i e^psi_i,                   psi_i = -nu (sinh s_i - s_i) - R (cosh s_i - 1) <= 0,
//     dk/dnu = pre h sum_i e^psi_i (c - (w e1_i + e2_i)),
//     c = (log1p(w) - w) + (log nu - psi(nu)),   w = (R - nu)/(2 nu) = z^2/(2 nu (R + nu)),
//     pre = ((nu + R)/2)^nu e^-R / Gamma(nu)  = sqrt(nu/(2 pi)) exp(nu (log1p(w) - 2 w) - phi(nu)),
// (V = (1 + w) e^s, so log V - (V - 1) = (log1p(w) - w) - w expm1(s) - (expm1(s) - s)), with the
// tabulated sh = sinh s - s, ch = cosh s - 1, e1 = expm1 s, e2 = expm1 s - s (quad_tables.hpp,
// tools/gen_quad_tables.py): psi_i is a sum of two terms <= 0 and the score a short sum, each to
// ~1 ulp relative where its weight is large. The saddle node s = 0 has e^psi = 1 exactly.
// Nodes: s_i = i h over a window per cell (nu in [b, b+1), z in a quarter octave); h from
// 0.19 down to 0.058 (double: the error ~exp(-2 pi^2/(h^2 R)) needs h ~ 1/sqrt(R)) and the
// window where psi >= -42: 40 nodes on average on the small-order benchmark (the generator
// checks every cell against h/4: < 2^-56). float: its own float tables (h 0.36 .. 0.105,
// psi >= -20, ~22 nodes, < 2^-28), all in float (8 lanes). The sums run in lanes over fixed
// tables with the branch-free quad_exp (log_dv.hpp), so the compiler vectorises them.
// pre: nu >= nu_S (7 double, 5 float) Stirling's series (phi, phi' as in matern_dlog_debye, to
// ~1 ulp); below ((nu + R)/2)^nu e^-R as one exp (argument in [-R, 12]: relative error ~R eps
// only where k ~ e^-R is tiny) times 1/Gamma(nu) from the
// Taylor series of 1/Gamma(1 + mu) (rgamma_even_odd) and the product prod_j (mu + j), which with
// its derivative also gives psi(nu) = psi(1 + mu) + sum_j 1/(mu + j).
// Accuracy: see matern_dnu's header comment (c and pre are the error budget, the sums ~0.2 eps;
// log nu - psi(nu) straight from a 1-ulp digamma gave 2.4 near nu = 6, hence the shift below).
// nu < matern_nu_min_quad (2^-960 double, 1e-30 float) keeps the Wronskian form (w ~ z/(2 nu)
// would overflow).
template <typename T> struct matern_quad_scheme;
template <> struct matern_quad_scheme<double> {
    static constexpr int nbins_z = mq_d_nbins_z;
    LOGBESSEL_INLINE static constexpr double zmax() { return mq_d_zmax; }
    LOGBESSEL_INLINE static double h(int c) { return mq_d_h(c); }
    LOGBESSEL_INLINE static int start(int c) { return mq_d_start(c); }
    LOGBESSEL_INLINE static int count(int c) { return mq_d_count(c); }
    LOGBESSEL_INLINE static double sh(int i) { return mq_d_sh(i); }
    LOGBESSEL_INLINE static double ch(int i) { return mq_d_ch(i); }
    LOGBESSEL_INLINE static double e1(int i) { return mq_d_e1(i); }
    LOGBESSEL_INLINE static double e2(int i) { return mq_d_e2(i); }
};
template <> struct matern_quad_scheme<float> {
    static constexpr int nbins_z = mq_f_nbins_z;
    LOGBESSEL_INLINE static constexpr float zmax() { return mq_f_zmax; }
    LOGBESSEL_INLINE static float h(int c) { return mq_f_h(c); }
    LOGBESSEL_INLINE static int start(int c) { return mq_f_start(c); }
    LOGBESSEL_INLINE static int count(int c) { return mq_f_count(c); }
    LOGBESSEL_INLINE static float sh(int i) { return mq_f_sh(i); }
    LOGBESSEL_INLINE static float ch(int i) { return mq_f_ch(i); }
    LOGBESSEL_INLINE static float e1(int i) { return mq_f_e1(i); }
    LOGBESSEL_INLINE static float e2(int i) { return mq_f_e2(i); }
};

// The quarter-octave bin of z >= 1: 4 floor(log2 z) + the top two mantissa bits (the bins of
// tools/gen_quad_tables.py, zbin_edges).
LOGBESSEL_INLINE int quarter_octave_bin(double z) {
#if LOGBESSEL_DEVICE_COMPILE
    int e;
    const double m = m_frexp(z, &e);  // z = m 2^e, m in [1/2, 1)
    return 4 * (e - 1) + static_cast<int>(8.0 * m - 4.0);
#else
    unsigned long long bits;
    __builtin_memcpy(&bits, &z, sizeof bits);
    return static_cast<int>(bits >> 50) - (1023 << 2);
#endif
}

// Smallest nu of the quadrature: w ~ z/(2 nu) and the score sums ~w must stay finite.
template <typename T> LOGBESSEL_INLINE constexpr T matern_nu_min_quad();
template <> LOGBESSEL_INLINE constexpr double matern_nu_min_quad<double>() { return 0x1p-960; }
template <> LOGBESSEL_INLINE constexpr float matern_nu_min_quad<float>() { return 1e-30f; }

template <typename T> LOGBESSEL_INLINE T matern_dnu_quad(T nu, T z) {
    using scheme = matern_quad_scheme<T>;
    constexpr int lanes = (sizeof(T) >= 8) ? 4 : 8;  // one AVX2 register
    const T R = m_sqrt(nu * nu + z * z);
    const T w = z * z / ((T(2) * nu) * (R + nu));
    const int cell = scheme::nbins_z * static_cast<int>(nu) + quarter_octave_bin(double(z));
    const int first = scheme::start(cell), count = scheme::count(cell);
    // the terms first (one flat loop: vectorised), then the sums in `lanes` partial sums
    // (count is a multiple of lanes), as in quad_ratio (log_dv.hpp)
    T term0[mq_max_count], term1[mq_max_count];
    for (int k = 0; k < count; ++k) {  // count <= mq_max_count
        const int i = first + k;
        const T e = quad_exp(-(nu * scheme::sh(i) + R * scheme::ch(i)));
        term0[k] = e;
        term1[k] = e * (w * scheme::e1(i) + scheme::e2(i));
    }
    T s0, s1;
    lane_sums<T, lanes>(term0, term1, count, s0, s1);
    const T y_min = matern_traits<T>::stirling_min();  // Stirling's series is accurate above
    T pre, c_nu;  // pre (above) and log nu - psi(nu)
    const T log1p_w = m_log1p(w);
    if (nu >= y_min) {
        pre = m_sqrt(nu * T(0.5 / 3.14159265358979323846)) *
              m_exp(nu * (log1p_w - T(2) * w) - stirling_remainder(nu));
        c_nu = T(0.5) / nu - stirling_remainder_d(nu);
    } else {
        const int n = static_cast<int>(nu + T(0.5));  // round to nearest, mu in [-1/2, 1/2)
        const T mu = nu - T(n);
        T E, O, dE = T(0), dO = T(0);  // the derivatives only where psi comes from them
        if (nu >= T(3)) rgamma_even_odd<T, false>(mu * mu, E, O, dE, dO);
        else rgamma_even_odd<T, true>(mu * mu, E, O, dE, dO);
        const T rg = E + mu * O;  // 1/Gamma(1 + mu)
        T prod = T(1), dprod = T(0);  // prod_(j=1..n-1) (mu + j) and its mu-derivative
        for (int j = 1; j < n; ++j) {  // n <= 7
            dprod = dprod * (mu + T(j)) + prod;
            prod *= mu + T(j);
        }
        pre = m_exp(nu * m_log(T(0.5) * (nu + R)) - R) * ((n == 0) ? mu * rg : rg / prod);
        if (nu >= T(3)) {
            // log nu - psi(nu) = (log y - psi(y)) + H - log(y/nu), y = nu + m in [y_min, y_min + 1),
            // H = sum_(j<m) 1/(nu + j) (psi(y) = psi(nu) + H): terms of size ~log(y/nu) < 0.9
            // instead of log nu and psi(nu) (~2 each; 2.4 eps near nu = 6 against ~0.3)
            const int m = static_cast<int>(y_min) - static_cast<int>(nu);
            T H = T(0);
            for (int j = m - 1; j >= 0; --j) H += T(1) / (nu + T(j));  // m <= 4
            const T y = nu + T(m);
            c_nu = (H - m_log1p(T(m) / nu)) + (T(0.5) / y - stirling_remainder_d(y));
        } else {
            // psi(nu) = psi(1 + mu) + sum_j 1/(mu + j) (n >= 1) or psi(1 + mu) - 1/mu (n = 0),
            // psi(1 + mu) = -g'/g for g = 1/Gamma(1 + mu) = E + mu O
            const T psi1 = -(O + T(2) * mu * (dE + mu * dO)) / rg;
            c_nu = m_log(nu) - ((n == 0) ? psi1 - T(1) / mu : psi1 + dprod / prod);
        }
    }
    const T c = (log1p_w - w) + c_nu;
    return pre * scheme::h(cell) * (c * s0 - s1);
}

// z <= 1, n = round(nu) >= 1: the same Wronskian form with the crude start of the ratio
// recurrence (crude_rho_start, log_dv.hpp: used only where its error bound, k <= 1 times the
// bound on d/dnu log k, is <= eps/16) and plain sums (wronskian_dv_sums<T, true>): no Temme
// series, no psi, no log beyond log z. 1/nu - g/(1+w) cancels to O(z^2) here, at an absolute
// cost of ~eps/nu (nu >= 1/2). Returns false where the bound fails.
template <typename T> LOGBESSEL_INLINE bool matern_dnu_crude(T nu, T z, int n, T mu, T &result) {
    T rho, drho;
    if (!crude_rho_start(z, ln2<T>() - m_log(z), n, mu, rho, drho)) return false;
    result = matern_dnu_from_parts(nu, wronskian_dv_sums<T, true>(nu, z, rho, drho));
    return true;
}

// D = sum_k sw^k P_k(s) and sum_k sw^k (s Q_k(s) - k P_k(s)), k = 1..K (the Debye series of
// log K and the one of matern_dlog_debye's D'), with K fixed at compile time (unrolled, as
// debye_series_fixed).
template <typename T, int K> LOGBESSEL_INLINE void matern_debye_sums(T s, T sw, T &d, T &dd) {
    T swk = T(1);
    d = T(0);
    dd = T(0);
#if defined(__GNUC__) && !defined(__clang__) && !defined(__CUDACC__)
#pragma GCC unroll 20
#endif
    for (int k = 1; k <= K; ++k) {
        const T pk = debye_p_family::poly<T>(k, s);
        const T qk = debye_q_family::poly<T>(k, s);
        swk *= sw;
        d += swk * pk;
        dd += swk * (s * qk - T(k) * pk);
    }
}

// Region 1 of matern, differentiated. With u = 2 r^2/nu (du/dnu = -u/nu), sigma = sqrt(1+u),
// w = (sigma-1)/2, R = nu sigma, s = t^2 = 1/(1+u):
//     d/dnu {nu [log1p(w) - 2w]} = log1p(w) - w,
//     d/dnu {-log1p(u)/4}        = u / (4 nu (1 + u)),
//     d/dnu [P_k(s)/R^k]          = sigma (s Q_k(s) - k P_k(s)) / (2 R^(k+1))
// (from ds/dnu = s(1-s)/nu, dR/dnu = (1 + sigma^2)/(2 sigma) and Q_k = 2(1-s)P_k' - k P_k,
// coefficients.hpp), so d/dnu log k = the sum of these, - phi'(nu) + D'/(1 + D). No term
// is large: as r -> 0 all of them vanish except -phi' + D'/(1+D), which cancel to the
// Debye truncation (< eps/nu). Returns d/dnu log k; log k itself in *log_k.
// ExactPhi (region 2, nu < nu_S, where Stirling's series is not accurate): phi and phi' from
// lgamma and psi instead, phi = lgamma(nu) - ((nu - 1/2) log nu - nu + log(2 pi)/2),
// phi' = psi(nu) - log nu + 1/(2 nu) (DLMF 5.11.1 rearranged). These differences cost a few
// eps absolute on log k and d/dnu log k; region 2 has k < 2e-5 (z > ~20), so the absolute
// error of k d/dnu log k stays far below eps (the plain form region 2 used before lost ~50 eps
// on log k the same way).
template <typename T, bool ExactPhi = false> LOGBESSEL_INLINE T matern_dlog_debye(T r, T nu, T *log_k) {
    const T a = r / nu;
    if (r > T(1) && a > T(0.25) * limits<T>::max() / r) { *log_k = -limits<T>::inf(); return T(0); }
    const T u = (T(2) * a) * r;
    if (!(u < matern_traits<T>::u_huge())) { *log_k = -limits<T>::inf(); return T(0); }
    const T sigma = m_sqrt(T(1) + u);
    const T w = u / (T(2) * (T(1) + sigma));
    const T lw = m_log1p(w);
    const T lead = nu * (lw - T(2) * w);
    // k underflows (as in matern_log_debye): k d/dnu log k ~ w e^lead underflows as well
    if (lead < -(log_max<T>() + T(60))) { *log_k = -limits<T>::inf(); return T(0); }
    const T s = T(1) / (T(1) + u);
    const T sw = -(T(1) / nu) / sigma;  // -1/R: the K signs (-1)^k
    // Fixed term counts from R (no data-dependent exit; see matern_debye_sums): the larger of
    // the counts of debye_series (log k) and debye_q_series (order derivatives).
    const T rc = (nu < T(1e30) && sigma < T(1e30) / nu) ? nu * sigma : T(1e30);
    T d, dd;
    if (sizeof(T) >= 8) {
        if (rc >= T(91.3)) matern_debye_sums<T, 8>(s, sw, d, dd);
        else if (rc >= T(44.1)) matern_debye_sums<T, 12>(s, sw, d, dd);
        else if (rc >= T(25.7)) matern_debye_sums<T, 16>(s, sw, d, dd);
        else matern_debye_sums<T, 20>(s, sw, d, dd);
    } else {
        if (rc >= T(23.8)) matern_debye_sums<T, 4>(s, sw, d, dd);
        else if (rc >= T(12.9)) matern_debye_sums<T, 6>(s, sw, d, dd);
        else matern_debye_sums<T, 10>(s, sw, d, dd);
    }
    const T dD = dd / (T(2) * nu);  // D' = (sigma/(2R)) dd, R = nu sigma
    T phi, dphi;
    if (ExactPhi) {
        const T log_nu = m_log(nu);
        phi = m_lgamma(nu) - (((nu - T(0.5)) * log_nu - nu) + T(0.5) * log_2pi<T>());
        dphi = (digamma_pos(nu) - log_nu) + T(0.5) / nu;
    } else {
        phi = stirling_remainder(nu);
        dphi = stirling_remainder_d(nu);
    }
    *log_k = lead + ((log1p_small(d) - phi) - T(0.25) * m_log1p(u));
    return (lw - w) + (u / (T(4) * nu * (T(1) + u)) - dphi + dD / (T(1) + d));
}

}  // namespace detail

// d/dnu of the Matern correlation at fixed r. Domain rules as matern; r = 0, r = inf,
// nu = inf and z > 1e30 give 0 (k is constant 1, 0, the nu -> inf limit, or 0 to all orders).
template <typename T> LOGBESSEL_INLINE T matern_dnu(T r, T nu) {
    using detail::limits;
    using tr = detail::traits<T>;
    using mt = detail::matern_traits<T>;
    if (detail::m_isnan(r) || detail::m_isnan(nu) || r < T(0) || nu <= T(0)) return limits<T>::nan();
    if (r == T(0) || detail::m_isinf(r) || detail::m_isinf(nu)) return T(0);
    // k = 0 to all orders for r > 1e30 with z > 1e30 (see matern); before region 1
    if (r > T(1e30) && detail::m_log(r) + T(0.5) * (detail::ln2<T>() + detail::m_log(nu)) > T(69)) return T(0);
    // float, nu below 16x the smallest normal: the region formulas carry 1/nu and psi(nu) ~ -1/nu
    // factors that cancel against k ~ nu analytically but overflow float on the way (nan / -inf
    // at r ~ 1e20): evaluate in double, where they do not (rare inputs; no accuracy change)
    if (sizeof(T) < 8 && nu < T(16) * limits<T>::min_normal()) {
        return T(matern_dnu<double>(double(r), double(nu)));
    }
    const T rd = tr::debye_min_r();
    T log_k;
    if (nu >= rd) {
        const T dl = detail::matern_dlog_debye(r, nu, &log_k);
        return (log_k < T(-745)) ? T(0) : detail::m_exp(log_k) * dl;
    }
    const T z = detail::m_sqrt(T(2) * nu) * r;
    if (z < mt::z_tiny()) {
        // k = 1 - G q^nu (nu < 1): dk/dnu = -G q^nu (log q + 1 - psi(1-nu) - psi(1+nu))
        if (nu >= T(1)) return T(0);
        const T log_q = detail::log_half(nu) + T(2) * detail::m_log(r);
        const T log_ratio = ((nu < T(0.0625)) ? detail::lgamma1p(-nu) : detail::m_lgamma(T(1) - nu)) -
                            detail::lgamma1p(nu);
        const T e = nu * log_q + log_ratio;
        if (e < T(-745)) return T(0);
        const T dpsi = detail::digamma_pos(T(1) - nu) + detail::digamma_pos(T(1) + nu);
        return -detail::m_exp(e) * ((log_q + T(1)) - dpsi);
    }
    // nu < R_D, 1 < z < z_max (128 double, 64 float): the quadrature (matern_dnu_quad; it
    // covers region 3 with z > 1 and the part of regions 1 and 2 with z < z_max); nu below
    // matern_nu_min_quad (2^-960 double, 1e-30 float) keeps the Wronskian form in region 3
    if (z > T(1) && z < detail::matern_quad_scheme<T>::zmax()) {
        if (nu >= detail::matern_nu_min_quad<T>()) return detail::matern_dnu_quad(nu, z);
        if (nu * nu + z * z < rd * rd) return detail::matern_dnu_wronskian(nu, z);
    }
    // R < R_D, z <= 1: the Wronskian form with a crude start where its error bound allows
    // (matern_dnu_crude), else the scaled Temme series differentiated (matern_dnu_small_z)
    if (z <= T(1) && nu * nu + z * z < rd * rd) {
        const int n = static_cast<int>(nu + T(0.5));  // round to nearest (nu < 21.5)
        T crude;
        const T mu = nu - T(n);
        if (n >= 1 && detail::crude_start_may_pass(z, n, mu) && detail::matern_dnu_crude(nu, z, n, mu, crude))
            return crude;
        return detail::matern_dnu_small_z(nu, z);
    }
    if (nu >= mt::stirling_min()) {
        const T dl = detail::matern_dlog_debye(r, nu, &log_k);
        return (log_k < T(-745)) ? T(0) : detail::m_exp(log_k) * dl;
    }
    // Region 2 (nu < nu_S, z >= z_max since the quadrature: k < 1e-40; before it z > ~20,
    // k < 2e-5, where the figures below were measured): region 1's fused Debye form with phi, phi' from
    // lgamma and psi (ExactPhi above): one Debye evaluation of P_k and Q_k instead of log K,
    // the ratio K_{nu+1}/K_nu and d/dnu log K separately. 1000 random points (nu log-uniform in
    // [1e-12, 1e-6] (10%) and [1e-6, 1] (30%), uniform in [0, 7]; z in [21.6, 700]) vs mpmath:
    // max abs error 8.6e-6 eps (float64; 1.7e-4 before), 3.2e-5 eps (float32; 3.8e-5 before);
    // relative error median 33 eps (float64; 48 before).
    // nu >= 1e-6 keeps region 1's intermediates in range (z < 770 where k > 0, so sigma ~ z/nu
    // < 8e8, u < 6e17, 1e30/nu finite in float). Below (rare: tiny nu with r > 1e4) the plain
    // log form differentiated, d/dnu log k = log(z/2) - psi(nu) + 1 -
    // rho_nu/nu + d/dnu log K_nu(z) (d/dnu of (1-nu) log 2 - lgamma(nu) + nu log z + log K_nu(z),
    // with dz/dnu = z/(2 nu) and d/dz log K_nu = nu/z - K_{nu+1}/K_nu, rho_nu = (z/2)
    // K_{nu+1}/K_nu), all from the Debye expansions; the O(log z) cancellation costs ~50 eps
    // relative on a result below 1e-4: far below eps absolute.
    if (nu >= T(1e-6)) {
        const T dl = detail::matern_dlog_debye<T, true>(r, nu, &log_k);
        return (log_k < T(-745)) ? T(0) : detail::m_exp(log_k) * dl;
    }
    // rho_nu/nu = (z/(2 nu)) K_{nu+1}/K_nu = 1/2 - (z/(2 nu)) d/dz log K_nu(z) (DLMF 10.29.2:
    // K_nu' = (nu/z) K_nu - K_{nu+1}), from the Debye ratio series of log_kv_dx_positive.
    log_k = detail::matern_log_plain(r, nu, z);
    const T k = (log_k < T(-745)) ? T(0) : detail::m_exp(log_k);
    if (k == T(0)) return T(0);
    const T one_minus_rho_nu = T(0.5) + (T(0.5) * z / nu) * detail::log_kv_dx_positive(nu, z);
    const T dlog = ((detail::m_log(z) - detail::ln2<T>()) - detail::digamma_pos(nu) +
                    detail::log_kv_dv_positive(nu, z)) + one_minus_rho_nu;
    return k * dlog;
}

}  // namespace logbessel
