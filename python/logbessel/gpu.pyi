from typing import Any

import numpy as np

names: tuple[str, ...]
__all__: list[str]

class GpuUfunc:
    nin: int
    nout: int
    nargs: int
    __name__: str
    def __init__(self, name: str, runtime: Any = ...) -> None: ...
    @property
    def types(self) -> list[str]: ...
    @property
    def ufunc(self) -> np.ufunc: ...
    def __call__(
        self,
        v: Any,
        x: Any,
        /,
        out: Any = ...,
        *,
        where: Any = ...,
        casting: str = ...,
        order: str = ...,
        dtype: Any = ...,
        subok: bool = ...,
        signature: Any = ...,
    ) -> Any: ...

log_iv: GpuUfunc
log_kv: GpuUfunc

def backend(name: str | None = ...) -> str: ...
def info() -> dict[str, Any]: ...
def register_cupy_dispatch() -> dict[str, str]: ...
def __getattr__(name: str) -> GpuUfunc: ...
