// logbessel._core: registers the header-only kernels as true NumPy ufuncs.
//
// pybind11 has no ufunc support, so the ufuncs are built with the NumPy C API
// (PyUFunc_FromFuncAndData) inside the pybind11 module init. Each ufunc has two loops,
// 'ff->f' then 'dd->d' (NumPy picks the first loop the inputs cast to safely, so the
// narrow loop must come first); every other dtype reaches one of them through NumPy's
// casting rules. NumPy releases the GIL around these loops (they never touch Python).
//
// Floating-point flags: the kernels are written so that no overflow, divide-by-zero or
// invalid flag is raised for any input (special values are returned as constants, never
// produced by log(0) or inf-inf). Underflow of discarded intermediates (for example x*x
// for subnormal x) is harmless in log space, so each loop clears FE_UNDERFLOW before it
// returns; NumPy therefore never reports a RuntimeWarning for a logbessel ufunc.
#include <pybind11/pybind11.h>

#define PY_ARRAY_UNIQUE_SYMBOL logbessel_ARRAY_API
#define PY_UFUNC_UNIQUE_SYMBOL logbessel_UFUNC_API
#include <numpy/arrayobject.h>
#include <numpy/ufuncobject.h>

#include <cfenv>

#include "logbessel/logbessel.hpp"
#include "docstrings.hpp"
#include "ufunc_list.hpp"

namespace py = pybind11;

namespace {

// Binary loop over strided arrays: out[i] = Kernel(in0[i], in1[i]).
//
// On x86-64 Linux with GCC the loops are compiled twice (function multi-versioning): for
// x86-64-v3 (AVX2 + FMA: the fma() calls of the double-double steps become single
// instructions and the polynomials contract to FMAs) and for the baseline; the dynamic
// loader picks the right one for the CPU, so the wheel stays portable.
#if defined(__GNUC__) && !defined(__clang__) && defined(__x86_64__) && defined(__linux__)
#define LOGBESSEL_CLONES __attribute__((target_clones("arch=x86-64-v3", "default"), flatten))
#else
#define LOGBESSEL_CLONES
#endif

#define LOGBESSEL_DEFINE_LOOP(NAME, T, KERNEL)                                              \
    LOGBESSEL_CLONES void NAME(char **args, const npy_intp *dimensions, const npy_intp *steps, \
                               void *) {                                                   \
        const npy_intp n = dimensions[0];                                                  \
        const char *in0 = args[0];                                                         \
        const char *in1 = args[1];                                                         \
        char *out = args[2];                                                               \
        const npy_intp s0 = steps[0], s1 = steps[1], s2 = steps[2];                        \
        for (npy_intp i = 0; i < n; ++i) {                                                 \
            const T v = *reinterpret_cast<const T *>(in0);                                 \
            const T x = *reinterpret_cast<const T *>(in1);                                 \
            *reinterpret_cast<T *>(out) = KERNEL<T>(v, x);                                 \
            in0 += s0;                                                                     \
            in1 += s1;                                                                     \
            out += s2;                                                                     \
        }                                                                                  \
        std::feclearexcept(FE_UNDERFLOW);                                                  \
    }

// iv_ratio_inv: blocks of 64 elements through logbessel::iv_ratio_inv_block (its starts, then
// its first evaluations, then its steps), so that one element's latency chain overlaps the
// next one's work: 10-30% faster than the generic loop on bench_primitives' inputs. The
// results are logbessel::iv_ratio_inv's up to the start's last bit (see iv_ratio_inv_start_any).
#define LOGBESSEL_DEFINE_INV_LOOP(NAME, T)                                                   \
    LOGBESSEL_CLONES void NAME(char **args, const npy_intp *dimensions, const npy_intp *steps,  \
                               void *) {                                                    \
        const npy_intp n = dimensions[0];                                                   \
        const npy_intp s0 = steps[0], s1 = steps[1], s2 = steps[2];                         \
        for (npy_intp i0 = 0; i0 < n; i0 += 64) {                                           \
            const int m = (n - i0 < 64) ? static_cast<int>(n - i0) : 64;                     \
            logbessel::iv_ratio_inv_block<T>(args[0] + i0 * s0, s0, args[1] + i0 * s1, s1,  \
                                             args[2] + i0 * s2, s2, m);                     \
        }                                                                                   \
        std::feclearexcept(FE_UNDERFLOW);                                                   \
    }
LOGBESSEL_DEFINE_INV_LOOP(iv_ratio_inv_block_loop_f, float)
LOGBESSEL_DEFINE_INV_LOOP(iv_ratio_inv_block_loop_d, double)
#undef LOGBESSEL_DEFINE_INV_LOOP

// Static storage: NumPy does not copy these arrays, they must outlive the ufunc.
char binary_types[6] = {NPY_FLOAT, NPY_FLOAT, NPY_FLOAT, NPY_DOUBLE, NPY_DOUBLE, NPY_DOUBLE};
void *no_data[2] = {nullptr, nullptr};

#define LOGBESSEL_LOOPS(NAME)                                               \
    LOGBESSEL_DEFINE_LOOP(NAME##_loop_f, float, logbessel::NAME)            \
    LOGBESSEL_DEFINE_LOOP(NAME##_loop_d, double, logbessel::NAME)           \
    PyUFuncGenericFunction NAME##_loops[2] = {&NAME##_loop_f, &NAME##_loop_d};
LOGBESSEL_BINARY_UFUNCS(LOGBESSEL_LOOPS)
#undef LOGBESSEL_LOOPS

// The C-level name must equal the attribute name: NumPy pickles ufuncs by name.
void add_binary_ufunc(py::module_ &m, const char *name, PyUFuncGenericFunction *loops,
                      const char *doc) {
    PyObject *f = PyUFunc_FromFuncAndData(loops, no_data, binary_types, 2, 2, 1, PyUFunc_None,
                                          name, doc, 0);
    if (f == nullptr) throw py::error_already_set();
    // pickle stores a ufunc as a global by name; without __module__ it finds the module by
    // scanning sys.modules, which calls getattr on every loaded module (a module with a
    // deprecating __getattr__, e.g. mpmath.rational in mpmath >= 1.4, then makes pickling warn,
    // an error under -W error; found by tests/test_concurrency.py). NumPy >= 2 ufuncs accept the
    // attribute; older ones have no __dict__, and then the scan remains.
    if (PyObject_SetAttrString(f, "__module__", m.attr("__name__").ptr()) < 0) PyErr_Clear();
    m.attr(name) = py::reinterpret_steal<py::object>(f);
}

}  // namespace

PYBIND11_MODULE(_core, m) {
    if (_import_array() < 0) throw py::error_already_set();
    if (_import_umath() < 0) throw py::error_already_set();
    m.doc() = "Compiled core of logbessel: NumPy ufuncs over the header-only kernels.";
    // (iv_ratio_inv's loops: the blocked ones above in place of the generic ones)
    iv_ratio_inv_loops[0] = &iv_ratio_inv_block_loop_f;
    iv_ratio_inv_loops[1] = &iv_ratio_inv_block_loop_d;
#define LOGBESSEL_ADD(NAME) add_binary_ufunc(m, #NAME, NAME##_loops, logbessel::docs::NAME);
    LOGBESSEL_BINARY_UFUNCS(LOGBESSEL_ADD)
#undef LOGBESSEL_ADD
}
