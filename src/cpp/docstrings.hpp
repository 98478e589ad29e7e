// NumPy-style docstrings of the ufuncs. NumPy prepends the signature line itself.
#pragma once

namespace logbessel::docs {

inline const char *const log_iv = R"doc(Natural logarithm of the modified Bessel function of the first kind, log I_v(x).

Computed entirely in log space, so no intermediate overflows or underflows: log I_v(x) is
finite for every x > 0 (from the smallest subnormal to the largest float) and every finite v
for which the true value fits the float range. Only a result beyond the largest float (e.g.
v ~ 1e308 with tiny x) is returned as -inf with NumPy's overflow warning, as np.exp does.

Parameters
----------
v : array_like
    Order (real). Negative orders follow the rules below.
x : array_like
    Argument, x >= 0.
out : ndarray, optional
    Output array (ufunc keyword); `where=`, `dtype=`, `casting=` work as for any ufunc.

Returns
-------
ndarray or scalar
    log I_v(x), float32 for float32 inputs (computed in float32 arithmetic), float64 otherwise.

Notes
-----
Domain rules:

* x < 0 -> nan; nan in either argument -> nan.
* x = 0 -> 0 for v = 0, -inf for v > 0 (and for negative integer v).
* x = +inf -> +inf (any finite v).
* v < 0: for integer v, I_v = I_|v|. For non-integer v, I_v(x) = I_|v|(x) + (2/pi) sin(|v| pi) K_|v|(x)
  can be negative; the result is log I_v(x) where I_v(x) > 0 and nan where I_v(x) <= 0.
  At x = 0 with non-integer v < 0 the function has a pole (+-inf), so the result is nan.
* v = +inf -> -inf for finite x >= 0 (I_v(x) -> 0); v = -inf -> nan.

Accuracy: a few ulps of max(1, |log I_v(x)|) over the whole range (see the README's tables,
measured against Arb).

Examples
--------
>>> import logbessel
>>> float(logbessel.log_iv(0.5, 1.0))   # log(sqrt(2/pi) sinh(1))
-0.0643519910735318...
>>> float(logbessel.log_iv(1000.0, 1.0))   # I_1000(1) ~ 1e-2869: SciPy's ive underflows to 0
-6605.275109297...
)doc";

inline const char *const log_kv = R"doc(Natural logarithm of the modified Bessel function of the second kind, log K_v(x).

Computed entirely in log space, so no intermediate overflows or underflows: log K_v(x) is
finite for every finite x > 0 (from the smallest subnormal to the largest float) and every
finite v for which the true value fits the float range. Only a result beyond the largest
float (e.g. |v| ~ 1e308 with tiny x) is returned as +inf with NumPy's overflow warning, as
np.exp does.

Parameters
----------
v : array_like
    Order (real). K is even in v: log K_v = log K_|v|.
x : array_like
    Argument, x >= 0.
out : ndarray, optional
    Output array (ufunc keyword); `where=`, `dtype=`, `casting=` work as for any ufunc.

Returns
-------
ndarray or scalar
    log K_v(x), float32 for float32 inputs (computed in float32 arithmetic), float64 otherwise.

Notes
-----
Domain rules:

* x < 0 -> nan; nan in either argument -> nan.
* x = 0 -> +inf (K_v has a pole at 0 for every v).
* x = +inf -> -inf (any finite v).
* v = +-inf -> +inf for finite x > 0 (K_v(x) -> infinity as |v| grows).

Accuracy: a few ulps of max(1, |log K_v(x)|) over the whole range (see the README's tables,
measured against Arb).

Examples
--------
>>> import logbessel
>>> float(logbessel.log_kv(0.5, 1.0))   # log(sqrt(pi/2) e^-1)
-0.774208647355272...
>>> float(logbessel.log_kv(1000.0, 1.0))   # K_1000(1) ~ 1e2865: SciPy's kve overflows to inf
6597.674206338...
)doc";

}  // namespace logbessel::docs
