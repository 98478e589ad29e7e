// Device-compile check: instantiate every public kernel for float and double in a
// __global__ function. Not launched; its purpose is to fail the build if a header stops
// being device-compatible.
#include "logbessel/logbessel.hpp"

template <typename T>
__global__ void logbessel_device_check_kernel(const T *v, const T *x, T *out_i, T *out_k, long n) {
    const long i = static_cast<long>(blockIdx.x) * blockDim.x + threadIdx.x;
    if (i < n) {
        out_i[i] = logbessel::log_iv<T>(v[i], x[i]);
        out_k[i] = logbessel::log_kv<T>(v[i], x[i]);
    }
}

template __global__ void logbessel_device_check_kernel<float>(const float *, const float *, float *, float *, long);
template __global__ void logbessel_device_check_kernel<double>(const double *, const double *, double *, double *, long);
