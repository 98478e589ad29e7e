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

inline const char *const iv_ratio = R"doc(Ratio of modified Bessel functions of the first kind, I_{v+1}(x) / I_v(x).

The ratio A_d(kappa) = I_{d/2}(kappa) / I_{d/2-1}(kappa) is the mean resultant length of a
von Mises-Fisher distribution on the sphere S^{d-1}. It is computed without forming I_v or
I_{v+1}, so it is exact to ~1 ulp for every order and argument, including v ~ 1e300 or x near
the largest float, where I_v itself overflows.

Parameters
----------
v : array_like
    Order, v > -1.
x : array_like
    Argument, x >= 0.
out : ndarray, optional
    Output array (ufunc keyword); `where=`, `dtype=`, `casting=` work as for any ufunc.

Returns
-------
ndarray or scalar
    I_{v+1}(x) / I_v(x) in [0, 1) for v >= -1/2, float32 for float32 inputs, float64 otherwise.

See Also
--------
iv_ratio_c : 1 - I_{v+1}(x) / I_v(x), accurate when the ratio is close to 1.
iv_ratio_inv : the inverse in x.

Notes
-----
Domain rules:

* nan in either argument -> nan; x < 0 -> nan; v <= -1 -> nan (I_v may vanish there).
* x = 0 -> 0; x = +inf -> 1 (finite v); v = +inf -> 0 (finite x), nan for x = +inf.

Methods: the power series (terms of one sign, compensated sums) for sqrt(v^2 + x^2) < 26.5 (11 in float32),
the Debye expansions of I_v and I_v' rearranged so that no term cancels above. Accuracy: ~1 ulp
(relative error; see the README's tables, measured against Arb).

Examples
--------
>>> import logbessel
>>> float(logbessel.iv_ratio(0.5, 1.0))   # I_{3/2}(1)/I_{1/2}(1) = coth(1) - 1
0.313035285499331...
)doc";

inline const char *const iv_ratio_c = R"doc(Complement of the Bessel ratio, 1 - I_{v+1}(x) / I_v(x), without cancellation.

For x >> v the ratio tends to 1 and 1 - ratio ~ (v + 1/2) / x; computing it as
``1 - iv_ratio(v, x)`` would lose all digits. This ufunc computes the complement directly, to
~1 ulp relative accuracy. It is the quantity that matters for concentrated von Mises-Fisher
distributions (mean resultant length close to 1).

Parameters
----------
v : array_like
    Order, v > -1.
x : array_like
    Argument, x >= 0.
out : ndarray, optional
    Output array (ufunc keyword).

Returns
-------
ndarray or scalar
    1 - I_{v+1}(x) / I_v(x), float32 for float32 inputs, float64 otherwise.

Notes
-----
Domain rules as for `iv_ratio`: x = 0 -> 1, x = +inf -> 0, v = +inf -> 1 (finite x), v <= -1 or
x < 0 or nan -> nan.

Accuracy: ~1 ulp relative. Below sqrt(v^2 + x^2) = 26.5 (11 in float) the complement is
1 - ratio where the ratio is at most 1/4, and otherwise comes from Miller's backward recurrence
with its last levels in double-double (float-float); above, a Debye form with terms of one sign.
For -1 < v < 0 in the Debye region one step of the recurrence from v + 1 is used, with the
small numerator (~v + 1/2) formed without cancellation; within ~1/x of v = -1/2 its O(1/x)
corrections still cancel (up to ~eps/(2 x |v + 1/2|) relative; float32 evaluates -1 < v < 0 in
double, so this only shows in float64, for |v + 1/2| below ~1e-3). At v = -1/2 the closed form
1 - tanh(x) is used.

Examples
--------
>>> import logbessel
>>> float(logbessel.iv_ratio_c(0.5, 1e4))   # 1 - coth(x) + 1/x, ~ 1/x
0.0001...
)doc";

inline const char *const iv_ratio_inv = R"doc(Inverse of the Bessel ratio: the kappa >= 0 with I_{v+1}(kappa) / I_v(kappa) = r.

With v = d/2 - 1 this is the maximum-likelihood concentration of a von Mises-Fisher distribution
on S^{d-1} whose mean resultant length is r, kappa = A_d^{-1}(r). It works for any v up to the
float range and any r < 1, including r = 1 - 2^-52 (kappa ~ (v + 1/2) / (1 - r)).

Parameters
----------
v : array_like
    Order, v >= -1/2 (the ratio is monotone in kappa there).
r : array_like
    Target ratio, 0 <= r < 1.
out : ndarray, optional
    Output array (ufunc keyword).

Returns
-------
ndarray or scalar
    kappa, float32 for float32 inputs, float64 otherwise.

Notes
-----
Domain rules: nan in either argument -> nan; v < -1/2 -> nan; r < 0 or r >= 1 -> nan; r = 0 -> 0;
v = +inf -> +inf for 0 < r < 1; v = -1/2 -> atanh(r) (the ratio is tanh there).

Method: Halley's method (A' = 1 - A^2 - (2v+1) A / kappa and A'' from the Riccati equation, no
extra Bessel evaluation) on the ratio (r <= 1/2) or on its complement 1 - r, which is exact in
floating point (r > 1/2), started from kappa0 = r (a + sqrt(a^2 r^2 + (1 - r^2) C^2)) / (1 - r^2),
a = v + 1/2, the inverse of a Amos-type form kappa / (a + sqrt(C^2 + kappa^2)) (D. E. Amos,
Math. Comp. 28 (1974)) with C^2 fitted in (v, r): relative error <= 3.4e-4 for v >= 0. One step
in working precision and one accurate step (1-2 ratio evaluations); the stopping rule follows
from the cubic rate, with a cap of 24 steps. Accuracy: a few ulps of kappa for the exact input r.
Around kappa ~ v for large v the problem itself is ill-conditioned (|d log kappa / d log r|
reaches ~3.4), so one ulp of the ratio there is worth ~3 ulps of kappa.

Examples
--------
>>> import logbessel
>>> float(logbessel.iv_ratio_inv(1023.0, 0.9))   # d = 2048, mean resultant length 0.9
9696.81305226...
>>> float(logbessel.iv_ratio(1023.0, 9696.81305226))
0.899999999...
)doc";

inline const char *const log_iv_dx = R"doc(Logarithmic derivative in x of the Bessel function of the first kind, I_v'(x) / I_v(x).

Equal to v/x + I_{v+1}(x)/I_v(x) (DLMF 10.29.2); computed without forming I_v, so it is accurate
where I_v over- or underflows.

Parameters
----------
v : array_like
    Order (real).
x : array_like
    Argument, x >= 0.
out : ndarray, optional
    Output array (ufunc keyword).

Returns
-------
ndarray or scalar
    d/dx log I_v(x), float32 for float32 inputs, float64 otherwise.

Notes
-----
Domain rules:

* nan in either argument, x < 0, or |v| = inf -> nan; x = +inf -> 1.
* x = 0 -> +inf for v > 0, 0 for v = 0, -inf for -1 < v < 0; nan for non-integer v < -1 (pole).
* Negative integer v: I_{-n} = I_n. Non-integer v < -1: I_v = I_a + (2/pi) sin(a pi) K_a with
  a = -v (DLMF 10.27.2); nan where I_v(x) <= 0, as `log_iv`.
* A result beyond the float range (v/x for tiny x) is +-inf with NumPy's overflow warning.

Accuracy: a few ulps of max(1, |result|).

Examples
--------
>>> import logbessel
>>> float(logbessel.log_iv_dx(0.0, 1.0))   # I_1(1)/I_0(1)
0.446389965896534...
)doc";

inline const char *const log_kv_dx = R"doc(Logarithmic derivative in x of the Bessel function of the second kind, K_v'(x) / K_v(x).

Equal to -(v/x + K_{v-1}(x)/K_v(x)) (DLMF 10.29.2), a sum of terms of one sign; computed without
forming K_v.

Parameters
----------
v : array_like
    Order (real; K is even in v).
x : array_like
    Argument, x >= 0.
out : ndarray, optional
    Output array (ufunc keyword).

Returns
-------
ndarray or scalar
    d/dx log K_v(x) < 0, float32 for float32 inputs, float64 otherwise.

Notes
-----
Domain rules: nan in either argument or x < 0 -> nan; x = 0 -> -inf; x = +inf -> -1 (finite v);
|v| = inf -> -inf for finite x > 0. A result beyond the float range (-v/x for tiny x) is -inf
with NumPy's overflow warning.

Methods: Temme's series / Steed's continued fraction and the forward recurrence of the ratios
for sqrt(v^2 + x^2) < 26.5 (11 in float32), the Debye expansions of K_v and K_v' above.
Accuracy: ~1-2 ulps of max(1, |result|).

Examples
--------
>>> import logbessel
>>> float(logbessel.log_kv_dx(0.5, 2.0))   # K_{1/2}(x) = sqrt(pi/(2x)) e^-x: -1 - 1/(2x)
-1.25...
)doc";

inline const char *const vmf_log_norm = R"doc(Log-normaliser of the von Mises-Fisher distribution on the sphere S^{d-1}.

log C_d(kappa) = (d/2 - 1) log kappa - (d/2) log(2 pi) - log I_{d/2-1}(kappa), so that the density
with respect to the surface measure is C_d(kappa) exp(kappa mu^T x). Regrouped so that nothing
cancels as kappa -> 0 (the exact limit -log(2 pi^{d/2} / Gamma(d/2)), the uniform density) or for
kappa << d, and nothing overflows for d or kappa up to the float range.

Parameters
----------
d : array_like
    Dimension of the ambient space (real, d >= 1; the sphere is S^{d-1}).
kappa : array_like
    Concentration, kappa >= 0.
out : ndarray, optional
    Output array (ufunc keyword).

Returns
-------
ndarray or scalar
    log C_d(kappa), float32 for float32 inputs, float64 otherwise.

Notes
-----
Domain rules: nan in either argument -> nan; d < 1 or d = +inf -> nan; kappa < 0 -> nan;
kappa = 0 -> -log(2 pi^{d/2} / Gamma(d/2)); kappa = +inf -> -inf.

Accuracy: a few ulps of max(1, |result|). Where log C_d crosses zero at large kappa the absolute
error is a few eps * kappa, which is the conditioning of the function itself
(d log C_d / d log kappa = -kappa A_d(kappa)).

Examples
--------
>>> import logbessel
>>> float(logbessel.vmf_log_norm(3.0, 0.0))   # -log(4 pi)
-2.531024246969290...
>>> float(logbessel.vmf_log_norm(32768.0, 1e4))   # SciPy's vonmises_fisher fails here
122385.075266707...
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
>>> float(logbessel.log_iv_dv(0.0, 1.0))   # -K_0(1)/I_0(1)
-0.33254544304461...
>>> float(logbessel.log_iv_dv(1000.0, 1.0))   # ~ log(x/2) - digamma(v+1)
-7.6014...
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
>>> float(logbessel.log_kv_dv(0.5, 1.0))   # K_v(1) near v = 1/2
0.36132861688822...
>>> float(logbessel.log_kv_dv(1000.0, 1.0))   # ~ log(2v/x) for x << v
7.6004...
)doc";

inline const char *const log_abs_iv = R"doc(Natural logarithm of the absolute value of the modified Bessel function of the first kind, log|I_v(x)|.

The companion of `sign_iv` (like `scipy.special.gammaln` / `gammasgn`):
``I_v(x) == sign_iv(v, x) * exp(log_abs_iv(v, x))`` for every real order v, including the
negative non-integer orders where I_v(x) = I_|v|(x) + (2/pi) sin(|v| pi) K_|v|(x) changes sign
(`log_iv` returns nan there). Computed in log space: no overflow or underflow for any order or
argument whose result fits the float range.

Parameters
----------
v : array_like
    Order (any real).
x : array_like
    Argument, x >= 0.
out : ndarray, optional
    Output array (ufunc keyword); `where=`, `dtype=`, `casting=` work as for any ufunc.

Returns
-------
ndarray or scalar
    log|I_v(x)|, float32 for float32 inputs (computed in float32 arithmetic), float64 otherwise.

Notes
-----
Domain rules:

* x < 0 -> nan; nan in either argument -> nan.
* v >= 0 or v a negative integer (I_{-n} = I_n): equal to `log_iv`.
* x = 0: 0 for v = 0; -inf for v > 0 and negative integer v (I_v(0) = 0); +inf for negative
  non-integer v (a pole, of sign `sign_iv(v, 0)`).
* x = +inf -> +inf (finite v); v = +inf -> -inf; v = -inf -> nan (oscillating sign).

Negative non-integer v = -a: for floor(a) even both terms of the combination are positive and
there is no cancellation. For floor(a) odd, I_{-a}(x) has exactly one positive zero x0 (near
0.66 a for large a). For a, x below the series threshold (sqrt(a^2 + x^2) < 21.5 in float64,
10 in float32) the ascending series is summed in double-double (float-float), so even points
next to x0 keep full accuracy and the sign is exact. Beyond it (Debye region) the result is
log|e^g - 1| + log(|c| K_a) with g = log I_a - log(|c| K_a) rounded to a few eps; within
|g| < ~0.3 of the zero the error grows like eps/|g| (the sign can only be wrong where
|g| < ~4 eps), which stays below the sensitivity of I_{-a} to the rounding of x itself
(~2 sqrt(a^2 + x^2) eps/|g|). Elsewhere: a few ulps of max(1, |log|I_v(x)||).

Examples
--------
>>> import logbessel
>>> float(logbessel.sign_iv(-1.5, 0.1)), float(logbessel.log_abs_iv(-1.5, 0.1))  # I_{-1.5}(0.1) ~ -25.1
(-1.0, 3.22...)
>>> float(logbessel.log_abs_iv(-0.5, 1.0))   # log(sqrt(2/pi) cosh(1))
0.2079894778382...
)doc";

inline const char *const sign_iv = R"doc(Sign of the modified Bessel function of the first kind, sign(I_v(x)), in {-1, 0, +1}.

The companion of `log_abs_iv` (like `scipy.special.gammasgn`):
``I_v(x) == sign_iv(v, x) * exp(log_abs_iv(v, x))``.

Parameters
----------
v : array_like
    Order (any real).
x : array_like
    Argument, x >= 0.
out : ndarray, optional
    Output array (ufunc keyword); `where=`, `dtype=`, `casting=` work as for any ufunc.

Returns
-------
ndarray or scalar
    -1.0, 0.0 or +1.0 (float32 for float32 inputs, float64 otherwise); nan where
    `log_abs_iv` is nan.

Notes
-----
Domain rules: those of `log_abs_iv` (nan in either argument or x < 0 -> nan).

* x < 0, nan in either argument, v = -inf, or x = +inf with infinite v -> nan.
* v >= 0 and negative integer v: +1 for x > 0; at x = 0, +1 for v = 0 and 0 otherwise.
* v = +inf: +1 for x > 0 (I_v(x) -> 0+), 0 at x = 0.
* Negative non-integer v = -a: +1 everywhere when floor(a) is even; when floor(a) is odd,
  -1 below the single positive zero x0 of I_{-a} and +1 above (0 exactly at a zero found to
  working precision). At x = 0 (a pole) the sign is that of 1/Gamma(1 + v), i.e. of sin(a pi).
  The sign is exact for sqrt(a^2 + x^2) < 21.5 (float64; 10 in float32); beyond, it can only be
  wrong within a relative distance of a few eps * 2 sqrt(a^2 + x^2) / (x g'(x)) of x0 (see
  `log_abs_iv`), i.e. where the rounding of x alone already makes the sign uncertain.

Examples
--------
>>> import logbessel
>>> [float(logbessel.sign_iv(-1.5, x)) for x in (0.0, 1.0, 1.5)]   # zero of I_{-1.5} at 1.19967864
[-1.0, -1.0, 1.0]
>>> float(logbessel.sign_iv(-2.5, 0.5))
1.0...
)doc";

inline const char *const matern = R"doc(Matern correlation with unit length scale, k(r, nu) = 2^(1-nu)/Gamma(nu) z^nu K_nu(z), z = sqrt(2 nu) r.

The correlation function of the Matern covariance (Rasmussen & Williams 2006, eq. 4.14) for
any smoothness nu > 0: k(0, nu) = 1 exactly, k decreases to 0 as r grows, nu = 1/2 gives
exp(-r), nu = 3/2 gives (1 + sqrt(3) r) exp(-sqrt(3) r), and nu -> inf the squared
exponential exp(-r^2/2). Computed without the cancelling products Gamma(nu) and z^nu K_nu(z),
so it is accurate for every nu (1e-300 to 1e300) and every r (0 to the float max); the naive
formula is nan for nu > ~170.

Parameters
----------
r : array_like
    Distance divided by the length scale, r >= 0.
nu : array_like
    Smoothness, nu > 0 (nu = inf allowed).
out : ndarray, optional
    Output array (ufunc keyword); `where=`, `dtype=`, `casting=` work as for any ufunc.

Returns
-------
ndarray or scalar
    k(r, nu) in [0, 1], float32 for float32 inputs (computed in float32 arithmetic), float64
    otherwise.

Notes
-----
Domain rules:

* r < 0 -> nan (r is a distance; it is not folded with abs() so that sign errors upstream show);
  nu <= 0 -> nan; nan in either argument -> nan.
* r = 0 -> 1 for every nu > 0; r = +inf -> 0.
* nu = +inf -> exp(-r^2/2).

Methods: the Debye expansion of K regrouped with Stirling's series for large nu or large z
(no term larger than the result's logarithm), the Wronskian of I and K (a ratio of positive
series, no special case at integer nu) for small nu and z, and the leading terms of the
ascending series for z < 1e-20. Accuracy: absolute error below a few eps (k is a
correlation in [0, 1]); see the README.

Examples
--------
>>> import numpy as np, logbessel
>>> float(logbessel.matern(1.0, 0.5)), float(np.exp(-1.0))
(0.36787944117144..., 0.36787944117144...)
>>> float(logbessel.matern(1.0, 1e6))   # close to exp(-1/2)
0.6065...
)doc";

inline const char *const matern_dnu = R"doc(Derivative of the Matern correlation with respect to the smoothness, d/dnu matern(r, nu), at fixed r.

The gradient that a Gaussian-process fit with a learnable smoothness nu needs (z = sqrt(2 nu) r
moves with nu; this is the total derivative at fixed distance r).

Parameters
----------
r : array_like
    Distance divided by the length scale, r >= 0.
nu : array_like
    Smoothness, nu > 0.
out : ndarray, optional
    Output array (ufunc keyword); `where=`, `dtype=`, `casting=` work as for any ufunc.

Returns
-------
ndarray or scalar
    d/dnu k(r, nu), float32 for float32 inputs (computed in float32 arithmetic), float64 otherwise.

Notes
-----
Domain rules as `matern`: r < 0, nu <= 0 or nan -> nan; r = 0, r = inf, nu = inf -> 0.

Methods: for nu >= 7 (5 in float32) with sqrt(nu^2 + z^2) >= 21.5 (10), the regrouped Debye
form of `matern` differentiated analytically (no cancelling terms). Elsewhere
d/dnu log k = log(z/2) - psi(nu) + 1 - rho_nu/nu + d/dnu log K_nu(z) with `log_kv_dv` and the
Temme/recurrence ratio rho_nu = (z/2) K_{nu+1}/K_nu; there log(z/2) and d/dnu log K_nu(z)
cancel for small z, so the absolute error grows like eps * log(2/z) (see the README).

Examples
--------
>>> import logbessel
>>> float(logbessel.matern_dnu(1.0, 0.5))   # d/dnu at nu = 1/2, r = 1
0.232386302...
)doc";

}  // namespace logbessel::docs
