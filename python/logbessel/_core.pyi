import numpy as np

log_iv: np.ufunc
log_kv: np.ufunc
