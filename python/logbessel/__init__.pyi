from typing import Any

import numpy as np

from . import gpu as gpu
from . import vmf as vmf

log_iv: np.ufunc
log_kv: np.ufunc
iv_ratio: np.ufunc
iv_ratio_c: np.ufunc
iv_ratio_inv: np.ufunc
log_iv_dx: np.ufunc
log_kv_dx: np.ufunc
vmf_log_norm: np.ufunc
log_iv_dv: np.ufunc
log_kv_dv: np.ufunc
log_abs_iv: np.ufunc
sign_iv: np.ufunc
matern: np.ufunc
matern_dnu: np.ufunc
def matern_covariance(
    X: Any, Y: Any | None = None, *, nu: float, length_scale: float = 1.0, variance: float = 1.0
) -> Any: ...

__version__: str
__all__: list[str]

def get_cmake_dir() -> str: ...
def get_include() -> str: ...
