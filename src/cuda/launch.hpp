// Plain C++ interface between the pybind11 module (_cuda_module.cpp, compiled by the host
// compiler) and the kernels (kernels.cu, compiled by nvcc). No CUDA or Python types cross
// it: pointers, strides and the stream travel as integers, errors as message strings.
#pragma once

#include <cstdint>

namespace logbessel_cuda {

// The functions compiled into the module, in the order of src/cpp/ufunc_list.hpp.
int function_count();
const char *function_name(int index);

// Launches function `index` (dtype 0 = float32, 1 = float64) on `stream` of `device`:
//   out[i * so] = f(a[i * sa], b[i * sb]) for 0 <= i < n   (strides in elements).
// Asynchronous: returns after the launch has been queued; the launch configuration is
// checked (cudaGetLastError), faults inside the kernel surface at the next synchronising
// call, as for every CUDA kernel. Returns nullptr on success, else the CUDA error message.
const char *launch(int index, int dtype, int device, long long n, std::uintptr_t a, long long sa,
                   std::uintptr_t b, long long sb, std::uintptr_t out, long long so,
                   std::uintptr_t stream);

// Version of the CUDA runtime linked into the module (e.g. 13000), of the installed driver
// (0 when there is none), and the number of devices (0 when none or no driver; `error`
// then receives the runtime's message).
int runtime_version();
int driver_version();
int device_count(const char **error);

}  // namespace logbessel_cuda
