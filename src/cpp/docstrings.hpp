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

inline const char *const log_iv_dv = R"doc(Derivative of log I_v(x) with respect to the order, d/dv log I_v(x).

The quantity a learnable-order model or a maximum-likelihood fit in v needs (the gradient of
log I_v(x) in v), computed directly: the Debye expansion differentiated in v for
sqrt(v^2 + x^2) >= 21.5 (10 in float32), the power series differentiated term by term below.
Finite for every x > 0 from the smallest subnormal to the largest float; it grows like
-log(2v/x) for x << v and tends to -v/x for x >> v.

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
    d/dv log I_v(x), float32 for float32 inputs (computed in float32 arithmetic), float64
    otherwise.

Notes
-----
Domain rules:

* x < 0 -> nan; nan in either argument -> nan.
* x = 0 -> -inf for v >= 0 (at v = 0 the derivative is -K_0(x)/I_0(x) (DLMF 10.38.3), which
  tends to -inf); for negative integer v = -n: -inf for even n, +inf for odd n; nan for
  negative non-integer v (where log_iv is nan as well).
* x = +inf -> 0 (any finite v); nan for infinite v.
* v = +inf -> -inf for finite x >= 0; v = -inf -> nan.
* v < 0 (I_v = I_|v| + (2/pi) sin(|v| pi) K_|v|, DLMF 10.27.2): the derivative of log I_v(x)
  where I_v(x) > 0, nan where I_v(x) <= 0 (exactly where log_iv returns nan). At negative
  integers v = -n the derivative is -(d/dn log I_n + 2 (-1)^n K_n(x)/I_n(x)): I_v is even in v
  only at integer points, so it is not the mirror image of the positive side. Where
  K_n(x)/I_n(x) exceeds the float range the result is returned as +-inf.

Accuracy: measured against Arb (central differences at 300 bits), the error is within
16 eps * max(1, |result|) over v up to 1e6 and the full x range (see the README).
Close to a zero of I_v(x) for negative non-integer v the derivative has a pole, and the
result inherits the conditioning of log I_v(x) there.

Examples
--------
>>> import logbessel
>>> float(logbessel.log_iv_dv(0.0, 1.0))   # -K_0(1)/I_0(1) (DLMF 10.38.3)
-0.33254544304461...
>>> float(logbessel.log_iv_dv(1000.0, 1.0))   # ~ log(x/2) - digamma(v+1) for x << v
-7.60140262570941...
)doc";

inline const char *const log_kv_dv = R"doc(Derivative of log K_v(x) with respect to the order, d/dv log K_v(x).

The gradient of log K_v(x) in v (Matern kernels with a learnable smoothness, order fits),
computed directly: the Debye expansion differentiated in v for sqrt(v^2 + x^2) >= 21.5 (10 in
float32), Temme's series (x <= 1) or Steed's continued fraction (x > 1) differentiated in the
order, followed by the differentiated forward recurrence, below. Odd in v (K_{-v} = K_v),
positive for v > 0.

Parameters
----------
v : array_like
    Order (real). log_kv_dv(-v, x) = -log_kv_dv(v, x).
x : array_like
    Argument, x >= 0.
out : ndarray, optional
    Output array (ufunc keyword); `where=`, `dtype=`, `casting=` work as for any ufunc.

Returns
-------
ndarray or scalar
    d/dv log K_v(x), float32 for float32 inputs (computed in float32 arithmetic), float64
    otherwise.

Notes
-----
Domain rules:

* x < 0 -> nan; nan in either argument -> nan.
* v = 0 -> 0 for every x >= 0 (K is even in v).
* x = 0 -> +inf for v > 0, -inf for v < 0.
* x = +inf -> 0 (any finite v); nan for infinite v.
* v = +-inf -> +-inf for finite x >= 0.

Accuracy: measured against Arb (central differences at 300 bits), the error is within
16 eps * max(1, |result|) over v up to 1e6 and the full x range (see the README).

Examples
--------
>>> import logbessel
>>> float(logbessel.log_kv_dv(0.5, 1.0))   # e^2 E_1(2) (DLMF 10.38.6)
0.361328616888222...
>>> float(logbessel.log_kv_dv(1000.0, 1.0))   # ~ log(2/x) + digamma(v) for x << v
7.60040262670941...
)doc";

}  // namespace logbessel::docs
