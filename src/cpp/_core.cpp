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

// _unit_row_sum(X, weights, threads) -> (S, r2): see unit_row_sum.hpp. Private helper of
// logbessel.vmf.fit; the caller passes a 2-D float32/float64 array with contiguous, aligned rows
// and float64 contiguous weights (or None). Anything else is a TypeError/ValueError.
py::tuple unit_row_sum(py::object X_obj, py::object weights_obj, int threads) {
    if (!PyArray_Check(X_obj.ptr())) throw py::type_error("X must be a numpy.ndarray");
    auto *X = reinterpret_cast<PyArrayObject *>(X_obj.ptr());
    const int type = PyArray_TYPE(X);
    if (PyArray_NDIM(X) != 2 || (type != NPY_FLOAT && type != NPY_DOUBLE))
        throw py::type_error("X must be a 2-D float32 or float64 array");
    const npy_intp n = PyArray_DIM(X, 0), d = PyArray_DIM(X, 1);
    if (!PyArray_ISALIGNED(X) || (d > 1 && PyArray_STRIDE(X, 1) != PyArray_ITEMSIZE(X)))
        throw py::value_error("the rows of X must be contiguous and aligned");
    const double *weights = nullptr;
    if (!weights_obj.is_none()) {
        if (!PyArray_Check(weights_obj.ptr())) throw py::type_error("weights must be a numpy.ndarray");
        auto *w = reinterpret_cast<PyArrayObject *>(weights_obj.ptr());
        if (PyArray_TYPE(w) != NPY_DOUBLE || PyArray_NDIM(w) != 1 || PyArray_DIM(w, 0) != n ||
            !PyArray_IS_C_CONTIGUOUS(w) || !PyArray_ISALIGNED(w))
            throw py::value_error("weights must be a contiguous float64 array of length n");
        weights = static_cast<const double *>(PyArray_DATA(w));
    }
    npy_intp S_shape[1] = {d}, r2_shape[1] = {n};
    py::object S = py::reinterpret_steal<py::object>(PyArray_ZEROS(1, S_shape, NPY_DOUBLE, 0));
    py::object r2 = py::reinterpret_steal<py::object>(PyArray_EMPTY(1, r2_shape, NPY_DOUBLE, 0));
    if (!S || !r2) throw py::error_already_set();
    double *S_data = static_cast<double *>(PyArray_DATA(reinterpret_cast<PyArrayObject *>(S.ptr())));
    double *r2_data = static_cast<double *>(PyArray_DATA(reinterpret_cast<PyArrayObject *>(r2.ptr())));
    const char *X_data = static_cast<const char *>(PyArray_DATA(X));
    const npy_intp row_stride = PyArray_STRIDE(X, 0);
    if (n > 0 && d > 0) {
        py::gil_scoped_release release;
        if (type == NPY_FLOAT)
            logbessel_row_sum::unit_row_sum<float>(X_data, n, d, row_stride, weights, r2_data, S_data, threads);
        else
            logbessel_row_sum::unit_row_sum<double>(X_data, n, d, row_stride, weights, r2_data, S_data, threads);
    }
    return py::make_tuple(S, r2);
}

}  // namespace

PYBIND11_MODULE(_core, m) {
    if (_import_array() < 0) throw py::error_already_set();
    if (_import_umath() < 0) throw py::error_already_set();
    m.doc() = "Compiled core of logbessel: NumPy ufuncs over the header-only kernels.";
#define LOGBESSEL_ADD(NAME) add_binary_ufunc(m, #NAME, NAME##_loops, logbessel::docs::NAME);
    LOGBESSEL_BINARY_UFUNCS(LOGBESSEL_ADD)
#undef LOGBESSEL_ADD
    m.def("_unit_row_sum", &unit_row_sum, py::arg("X"), py::arg("weights"), py::arg("threads"),
          "(S, r2) = (sum_i w_i x_i / |x_i|, |x_i|^2) in float64 for a float32/float64 matrix with "
          "contiguous rows, in one pass (private helper of logbessel.vmf.fit).");
}
