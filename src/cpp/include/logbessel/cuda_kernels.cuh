// logbessel/cuda_kernels.cuh -- the CUDA entry points of the elementwise functions: one
// __global__ kernel per (function, dtype), written once and compiled by both GPU paths:
//   * ahead of time by nvcc into the `logbessel._cuda` extension (src/cuda/kernels.cu
//     instantiates every function of src/cpp/ufunc_list.hpp), and
//   * at run time by NVRTC through CuPy (logbessel/_gpu_jit.py generates a two-line source
//     per function that includes this header and calls LOGBESSEL_CUDA_BINARY_KERNELS(name)).
// The math is the same header-only code as the CPU ufuncs (logbessel::name<T>); nothing here
// computes anything but indices.
#pragma once

#if defined(__CUDACC__)

#include "logbessel.hpp"

namespace logbessel {
namespace cuda {

// Threads per block of every launch (both paths). 256 is a multiple of the warp size that
// keeps the block count per SM flexible for these register-heavy kernels.
constexpr int block_size = 256;

// Elementwise kernel body: out[i * so] = op(a[i * sa], b[i * sb]) for 0 <= i < n.
//
// Layout: each operand is a 1-D sequence with a constant element stride (in elements, not
// bytes): 1 for a C-contiguous array of the broadcast shape, 0 for a scalar broadcast to
// every element, anything (negative too) for a strided 1-D view. The Python dispatcher
// (logbessel/_gpu_dispatch.py) reduces every call to this form, copying an operand only
// when its broadcast layout is not a single constant stride (e.g. a row broadcast along a
// second axis). Why not full N-d strided indexing: the kernels are compute-bound (hundreds
// of flops per element against 24 bytes of traffic in float64), so an occasional extra
// copy costs little, while N-d index arithmetic (a division per axis) would slow every call.
//
// Grid-stride loop with 64-bit indices: any n works with any grid size, the host picks the
// grid from the occupancy (a few waves of resident blocks), and arrays beyond 2^31 elements
// are indexed correctly.
//
// No __restrict__: `out` may be the same array as an input (element for element, as in
// log_iv(v, x, out=x)); every element is read before the same thread writes it.
template <typename Op, typename T>
__device__ __forceinline__ void binary_elementwise(long long n, const T *a, long long sa, const T *b,
                                                   long long sb, T *out, long long so) {
    const long long step = static_cast<long long>(blockDim.x) * gridDim.x;
    for (long long i = static_cast<long long>(blockIdx.x) * blockDim.x + threadIdx.x; i < n; i += step) {
        out[i * so] = Op::template apply<T>(a[i * sa], b[i * sb]);
    }
}

}  // namespace cuda
}  // namespace logbessel

// Defines the two kernels of one binary function NAME, with C linkage so that both paths
// find them under the same plain names:
//   logbessel_NAME_f32(n, a, sa, b, sb, out, so)   float
//   logbessel_NAME_f64(n, a, sa, b, sb, out, so)   double
// The function is wrapped in a struct (not a lambda, which would need nvcc's
// --extended-lambda and has no NVRTC equivalent we want to depend on).
#define LOGBESSEL_CUDA_BINARY_KERNEL(NAME, T, SUFFIX)                                               \
    extern "C" __global__ void __launch_bounds__(logbessel::cuda::block_size)                        \
        logbessel_##NAME##_##SUFFIX(long long n, const T *a, long long sa, const T *b, long long sb, \
                                    T *out, long long so) {                                         \
        logbessel::cuda::binary_elementwise<logbessel_##NAME##_op>(n, a, sa, b, sb, out, so);       \
    }
#define LOGBESSEL_CUDA_BINARY_KERNELS(NAME)                                                            \
    struct logbessel_##NAME##_op {                                                                     \
        template <typename T> __device__ __forceinline__ static T apply(T a, T b) {                    \
            return logbessel::NAME<T>(a, b);                                                           \
        }                                                                                              \
    };                                                                                                 \
    LOGBESSEL_CUDA_BINARY_KERNEL(NAME, float, f32)                                                     \
    LOGBESSEL_CUDA_BINARY_KERNEL(NAME, double, f64)

#endif  // __CUDACC__
