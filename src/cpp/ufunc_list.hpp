// The list of logbessel's elementwise functions, shared by the NumPy ufuncs (_core.cpp) and the
// CUDA kernels, so that both expose exactly the same set.
#pragma once

// Every binary function (two inputs, one output), as X(name): name is at once the kernel
// logbessel::name<T>(a, b), the docstring logbessel::docs::name and the Python attribute.
// To add a ufunc: write the kernel in a header under include/logbessel (included by
// logbessel.hpp), its docstring in docstrings.hpp, and one line here.
#define LOGBESSEL_BINARY_UFUNCS(X) \
    X(log_iv)                      \
    X(log_kv)                      \
    X(iv_ratio)                    \
    X(iv_ratio_c)                  \
    X(iv_ratio_inv)                \
    X(log_iv_dx)                   \
    X(log_kv_dx)                   \
    X(vmf_log_norm)                \
    X(log_iv_dv)                   \
    X(log_kv_dv)                   \
    X(log_abs_iv)                  \
    X(sign_iv)                     \
    X(matern)                      \
    X(matern_dnu)

