import numpy as np

log_iv: np.ufunc
log_kv: np.ufunc
__version__: str
__all__: list[str]
