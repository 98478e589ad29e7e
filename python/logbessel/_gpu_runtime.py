"""Run-time side of logbessel.gpu: the CuPy array backend, the two kernel launchers (AOT
``logbessel._cuda`` and JIT through CuPy/NVRTC) and the choice between them.

Nothing here is imported by ``import logbessel`` unless CuPy is installed (and then only by
``logbessel.gpu`` on first use); CuPy itself is imported on first use, never at module import.
"""

from __future__ import annotations

import contextlib
import hashlib
import importlib
import math
import os
import threading
from pathlib import Path

import numpy as np

BACKEND_ENV = "LOGBESSEL_GPU_BACKEND"
BACKEND_CHOICES = ("auto", "aot", "jit")
BLOCK_SIZE = 256  # must equal logbessel::cuda::block_size (cuda_kernels.cuh, __launch_bounds__)
_SUFFIX = ("f32", "f64")


def requested_backend() -> str:
    """The value of LOGBESSEL_GPU_BACKEND (auto when unset or empty)."""
    mode = os.environ.get(BACKEND_ENV, "").strip().lower() or "auto"
    if mode not in BACKEND_CHOICES:
        raise ValueError(f"{BACKEND_ENV}={os.environ.get(BACKEND_ENV)!r}: expected one of "
                         f"{', '.join(BACKEND_CHOICES)}")
    return mode


def load_aot():
    """(logbessel._cuda module or None, reason it is missing or None)."""
    try:
        return importlib.import_module("logbessel._cuda"), None
    except ImportError as exc:
        return None, f"logbessel._cuda is not built ({exc}); install with LOGBESSEL_CUDA=ON to build it"


def import_cupy():
    try:
        import cupy
    except ImportError as exc:
        raise ImportError(
            "logbessel.gpu needs CuPy: pip install 'logbessel[gpu]' (CuPy for CUDA 13), "
            f"or the CuPy package matching your CUDA version ({exc})"
        ) from exc
    return cupy


# ----------------------------------------------------------------------------------------------
# Array backend (see _gpu_dispatch for the interface)
# ----------------------------------------------------------------------------------------------
class CupyBackend:
    def __init__(self, cupy):
        self.xp = cupy
        self._ndarray = cupy.ndarray

    def is_device_array(self, obj) -> bool:
        if isinstance(obj, self._ndarray):
            return True
        return not isinstance(obj, np.ndarray) and hasattr(obj, "__cuda_array_interface__")

    def data_ptr(self, a) -> int:
        return a.data.ptr

    def device_of(self, a) -> int:
        return a.device.id

    def use_device(self, device):
        return contextlib.nullcontext() if device is None else self.xp.cuda.Device(device)

    def current_device(self) -> int:
        return self.xp.cuda.runtime.getDevice()

    def stream_ptr(self) -> int:
        return self.xp.cuda.get_current_stream().ptr


# ----------------------------------------------------------------------------------------------
# Launchers
# ----------------------------------------------------------------------------------------------
class AotLauncher:
    """Kernels compiled by nvcc into logbessel._cuda (no flush-to-zero)."""

    kind = "aot"
    flush_to_zero = False

    def __init__(self, module):
        self.module = module
        self._index = {name: i for i, name in enumerate(module.names)}

    def has(self, name: str) -> bool:
        return name in self._index

    def launch(self, name, dtype_index, device, n, a, sa, b, sb, out, so, stream):
        self.module.launch(self._index[name], dtype_index, device, n, a, sa, b, sb, out, so, stream)


def header_digest(include_dir: Path) -> str:
    """sha256 over the names and bytes of every shipped header (the JIT cache key part)."""
    h = hashlib.sha256()
    root = include_dir / "logbessel"
    for path in sorted(p for p in root.rglob("*") if p.is_file()):
        h.update(path.relative_to(root).as_posix().encode())
        h.update(b"\0")
        h.update(path.read_bytes())
        h.update(b"\0")
    return h.hexdigest()


def jit_source(name: str, digest: str, version: str) -> str:
    """CUDA source of the two kernels of `name` for NVRTC.

    CuPy's compile cache key hashes this text and the options, not the files it #includes; the
    header digest in the first line makes any change of the shipped headers a new key, so an
    upgraded logbessel never runs a stale cached kernel.
    """
    return (
        f"// logbessel {version} JIT kernels for {name}; headers sha256 {digest}\n"
        '#include "logbessel/cuda_kernels.cuh"\n'
        f"LOGBESSEL_CUDA_BINARY_KERNELS({name})\n"
    )


def jit_options(include_dir: Path) -> tuple:
    # CuPy appends -ftz=true (flush float32 subnormals to zero) to every NVRTC compile, after
    # these options: the JIT path therefore flushes (documented in README "GPU").
    return ("--std=c++17", f"-I{include_dir}")


class JitLauncher:
    """Kernels compiled at run time from the shipped headers through cupy.RawModule (NVRTC)."""

    kind = "jit"
    flush_to_zero = True

    def __init__(self, cupy, include_dir: Path, version: str):
        self.cupy = cupy
        self.include_dir = Path(include_dir)
        self.version = version
        self.digest = header_digest(self.include_dir)
        self._modules: dict = {}
        self._grid: dict = {}
        self._lock = threading.Lock()

    def has(self, name: str) -> bool:
        return True

    def kernel(self, name: str, dtype_index: int):
        with self._lock:
            module = self._modules.get(name)
            if module is None:
                module = self.cupy.RawModule(code=jit_source(name, self.digest, self.version),
                                             options=jit_options(self.include_dir))
                self._modules[name] = module
        # Compiled on first use (and loaded per device) by CuPy, cached on disk by CuPy.
        return module.get_function(f"logbessel_{name}_{_SUFFIX[dtype_index]}")

    def _full_wave(self, kernel, key, device) -> int:
        grid = self._grid.get(key)
        if grid is None:
            cupy = self.cupy
            sms = cupy.cuda.Device(device).attributes["MultiProcessorCount"]
            try:
                per_sm = cupy.cuda.driver.occupancyMaxActiveBlocksPerMultiprocessor(
                    kernel.kernel.ptr, BLOCK_SIZE, 0)
            except Exception:  # occupancy query unavailable: assume 65536 registers per SM
                per_sm = max(1, 65536 // (max(kernel.num_regs, 1) * BLOCK_SIZE))
            grid = self._grid[key] = max(1, sms * max(per_sm, 1))
        return grid

    def launch(self, name, dtype_index, device, n, a, sa, b, sb, out, so, stream):
        kernel = self.kernel(name, dtype_index)
        grid = min(self._full_wave(kernel, (name, dtype_index, device), device),
                   math.ceil(n / BLOCK_SIZE))
        # RawKernel launches on CuPy's current stream, the one `stream` was read from.
        kernel((grid,), (BLOCK_SIZE,),
               (np.int64(n), np.uint64(a), np.int64(sa), np.uint64(b), np.int64(sb),
                np.uint64(out), np.int64(so)))


# ----------------------------------------------------------------------------------------------
# Selection
# ----------------------------------------------------------------------------------------------
class Runtime:
    """CuPy backend plus the launcher of each function, for one value of LOGBESSEL_GPU_BACKEND."""

    def __init__(self, mode: str):
        from . import __version__, get_include

        cupy = import_cupy()
        self.mode = mode
        self.backend = CupyBackend(cupy)
        self.aot, self.aot_missing = (None, "not requested") if mode == "jit" else load_aot()
        if mode == "aot" and self.aot is None:
            raise RuntimeError(f"{BACKEND_ENV}=aot but {self.aot_missing}")
        self.aot_launcher = AotLauncher(self.aot) if self.aot is not None else None
        self._jit = None
        self._jit_args = (cupy, get_include, __version__)

    def jit_launcher(self) -> JitLauncher:
        if self._jit is None:
            cupy, get_include, version = self._jit_args
            self._jit = JitLauncher(cupy, Path(get_include()), version)
        return self._jit

    def launcher_for(self, name: str):
        if self.aot_launcher is not None and self.aot_launcher.has(name):
            return self.aot_launcher
        if self.mode == "aot":
            raise RuntimeError(f"{BACKEND_ENV}=aot but logbessel._cuda has no kernel for {name!r} "
                               "(built from an older function list?)")
        return self.jit_launcher()


_runtimes: dict = {}
_runtimes_lock = threading.Lock()


def runtime() -> Runtime:
    mode = requested_backend()
    rt = _runtimes.get(mode)
    if rt is None:
        with _runtimes_lock:
            rt = _runtimes.get(mode)
            if rt is None:
                rt = _runtimes[mode] = Runtime(mode)
    return rt
