"""GPU side of logbessel: logbessel.gpu, the CuPy dispatch, the AOT module and the JIT path.

Two parts:

* **No device needed** (run everywhere): the dispatch logic (promotion, broadcasting, out=,
  where=, strides, overlap, error messages) over NumPy arrays posing as device arrays, with a
  launcher that evaluates the CPU ufunc on exactly the memory the real kernel would read and
  write (pointers and element strides); the JIT source and its header hash; an offline NVRTC
  compile of the JIT kernels when CuPy's NVRTC is importable; the names shared by the CPU
  ufuncs, logbessel.gpu and logbessel._cuda; registration with CuPy; pickling; selection.
* **Device tests** (class TestOnDevice, skipped with one reason when CuPy or a GPU is absent):
  both paths (AOT when built, JIT) against the Arb reference tables with the same bounds as
  tests/test_accuracy.py, against the CPU ufunc, and the API on real CuPy arrays.
"""

from __future__ import annotations

import contextlib
import importlib.util
import math
import os
import pickle
import subprocess
import sys
import textwrap
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

sys.path.insert(0, str(Path(__file__).resolve().parent))
import accuracy as acc  # noqa: E402

import logbessel  # noqa: E402
from logbessel import _core, _gpu_dispatch, _gpu_runtime, gpu  # noqa: E402

F32, F64 = np.dtype(np.float32), np.dtype(np.float64)
CPU_UFUNC_NAMES = tuple(n for n in dir(_core) if isinstance(getattr(_core, n), np.ufunc))


# ==============================================================================================
# A NumPy stand-in for CuPy: device arrays are an ndarray subclass, the launcher reads and
# writes raw memory through pointers and element strides like the CUDA kernel does.
# ==============================================================================================
class FakeDeviceArray(np.ndarray):
    fake_device = 0

    def __array_finalize__(self, obj):
        self.fake_device = getattr(obj, "fake_device", 0)


def dev(a, device=0):
    arr = np.asarray(a).view(FakeDeviceArray)
    arr.fake_device = device
    return arr


class FakeXP:
    ndarray = FakeDeviceArray

    @staticmethod
    def asarray(obj, dtype=None):
        if isinstance(obj, FakeDeviceArray) and dtype is None:
            return obj
        return np.asarray(obj, dtype=dtype).view(FakeDeviceArray)

    @staticmethod
    def empty(shape, dtype):
        return np.empty(shape, dtype=dtype).view(FakeDeviceArray)

    @staticmethod
    def broadcast_to(a, shape):
        return np.broadcast_to(a, shape, subok=True)

    @staticmethod
    def ascontiguousarray(a):
        return np.ascontiguousarray(a).view(FakeDeviceArray)

    copyto = staticmethod(np.copyto)
    may_share_memory = staticmethod(np.may_share_memory)


class FakeBackend:
    xp = FakeXP
    stream = 0x5EED

    def is_device_array(self, obj):
        return isinstance(obj, FakeDeviceArray)

    def data_ptr(self, a):
        return a.__array_interface__["data"][0]

    def device_of(self, a):
        return a.fake_device

    def use_device(self, device):
        return contextlib.nullcontext()

    def current_device(self):
        return 0

    def stream_ptr(self):
        return self.stream


class _Interface:
    def __init__(self, **kw):
        self.__array_interface__ = dict(version=3, **kw)


class FakeLauncher:
    """Evaluates out[i*so] = f(a[i*sa], b[i*sb]) element by element, in index order, on the raw
    memory (so a wrong pointer, stride or dtype, or an unsafe overlap, gives wrong results)."""

    def __init__(self):
        self.calls = []

    def launch(self, name, dtype_index, device, n, a, sa, b, sb, out, so, stream):
        self.calls.append(dict(name=name, dtype=dtype_index, device=device, n=n, a=a, sa=sa, b=b,
                               sb=sb, out=out, so=so, stream=stream))
        dt = (F32, F64)[dtype_index]

        def view(ptr, stride, readonly):
            return np.asarray(_Interface(typestr=dt.str, shape=(n,), strides=(stride * dt.itemsize,),
                                         data=(ptr, readonly)))

        va, vb, vo = view(a, sa, True), view(b, sb, True), view(out, so, False)
        f = getattr(_core, name)
        for i in range(n):
            vo[i] = f(va[i], vb[i])


class FakeRuntime:
    def __init__(self):
        self.backend = FakeBackend()
        self.launcher = FakeLauncher()

    def launcher_for(self, name):
        return self.launcher


@pytest.fixture
def fake():
    rt = FakeRuntime()
    return rt, {name: gpu.GpuUfunc(name, runtime=rt) for name in gpu.names}


def as_host(x):
    return np.asarray(x) if isinstance(x, FakeDeviceArray) else x


def assert_same_as_cpu(got, name, *args, **kw):
    cpu_args = [as_host(a) for a in args]
    want = getattr(logbessel, name)(*cpu_args, **kw)
    assert isinstance(got, FakeDeviceArray)
    assert got.dtype == np.asarray(want).dtype
    assert got.shape == np.shape(want)
    np.testing.assert_array_equal(np.asarray(got), want)


# ----------------------------------------------------------------------------------------------
# Names: one GPU function per CPU ufunc, the same in logbessel._cuda
# ----------------------------------------------------------------------------------------------
def test_every_ufunc_has_a_gpu_version():
    assert set(gpu.names) == set(CPU_UFUNC_NAMES)
    for name in gpu.names:
        f = getattr(gpu, name)
        assert isinstance(f, gpu.GpuUfunc) and f.__name__ == name and f.ufunc is getattr(logbessel, name)
        assert f.types == getattr(logbessel, name).types
        assert name in gpu.__all__
        # the public names stay true NumPy ufuncs
        assert type(getattr(logbessel, name)) is np.ufunc


def test_aot_module_names_match():
    aot, why = _gpu_runtime.load_aot()
    if aot is None:
        pytest.skip(f"AOT module not built here: {why}")
    assert len(aot.names) == len(set(aot.names))  # one kernel pair per function of the list
    assert set(aot.names) == set(gpu.names)
    assert aot.flush_to_zero is False
    count, err = aot.device_count()
    assert count >= 0 and (count > 0 or isinstance(err, str))
    assert aot.runtime_version() >= 12000


def test_gpu_callables_pickle_by_name():
    for name in gpu.names:
        f = getattr(gpu, name)
        assert pickle.loads(pickle.dumps(f)) is f


# ----------------------------------------------------------------------------------------------
# flat_stride: which layouts go to the kernel without a copy
# ----------------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "shape, strides, want",
    [
        ((5,), (8,), 1),
        ((5,), (16,), 2),
        ((5,), (-8,), -1),
        ((5,), (0,), 0),
        ((3, 4), (0, 0), 0),
        ((3, 4), (32, 8), 1),
        ((3, 4), (64, 16), 2),
        ((3, 1, 4), (32, 999, 8), 1),  # size-1 axes do not matter
        ((3, 4), (0, 8), None),  # a row repeated along a new axis
        ((3, 4), (8, 0), None),  # a column repeated
        ((3, 4), (8, 24), None),  # transposed
        ((3, 4), (40, 8), None),  # rows with a gap (slice of a wider array)
        ((0, 4), (32, 8), 0),
        ((), (), 0),
        ((5,), (12,), None),  # not a multiple of the item size
    ],
)
def test_flat_stride(shape, strides, want):
    assert _gpu_dispatch.flat_stride(shape, strides, 8) == want


# ----------------------------------------------------------------------------------------------
# Dispatch logic against the CPU ufunc
# ----------------------------------------------------------------------------------------------
_DTYPES = [np.float32, np.float64, np.int8, np.int32, np.int64, np.float16, np.uint16, np.bool_]


def _operand(draw, shape, kind, dtype):
    values = draw(hnp.arrays(dtype, shape, elements=st.integers(0, 40).map(lambda k: k / 4)
                             if np.dtype(dtype).kind == "f" else None))
    if kind == "device":
        return dev(values)
    first = values.reshape(-1)[0] if values.size else np.zeros((), dtype)[()]
    if kind == "numpy_scalar":
        return first
    if kind == "numpy_0d":
        return np.asarray(first)
    return first.item() if np.dtype(dtype).kind != "b" else 1.5  # python scalar (weak)


@st.composite
def binary_calls(draw):
    shapes = draw(hnp.mutually_broadcastable_shapes(num_shapes=2, max_dims=3, max_side=4))
    kinds = draw(st.sampled_from([("device", "device"), ("device", "python"), ("python", "device"),
                                  ("device", "numpy_scalar"), ("numpy_0d", "device")]))
    args = tuple(_operand(draw, s, k, draw(st.sampled_from(_DTYPES)))
                 for s, k in zip(shapes.input_shapes, kinds))
    name = draw(st.sampled_from(gpu.names))
    return name, args


@given(binary_calls())
def test_matches_cpu_ufunc(call):
    """Same values, dtype and shape as the CPU ufunc for any mix of device arrays and scalars,
    dtypes and broadcastable shapes (NEP 50 promotion included)."""
    name, args = call
    rt = FakeRuntime()
    got = gpu.GpuUfunc(name, runtime=rt)(*args)
    assert_same_as_cpu(got, name, *args)
    for c in rt.launcher.calls:
        assert c["stream"] == FakeBackend.stream


@pytest.mark.parametrize("name", gpu.names)
def test_promotion_table(fake, name):
    _, g = fake
    f32 = dev(np.array([0.5, 2.0], np.float32))
    f64 = dev(np.array([0.5, 2.0], np.float64))
    i32 = dev(np.array([1, 2], np.int32))
    cases = [
        ((f32, f32), F32), ((f32, 2.0), F32), ((3, f32), F32), ((f32, np.float32(2)), F32),
        ((f32, np.float64(2)), F64), ((f32, f64), F64), ((i32, 2.0), F64), ((i32, i32), F64),
        ((f64, 1), F64), ((dev(np.array([1.0], np.float16)), 2.5), F32),
    ]
    for args, want in cases:
        assert g[name](*args).dtype == want, args
        assert getattr(logbessel, name)(*[as_host(a) for a in args]).dtype == want


def test_float32_call_launches_float32_kernel_without_copies(fake):
    rt, g = fake
    v = dev(np.linspace(0, 5, 7, dtype=np.float32))
    x = dev(np.linspace(0.1, 9, 7, dtype=np.float32))
    res = g["log_iv"](v, x)
    (c,) = rt.launcher.calls
    assert c["dtype"] == 0 and c["n"] == 7
    assert (c["a"], c["sa"]) == (rt.backend.data_ptr(v), 1)
    assert (c["b"], c["sb"]) == (rt.backend.data_ptr(x), 1)
    assert (c["out"], c["so"]) == (rt.backend.data_ptr(res), 1)


def test_scalar_operand_has_stride_zero_and_strided_view_is_not_copied(fake):
    rt, g = fake
    base = dev(np.linspace(0.1, 9, 20))
    x = base[::-3]
    res = g["log_kv"](1.5, x)
    (c,) = rt.launcher.calls
    assert c["sa"] == 0
    assert (c["b"], c["sb"]) == (rt.backend.data_ptr(x), -3)
    assert_same_as_cpu(res, "log_kv", 1.5, x)


def test_non_contiguous_2d_is_copied_and_correct(fake):
    rt, g = fake
    v = dev(np.arange(12.0).reshape(3, 4)).T  # transposed
    x = dev(np.linspace(0.5, 4, 3))  # broadcast along the new leading axis... of shape (4, 3)
    res = g["log_iv"](v, x)
    (c,) = rt.launcher.calls
    assert c["sa"] == 1 and c["a"] != rt.backend.data_ptr(v)  # made contiguous first
    assert_same_as_cpu(res, "log_iv", v, x)
    res = g["log_iv"](dev(np.linspace(0, 3, 4))[:, None], dev(np.linspace(0.5, 4, 5))[None, :])
    assert_same_as_cpu(res, "log_iv", np.linspace(0, 3, 4)[:, None], np.linspace(0.5, 4, 5)[None, :])


def test_zero_size_and_0d(fake):
    rt, g = fake
    for shape in [(0,), (3, 0), (0, 5)]:
        res = g["log_kv"](dev(np.ones(shape, np.float32)), 2.0)
        assert res.shape == shape and res.dtype == F32 and isinstance(res, FakeDeviceArray)
    assert rt.launcher.calls == []
    res = g["log_kv"](dev(np.float64(2.0)), 3.0)  # 0-d device array
    assert res.shape == () and isinstance(res, FakeDeviceArray)
    assert_same_as_cpu(res, "log_kv", np.float64(2.0), 3.0)
    res = g["log_iv"](1.0, 2.0)  # scalars only: a 0-d device array, as CuPy's ufuncs give
    assert res.shape == () and res.dtype == F64 and isinstance(res, FakeDeviceArray)


def test_out_same_dtype_is_written_in_place(fake):
    rt, g = fake
    v = dev(np.linspace(0, 3, 6))
    x = dev(np.linspace(0.5, 4, 6))
    out = dev(np.full(6, -7.0))
    assert g["log_iv"](v, x, out=out) is out
    (c,) = rt.launcher.calls
    assert c["out"] == rt.backend.data_ptr(out) and c["so"] == 1
    np.testing.assert_array_equal(np.asarray(out), logbessel.log_iv(np.asarray(v), np.asarray(x)))
    # out given as a 1-tuple (what NumPy's override protocol passes on), strided out
    big = dev(np.zeros(12))
    assert g["log_iv"](v, x, out=(big[::2],)) is not None
    np.testing.assert_array_equal(np.asarray(big)[::2], np.asarray(out))
    np.testing.assert_array_equal(np.asarray(big)[1::2], 0.0)


def test_out_other_dtype_where_and_casting(fake):
    _, g = fake
    v = dev(np.linspace(0, 3, 6, dtype=np.float32))
    x = dev(np.linspace(0.5, 4, 6, dtype=np.float32))
    out64 = dev(np.zeros(6))
    g["log_kv"](v, x, out=out64)
    np.testing.assert_array_equal(np.asarray(out64), logbessel.log_kv(np.asarray(v), np.asarray(x)).astype(F64))
    mask = dev(np.array([True, False] * 3))
    out = dev(np.full(6, 42.0, np.float32))
    g["log_kv"](v, x, out=out, where=mask)
    want = np.full(6, 42.0, np.float32)
    logbessel.log_kv(np.asarray(v), np.asarray(x), out=want, where=np.asarray(mask))
    np.testing.assert_array_equal(np.asarray(out), want)
    out = dev(np.full(6, 42.0, np.float32))
    g["log_kv"](v, x, out=out, where=False)
    np.testing.assert_array_equal(np.asarray(out), 42.0)
    # float64 result into a float32 out is refused under same_kind? no: float->float is same_kind
    g["log_kv"](v.astype(F64), x, out=dev(np.zeros(6, np.float32)))
    with pytest.raises(TypeError) as gpu_err:
        g["log_kv"](v, x, out=dev(np.zeros(6, np.int32)))
    with pytest.raises(TypeError) as cpu_err:
        logbessel.log_kv(np.asarray(v), np.asarray(x), out=np.zeros(6, np.int32))
    assert str(gpu_err.value) == str(cpu_err.value)
    with pytest.raises(TypeError):
        g["log_kv"](v.astype(F64), x, out=dev(np.zeros(6, np.float32)), casting="safe")


def test_out_aliasing_inputs(fake):
    _, g = fake
    x0 = np.linspace(0.5, 4, 9)
    want = logbessel.log_iv(2.5, x0)
    x = dev(x0.copy())
    g["log_iv"](2.5, x, out=x)  # element for element: in place
    np.testing.assert_array_equal(np.asarray(x), want)
    x = dev(x0.copy())
    g["log_iv"](2.5, x[::-1], out=x)  # reversed overlap: must go through a temporary
    np.testing.assert_array_equal(np.asarray(x), want[::-1])


def test_dtype_and_signature_keywords(fake):
    _, g = fake
    v = dev(np.array([0.5, 1.5], np.float32))
    assert g["log_iv"](v, 2.0, dtype=np.float64).dtype == F64
    assert_same_as_cpu(g["log_iv"](v, 2.0, dtype=np.float64), "log_iv", v, 2.0, dtype=np.float64)
    with pytest.raises(TypeError, match="both"):
        g["log_iv"](v, 2.0, dtype=np.float64, signature=(None, None, np.float64))
    with pytest.raises(TypeError):
        g["log_iv"](v.astype(F64), 2.0, dtype=np.float32, casting="safe")


def test_errors(fake):
    _, g = fake
    d = dev(np.ones(3))
    with pytest.raises(TypeError, match="NumPy array .* cannot be combined with CuPy arrays"):
        g["log_iv"](np.ones(3), d)
    with pytest.raises(TypeError, match="NumPy array"):
        g["log_iv"](d, d, where=np.ones(3, bool))
    with pytest.raises(TypeError, match="'out' must be a CuPy array"):
        g["log_iv"](d, d, out=np.ones(3))
    with pytest.raises(TypeError, match="unsupported argument 2 of type list"):
        g["log_iv"](d, [1.0, 2.0, 3.0])
    with pytest.raises(TypeError, match="takes 2 positional arguments"):
        g["log_iv"](d)
    with pytest.raises(TypeError):  # no complex loop, as on the CPU
        g["log_iv"](d, 1j)
    with pytest.raises(ValueError, match="non-broadcastable output"):
        g["log_iv"](d, d, out=dev(np.ones(4)))
    with pytest.raises(ValueError, match="different devices"):
        g["log_iv"](d, dev(np.ones(3), device=1))
    with pytest.raises(ValueError, match="casting"):
        g["log_iv"](d, d, casting="bogus")


# ----------------------------------------------------------------------------------------------
# Backend selection, JIT source and header hash, offline NVRTC compile
# ----------------------------------------------------------------------------------------------
def test_requested_backend(monkeypatch):
    for value, want in [("", "auto"), ("AOT", "aot"), (" jit ", "jit"), ("auto", "auto")]:
        monkeypatch.setenv(_gpu_runtime.BACKEND_ENV, value)
        assert _gpu_runtime.requested_backend() == want
    monkeypatch.setenv(_gpu_runtime.BACKEND_ENV, "cuda")
    with pytest.raises(ValueError, match="LOGBESSEL_GPU_BACKEND"):
        _gpu_runtime.requested_backend()
    info = gpu.info()  # never raises
    assert info["requested_backend"].startswith("invalid")


def test_get_include_has_the_headers():
    inc = Path(logbessel.get_include())
    assert (inc / "logbessel" / "logbessel.hpp").is_file()
    assert (inc / "logbessel" / "cuda_kernels.cuh").is_file()


def test_jit_source_carries_the_header_hash(tmp_path):
    import shutil

    inc = tmp_path / "include"
    shutil.copytree(Path(logbessel.get_include()) / "logbessel", inc / "logbessel")
    d1 = _gpu_runtime.header_digest(inc)
    assert d1 == _gpu_runtime.header_digest(Path(logbessel.get_include()))
    with open(inc / "logbessel" / "log_iv.hpp", "a") as f:
        f.write("\n// changed\n")
    d2 = _gpu_runtime.header_digest(inc)
    assert d2 != d1
    for name in gpu.names:
        s1 = _gpu_runtime.jit_source(name, d1, "1.0")
        assert d1 in s1 and f"LOGBESSEL_CUDA_BINARY_KERNELS({name})" in s1
        assert s1 != _gpu_runtime.jit_source(name, d2, "1.0")
    opts = _gpu_runtime.jit_options(inc)
    assert f"-I{inc}" in opts


def _nvrtc():
    if importlib.util.find_spec("cupy_backends") is None:
        return None
    try:
        from cupy_backends.cuda.libs import nvrtc

        nvrtc.getVersion()
    except Exception:  # noqa: BLE001 - CuPy present but NVRTC library missing
        return None
    return nvrtc


def test_jit_kernels_compile_with_nvrtc_offline():
    """The exact JIT sources, with CuPy's options (-ftz=true, default execution space), through
    NVRTC without a device: catches what nvcc accepts and NVRTC does not (no <cmath>, no
    __builtin_nan, ...). PTX for compute_90 only (no ptxas: the AOT build runs ptxas on the
    same kernels), which keeps this to ~3 s."""
    nvrtc = _nvrtc()
    if nvrtc is None:
        pytest.skip("CuPy's NVRTC is not available (pip install cupy-cuda13x nvidia-cuda-nvrtc)")
    inc = Path(logbessel.get_include())
    digest = _gpu_runtime.header_digest(inc)
    # One program with every function (the run-time path compiles one per function; the text
    # is the same apart from the first comment line), to keep this test to a few seconds.
    src = "".join(_gpu_runtime.jit_source(n, digest, "test").split("\n", 1)[1] for n in gpu.names)
    src = src.replace('#include "logbessel/cuda_kernels.cuh"\n', "")
    src = '#include "logbessel/cuda_kernels.cuh"\n' + src
    prog = nvrtc.createProgram(src, "logbessel_jit_check.cu", [], [])
    opts = list(_gpu_runtime.jit_options(inc)) + ["-ftz=true", "-arch=compute_90",
                                                  "--device-as-default-execution-space"]
    try:
        nvrtc.compileProgram(prog, opts)
    except Exception as exc:  # noqa: BLE001
        pytest.fail(f"NVRTC failed: {exc}\n{nvrtc.getProgramLog(prog)}")
    finally:
        log = nvrtc.getProgramLog(prog)
    assert "warning" not in log.lower(), log
    ptx = nvrtc.getPTX(prog)
    ptx = ptx.decode() if isinstance(ptx, bytes) else ptx
    for name in gpu.names:
        for suffix in ("f32", "f64"):
            assert f".entry logbessel_{name}_{suffix}(" in ptx


# ----------------------------------------------------------------------------------------------
# Registration with CuPy's __array_ufunc__ and import behaviour
# ----------------------------------------------------------------------------------------------
def _run_python(code: str, **env) -> str:
    full_env = {k: v for k, v in os.environ.items() if not k.startswith("LOGBESSEL_")}
    full_env.update(env)
    r = subprocess.run([sys.executable, "-c", textwrap.dedent(code)], capture_output=True, text=True,
                       env=full_env, timeout=120, check=False)
    assert r.returncode == 0, r.stderr
    return r.stdout.strip()


def test_import_without_cupy_imports_nothing_gpu():
    out = _run_python("""
        import sys
        sys.modules["cupy"] = None  # as if CuPy were not installed
        import logbessel
        print(sorted(m for m in sys.modules if m.startswith("cupy") or "gpu" in m or "_cuda" in m))
    """)
    assert out == "['cupy']"  # only the None placeholder set above


@pytest.mark.skipif(importlib.util.find_spec("cupy") is None, reason="CuPy is not installed")
def test_registration_with_cupy():
    import cupyx.scipy.special as special

    for name in gpu.names:
        assert getattr(special, name) is getattr(gpu, name)
    assert set(gpu.info()["cupy_dispatch"].values()) == {"registered"}
    # opt-out: CuPy is not even imported
    out = _run_python("""
        import sys, logbessel
        print("cupy" in sys.modules, hasattr(sys.modules.get("cupyx.scipy.special"), "log_iv"))
    """, LOGBESSEL_CUPY_DISPATCH="0")
    assert out == "False False"


@pytest.mark.skipif(importlib.util.find_spec("cupy") is None, reason="CuPy is not installed")
def test_registration_never_replaces_a_cupy_name(monkeypatch):
    import cupyx.scipy.special as special

    name = gpu.names[-1]
    sentinel = object()
    monkeypatch.setattr(special, name, sentinel)
    res = gpu.register_cupy_dispatch()
    try:
        assert getattr(special, name) is sentinel
        assert res[name].startswith("skipped")
    finally:
        monkeypatch.undo()
        gpu.register_cupy_dispatch()


@pytest.mark.skipif(importlib.util.find_spec("cupy") is None, reason="CuPy is not installed")
def test_forced_aot_without_module_is_a_clear_error(monkeypatch):
    monkeypatch.setenv(_gpu_runtime.BACKEND_ENV, "aot")
    monkeypatch.setattr(_gpu_runtime, "_runtimes", {})
    monkeypatch.setattr(_gpu_runtime, "load_aot", lambda: (None, "logbessel._cuda is not built"))
    with pytest.raises(RuntimeError, match="LOGBESSEL_GPU_BACKEND=aot but logbessel._cuda is not built"):
        gpu.backend()
    monkeypatch.setenv(_gpu_runtime.BACKEND_ENV, "jit")
    assert gpu.backend() == "jit"


# ==============================================================================================
# On a device
# ==============================================================================================
def _device_skip_reason() -> str | None:
    if importlib.util.find_spec("cupy") is None:
        return "CuPy is not installed"
    try:
        import cupy

        n = cupy.cuda.runtime.getDeviceCount()
    except Exception as exc:  # noqa: BLE001 - no driver, no device, broken install
        return f"no CUDA device ({type(exc).__name__}: {exc})"
    return None if n > 0 else "no CUDA device"


_NO_DEVICE = _device_skip_reason()
BACKENDS = ["aot", "jit"]


@pytest.fixture(params=BACKENDS)
def gpu_backend(request, monkeypatch, tmp_path_factory):
    kind = request.param
    if kind == "aot" and _gpu_runtime.load_aot()[0] is None:
        pytest.skip("logbessel._cuda is not built (pip install . -Ccmake.define.LOGBESSEL_CUDA=ON)")
    monkeypatch.setenv(_gpu_runtime.BACKEND_ENV, kind)
    # A fresh CuPy kernel cache: the JIT kernels are compiled from this checkout's headers.
    monkeypatch.setenv("CUPY_CACHE_DIR", str(tmp_path_factory.mktemp("cupy-cache")))
    assert gpu.backend() == kind
    return kind


def _subnormal(a, dtype):
    a = np.abs(np.asarray(a, dtype=np.float64))
    return (a > 0) & (a < np.finfo(dtype).tiny)


@pytest.mark.skipif(_NO_DEVICE is not None, reason=f"GPU tests need CuPy and a device: {_NO_DEVICE}")
class TestOnDevice:
    # ---- accuracy against the Arb tables, same bounds as tests/test_accuracy.py ----
    @pytest.mark.parametrize("dtype", acc.DTYPES)
    @pytest.mark.parametrize("func", acc.FUNCS)
    def test_reference_tables(self, gpu_backend, func, dtype):
        import cupy

        from test_accuracy import KNOWN_SHORTFALLS, TARGET_MAX_ABS, bound

        t = acc.load_table(dtype)
        v, x = t.v.astype(dtype), t.x.astype(dtype)
        got = cupy.asnumpy(getattr(logbessel, func)(cupy.asarray(v), cupy.asarray(x)))
        keep = np.ones(len(t), bool)
        if dtype == "float32" and gpu_backend == "jit":
            # JIT = NVRTC with -ftz=true: float32 subnormal inputs are read as zero. Those rows
            # are checked against the value at zero below, not against the table.
            flushed = _subnormal(v, np.float32) | _subnormal(x, np.float32)
            keep &= ~flushed
            if flushed.any():
                vz = np.where(_subnormal(v, np.float32), np.float32(0), v)
                xz = np.where(_subnormal(x, np.float32), np.float32(0), x)
                at_zero = getattr(logbessel, func)(vz[flushed], xz[flushed])
                np.testing.assert_array_equal(got[flushed], at_zero)
        err_abs, err_rel, failure = acc.errors(got[keep], t.hi[func][keep], t.lo[func][keep], dtype)
        assert not failure.any(), (func, dtype, np.flatnonzero(keep)[failure][:5])
        for cat in t.categories:
            m = t.category[keep] == cat
            if not m.any():
                continue
            limit = max(TARGET_MAX_ABS, KNOWN_SHORTFALLS.get((func, dtype, cat), (0,))[0])
            assert err_abs[m].max() <= limit, (cat, float(err_abs[m].max()))
            p99 = bound(func, dtype, cat)[1]
            if p99 is not None:
                assert np.quantile(err_rel[m], 0.99) <= p99, cat

    @pytest.mark.parametrize("dtype", acc.DTYPES)
    @pytest.mark.parametrize("func", acc.FUNCS)
    def test_agrees_with_cpu(self, gpu_backend, func, dtype):
        """GPU vs CPU ufunc on the table points: same non-finite pattern, within 2 units of
        eps * max(1, |f|) (FMA contraction and CUDA's libm differ from glibc by an ulp or so)."""
        import cupy

        t = acc.load_table(dtype)
        v, x = t.v.astype(dtype), t.x.astype(dtype)
        keep = np.ones(len(t), bool)
        if dtype == "float32" and gpu_backend == "jit":
            keep = ~(_subnormal(v, np.float32) | _subnormal(x, np.float32))
        v, x = v[keep], x[keep]
        cpu = getattr(logbessel, func)(v, x).astype(np.float64)
        got = cupy.asnumpy(getattr(logbessel.gpu, func)(cupy.asarray(v), cupy.asarray(x))).astype(np.float64)
        np.testing.assert_array_equal(np.isnan(got), np.isnan(cpu))
        fin = np.isfinite(cpu)
        np.testing.assert_array_equal(got[~fin], cpu[~fin])
        diff = np.abs(got[fin] - cpu[fin]) / (acc.EPS[dtype] * np.maximum(1, np.abs(cpu[fin])))
        print(f"\n{func}[{dtype}] {gpu_backend}: bitwise equal {np.mean(diff == 0):.1%}, "
              f"max {diff.max():.2f} eps")
        assert diff.max() <= 2.0

    def test_float32_subnormals(self, gpu_backend):
        """AOT keeps float32 subnormals (as the CPU); JIT flushes them to zero (CuPy's -ftz=true)."""
        import cupy

        x = np.array([1e-40, 1e-45, 1e-39], np.float32)
        v = np.array([0.0, 0.5, 3.0], np.float32)
        got = cupy.asnumpy(logbessel.log_iv(cupy.asarray(v), cupy.asarray(x)))
        if gpu_backend == "aot":
            np.testing.assert_array_equal(got, logbessel.log_iv(v, x))
        else:
            np.testing.assert_array_equal(got, logbessel.log_iv(v, np.zeros(3, np.float32)))

    # ---- API on real CuPy arrays ----
    def test_api(self, gpu_backend):
        import cupy

        v = cupy.linspace(0, 5, 12).reshape(3, 4)
        x = cupy.linspace(0.1, 9, 4)
        for name in gpu.names:
            ufunc = getattr(logbessel, name)
            res = ufunc(v, x)  # through the true ufunc and CuPy's __array_ufunc__
            assert isinstance(res, cupy.ndarray) and res.shape == (3, 4) and res.dtype == F64
            np.testing.assert_array_equal(cupy.asnumpy(res), cupy.asnumpy(getattr(gpu, name)(v, x)))
            np.testing.assert_allclose(cupy.asnumpy(res), ufunc(cupy.asnumpy(v), cupy.asnumpy(x)),
                                       rtol=1e-14, atol=1e-14)
            assert ufunc(v.astype(F32), 2.0).dtype == F32  # NEP 50 weak scalar
            assert ufunc(v.astype(F32), np.float64(2.0)).dtype == F64
            assert ufunc(cupy.arange(3), 2.0).dtype == F64
            out = cupy.empty((3, 4), F32)
            assert ufunc(v, x, out=out) is out
            assert ufunc(v[:, ::2], x[::2]).shape == (3, 2)  # non-contiguous
            assert ufunc(v.T, 1.5).shape == (4, 3)
            assert ufunc(cupy.empty((0, 4)), x).shape == (0, 4)
            with pytest.raises(TypeError, match="NumPy array"):
                ufunc(np.ones(4), x)

    def test_stream(self, gpu_backend):
        import cupy

        x = cupy.linspace(0.1, 50, 1_000_003)
        want = cupy.asnumpy(logbessel.log_kv(2.5, x))
        s = cupy.cuda.Stream(non_blocking=True)
        with s:
            res = logbessel.log_kv(2.5, x)
        s.synchronize()
        np.testing.assert_array_equal(cupy.asnumpy(res), want)

    def test_dask_of_cupy_chunks(self, gpu_backend):
        da = pytest.importorskip("dask.array")
        import cupy

        x = da.from_array(cupy.linspace(0.1, 20, 1000), chunks=250)
        lazy = logbessel.log_iv(1.5, x)
        assert isinstance(lazy, da.Array)
        res = lazy.compute()
        assert isinstance(res, cupy.ndarray)
        np.testing.assert_array_equal(cupy.asnumpy(res),
                                      cupy.asnumpy(logbessel.gpu.log_iv(1.5, cupy.linspace(0.1, 20, 1000))))

    def test_large_array_grid_stride(self, gpu_backend):
        import cupy

        n = 3 * 2**20 + 7
        x = cupy.random.default_rng(0).uniform(0.01, 100, n)
        res = logbessel.log_iv(0.5, x)  # closed form: log sinh(x) + log(2 / (pi x)) / 2
        xs = cupy.asnumpy(x)
        want = np.log(-np.expm1(-2 * xs)) + xs - np.log(2.0) + 0.5 * np.log(2 / (np.pi * xs))
        np.testing.assert_allclose(cupy.asnumpy(res), want, rtol=1e-13, atol=1e-13)
        assert math.isfinite(float(res[-1]))
