import numpy as np

log_iv: np.ufunc
log_kv: np.ufunc
log_abs_iv: np.ufunc
sign_iv: np.ufunc
matern: np.ufunc
