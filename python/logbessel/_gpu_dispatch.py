"""NumPy ufunc semantics for logbessel's GPU callables, reduced to flat kernel launches.

Every GPU function of logbessel is a binary elementwise kernel that takes, per operand, a
device pointer and one constant element stride (``out[i*so] = f(a[i*sa], b[i*sb])``, see
``logbessel/include/logbessel/cuda_kernels.cuh``). This module turns a NumPy-style call
``f(v, x, out=..., where=..., casting=..., dtype=...)`` on device arrays into such a launch:

* **dtype promotion** is delegated to the CPU ufunc itself (``numpy.ufunc.resolve_dtypes``), so
  the GPU picks exactly the loop the CPU would: float32 only when every operand is float32 or
  a weak Python scalar (NEP 50), float64 for ints and mixtures, and the same casting errors;
* **broadcasting** as NumPy; an operand whose broadcast layout is one constant stride (a
  C-contiguous array, a scalar, a strided 1-D view) is passed without a copy, any other layout
  (e.g. a row repeated along a new axis, a transposed 2-D view) is first made contiguous;
* **out=** is written in place when it has the loop dtype, a constant-stride layout and does
  not overlap an input in any other way than element for element; otherwise the result goes to
  a temporary and is copied with ``copyto(out, tmp, casting=casting, where=where)``;
* **where=** is honoured for ``out=`` (elements where the mask is False keep their value);
  without ``out=`` NumPy leaves those elements undefined, and here they hold the computed value;
* a NumPy array with ``ndim > 0`` next to a device array is a ``TypeError`` (no silent
  host-to-device copy); NumPy scalars and 0-d NumPy arrays are fine, as in CuPy.

The module is pure Python over two small interfaces, so that the logic is tested without a
GPU (``tests/test_gpu.py`` runs it over NumPy with a launcher that calls the CPU ufunc):

``ArrayBackend``
    ``xp`` (array namespace with ``asarray``, ``empty``, ``broadcast_to``, ``ascontiguousarray``,
    ``copyto``, ``may_share_memory``), ``is_device_array(obj)``, ``data_ptr(a)``,
    ``device_of(a)``, ``use_device(device)`` (context manager), ``stream_ptr()``.
``Launcher``
    ``launch(name, dtype_index, device, n, a, sa, b, sb, out, so, stream)`` with pointers and the
    stream as ints, strides in elements, dtype_index 0 = float32, 1 = float64.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

_LOOP_DTYPES = (np.dtype(np.float32), np.dtype(np.float64))
_CASTINGS = ("no", "equiv", "safe", "same_kind", "unsafe")


def flat_stride(shape: tuple, strides: tuple, itemsize: int) -> int | None:
    """Element stride that walks an array of this layout in C order, or None if no single
    stride does (0 for scalars broadcast everywhere and for arrays of at most one element)."""
    dims = [(n, s) for n, s in zip(shape, strides) if n != 1]
    if not dims or any(n == 0 for n, _ in dims):
        return 0
    inner = dims[-1][1]
    expected = inner
    for n, s in reversed(dims):
        if s != expected:
            return None
        expected = s * n
    if inner % itemsize:
        return None
    return inner // itemsize


class _Operand:
    """One input: a device array, or a host scalar with the dtype NumPy would give it."""

    __slots__ = ("value", "device", "resolve_as", "shape")

    def __init__(self, value: Any, device: bool, resolve_as: Any, shape: tuple):
        self.value = value
        self.device = device
        self.resolve_as = resolve_as  # np.dtype, or the Python type of a weak scalar (NEP 50)
        self.shape = shape


def _mixing_error(name: str, what: str) -> TypeError:
    return TypeError(
        f"logbessel.{name}: a NumPy array ({what}) cannot be combined with CuPy arrays; "
        "move it to the GPU with cupy.asarray(...) or the CuPy arrays to the host with .get() "
        "(there is no implicit host-device copy)"
    )


def _classify(name: str, backend, obj: Any, what: str) -> _Operand:
    if backend.is_device_array(obj):
        arr = backend.xp.asarray(obj)  # other __cuda_array_interface__ producers: zero-copy view
        return _Operand(arr, True, arr.dtype, tuple(arr.shape))
    if isinstance(obj, np.ndarray):
        if obj.ndim > 0:
            raise _mixing_error(name, f"{what}, shape {obj.shape}")
        return _Operand(obj, False, obj.dtype, ())
    if isinstance(obj, np.generic):
        return _Operand(obj, False, obj.dtype, ())
    if isinstance(obj, bool):  # Python bool is not a weak scalar in NEP 50
        return _Operand(obj, False, np.dtype(np.bool_), ())
    if isinstance(obj, (int, float, complex)):  # weak Python scalars: resolved by their type
        weak = int if isinstance(obj, int) else float if isinstance(obj, float) else complex
        return _Operand(obj, False, weak, ())
    raise TypeError(
        f"logbessel.{name}: unsupported {what} of type {type(obj).__name__}; expected a CuPy "
        "array, a Python or NumPy scalar, or a 0-d NumPy array"
    )


def _resolve_loop(name: str, cpu_ufunc, operands, out, dtype, signature, casting) -> np.dtype:
    if dtype is not None:
        if signature is not None:
            raise TypeError(f"logbessel.{name}: cannot specify both 'signature' and 'dtype'")
        signature = (None, None, np.dtype(dtype))
    out_dtype = None if out is None else out.dtype
    kwargs = {"casting": casting} if signature is None else {"casting": casting, "signature": signature}
    resolved = cpu_ufunc.resolve_dtypes((operands[0].resolve_as, operands[1].resolve_as, out_dtype),
                                        **kwargs)
    loop = np.dtype(resolved[2])
    if loop not in _LOOP_DTYPES or any(np.dtype(d) != loop for d in resolved):
        # Every loop of a logbessel ufunc is ff->f or dd->d; anything else is a new kind of loop
        # that this dispatcher does not know how to launch.
        raise TypeError(f"logbessel.{name}: no GPU kernel for the loop {resolved}")
    return loop


def _as_loop_input(backend, op: _Operand, loop: np.dtype, shape: tuple):
    """(device array, element stride) of one input for the launch."""
    xp = backend.xp
    if op.device:
        arr = op.value if op.value.dtype == loop else op.value.astype(loop)
    else:
        # Host scalar: converted on the host exactly as NumPy converts it for the CPU loop,
        # then one element on the device, broadcast with stride 0.
        arr = xp.asarray(np.asarray(op.value).astype(loop, casting="unsafe"))
    view = xp.broadcast_to(arr, shape)
    stride = flat_stride(tuple(view.shape), tuple(view.strides), loop.itemsize)
    if stride is None:
        view = xp.ascontiguousarray(view)
        stride = 1
    return view, stride


def call_binary(name: str, cpu_ufunc, backend, launcher, args: tuple, *, out=None, where=True,
                casting: str = "same_kind", order: str = "K", dtype=None, subok: bool = True,
                signature=None):
    """Evaluate the GPU version of the binary ufunc `name` (NumPy calling conventions)."""
    if len(args) != 2:
        raise TypeError(f"logbessel.{name}() takes 2 positional arguments but {len(args)} were given")
    if isinstance(out, tuple):
        if len(out) != 1:
            raise ValueError(f"logbessel.{name}: 'out' must be one array or a tuple of one array")
        out = out[0]
    if casting not in _CASTINGS:
        raise ValueError(f"logbessel.{name}: casting must be one of {_CASTINGS}, got {casting!r}")
    if order not in ("K", "A", "C", "F", None):
        raise ValueError(f"logbessel.{name}: order must be one of 'K', 'A', 'C', 'F', got {order!r}")
    del subok  # device arrays have no subclasses to preserve

    operands = [_classify(name, backend, a, f"argument {i + 1}") for i, a in enumerate(args)]
    if out is not None:
        if not backend.is_device_array(out):
            raise TypeError(f"logbessel.{name}: 'out' must be a CuPy array, got {type(out).__name__}")
        out = backend.xp.asarray(out)
    mask = None
    if where is not True:
        if backend.is_device_array(where):
            mask = backend.xp.asarray(where)
        elif isinstance(where, np.ndarray) and where.ndim > 0:
            raise _mixing_error(name, f"where=, shape {where.shape}")
        else:
            mask = bool(where)
            if mask:
                mask = None

    loop = _resolve_loop(name, cpu_ufunc, operands, out, dtype, signature, casting)

    shape = np.broadcast_shapes(*(op.shape for op in operands))
    if out is not None:
        out_shape = tuple(out.shape)
        try:
            fits = np.broadcast_shapes(shape, out_shape) == out_shape
        except ValueError:
            fits = False
        if not fits:
            raise ValueError(f"logbessel.{name}: non-broadcastable output operand with shape "
                             f"{out_shape} doesn't match the broadcast shape {shape}")
        shape = out_shape
    if mask is not None and not isinstance(mask, bool):
        try:
            fits = np.broadcast_shapes(shape, tuple(mask.shape)) == shape
        except ValueError:
            fits = False
        if not fits:
            raise ValueError(f"logbessel.{name}: where= of shape {tuple(mask.shape)} does not "
                             f"broadcast to the result shape {shape}")

    devices = {backend.device_of(a) for a in [op.value for op in operands if op.device]
               + ([out] if out is not None else []) + ([mask] if mask is not None and
                                                        not isinstance(mask, bool) else [])}
    if len(devices) > 1:
        raise ValueError(f"logbessel.{name}: the arrays are on different devices {sorted(devices)}")
    device = devices.pop() if devices else None

    with backend.use_device(device):
        xp = backend.xp
        inputs = [_as_loop_input(backend, op, loop, shape) for op in operands]

        target, target_stride = None, None
        if out is not None and mask is None and out.dtype == loop:
            target_stride = flat_stride(shape, tuple(out.strides), loop.itemsize)
            if target_stride is not None:
                target = out
                for view, stride in inputs:
                    if xp.may_share_memory(out, view) and not (
                        backend.data_ptr(view) == backend.data_ptr(out) and stride == target_stride
                    ):
                        target = None  # overlaps other than element for element: go through a copy
                        break
        if target is None:
            if mask is False:
                # where=False everywhere: nothing is computed, out keeps its values.
                return out if out is not None else xp.empty(shape, dtype=loop)
            target, target_stride = xp.empty(shape, dtype=loop), 1

        n = math.prod(shape)
        if n > 0:
            (a, sa), (b, sb) = inputs
            launcher.launch(name, _LOOP_DTYPES.index(loop), backend.current_device(), n,
                            backend.data_ptr(a), sa, backend.data_ptr(b), sb,
                            backend.data_ptr(target), target_stride, backend.stream_ptr())

        if out is None:
            return target
        if target is not out:
            xp.copyto(out, target, casting=casting, where=True if mask is None else mask)
        return out
