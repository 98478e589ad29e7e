"""Von Mises-Fisher distributions on the unit sphere S^{d-1}, for any dimension d >= 2.

Built on logbessel's overflow-free Bessel primitives (``vmf_log_norm``, ``iv_ratio``,
``iv_ratio_c``, ``iv_ratio_inv``), so that the log-density, entropy, KL divergence, the
maximum-likelihood fit and the sampler stay finite and accurate from d = 2 to d = 1e6 and
beyond, and for concentrations kappa from 0 (uniform distribution, exact limit) to 1e12.

Public names
------------
VonMisesFisher
    The distribution: ``logpdf``, ``pdf``, ``mean``, ``entropy``, ``kl``, ``sample``.
fit
    Maximum-likelihood fit (optionally bias-corrected) from numpy, CuPy, dask or
    scipy.sparse data.
mean_resultant_length
    Sufficient statistics of a sample: mean direction, mean resultant length, effective n.
VonMisesFisherMixture
    Mixture of vMF distributions fitted by EM (scikit-learn style estimator).

Importing this module imports neither SciPy, scikit-learn nor dask; they are used only when
data of that kind is passed in.

Examples
--------
>>> import numpy as np
>>> from logbessel.vmf import VonMisesFisher, fit
>>> mu = np.zeros(1000); mu[0] = 1.0
>>> X = VonMisesFisher(mu, kappa=500.0).sample(2000, random_state=0)
>>> est = fit(X)
>>> bool(abs(est.kappa / 500.0 - 1) < 0.05)
True
"""

from __future__ import annotations

from ._distribution import VonMisesFisher
from ._fit import fit, mean_resultant_length
from ._mixture import VonMisesFisherMixture

__all__ = ["VonMisesFisher", "VonMisesFisherMixture", "fit", "mean_resultant_length"]
