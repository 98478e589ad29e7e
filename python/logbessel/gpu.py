"""GPU versions of logbessel's functions, for CuPy arrays.

For every ufunc ``logbessel.NAME`` there is ``logbessel.gpu.NAME``, a callable with the ufunc's
calling conventions (broadcasting, dtype promotion as the CPU ufunc, ``out=``, ``where=``,
``casting=``, ``dtype=``) that runs the same header-only C++ on the GPU and returns a CuPy
array. You rarely need to name it: when CuPy is installed, ``import logbessel`` registers these
callables where CuPy's ``ndarray.__array_ufunc__`` looks NumPy ufuncs up by name, so that

    >>> import cupy, logbessel
    >>> logbessel.log_iv(cupy.asarray([0.5, 10.0]), 3.0)      # doctest: +SKIP
    array([ 1.52927..., -10.84692...])                           # a CuPy array, computed on the GPU

(see README "GPU" for when registration happens and how to turn it off). The kernels come
from ``logbessel._cuda`` (compiled ahead of time with nvcc, when the package was built with
``LOGBESSEL_CUDA=ON``) or are compiled at run time by CuPy from the headers shipped in the
package (:func:`logbessel.get_include`); :func:`backend` says which, ``LOGBESSEL_GPU_BACKEND=
auto|aot|jit`` chooses. Nothing here imports CuPy until a GPU function is called.
"""

from __future__ import annotations

import numpy as np

from . import _core
from ._gpu_dispatch import call_binary

__all__ = ["GpuUfunc", "backend", "info", "register_cupy_dispatch", "names"]


def _binary_ufunc_names() -> tuple:
    """Every binary ufunc of logbessel._core (the list in src/cpp/ufunc_list.hpp)."""
    found = []
    for attr in dir(_core):
        obj = getattr(_core, attr)
        if isinstance(obj, np.ufunc) and obj.nin == 2 and obj.nout == 1:
            found.append(attr)
    return tuple(found)


#: Names of the functions that have a GPU version (all binary ufuncs of logbessel).
names: tuple = _binary_ufunc_names()


class GpuUfunc:
    """GPU version of the binary ufunc ``logbessel.<name>`` (see the module docstring)."""

    nin = 2
    nout = 1
    nargs = 3

    def __init__(self, name: str, runtime=None):
        cpu = getattr(_core, name)
        self.__name__ = self.__qualname__ = name
        self.__module__ = __name__
        self._cpu = cpu
        self._runtime = runtime  # None: the CuPy runtime, created on first call
        self.__doc__ = (
            f"GPU version of logbessel.{name} for CuPy arrays: same arguments, broadcasting, "
            "dtype promotion and keyword arguments (out, where, casting, dtype) as the ufunc, "
            "result as a CuPy array. NumPy arrays with ndim > 0 cannot be mixed in (TypeError).\n\n"
            f"Documentation of logbessel.{name}:\n\n{cpu.__doc__}"
        )

    @property
    def types(self) -> list:
        return self._cpu.types

    @property
    def ufunc(self) -> np.ufunc:
        """The CPU ufunc this is the GPU version of."""
        return self._cpu

    def __call__(self, *args, out=None, where=True, casting="same_kind", order="K", dtype=None,
                 subok=True, signature=None):
        rt = self._runtime
        if rt is None:
            from ._gpu_runtime import runtime

            rt = runtime()
        return call_binary(self.__name__, self._cpu, rt.backend, rt.launcher_for(self.__name__), args,
                           out=out, where=where, casting=casting, order=order, dtype=dtype,
                           subok=subok, signature=signature)

    def __repr__(self) -> str:
        return f"<logbessel.gpu.{self.__name__}: GPU version of the ufunc logbessel.{self.__name__}>"

    def __reduce__(self):
        # Pickled by name (like NumPy ufuncs), so it travels to dask.distributed workers.
        return (_by_name, (self.__name__,))


def _by_name(name: str) -> GpuUfunc:
    return globals()[name]


for _name in names:
    globals()[_name] = GpuUfunc(_name)
del _name
__all__ += list(names)


def backend(name: str | None = None) -> str:
    """The GPU path in use: ``"aot"`` (kernels of logbessel._cuda) or ``"jit"`` (compiled at run
    time through CuPy), for function `name` (default: the first function).

    Follows ``LOGBESSEL_GPU_BACKEND`` (auto: AOT when logbessel._cuda is built, else JIT).
    Raises ImportError without CuPy, RuntimeError when ``aot`` is forced but not built.
    """
    from ._gpu_runtime import runtime

    return runtime().launcher_for(name or names[0]).kind


def info() -> dict:
    """What the GPU side would use, without launching anything: a dict with the requested and
    selected backend, whether logbessel._cuda is built (its architectures), CuPy's version, the
    number of visible devices, whether float32 subnormals are flushed to zero, and the state
    of the CuPy dispatch registration. Never raises; problems are reported as strings."""
    from . import _gpu_runtime as r

    res: dict = {"functions": names}
    try:
        res["requested_backend"] = r.requested_backend()
    except ValueError as exc:
        res["requested_backend"] = f"invalid: {exc}"
    aot, missing = r.load_aot()
    res["aot_built"] = aot is not None
    res["aot_architectures"] = getattr(aot, "architectures", None)
    res["aot_missing"] = missing
    try:
        cupy = r.import_cupy()
        res["cupy"] = cupy.__version__
        try:
            res["devices"] = cupy.cuda.runtime.getDeviceCount()
        except Exception as exc:  # no driver or no device
            res["devices"] = 0
            res["no_device_reason"] = str(exc)
    except ImportError as exc:
        res["cupy"] = None
        res["devices"] = 0
        res["no_device_reason"] = str(exc)
    try:
        rt = r.runtime()
        launcher = rt.launcher_for(names[0])
        res["backend"] = launcher.kind
        res["flush_to_zero_float32"] = launcher.flush_to_zero
    except Exception as exc:
        res["backend"] = None
        res["backend_error"] = str(exc)
    res["cupy_dispatch"] = dict(_registration)
    return res


# ----------------------------------------------------------------------------------------------
# Registration with CuPy's __array_ufunc__
# ----------------------------------------------------------------------------------------------
#: name -> "registered" | "skipped: ..." after register_cupy_dispatch(); "error" -> message.
_registration: dict = {}


def register_cupy_dispatch() -> dict:
    """Make ``logbessel.NAME(cupy_array, ...)`` run ``logbessel.gpu.NAME``.

    ``cupy.ndarray.__array_ufunc__`` resolves a NumPy ufunc by its ``__name__``, first in the
    ``cupy`` namespace and then in ``cupyx.scipy.special``; a name found in neither makes NumPy
    raise TypeError. This sets each GPU callable as an attribute of ``cupyx.scipy.special``,
    for names that CuPy does not define itself (a CuPy function of the same name is never
    replaced: it would win the lookup anyway). Idempotent; imports CuPy. Called by
    ``import logbessel`` when CuPy is installed, unless ``LOGBESSEL_CUPY_DISPATCH=0``.
    Returns {name: "registered" | "skipped: <reason>"}.
    """
    from ._gpu_runtime import import_cupy

    cupy = import_cupy()
    import cupyx.scipy.special as special

    result = {}
    for name in names:
        ours = globals()[name]
        theirs_top = getattr(cupy, name, None)
        theirs_special = getattr(special, name, None)
        if theirs_top is not None:
            result[name] = "skipped: cupy defines cupy." + name
        elif theirs_special is not None and theirs_special is not ours:
            result[name] = "skipped: cupy defines cupyx.scipy.special." + name
        else:
            setattr(special, name, ours)
            result[name] = "registered"
    _registration.clear()
    _registration.update(result)
    return result
