// logbessel/config.hpp -- the one place that knows whether we compile for the host or for a
// CUDA device (nvcc or NVRTC), and the math shims every algorithm goes through.
//
// Rules for all logbessel headers (so that the same text compiles for CPU and GPU):
//   * every function is a template or inline and is marked LOGBESSEL_HOST_DEVICE;
//   * no exceptions, no allocation, no I/O, no static data needing dynamic initialisation;
//   * math calls go through logbessel::detail::m_* below, never std:: directly, so the
//     device build maps them to CUDA's device functions (we never reopen namespace std).
#pragma once

#if defined(__CUDACC__) || defined(__HIPCC__)
#define LOGBESSEL_HOST_DEVICE __host__ __device__
#define LOGBESSEL_DEVICE_COMPILE 1
#else
#define LOGBESSEL_HOST_DEVICE
#define LOGBESSEL_DEVICE_COMPILE 0
#endif

#define LOGBESSEL_INLINE LOGBESSEL_HOST_DEVICE inline

#if defined(__CUDACC_RTC__)
// NVRTC: no standard headers; CUDA's math functions are builtins in the global namespace.
#else
#include <cmath>
#include <cstdint>
#endif

namespace logbessel {
namespace detail {

// ---------------------------------------------------------------------------------------
// Numeric limits without <limits> (which NVRTC lacks). Values are the IEEE binary32/64 ones.
// ---------------------------------------------------------------------------------------
// Infinity and the quiet nan as constants. GCC, Clang and nvcc have the __builtin_ forms;
// NVRTC (the JIT path through CuPy) has none of them, so there the bit patterns are
// reinterpreted with CUDA's device intrinsics (the same bits: +inf, and the default quiet
// nan 0x7fc00000 / 0x7ff8000000000000 that __builtin_nan("") gives).
#if defined(__CUDACC_RTC__)
#define LOGBESSEL_INF_F __int_as_float(0x7f800000)
#define LOGBESSEL_NAN_F __int_as_float(0x7fc00000)
#define LOGBESSEL_INF_D __longlong_as_double(0x7ff0000000000000LL)
#define LOGBESSEL_NAN_D __longlong_as_double(0x7ff8000000000000LL)
#else
#define LOGBESSEL_INF_F __builtin_huge_valf()
#define LOGBESSEL_NAN_F __builtin_nanf("")
#define LOGBESSEL_INF_D __builtin_huge_val()
#define LOGBESSEL_NAN_D __builtin_nan("")
#endif
template <typename T> struct limits;
template <> struct limits<float> {
    LOGBESSEL_INLINE static constexpr float eps() { return 1.1920928955078125e-7f; }  // 2^-23
    LOGBESSEL_INLINE static constexpr float max() { return 3.4028234663852886e38f; }
    LOGBESSEL_INLINE static constexpr float min_normal() { return 1.1754943508222875e-38f; }
    LOGBESSEL_INLINE static float inf() { return LOGBESSEL_INF_F; }
    LOGBESSEL_INLINE static float nan() { return LOGBESSEL_NAN_F; }
};
template <> struct limits<double> {
    LOGBESSEL_INLINE static constexpr double eps() { return 2.220446049250313e-16; }  // 2^-52
    LOGBESSEL_INLINE static constexpr double max() { return 1.7976931348623157e308; }
    LOGBESSEL_INLINE static constexpr double min_normal() { return 2.2250738585072014e-308; }
    LOGBESSEL_INLINE static double inf() { return LOGBESSEL_INF_D; }
    LOGBESSEL_INLINE static double nan() { return LOGBESSEL_NAN_D; }
};

// ---------------------------------------------------------------------------------------
// Math shims. Overloads for float and double; on the device they resolve to CUDA's math
// library (float versions are the ...f functions, so the float path never widens to double).
// ---------------------------------------------------------------------------------------
#if LOGBESSEL_DEVICE_COMPILE
#define LOGBESSEL_SHIM1(name)                                                       \
    LOGBESSEL_INLINE float m_##name(float a) { return ::name##f(a); }              \
    LOGBESSEL_INLINE double m_##name(double a) { return ::name(a); }
#else
#define LOGBESSEL_SHIM1(name)                                                       \
    LOGBESSEL_INLINE float m_##name(float a) { return std::name(a); }              \
    LOGBESSEL_INLINE double m_##name(double a) { return std::name(a); }
#endif
LOGBESSEL_SHIM1(log)
LOGBESSEL_SHIM1(log1p)
LOGBESSEL_SHIM1(exp)
LOGBESSEL_SHIM1(expm1)
LOGBESSEL_SHIM1(sqrt)
LOGBESSEL_SHIM1(asinh)
LOGBESSEL_SHIM1(fabs)
LOGBESSEL_SHIM1(floor)
LOGBESSEL_SHIM1(sin)
LOGBESSEL_SHIM1(cosh)
LOGBESSEL_SHIM1(sinh)
#undef LOGBESSEL_SHIM1

// log|Gamma(a)| without global state. C's lgamma() stores the sign of Gamma in the global
// `signgam`, which makes concurrent calls from several threads (NumPy releases the GIL around
// the ufunc loops) a data race. The reentrant lgamma_r / lgammaf_r return the sign through a
// local instead; glibc declares them under __USE_MISC (the default with g++ and clang++, which
// define _GNU_SOURCE). CUDA's device lgamma has no side effect. Other hosts fall back to
// std::lgamma, which may write signgam there (no logbessel code reads it; see the README's
// "Hardening" section). The value is the same function either way.
#if LOGBESSEL_DEVICE_COMPILE
LOGBESSEL_INLINE float m_lgamma(float a) { return ::lgammaf(a); }
LOGBESSEL_INLINE double m_lgamma(double a) { return ::lgamma(a); }
#elif defined(__GLIBC__) && defined(__USE_MISC)
LOGBESSEL_INLINE float m_lgamma(float a) { int sign; return ::lgammaf_r(a, &sign); }
LOGBESSEL_INLINE double m_lgamma(double a) { int sign; return ::lgamma_r(a, &sign); }
#else
LOGBESSEL_INLINE float m_lgamma(float a) { return std::lgamma(a); }
LOGBESSEL_INLINE double m_lgamma(double a) { return std::lgamma(a); }
#endif

#if LOGBESSEL_DEVICE_COMPILE
LOGBESSEL_INLINE float m_fma(float a, float b, float c) { return ::fmaf(a, b, c); }
LOGBESSEL_INLINE double m_fma(double a, double b, double c) { return ::fma(a, b, c); }
LOGBESSEL_INLINE float m_frexp(float a, int *e) { return ::frexpf(a, e); }
LOGBESSEL_INLINE double m_frexp(double a, int *e) { return ::frexp(a, e); }
LOGBESSEL_INLINE float m_sinpi(float a) { return ::sinpif(a); }
LOGBESSEL_INLINE double m_sinpi(double a) { return ::sinpi(a); }
LOGBESSEL_INLINE float m_cospi(float a) { return ::cospif(a); }
LOGBESSEL_INLINE double m_cospi(double a) { return ::cospi(a); }
#else
LOGBESSEL_INLINE float m_fma(float a, float b, float c) { return std::fma(a, b, c); }
LOGBESSEL_INLINE double m_fma(double a, double b, double c) { return std::fma(a, b, c); }
LOGBESSEL_INLINE float m_frexp(float a, int *e) { return std::frexp(a, e); }
LOGBESSEL_INLINE double m_frexp(double a, int *e) { return std::frexp(a, e); }
// sin(pi a) with exact argument reduction: reduce a modulo 2 first (exact in floating
// point), so sin(pi a) is exactly 0 at integers and accurate for huge a.
template <typename T> LOGBESSEL_INLINE T sinpi_impl(T a) {
    T r = a - T(2) * std::floor(a * T(0.5));  // exact: r in [0, 2)
    T s = T(1);
    if (r >= T(1)) { r -= T(1); s = T(-1); }       // sin(pi (r+1)) = -sin(pi r)
    if (r > T(0.5)) r = T(1) - r;                  // sin(pi (1-r)) = sin(pi r), exact
    return s * std::sin(T(3.14159265358979323846) * r);
}
LOGBESSEL_INLINE float m_sinpi(float a) { return sinpi_impl(a); }
LOGBESSEL_INLINE double m_sinpi(double a) { return sinpi_impl(a); }
// cos(pi a), same exact reduction: r = a mod 2 in [0, 2), cos(pi (r+1)) = -cos(pi r); then on
// [0, 1] either cos directly (r <= 1/4), sin(pi (1/2 - r)) (1/4 < r < 3/4; 1/2 - r is exact by
// Sterbenz) or -cos(pi (1 - r)) (r >= 3/4, exact), so it is exactly 0 at half-integers.
template <typename T> LOGBESSEL_INLINE T cospi_impl(T a) {
    T r = a - T(2) * std::floor(a * T(0.5));  // exact: r in [0, 2)
    T s = T(1);
    if (r >= T(1)) { r -= T(1); s = T(-1); }
    const T p = T(3.14159265358979323846);
    if (r <= T(0.25)) return s * std::cos(p * r);
    if (r < T(0.75)) return s * std::sin(p * (T(0.5) - r));
    return -s * std::cos(p * (T(1) - r));
}
LOGBESSEL_INLINE float m_cospi(float a) { return cospi_impl(a); }
LOGBESSEL_INLINE double m_cospi(double a) { return cospi_impl(a); }
#endif

// Non-signalling classification (no FE_INVALID on nan, unlike < and > on some targets).
#if LOGBESSEL_DEVICE_COMPILE
LOGBESSEL_INLINE bool m_isnan(float a) { return ::isnan(a); }
LOGBESSEL_INLINE bool m_isnan(double a) { return ::isnan(a); }
LOGBESSEL_INLINE bool m_isinf(float a) { return ::isinf(a); }
LOGBESSEL_INLINE bool m_isinf(double a) { return ::isinf(a); }
#else
LOGBESSEL_INLINE bool m_isnan(float a) { return std::isnan(a); }
LOGBESSEL_INLINE bool m_isnan(double a) { return std::isnan(a); }
LOGBESSEL_INLINE bool m_isinf(float a) { return std::isinf(a); }
LOGBESSEL_INLINE bool m_isinf(double a) { return std::isinf(a); }
#endif

template <typename T> LOGBESSEL_INLINE T m_max(T a, T b) { return a > b ? a : b; }
template <typename T> LOGBESSEL_INLINE T m_min(T a, T b) { return a < b ? a : b; }

}  // namespace detail
}  // namespace logbessel
