// logbessel._cuda: ahead-of-time compiled CUDA kernels of every logbessel function, launched
// on memory and streams owned by the caller (CuPy). pybind11 has no CUDA array caster, so
// the Python side (logbessel/_gpu_dispatch.py) reads pointers, strides and the stream from
// CuPy and passes them as integers; this module only launches.
//
// The module links the CUDA runtime statically: importing it needs no CUDA library at all,
// launching needs only the driver. Without a driver or a device, import still works and
// device_count() reports 0 with the reason.
#include <pybind11/pybind11.h>

#include <cstdint>
#include <stdexcept>
#include <string>

#include "launch.hpp"

namespace py = pybind11;

#ifndef LOGBESSEL_CUDA_ARCHITECTURES
#define LOGBESSEL_CUDA_ARCHITECTURES "unknown"
#endif

PYBIND11_MODULE(_cuda, m) {
    m.doc() = "Compiled CUDA kernels of logbessel (launched by logbessel.gpu; not a public API).";

    py::tuple names(logbessel_cuda::function_count());
    for (int i = 0; i < logbessel_cuda::function_count(); ++i) names[i] = logbessel_cuda::function_name(i);
    m.attr("names") = names;
    // CMake's CUDA_ARCHITECTURES the kernels were built for ("80-real,90": SASS for sm_80,
    // SASS and PTX for sm_90, the PTX being JIT-compiled by the driver on newer GPUs).
    m.attr("architectures") = LOGBESSEL_CUDA_ARCHITECTURES;
    // Built without flush-to-zero: float32 subnormals are kept, as on the CPU.
    m.attr("flush_to_zero") = false;

    m.def(
        "launch",
        [](int index, int dtype, int device, long long n, std::uintptr_t a, long long sa, std::uintptr_t b,
           long long sb, std::uintptr_t out, long long so, std::uintptr_t stream) {
            const char *err = logbessel_cuda::launch(index, dtype, device, n, a, sa, b, sb, out, so, stream);
            if (err != nullptr) {
                const char *name = logbessel_cuda::function_name(index);
                throw std::runtime_error(std::string("logbessel: CUDA launch of ") + (name ? name : "?") +
                                         (dtype == 0 ? " (float32)" : " (float64)") + " failed: " + err);
            }
        },
        py::arg("index"), py::arg("dtype"), py::arg("device"), py::arg("n"), py::arg("a"), py::arg("sa"),
        py::arg("b"), py::arg("sb"), py::arg("out"), py::arg("so"), py::arg("stream"),
        "Launch function `index` (dtype 0 = float32, 1 = float64) on `stream` of `device`:\n"
        "out[i*so] = f(a[i*sa], b[i*sb]) for 0 <= i < n (pointers as integers, strides in elements).\n"
        "Asynchronous; raises RuntimeError if the launch itself fails.");
    m.def("runtime_version", &logbessel_cuda::runtime_version,
          "CUDA runtime version linked into the module (e.g. 13000).");
    m.def("driver_version", &logbessel_cuda::driver_version,
          "Installed CUDA driver version (e.g. 13000), 0 when there is no driver.");
    m.def(
        "device_count",
        []() {
            const char *err = nullptr;
            const int count = logbessel_cuda::device_count(&err);
            return py::make_tuple(count, err == nullptr ? py::object(py::none()) : py::object(py::str(err)));
        },
        "(number of CUDA devices, None or the runtime's message when that number is 0 because of an error)");
}
