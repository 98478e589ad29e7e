// The CUDA kernels of logbessel._cuda: every function of src/cpp/ufunc_list.hpp, float and
// double, from the same headers as the CPU ufuncs (logbessel/cuda_kernels.cuh defines the
// kernels; the JIT path compiles that very header through NVRTC). Built by nvcc for an explicit
// architecture list (src/cuda/CMakeLists.txt) without flush-to-zero, so float32 subnormal
// inputs and results behave as on the CPU.
#include <cuda_runtime.h>

#include <mutex>
#include <vector>

#include "logbessel/cuda_kernels.cuh"
#include "launch.hpp"
#include "ufunc_list.hpp"

// logbessel_NAME_f32 / logbessel_NAME_f64 for every NAME of the list.
LOGBESSEL_BINARY_UFUNCS(LOGBESSEL_CUDA_BINARY_KERNELS)

namespace logbessel_cuda {
namespace {

struct entry {
    const char *name;
    const void *kernel[2];  // float32, float64
};

#define LOGBESSEL_ENTRY(NAME) \
    {#NAME, {reinterpret_cast<const void *>(&logbessel_##NAME##_f32), reinterpret_cast<const void *>(&logbessel_##NAME##_f64)}},
const entry entries[] = {LOGBESSEL_BINARY_UFUNCS(LOGBESSEL_ENTRY)};
#undef LOGBESSEL_ENTRY
constexpr int n_entries = static_cast<int>(sizeof(entries) / sizeof(entries[0]));

// Grid size per (device, function, dtype): one full wave of resident blocks (SM count x
// blocks per SM at this kernel's register use, from the occupancy calculator); the
// grid-stride loop covers any n with it. Computed on first use, then cached.
std::mutex grid_mutex;
std::vector<int> grid_cache;  // index: (device * n_entries + function) * 2 + dtype; 0 = unknown

cudaError_t full_wave_grid(int device, int index, int dtype, int *grid) {
    const std::size_t slot = (static_cast<std::size_t>(device) * n_entries + index) * 2 + dtype;
    std::lock_guard<std::mutex> lock(grid_mutex);
    if (slot < grid_cache.size() && grid_cache[slot] > 0) {
        *grid = grid_cache[slot];
        return cudaSuccess;
    }
    int sms = 0, per_sm = 0;
    cudaError_t err = cudaDeviceGetAttribute(&sms, cudaDevAttrMultiProcessorCount, device);
    if (err != cudaSuccess) return err;
    err = cudaOccupancyMaxActiveBlocksPerMultiprocessor(&per_sm, entries[index].kernel[dtype],
                                                        logbessel::cuda::block_size, 0);
    if (err != cudaSuccess) return err;
    const int g = (sms > 0 ? sms : 1) * (per_sm > 0 ? per_sm : 1);
    if (slot >= grid_cache.size()) grid_cache.resize(slot + 1, 0);
    grid_cache[slot] = g;
    *grid = g;
    return cudaSuccess;
}

}  // namespace

int function_count() { return n_entries; }

const char *function_name(int index) {
    return (index >= 0 && index < n_entries) ? entries[index].name : nullptr;
}

const char *launch(int index, int dtype, int device, long long n, std::uintptr_t a, long long sa,
                   std::uintptr_t b, long long sb, std::uintptr_t out, long long so,
                   std::uintptr_t stream) {
    if (index < 0 || index >= n_entries) return "logbessel._cuda: function index out of range";
    if (dtype != 0 && dtype != 1) return "logbessel._cuda: dtype must be 0 (float32) or 1 (float64)";
    if (n <= 0) return nullptr;  // nothing to do (0-size arrays may have null pointers)

    // Run on `device` (the device of the arrays, made current by the caller through CuPy);
    // switch only if this thread's runtime state disagrees, and switch back afterwards.
    int previous = -1;
    cudaError_t err = cudaGetDevice(&previous);
    if (err != cudaSuccess) return cudaGetErrorString(err);
    if (previous != device) {
        err = cudaSetDevice(device);
        if (err != cudaSuccess) return cudaGetErrorString(err);
    }

    int grid = 0;
    err = full_wave_grid(device, index, dtype, &grid);
    if (err == cudaSuccess) {
        const long long blocks_needed = (n + logbessel::cuda::block_size - 1) / logbessel::cuda::block_size;
        if (blocks_needed < grid) grid = static_cast<int>(blocks_needed);
        void *pa = reinterpret_cast<void *>(a);
        void *pb = reinterpret_cast<void *>(b);
        void *po = reinterpret_cast<void *>(out);
        void *args[] = {&n, &pa, &sa, &pb, &sb, &po, &so};
        err = cudaLaunchKernel(entries[index].kernel[dtype], dim3(grid), dim3(logbessel::cuda::block_size),
                               args, 0, reinterpret_cast<cudaStream_t>(stream));
        // Launch-configuration errors (bad stream, no kernel image for this device, ...).
        if (err == cudaSuccess) err = cudaGetLastError();
    }
    if (previous != device) cudaSetDevice(previous);
    return err == cudaSuccess ? nullptr : cudaGetErrorString(err);
}

int runtime_version() {
    int v = 0;
    return cudaRuntimeGetVersion(&v) == cudaSuccess ? v : 0;
}

int driver_version() {
    int v = 0;
    return cudaDriverGetVersion(&v) == cudaSuccess ? v : 0;
}

int device_count(const char **error) {
    int count = 0;
    const cudaError_t err = cudaGetDeviceCount(&count);
    if (err != cudaSuccess) {
        if (error != nullptr) *error = cudaGetErrorString(err);
        cudaGetLastError();  // clear it: not being able to see a device is not sticky
        return 0;
    }
    if (error != nullptr) *error = nullptr;
    return count;
}

}  // namespace logbessel_cuda
