import numpy as np

from . import gpu as gpu

log_iv: np.ufunc
log_kv: np.ufunc
__version__: str
__all__: list[str]

def get_include() -> str: ...
