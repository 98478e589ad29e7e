from typing import Any

import numpy as np

log_iv: np.ufunc
log_kv: np.ufunc
log_abs_iv: np.ufunc
sign_iv: np.ufunc
matern: np.ufunc
matern_dnu: np.ufunc

def matern_covariance(
    X: Any, Y: Any | None = None, *, nu: float, length_scale: float = 1.0, variance: float = 1.0
) -> Any: ...
log_iv_dv: np.ufunc
log_kv_dv: np.ufunc
__version__: str
__all__: list[str]
