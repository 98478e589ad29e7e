import numpy as np

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

# Private helpers of logbessel.vmf.fit (src/cpp/unit_row_sum.hpp).
def _unit_row_sum(
    X: np.ndarray, weights: np.ndarray | None, threads: int
) -> tuple[np.ndarray, np.ndarray]: ...
def _unit_row_spread(
    X: np.ndarray, weights: np.ndarray | None, r2: np.ndarray, m: np.ndarray, threads: int
) -> float: ...
