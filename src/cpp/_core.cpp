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
#include <string>

#include "logbessel/logbessel.hpp"
#include "docstrings.hpp"
#include "ufunc_list.hpp"
#include "unit_row_sum.hpp"

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

// The private helpers of logbessel.vmf.fit (unit_row_sum.hpp):
//   _unit_row_sum(X, weights, threads) -> (S, r2)
//   _unit_row_spread(X, weights, r2, m, threads) -> float
// The caller passes a 2-D float32/float64 array with contiguous, aligned rows and contiguous
// float64 vectors (weights may be None). Anything else is a TypeError/ValueError.
struct row_matrix {
    int type;
    npy_intp n, d, row_stride;
    const char *data;
};

row_matrix check_row_matrix(const py::object &X_obj) {
    if (!PyArray_Check(X_obj.ptr())) throw py::type_error("X must be a numpy.ndarray");
    auto *X = reinterpret_cast<PyArrayObject *>(X_obj.ptr());
    const int type = PyArray_TYPE(X);
    if (PyArray_NDIM(X) != 2 || (type != NPY_FLOAT && type != NPY_DOUBLE))
        throw py::type_error("X must be a 2-D float32 or float64 array");
    const npy_intp d = PyArray_DIM(X, 1);
    if (!PyArray_ISALIGNED(X) || (d > 1 && PyArray_STRIDE(X, 1) != PyArray_ITEMSIZE(X)))
        throw py::value_error("the rows of X must be contiguous and aligned");
    return {type, PyArray_DIM(X, 0), d, PyArray_STRIDE(X, 0),
            static_cast<const char *>(PyArray_DATA(X))};
}

// A contiguous float64 vector of the given length (nullptr for None where allowed).
const double *check_vector(const py::object &obj, npy_intp length, const char *what, bool none_ok) {
    if (none_ok && obj.is_none()) return nullptr;
    if (!PyArray_Check(obj.ptr())) throw py::type_error(std::string(what) + " must be a numpy.ndarray");
    auto *a = reinterpret_cast<PyArrayObject *>(obj.ptr());
    if (PyArray_TYPE(a) != NPY_DOUBLE || PyArray_NDIM(a) != 1 || PyArray_DIM(a, 0) != length ||
        !PyArray_IS_C_CONTIGUOUS(a) || !PyArray_ISALIGNED(a))
        throw py::value_error(std::string(what) + " must be a contiguous float64 vector of length " +
                              std::to_string(length));
    return static_cast<const double *>(PyArray_DATA(a));
}

double *vector_data(const py::object &a) {
    return static_cast<double *>(PyArray_DATA(reinterpret_cast<PyArrayObject *>(a.ptr())));
}

py::tuple unit_row_sum(const py::object &X_obj, const py::object &weights_obj, int threads) {
    const row_matrix X = check_row_matrix(X_obj);
    const double *weights = check_vector(weights_obj, X.n, "weights", true);
    npy_intp S_shape[1] = {X.d}, r2_shape[1] = {X.n};
    auto S = py::reinterpret_steal<py::object>(PyArray_ZEROS(1, S_shape, NPY_DOUBLE, 0));
    auto r2 = py::reinterpret_steal<py::object>(PyArray_EMPTY(1, r2_shape, NPY_DOUBLE, 0));
    if (!S || !r2) throw py::error_already_set();
    if (X.n > 0 && X.d > 0) {
        py::gil_scoped_release release;
        if (X.type == NPY_FLOAT)
            logbessel_row_sum::unit_row_sum<float>(X.data, X.n, X.d, X.row_stride, weights,
                                                   vector_data(r2), vector_data(S), threads);
        else
            logbessel_row_sum::unit_row_sum<double>(X.data, X.n, X.d, X.row_stride, weights,
                                                    vector_data(r2), vector_data(S), threads);
    }
    return py::make_tuple(S, r2);
}

double unit_row_spread(const py::object &X_obj, const py::object &weights_obj, const py::object &r2_obj,
                       const py::object &m_obj, int threads) {
    const row_matrix X = check_row_matrix(X_obj);
    const double *weights = check_vector(weights_obj, X.n, "weights", true);
    const double *r2 = check_vector(r2_obj, X.n, "r2", false);
    const double *m = check_vector(m_obj, X.d, "m", false);
    if (X.n == 0 || X.d == 0) return 0.0;
    py::gil_scoped_release release;
    if (X.type == NPY_FLOAT)
        return logbessel_row_sum::unit_row_spread<float>(X.data, X.n, X.d, X.row_stride, weights, r2, m, threads);
    return logbessel_row_sum::unit_row_spread<double>(X.data, X.n, X.d, X.row_stride, weights, r2, m, threads);
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
    m.def("_unit_row_sum", &unit_row_sum, py::arg("X"), py::arg("weights"), py::arg("threads"),
          "(S, r2) = (sum_i w_i x_i / |x_i|, |x_i|^2) in float64 for a float32/float64 matrix with "
          "contiguous rows, in one pass (private helper of logbessel.vmf.fit).");
    m.def("_unit_row_spread", &unit_row_spread, py::arg("X"), py::arg("weights"), py::arg("r2"),
          py::arg("m"), py::arg("threads"),
          "sum_i w_i |x_i / sqrt(r2_i) - m|^2 in float64, in one pass (private helper of "
          "logbessel.vmf.fit for concentrated data).");
}
